package pingonetest

import (
	"net/http"
	"slices"
	"time"
)

func appTarget(a *application) target { return target{envID: a.envID, appID: a.id} }

// appFor looks up the path's application and checks perm on it. A missing
// application is 404 when the actor could hold perm somewhere in the
// environment, otherwise 403.
func (c *call) appFor(perm string) *application {
	envID := c.vars["envID"]
	a := c.s.st.app(envID, c.vars["appID"])
	if a == nil {
		if c.s.canSomewhereIn(c.actor, perm, envID) {
			c.notFound()
		} else {
			c.forbidden()
		}
		return nil
	}
	if !c.require(perm, appTarget(a)) {
		return nil
	}
	return a
}

// listApplications needs applications:read:application somewhere in the
// environment and lists the applications it covers (an APPLICATION-scoped
// Application Owner sees only its own).
func (s *Server) listApplications(c *call) {
	envID := c.vars["envID"]
	if !s.canSomewhereIn(c.actor, "applications:read:application", envID) {
		c.forbidden()
		return
	}
	var items []map[string]any
	for _, a := range s.st.apps {
		if a.envID == envID && s.can(c.actor, "applications:read:application", appTarget(a)) {
			items = append(items, renderApp(c.base(), a))
		}
	}
	c.list("applications", items, 0)
}

func (s *Server) getApplication(c *call) {
	if a := c.appFor("applications:read:application"); a != nil {
		c.json(http.StatusOK, renderApp(c.base(), a))
	}
}

// createApplication is POST /environments/{envID}/applications (201).
// Duplicate names are allowed [unconfirmed: PingOne does not enforce unique
// application names]. A WORKER created without assignActorRoles: false
// inherits copies of the creator's role assignments.
func (s *Server) createApplication(c *call) {
	envID := c.vars["envID"]
	if !c.require("applications:create:application", target{envID: envID}) {
		return
	}
	body, ok := c.decodeBody(false)
	if !ok {
		return
	}
	var errs []detail
	assignActor := true
	if v, present := body["assignActorRoles"]; present && v != nil {
		b, isBool := v.(bool)
		if !isBool {
			errs = append(errs, invalidValue("assignActorRoles", "assignActorRoles must be a boolean.", nil))
		}
		assignActor = b
	}
	if v, present := body["clientId"]; present && v != nil {
		// [unconfirmed] importing a client ID needs an environment feature flag
		// the simulator's environments do not have.
		errs = append(errs, invalidValue("clientId", "clientId can be set only in environments enabled for application import.", nil))
	}
	fields, verrs := normalizeApp(body, s.st, envID, nil)
	errs = append(errs, verrs...)
	if len(errs) > 0 {
		c.invalid(errs...)
		return
	}
	now := s.now()
	a := &application{id: s.newID(), envID: envID, fields: fields, secret: s.newSecret(), createdAt: now, updatedAt: now}
	s.st.apps = append(s.st.apps, a)
	if a.str("type") == "WORKER" && assignActor {
		// The worker gets copies of the creator's effective assignments,
		// those it holds through its groups included [unconfirmed], once
		// per role and scope. The copies propagate like any assignment made
		// through the API.
		var copied []*roleAssignment
		for _, ra := range s.actorAssignments(c.actor) {
			if r := s.st.role(ra.roleID); r != nil && isDaVinciRole(r.Name) {
				continue // DaVinci roles cannot be given to a worker [doc BAR]
			}
			if slices.ContainsFunc(copied, func(x *roleAssignment) bool {
				return x.roleID == ra.roleID && x.scopeType == ra.scopeType && x.scopeID == ra.scopeID
			}) {
				continue
			}
			cp := &roleAssignment{id: s.newID(), envID: envID, subjectKind: subjectApp, subjectID: a.id,
				roleID: ra.roleID, scopeType: ra.scopeType, scopeID: ra.scopeID, viaAPI: true, createdAt: now}
			copied = append(copied, cp)
			s.st.assignments = append(s.st.assignments, cp)
		}
	}
	c.w.Header().Set("Location", c.base()+"/v1/environments/"+envID+"/applications/"+a.id)
	c.json(http.StatusCreated, renderApp(c.base(), a))
}

// updateApplication is PUT: a full replace. Fields not sent are cleared and
// server defaults re-applied; read-only fields and assignActorRoles are
// ignored; changing type is refused.
func (s *Server) updateApplication(c *call) {
	a := c.appFor("applications:update:application")
	if a == nil {
		return
	}
	body, ok := c.decodeBody(false)
	if !ok {
		return
	}
	fields, errs := normalizeApp(body, s.st, a.envID, a)
	if len(errs) > 0 {
		c.invalid(errs...)
		return
	}
	a.fields = fields
	a.updatedAt = s.now()
	c.json(http.StatusOK, renderApp(c.base(), a))
}

