package pingonetest

import (
	"net/http"
	"slices"
)

func (s *Server) listGrants(c *call) {
	a := c.appFor("applications:read:grant")
	if a == nil {
		return
	}
	var items []map[string]any
	for _, g := range s.st.grants {
		if g.appID == a.id {
			items = append(items, renderGrant(c.base(), g))
		}
	}
	c.list("grants", items, 0)
}

func (c *call) grantFor(perm string) (*application, *grant) {
	a := c.appFor(perm)
	if a == nil {
		return nil, nil
	}
	for _, g := range c.s.st.grants {
		if g.appID == a.id && g.id == c.vars["grantID"] {
			return a, g
		}
	}
	c.notFound()
	return nil, nil
}

func (s *Server) getGrant(c *call) {
	if _, g := c.grantFor("applications:read:grant"); g != nil {
		c.json(http.StatusOK, renderGrant(c.base(), g))
	}
}

// parseGrant validates {resource:{id}, scopes:[{id}]}: the resource must exist
// in the environment and every scope must belong to it. A WORKER using user
// grants (authorization code, implicit, device) may be given only OIDC
// scopes (docs: worker applications).
func (s *Server) parseGrant(c *call, a *application, body map[string]any, except *grant) (string, []string, bool) {
	rm, _ := body["resource"].(map[string]any)
	resID, _ := rm["id"].(string)
	if resID == "" {
		c.invalid(required("resource.id"))
		return "", nil, false
	}
	res := s.st.resource(a.envID, resID)
	if res == nil {
		c.invalid(detail{Code: "INVALID_VALUE", Target: "resource.id", Message: "Resource " + resID + " does not exist in the environment.",
			Inner: map[string]any{"referencedValues": []string{resID}}})
		return "", nil, false
	}
	rawScopes, _ := body["scopes"].([]any)
	if len(rawScopes) == 0 {
		c.invalid(required("scopes"))
		return "", nil, false
	}
	var ids []string
	for _, x := range rawScopes {
		xm, _ := x.(map[string]any)
		id, _ := xm["id"].(string)
		sc := s.st.scope(a.envID, id)
		if sc == nil || sc.resourceID != res.id {
			c.invalid(detail{Code: "INVALID_VALUE", Target: "scopes", Message: "Scope " + id + " does not exist or does not belong to resource " + res.id + ".",
				Inner: map[string]any{"referencedValues": []string{id}}})
			return "", nil, false
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if a.str("type") == "WORKER" && res.typ != "OPENID_CONNECT" && slices.ContainsFunc(a.strs("grantTypes"), func(g string) bool {
		return g == "AUTHORIZATION_CODE" || g == "IMPLICIT" || g == "DEVICE_CODE"
	}) {
		c.invalid(invalidValue("resource.id", "A WORKER application that uses user-based grant types can be granted only OpenID Connect scopes.", nil))
		return "", nil, false
	}
	for _, g := range s.st.grants {
		if g.appID == a.id && g.resourceID == res.id && g != except {
			// [unconfirmed] one grant per resource per application.
			c.invalid(detail{Code: "UNIQUENESS_VIOLATION", Target: "resource", Message: "The application already has a grant for this resource."})
			return "", nil, false
		}
	}
	return res.id, ids, true
}

func (s *Server) createGrant(c *call) {
	a := c.appFor("applications:create:grant")
	if a == nil {
		return
	}
	body, ok := c.decodeBody(false)
	if !ok {
		return
	}
	resID, scopeIDs, ok := s.parseGrant(c, a, body, nil)
	if !ok {
		return
	}
	now := s.now()
	g := &grant{id: s.newID(), envID: a.envID, appID: a.id, resourceID: resID, scopeIDs: scopeIDs, createdAt: now, updatedAt: now}
	s.st.grants = append(s.st.grants, g)
	c.json(http.StatusCreated, renderGrant(c.base(), g))
}

func (s *Server) updateGrant(c *call) {
	a, g := c.grantFor("applications:update:grant")
	if g == nil {
		return
	}
	body, ok := c.decodeBody(false)
	if !ok {
		return
	}
	resID, scopeIDs, ok := s.parseGrant(c, a, body, g)
	if !ok {
		return
	}
	g.resourceID, g.scopeIDs, g.updatedAt = resID, scopeIDs, s.now()
	c.json(http.StatusOK, renderGrant(c.base(), g))
}

func (s *Server) deleteGrant(c *call) {
	_, g := c.grantFor("applications:delete:grant")
	if g == nil {
		return
	}
	s.st.grants = deleteWhere(s.st.grants, func(x *grant) bool { return x == g })
	c.noContent()
}
