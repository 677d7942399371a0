package pingonetest

import (
	"net/http"
	"time"
)

// signOnPolicy is an environment's sign-on policy.
type signOnPolicy struct {
	id, envID, name, description string
	isDefault                    bool
}

// sopAssignment puts a sign-on policy on an application at a priority.
type sopAssignment struct {
	id, envID, appID, policyID string
	priority                   int
	createdAt                  time.Time
}

// Permissions of sign-on policies and their assignments [unconfirmed: pingone-api.md §15 lists
// authn:*:signOnPolicy for Environment Admin; the assignment's permission is modelled as the
// application's own, applications:*:application].
const (
	permReadPolicy = "authn:read:signOnPolicy"
)

func renderPolicy(base string, p *signOnPolicy) map[string]any {
	envURL := base + "/v1/environments/" + p.envID
	return map[string]any{
		"_links":      map[string]any{"self": href(envURL + "/signOnPolicies/" + p.id), "environment": href(envURL)},
		"id":          p.id,
		"environment": map[string]any{"id": p.envID},
		"name":        p.name,
		"description": p.description,
		"default":     p.isDefault,
	}
}

func renderSOPA(base string, x *sopAssignment) map[string]any {
	envURL := base + "/v1/environments/" + x.envID
	appURL := envURL + "/applications/" + x.appID
	return map[string]any{
		"_links":       map[string]any{"self": href(appURL + "/signOnPolicyAssignments/" + x.id), "environment": href(envURL), "application": href(appURL)},
		"id":           x.id,
		"environment":  map[string]any{"id": x.envID},
		"application":  map[string]any{"id": x.appID},
		"signOnPolicy": map[string]any{"id": x.policyID},
		"priority":     x.priority,
	}
}

func (s *Server) listSignOnPolicies(c *call) {
	envID := c.vars["envID"]
	if !c.require(permReadPolicy, target{envID: envID}) {
		return
	}
	var items []map[string]any
	for _, p := range s.st.policies {
		if p.envID == envID {
			items = append(items, renderPolicy(c.base(), p))
		}
	}
	c.list("signOnPolicies", items, 0)
}

func (s *Server) listSOPAssignments(c *call) {
	a := c.appFor("applications:read:application")
	if a == nil {
		return
	}
	var items []map[string]any
	for _, x := range s.st.sopas {
		if x.appID == a.id {
			items = append(items, renderSOPA(c.base(), x))
		}
	}
	c.list("signOnPolicyAssignments", items, 0)
}

func (s *Server) sopaFor(c *call, perm string) *sopAssignment {
	a := c.appFor(perm)
	if a == nil {
		return nil
	}
	for _, x := range s.st.sopas {
		if x.appID == a.id && x.id == c.vars["sopaID"] {
			return x
		}
	}
	c.notFound()
	return nil
}

func (s *Server) getSOPAssignment(c *call) {
	if x := s.sopaFor(c, "applications:read:application"); x != nil {
		c.json(http.StatusOK, renderSOPA(c.base(), x))
	}
}

func (s *Server) deleteSOPAssignment(c *call) {
	x := s.sopaFor(c, "applications:update:application")
	if x == nil {
		return
	}
	s.st.sopas = deleteWhere(s.st.sopas, func(y *sopAssignment) bool { return y == x })
	c.noContent()
}

// createSOPAssignment validates {signOnPolicy:{id}, priority}: the policy must be one of the
// environment's, the priority at least 1 (spec minimum) and not taken by another of the app's
// assignments, and a policy is assigned to an app once [unconfirmed: PingOne's answers to a
// taken priority and a repeated policy; modelled as INVALID_VALUE and UNIQUENESS_VIOLATION].
func (s *Server) createSOPAssignment(c *call) {
	a := c.appFor("applications:update:application")
	if a == nil {
		return
	}
	body, ok := c.decodeBody(false)
	if !ok {
		return
	}
	pm, _ := body["signOnPolicy"].(map[string]any)
	policyID, _ := pm["id"].(string)
	var errs []detail
	var policy *signOnPolicy
	for _, p := range s.st.policies {
		if p.envID == a.envID && p.id == policyID {
			policy = p
		}
	}
	switch {
	case pm == nil || policyID == "":
		errs = append(errs, required("signOnPolicy.id"))
	case policy == nil:
		errs = append(errs, invalidValue("signOnPolicy.id", "The sign-on policy does not exist in this environment.", nil))
	}
	prio, isInt := toInt(body["priority"])
	switch {
	case body["priority"] == nil:
		errs = append(errs, required("priority"))
	case !isInt || prio < 1:
		errs = append(errs, invalidValue("priority", "priority must be an integer of at least 1.", nil))
	}
	if len(errs) > 0 {
		c.invalid(errs...)
		return
	}
	for _, x := range s.st.sopas {
		if x.appID != a.id {
			continue
		}
		if x.policyID == policyID {
			c.invalid(detail{Code: "UNIQUENESS_VIOLATION", Target: "signOnPolicy.id", Message: "The sign-on policy is already assigned to the application."})
			return
		}
		if x.priority == int(prio) {
			c.invalid(invalidValue("priority", "Another sign-on policy assignment of the application has this priority.", nil))
			return
		}
	}
	x := &sopAssignment{id: s.newID(), envID: a.envID, appID: a.id, policyID: policyID, priority: int(prio), createdAt: s.now()}
	s.st.sopas = append(s.st.sopas, x)
	c.json(http.StatusCreated, renderSOPA(c.base(), x))
}
