package pingonetest

import (
	"net/http"
	"strings"
)

// actor is who a Management API call acts as: the token's sub user (user
// tokens) or its client_id application (client-credentials tokens). Its
// powers are its own role assignments.
type actor struct {
	kind, id, envID string
}

// authenticate verifies the bearer token. Missing, malformed, badly signed or
// expired tokens, and tokens whose subject no longer exists, get 401
// ACCESS_FAILED / INVALID_TOKEN.
func (c *call) authenticate() bool {
	h := c.r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(tok) == "" {
		c.unauthorized()
		return false
	}
	claims, err := c.s.verify(strings.TrimSpace(tok))
	if err != nil {
		c.unauthorized()
		return false
	}
	envID, _ := claims["env"].(string)
	if sub, _ := claims["sub"].(string); sub != "" {
		if c.s.st.user(envID, sub) == nil {
			c.unauthorized()
			return false
		}
		c.actor = &actor{kind: subjectUser, id: sub, envID: envID}
		return true
	}
	clientID, _ := claims["client_id"].(string)
	if c.s.st.app(envID, clientID) == nil {
		c.unauthorized()
		return false
	}
	c.actor = &actor{kind: subjectApp, id: clientID, envID: envID}
	return true
}

// target is what a permission is checked against. An empty envID means the
// organization itself.
type target struct {
	envID, popID, appID string
}

// covers reports whether an assignment's scope covers t: ORGANIZATION covers
// every environment of the organization, ENVIRONMENT only that environment,
// POPULATION only users (and the population) in it, APPLICATION only that app.
func (s *Server) covers(ra *roleAssignment, t target) bool {
	switch ra.scopeType {
	case ScopeOrganization:
		return ra.scopeID == s.st.org.id && (t.envID == "" || s.st.env(t.envID) != nil)
	case ScopeEnvironment:
		return t.envID != "" && ra.scopeID == t.envID
	case ScopePopulation:
		return t.popID != "" && ra.scopeID == t.popID
	case ScopeApplication:
		return t.appID != "" && ra.scopeID == t.appID
	}
	return false
}

// scopeTarget turns a role-assignment scope into the target it names, so that
// scope-covers-scope is covers(assignment, scopeTarget(scope)).
func (s *Server) scopeTarget(scopeType, scopeID string) (target, bool) {
	switch scopeType {
	case ScopeOrganization:
		return target{}, scopeID == s.st.org.id
	case ScopeEnvironment:
		return target{envID: scopeID}, s.st.env(scopeID) != nil
	case ScopePopulation:
		if p := s.st.population(scopeID); p != nil {
			return target{envID: p.envID, popID: p.id}, true
		}
	case ScopeApplication:
		if a := s.st.app("", scopeID); a != nil {
			return target{envID: a.envID, appID: a.id}, true
		}
	}
	return target{}, false
}

func (s *Server) actorAssignments(a *actor) []*roleAssignment {
	return s.st.assignmentsOf(a.kind, a.id)
}

// can reports whether some assignment of a holds perm at a scope covering t.
func (s *Server) can(a *actor, perm string, t target) bool {
	for _, ra := range s.actorAssignments(a) {
		if r := s.st.role(ra.roleID); r != nil && r.has(perm) && s.covers(ra, t) {
			return true
		}
	}
	return false
}

// canSomewhereIn reports whether a holds perm at any scope inside envID (the
// organization, the environment, or a population or application in it). List
// endpoints use it and then filter their items with can.
func (s *Server) canSomewhereIn(a *actor, perm, envID string) bool {
	for _, ra := range s.actorAssignments(a) {
		r := s.st.role(ra.roleID)
		if r == nil || !r.has(perm) {
			continue
		}
		t, ok := s.scopeTarget(ra.scopeType, ra.scopeID)
		if ok && (t.envID == "" || t.envID == envID) {
			return true
		}
	}
	return false
}

// require writes 403 and returns false unless the actor can perm on t.
func (c *call) require(perm string, t target) bool {
	if c.s.can(c.actor, perm, t) {
		return true
	}
	c.forbidden()
	return false
}

// canAssignAt reports whether a holds a role whose canAssign contains
// roleName at a scope covering t.
func (s *Server) canAssignAt(a *actor, roleName string, t target) bool {
	for _, ra := range s.actorAssignments(a) {
		if r := s.st.role(ra.roleID); r != nil && r.canAssign(roleName) && s.covers(ra, t) {
			return true
		}
	}
	return false
}

// anyReadOnly reports whether any of ras is read-only to a (the worker-secret
// rule).
func (s *Server) anyReadOnly(a *actor, ras []*roleAssignment) bool {
	for _, ra := range ras {
		if s.readOnly(a, ra) {
			return true
		}
	}
	return false
}

// methodNotAllowed writes PingOne's 405 (pingone-api.md §2). [unconfirmed]
// body code INVALID_REQUEST.
func (c *call) methodNotAllowed(allowed []string) {
	c.w.Header().Set("Allow", strings.Join(allowed, ", "))
	c.fail(http.StatusMethodNotAllowed, "INVALID_REQUEST", msgMethod)
}
