package pingonetest

import (
	"net/http"
	"slices"
)

// subjectRef is the user or application whose role assignments a request
// handles.
type subjectRef struct {
	kind, id, envID, selfURL string
	t                        target
}

func assignmentPerm(kind, action string) string {
	if kind == subjectUser {
		return "permissions:" + action + ":userRoleAssignments"
	}
	return "permissions:" + action + ":applicationRoleAssignments"
}

// subjectFor resolves the path's subject and checks perm (read or update) on
// it.
func (c *call) subjectFor(kind, action string) (subjectRef, bool) {
	envID := c.vars["envID"]
	perm := assignmentPerm(kind, action)
	var ref subjectRef
	found := false
	if kind == subjectUser {
		if u := c.s.st.user(envID, c.vars["userID"]); u != nil {
			ref = subjectRef{kind: kind, id: u.id, envID: envID, t: userTarget(u),
				selfURL: c.base() + "/v1/environments/" + envID + "/users/" + u.id}
			found = true
		}
	} else if a := c.s.st.app(envID, c.vars["appID"]); a != nil {
		ref = subjectRef{kind: kind, id: a.id, envID: envID, t: appTarget(a),
			selfURL: c.base() + "/v1/environments/" + envID + "/applications/" + a.id}
		found = true
	}
	if !found {
		if c.s.canSomewhereIn(c.actor, perm, envID) {
			c.notFound()
		} else {
			c.forbidden()
		}
		return ref, false
	}
	if !c.require(perm, ref.t) {
		return ref, false
	}
	return ref, true
}

// readOnly is true when the actor could not delete ra: it is the actor's
// own, or the actor holds no role able to assign ra's role at a scope
// covering ra's scope.
func (s *Server) readOnly(a *actor, ra *roleAssignment) bool {
	if ra.subjectKind == a.kind && ra.subjectID == a.id {
		return true
	}
	r := s.st.role(ra.roleID)
	t, ok := s.scopeTarget(ra.scopeType, ra.scopeID)
	return r == nil || !ok || !s.canAssignAt(a, r.Name, t)
}

func (s *Server) renderAssignment(c *call, ref subjectRef, ra *roleAssignment) map[string]any {
	return map[string]any{
		"_links": map[string]any{
			"self":        href(ref.selfURL + "/roleAssignments/" + ra.id),
			"role":        href(c.base() + "/v1/roles/" + ra.roleID),
			"environment": href(c.base() + "/v1/environments/" + ra.envID),
		},
		"id":          ra.id,
		"role":        map[string]any{"id": ra.roleID},
		"scope":       map[string]any{"id": ra.scopeID, "type": ra.scopeType},
		"environment": map[string]any{"id": ra.envID},
		"readOnly":    s.readOnly(c.actor, ra),
	}
}

func (s *Server) listAssignments(c *call, kind string) {
	ref, ok := c.subjectFor(kind, "read")
	if !ok {
		return
	}
	var items []map[string]any
	for _, ra := range s.st.assignmentsOf(kind, ref.id) {
		items = append(items, s.renderAssignment(c, ref, ra))
	}
	c.list("roleAssignments", items, 0)
}

func (s *Server) findAssignment(c *call, ref subjectRef) *roleAssignment {
	for _, ra := range s.st.assignmentsOf(ref.kind, ref.id) {
		if ra.id == c.vars["raID"] {
			return ra
		}
	}
	c.notFound()
	return nil
}

func (s *Server) getAssignment(c *call, kind string) {
	ref, ok := c.subjectFor(kind, "read")
	if !ok {
		return
	}
	if ra := s.findAssignment(c, ref); ra != nil {
		c.json(http.StatusOK, s.renderAssignment(c, ref, ra))
	}
}