// deleteApplication is DELETE (204); the app's grants and role assignments,
// and assignments scoped to it, go with it.
func (s *Server) deleteApplication(c *call) {
	a := c.appFor("applications:delete:application")
	if a == nil {
		return
	}
	st := s.st
	st.apps = deleteWhere(st.apps, func(x *application) bool { return x == a })
	st.grants = deleteWhere(st.grants, func(g *grant) bool { return g.appID == a.id })
	st.sopas = deleteWhere(st.sopas, func(x *sopAssignment) bool { return x.appID == a.id })
	st.assignments = deleteWhere(st.assignments, func(ra *roleAssignment) bool {
		return (ra.subjectKind == subjectApp && ra.subjectID == a.id) || (ra.scopeType == ScopeApplication && ra.scopeID == a.id)
	})
	c.noContent()
}

func deleteWhere[T any](l []T, drop func(T) bool) []T {
	out := l[:0]
	for _, x := range l {
		if !drop(x) {
			out = append(out, x)
		}
	}
	clear(l[len(out):])
	return out
}

// ---- secret -------------------------------------------------------------------

// workerSecretAllowed enforces PingOne's rule for WORKER secrets: none of the
// worker's role assignments may be read-only to the actor (that is, the actor
// could assign and remove each of them, pingone-api.md §5: "the actor must not
// see any of the app's role assignments as readOnly"), and a worker can never
// read its own secret. Failure: 403 with PingOne's message.
func (c *call) workerSecretAllowed(a *application) bool {
	if a.str("type") != "WORKER" {
		return true
	}
	self := c.actor.kind == subjectApp && c.actor.id == a.id
	if self || c.s.anyReadOnly(c.actor, c.s.st.assignmentsOf(subjectApp, a.id)) {
		c.fail(http.StatusForbidden, "ACCESS_FAILED", msgAccessFailed, detail{Code: "INSUFFICIENT_PERMISSIONS",
			Message: "Actor does not have permissions to access worker application client secrets"})
		return false
	}
	return true
}

func (s *Server) renderSecret(c *call, a *application) map[string]any {
	envURL := c.base() + "/v1/environments/" + a.envID
	appURL := envURL + "/applications/" + a.id
	m := map[string]any{
		"_links": map[string]any{
			"self":        href(appURL + "/secret"),
			"environment": href(envURL),
			"application": href(appURL),
		},
		"environment": map[string]any{"id": a.envID},
		"secret":      a.secret,
	}
	// previous is returned only while it is unexpired.
	if p := a.previous; p != nil && s.now().Before(p.expiresAt) {
		pm := map[string]any{"secret": p.secret, "expiresAt": ts(p.expiresAt)}
		if !p.lastUsed.IsZero() {
			pm["lastUsed"] = ts(p.lastUsed)
		}
		m["previous"] = pm
	}
	return m
}

func (s *Server) getSecret(c *call) {
	a := c.appFor("applications:read:secret")
	if a == nil || !c.workerSecretAllowed(a) {
		return
	}
	c.json(http.StatusOK, s.renderSecret(c, a))
}

// rotateSecret is POST …/secret (200). An optional body
// {"previous":{"expiresAt":…}} keeps the old secret valid until then (1 minute
// to 30 days out); without it the old secret stops working at once.
func (s *Server) rotateSecret(c *call) {
	a := c.appFor("applications:update:secret")
	if a == nil || !c.workerSecretAllowed(a) {
		return
	}
	body, ok := c.decodeBody(true)
	if !ok {
		return
	}
	var prev *previousSecret
	if p, present := body["previous"]; present && p != nil {
		pm, _ := p.(map[string]any)
		raw, _ := pm["expiresAt"].(string)
		if raw == "" {
			c.invalid(required("previous.expiresAt"))
			return
		}
		exp, err := time.Parse(time.RFC3339Nano, raw)
		if err != nil {
			c.invalid(invalidValue("previous.expiresAt", "previous.expiresAt must be an ISO-8601 date-time.", nil))
			return
		}
		now := s.now()
		if exp.Before(now.Add(time.Minute)) || exp.After(now.Add(30*24*time.Hour)) {
			c.invalid(detail{Code: "OUT_OF_RANGE", Target: "previous.expiresAt",
				Message: "previous.expiresAt must be between 1 minute and 30 days from now."})
			return
		}
		prev = &previousSecret{secret: a.secret, expiresAt: exp.UTC()}
	}
	a.previous = prev
	a.secret = s.newSecret()
	a.updatedAt = s.now()
	c.json(http.StatusOK, s.renderSecret(c, a))
}

// deletePreviousSecret is DELETE …/secret (204): the previous secret stops
// working now.
func (s *Server) deletePreviousSecret(c *call) {
	a := c.appFor("applications:delete:secret")
	if a == nil || !c.workerSecretAllowed(a) {
		return
	}
	a.previous = nil
	c.noContent()
}
