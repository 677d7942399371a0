package pingonetest

import (
	"net/http"
	"strings"
)

// actor is who a Management API call acts as: the token's sub user (user
// tokens) or its client_id application (client-credentials tokens). Its
// powers are its effective role assignments (actorAssignments).
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
	claims, err := c.s.verify(strings.TrimSpace(tok), apiAudience)
	if err != nil {
		c.unauthorized()
		return false
	}
	envID, _ := claims["env"].(string)
	if sub, _ := claims["sub"].(string); sub != "" {
		// A user token acts for the user only through a WORKER (or the
		// admin console, which the simulator does not list); the audience
		// check above already refuses other apps' tokens.
		clientID, _ := claims["client_id"].(string)
		if app := c.s.st.app(envID, clientID); (app != nil && app.str("type") != "WORKER") || c.s.st.user(envID, sub) == nil {
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
//
// An environment that does not exist is covered by nothing, so every request
// under /environments/{envID}/… for an unknown envID gets 403 ACCESS_FAILED,
// whoever asks (GET /environments/{envID} itself stays 404, the probe the
// Terraform provider uses). pingone-api.md §3: a 400/401/403 can mean the
// environment doesn't exist; [unconfirmed] which of 403 or 404 PingOne picks
// for each path — we pick 403 everywhere.
func (s *Server) covers(ra *roleAssignment, t target) bool {
	if t.envID != "" && s.st.env(t.envID) == nil {
		return false
	}
	switch ra.scopeType {
	case ScopeOrganization:
		return ra.scopeID == s.st.org.id
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

// actorAssignments returns the effective role assignments of a, the ones
// every authorisation decision uses: its own and, for a user, those of every
// group the user is a member of (static or dynamic). Assignments created
// through the API are left out until they have propagated
// (SetPropagationDelay).
func (s *Server) actorAssignments(a *actor) []*roleAssignment {
	var out []*roleAssignment
	add := func(ras []*roleAssignment) {
		for _, ra := range ras {
			if s.propagated(ra) {
				out = append(out, ra)
			}
		}
	}
	add(s.st.assignmentsOf(a.kind, a.id))
	if a.kind == subjectUser {
		if u := s.st.user(a.envID, a.id); u != nil {
			for _, g := range s.st.groupsOf(u) {
				add(s.st.assignmentsOf(subjectGroup, g.id))
			}
		}
	}
	return out
}

// propagated reports whether ra is effective yet. PingOne's role assignments
// take an unpublished time to become effective; until then the calls they
// would allow get 403 "The actor attempting to perform the request is not
// authorized." (the message the Terraform provider retries on).
func (s *Server) propagated(ra *roleAssignment) bool {
	return !ra.viaAPI || !s.now().Before(ra.createdAt.Add(s.propagation))
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
// endpoints use it and then filter their items with can. Nothing is inside an
// environment that does not exist (see covers).
func (s *Server) canSomewhereIn(a *actor, perm, envID string) bool {
	if s.st.env(envID) == nil {
		return false
	}
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

// readOnlyVariantOf maps each built-in read-only role to the role it is the
// read-only variant of.
var readOnlyVariantOf = map[string]string{
	RoleIdentityDataReadOnly:  RoleIdentityDataAdmin,
	RoleConfigurationReadOnly: RoleEnvironmentAdmin,
	RoleDaVinciAdminReadOnly:  RoleDaVinciAdmin,
}

// canAssignAt reports whether a may assign roleName at a scope covering t.
// Both must hold:
//   - a holds some role whose canAssign list names roleName, at a scope
//     covering t (pingone-api.md §6, role canAssign);
//   - a holds roleName itself at a scope covering t, or roleName is the
//     read-only variant of a role a holds there. pingone-api.md §6: "The
//     assigner must hold the same or broader role assignments than those it
//     grants" and "you may assign only roles you hold, plus read-only
//     variants of your built-in roles"; the Terraform provider's refusal
//     reads "Must have role at the same or broader scope".
//
// readOnly (and so the worker-secret rule) follows from this.
func (s *Server) canAssignAt(a *actor, roleName string, t target) bool {
	mayAssign, holds := false, false
	for _, ra := range s.actorAssignments(a) {
		r := s.st.role(ra.roleID)
		if r == nil || !s.covers(ra, t) {
			continue
		}
		if r.canAssign(roleName) {
			mayAssign = true
		}
		if r.Name == roleName || readOnlyVariantOf[roleName] == r.Name {
			holds = true
		}
	}
	return mayAssign && holds
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