// createAssignment is POST …/roleAssignments (201). Refusals, in order:
// malformed body, unknown role, unknown scope type, role not applicable to
// the scope type, unknown scope ID, DaVinci role for an application (400);
// the actor holds no role that can assign this role at a scope covering the
// requested one (403, [unconfirmed] status); the subject already holds the
// role at the same or a broader scope (400 UNIQUENESS_VIOLATION).
func (s *Server) createAssignment(c *call, kind string) {
	ref, ok := c.subjectFor(kind, "update")
	if !ok {
		return
	}
	body, ok := c.decodeBody(false)
	if !ok {
		return
	}
	rm, _ := body["role"].(map[string]any)
	sm, _ := body["scope"].(map[string]any)
	roleID, _ := rm["id"].(string)
	scopeID, _ := sm["id"].(string)
	scopeType, _ := sm["type"].(string)
	var errs []detail
	if roleID == "" {
		errs = append(errs, required("role.id"))
	}
	if scopeID == "" {
		errs = append(errs, required("scope.id"))
	}
	if scopeType == "" {
		errs = append(errs, required("scope.type"))
	}
	if len(errs) > 0 {
		c.invalid(errs...)
		return
	}
	r := s.st.role(roleID)
	if r == nil {
		c.invalid(detail{Code: "INVALID_VALUE", Target: "role", Message: "Role " + roleID + " does not exist.",
			Inner: map[string]any{"referencedValues": []string{roleID}}})
		return
	}
	scopeTypes := []string{ScopeOrganization, ScopeEnvironment, ScopePopulation, ScopeApplication}
	if !slices.Contains(scopeTypes, scopeType) {
		c.invalid(invalidValue("scope", "scope.type must be one of ORGANIZATION, ENVIRONMENT, POPULATION, APPLICATION.", scopeTypes))
		return
	}
	if !r.applicable(scopeType) {
		c.invalid(invalidValue("scope", "Role "+r.Name+" cannot be assigned at scope type "+scopeType+".", r.ApplicableTo))
		return
	}
	t, exists := s.scopeTarget(scopeType, scopeID)
	if !exists {
		c.invalid(detail{Code: "INVALID_VALUE", Target: "scope", Message: "Scope " + scopeType + " " + scopeID + " does not exist.",
			Inner: map[string]any{"referencedValues": []string{scopeID}}})
		return
	}
	if kind == subjectApp && isDaVinciRole(r.Name) {
		c.invalid(invalidValue("role", "Role "+r.Name+" cannot be assigned to an application.", nil))
		return
	}
	if !s.canAssignAt(c.actor, r.Name, t) {
		c.fail(http.StatusForbidden, "ACCESS_FAILED", msgAccessFailed, detail{Code: "INSUFFICIENT_PERMISSIONS",
			Message: "Must have role at the same or broader scope to assign role " + r.Name + "."})
		return
	}
	for _, ex := range s.st.assignmentsOf(kind, ref.id) {
		if ex.roleID == r.ID && s.covers(ex, t) {
			c.invalid(detail{Code: "UNIQUENESS_VIOLATION", Target: "role", Message: "May not assign duplicate Role"})
			return
		}
	}
	ra := &roleAssignment{id: s.newID(), envID: ref.envID, subjectKind: kind, subjectID: ref.id,
		roleID: r.ID, scopeType: scopeType, scopeID: scopeID}
	s.st.assignments = append(s.st.assignments, ra)
	c.json(http.StatusCreated, s.renderAssignment(c, ref, ra))
}

// deleteAssignment is DELETE (204); a read-only assignment gives 400 with
// the message the SDK retries on.
func (s *Server) deleteAssignment(c *call, kind string) {
	ref, ok := c.subjectFor(kind, "update")
	if !ok {
		return
	}
	ra := s.findAssignment(c, ref)
	if ra == nil {
		return
	}
	if s.readOnly(c.actor, ra) {
		msg := "Role assignment " + ra.id + " cannot be deleted as it is read only"
		// [unconfirmed] top-level code; the message text is from the SDK.
		c.fail(http.StatusBadRequest, "INVALID_REQUEST", msg, detail{Code: "INVALID_VALUE", Target: "readOnly", Message: msg})
		return
	}
	s.st.assignments = deleteWhere(s.st.assignments, func(x *roleAssignment) bool { return x == ra })
	c.noContent()
}

func (s *Server) listUserRoleAssignments(c *call)  { s.listAssignments(c, subjectUser) }
func (s *Server) getUserRoleAssignment(c *call)    { s.getAssignment(c, subjectUser) }
func (s *Server) createUserRoleAssignment(c *call) { s.createAssignment(c, subjectUser) }
func (s *Server) deleteUserRoleAssignment(c *call) { s.deleteAssignment(c, subjectUser) }
func (s *Server) listAppRoleAssignments(c *call)   { s.listAssignments(c, subjectApp) }
func (s *Server) getAppRoleAssignment(c *call)     { s.getAssignment(c, subjectApp) }
func (s *Server) createAppRoleAssignment(c *call)  { s.createAssignment(c, subjectApp) }
func (s *Server) deleteAppRoleAssignment(c *call)  { s.deleteAssignment(c, subjectApp) }
