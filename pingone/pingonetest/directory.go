package pingonetest

import (
	"net/http"
)

// userFilterAttrs are the attributes the simulator accepts in user filters
// (pingone-api.md §9; the full eq list is [unconfirmed]).
var userFilterAttrs = []string{"username", "email", "id", "externalId", "name.given", "name.family", "population.id"}

func userAttr(u *user, attr string) string {
	switch attr {
	case "username":
		return u.username
	case "email":
		return u.email
	case "id":
		return u.id
	case "externalId":
		return u.externalID
	case "name.given":
		return u.given
	case "name.family":
		return u.family
	case "population.id":
		return u.populationID
	}
	return ""
}

func userTarget(u *user) target { return target{envID: u.envID, popID: u.populationID} }

// listUsers needs dir:read:user somewhere in the environment; results are
// filtered to the users the actor's scopes cover (POPULATION-scoped admins see
// only their populations). Supports filter (SCIM subset) and limit 1..1000.
func (s *Server) listUsers(c *call) {
	envID := c.vars["envID"]
	if !s.canSomewhereIn(c.actor, "dir:read:user", envID) {
		c.forbidden()
		return
	}
	var f *filterExpr
	if raw := c.r.URL.Query().Get("filter"); raw != "" {
		var ok bool
		if f, ok = c.parseFilter(raw, userFilterAttrs); !ok {
			return
		}
	}
	var items []map[string]any
	for _, u := range s.st.users {
		if u.envID != envID || !s.can(c.actor, "dir:read:user", userTarget(u)) {
			continue
		}
		if f != nil && !f.eval(func(a string) string { return userAttr(u, a) }) {
			continue
		}
		items = append(items, renderUser(c.base(), u))
	}
	c.list("users", items, 1000)
}

// getUser is GET …/users/{userID}. With include=memberOfGroupIDs or
// memberOfGroupNames it adds the user's groups, which needs
// dir:read:groupMembership on the user as well; [unconfirmed] what PingOne
// answers without it: the simulator answers 403 ACCESS_FAILED /
// INSUFFICIENT_PERMISSIONS like any other missing permission. The user list
// never carries the group properties (the spec says so).
func (s *Server) getUser(c *call) {
	u := c.userFor("dir:read:user")
	if u == nil {
		return
	}
	include, ok := c.includes()
	if !ok {
		return
	}
	m := renderUser(c.base(), u)
	if len(include) > 0 {
		if !c.require("dir:read:groupMembership", userTarget(u)) {
			return
		}
		s.addMemberships(m, u, include)
	}
	c.json(http.StatusOK, m)
}

func (s *Server) listPopulations(c *call) {
	envID := c.vars["envID"]
	if !s.canSomewhereIn(c.actor, "dir:read:population", envID) {
		c.forbidden()
		return
	}
	var items []map[string]any
	for _, p := range s.st.populations {
		if p.envID == envID && s.can(c.actor, "dir:read:population", target{envID: envID, popID: p.id}) {
			items = append(items, renderPopulation(c.base(), p))
		}
	}
	c.list("populations", items, 0)
}

func (s *Server) getPopulation(c *call) {
	envID := c.vars["envID"]
	p := s.st.population(c.vars["popID"])
	if p == nil || p.envID != envID {
		if s.canSomewhereIn(c.actor, "dir:read:population", envID) {
			c.notFound()
		} else {
			c.forbidden()
		}
		return
	}
	if !c.require("dir:read:population", target{envID: envID, popID: p.id}) {
		return
	}
	c.json(http.StatusOK, renderPopulation(c.base(), p))
}

func (s *Server) listGroups(c *call) {
	envID := c.vars["envID"]
	if !c.require("dir:read:group", target{envID: envID}) {
		return
	}
	var items []map[string]any
	for _, g := range s.st.groups {
		if g.envID == envID {
			items = append(items, renderGroup(c.base(), g))
		}
	}
	c.list("groups", items, 0)
}

func (s *Server) getGroup(c *call) {
	envID := c.vars["envID"]
	if !c.require("dir:read:group", target{envID: envID}) {
		return
	}
	g := s.st.group(envID, c.vars["groupID"])
	if g == nil {
		c.notFound()
		return
	}
	c.json(http.StatusOK, renderGroup(c.base(), g))
}
