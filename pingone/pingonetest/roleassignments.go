package pingonetest

import (
	"net/http"
	"slices"
)

// subjectRef is the user, application or group whose role assignments a
// request handles.
type subjectRef struct {
	kind, id, envID, selfURL string
	t                        target
	// dynamic is set for a group with a userFilter.
	dynamic bool
}

// Actions on role assignments, as in the permission identifiers.
const (
	actionRead   = "read"
	actionCreate = "create"
	actionDelete = "delete"
)

// assignmentPerm is the permission for action on kind's role assignments.
// Group role assignments have one permission per action
// (permissions:{create,read,delete}:groupRoleAssignments). For users and
// applications only the read identifier is confirmed; adding and removing
// both need permissions:update:… [unconfirmed].
func assignmentPerm(kind, action string) string {
	if kind == subjectGroup {
		return "permissions:" + action + ":groupRoleAssignments"
	}
	if action != actionRead {
		action = "update"
	}
	if kind == subjectUser {
		return "permissions:" + action + ":userRoleAssignments"
	}
	return "permissions:" + action + ":applicationRoleAssignments"
}

// subjectFor resolves the path's subject and checks the permission for
// action on it. A group is checked at its environment (groups belonging to a
// population are not modelled).
func (c *call) subjectFor(kind, action string) (subjectRef, bool) {
	envID := c.vars["envID"]
	perm := assignmentPerm(kind, action)
	envURL := c.base() + "/v1/environments/" + envID
	var ref subjectRef
	found := false
	switch kind {
	case subjectUser:
		if u := c.s.st.user(envID, c.vars["userID"]); u != nil {
			ref = subjectRef{kind: kind, id: u.id, envID: envID, t: userTarget(u), selfURL: envURL + "/users/" + u.id}
			found = true
		}
	case subjectApp:
		if a := c.s.st.app(envID, c.vars["appID"]); a != nil {
			ref = subjectRef{kind: kind, id: a.id, envID: envID, t: appTarget(a), selfURL: envURL + "/applications/" + a.id}
			found = true
		}
	case subjectGroup:
		if g := c.s.st.group(envID, c.vars["groupID"]); g != nil {
			ref = subjectRef{kind: kind, id: g.id, envID: envID, t: target{envID: envID}, selfURL: envURL + "/groups/" + g.id,
				dynamic: g.userFilter != ""}
			found = true
		}
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
//
// An assignment of a group the actor is a member of counts as the actor's own
// [unconfirmed]: PingOne documents that an identity cannot remove its own
// assignments, not how that extends to its groups'.
func (s *Server) readOnly(a *actor, ra *roleAssignment) bool {
	if ra.subjectKind == a.kind && ra.subjectID == a.id {
		return true
	}
	if ra.subjectKind == subjectGroup && a.kind == subjectUser {
		if g, u := s.st.group(a.envID, ra.subjectID), s.st.user(a.envID, a.id); g != nil && u != nil && s.st.isMember(g, u) {
			return true
		}
	}
	r := s.st.role(ra.roleID)
	t, ok := s.scopeTarget(ra.scopeType, ra.scopeID)
	return r == nil || !ok || !s.canAssignAt(a, r.Name, t)
}

func (s *Server) renderAssignment(c *call, ref subjectRef, ra *roleAssignment) map[string]any {
	m := map[string]any{
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
	if ra.subjectKind == subjectGroup {
		m["group"] = map[string]any{"id": ra.subjectID}
	}
	return m
}

func (s *Server) listAssignments(c *call, kind string) {
	ref, ok := c.subjectFor(kind, actionRead)
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
	ref, ok := c.subjectFor(kind, actionRead)
	if !ok {
		return
	}
	if ra := s.findAssignment(c, ref); ra != nil {
		c.json(http.StatusOK, s.renderAssignment(c, ref, ra))
	}
}

// createAssignment is POST …/roleAssignments (201). Refusals, in order:
// malformed body, a dynamic group (400), unknown role, unknown scope type,
// role not applicable to the scope type, unknown scope ID, DaVinci role for
// an application (400); the actor holds no role that can assign this role at
// a scope covering the requested one (403, [unconfirmed] status); the subject
// already holds the role itself at the same or a broader scope (400
// UNIQUENESS_VIOLATION; a user holding the role through a group is not a
// duplicate [unconfirmed]).
//
// The new assignment is listed at once but gives its holder powers only
// after the propagation delay (SetPropagationDelay).
func (s *Server) createAssignment(c *call, kind string) {
	ref, ok := c.subjectFor(kind, actionCreate)
	if !ok {
		return
	}
	body, ok := c.decodeBody(false)
	if !ok {
		return
	}
	if ref.dynamic {
		// Roles cannot go on a group with a userFilter (Ping's "Group roles"
		// page). [unconfirmed] the status, codes and target of the refusal.
		c.invalid(invalidValue("group", "Roles cannot be assigned to a dynamic group (a group with a userFilter).", nil))
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
		roleID: r.ID, scopeType: scopeType, scopeID: scopeID, viaAPI: true, createdAt: s.now()}
	s.st.assignments = append(s.st.assignments, ra)
	c.json(http.StatusCreated, s.renderAssignment(c, ref, ra))
}

// deleteAssignment is DELETE (204); a read-only assignment gives 400 with
// the message the SDK retries on.
func (s *Server) deleteAssignment(c *call, kind string) {
	ref, ok := c.subjectFor(kind, actionDelete)
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

func (s *Server) listUserRoleAssignments(c *call)   { s.listAssignments(c, subjectUser) }
func (s *Server) getUserRoleAssignment(c *call)     { s.getAssignment(c, subjectUser) }
func (s *Server) createUserRoleAssignment(c *call)  { s.createAssignment(c, subjectUser) }
func (s *Server) deleteUserRoleAssignment(c *call)  { s.deleteAssignment(c, subjectUser) }
func (s *Server) listAppRoleAssignments(c *call)    { s.listAssignments(c, subjectApp) }
func (s *Server) getAppRoleAssignment(c *call)      { s.getAssignment(c, subjectApp) }
func (s *Server) createAppRoleAssignment(c *call)   { s.createAssignment(c, subjectApp) }
func (s *Server) deleteAppRoleAssignment(c *call)   { s.deleteAssignment(c, subjectApp) }
func (s *Server) listGroupRoleAssignments(c *call)  { s.listAssignments(c, subjectGroup) }
func (s *Server) getGroupRoleAssignment(c *call)    { s.getAssignment(c, subjectGroup) }
func (s *Server) createGroupRoleAssignment(c *call) { s.createAssignment(c, subjectGroup) }
func (s *Server) deleteGroupRoleAssignment(c *call) { s.deleteAssignment(c, subjectGroup) }
