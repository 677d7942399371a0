package pingonetest

import (
	"slices"
	"strings"
)

// Group membership. A user is a member of a static group when a membership
// says so, and of a dynamic group (one with a userFilter) when the filter
// matches the user. Membership is direct only: nested groups are not
// modelled, and whether a nested group's roles and sign-in policies reach the
// members of the outer group is [unconfirmed].

// groupsOf returns the groups u is a member of, in group creation order.
func (st *state) groupsOf(u *user) []*group {
	var out []*group
	for _, g := range st.groups {
		if st.isMember(g, u) {
			out = append(out, g)
		}
	}
	return out
}

// isMember reports whether u is a member of g. A dynamic group's filter is
// evaluated on every call. [unconfirmed] PingOne accepts the full SCIM filter
// language in userFilter and computes dynamic membership asynchronously; the
// simulator accepts the user-filter subset of filter.go and is always up to
// date.
func (st *state) isMember(g *group, u *user) bool {
	if g.envID != u.envID {
		return false
	}
	if g.filter != nil {
		return g.filter.eval(func(attr string) string { return userAttr(u, attr) })
	}
	return slices.ContainsFunc(st.memberships, func(m *membership) bool { return m.groupID == g.id && m.userID == u.id })
}

// userIncludes are the values of the include parameter of GET
// …/users/{userID} (spec EnumUserRequestInclude).
var userIncludes = []string{"memberOfGroupIDs", "memberOfGroupNames"}

// includes parses the include parameter: one value of userIncludes per
// parameter, repeated or comma-separated. [unconfirmed] The spec declares one
// enum value; how PingOne answers an unknown value or a list is not
// documented: the simulator accepts repeats and commas and refuses unknown
// values with 400 INVALID_DATA / INVALID_VALUE.
func (c *call) includes() ([]string, bool) {
	var out []string
	for _, raw := range c.r.URL.Query()["include"] {
		for _, v := range strings.Split(raw, ",") {
			v = strings.TrimSpace(v)
			if !slices.Contains(userIncludes, v) {
				c.invalid(invalidValue("include", "include must be memberOfGroupIDs or memberOfGroupNames.", userIncludes))
				return nil, false
			}
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out, true
}

// addMemberships adds what include asks for to a rendered user: the IDs or
// names of the user's groups, in group creation order, as a (possibly
// empty) array. [unconfirmed] whether PingOne omits the property or sends []
// for a user in no group; the simulator sends [].
func (s *Server) addMemberships(m map[string]any, u *user, include []string) {
	groups := s.st.groupsOf(u)
	ids, names := make([]string, 0, len(groups)), make([]string, 0, len(groups))
	for _, g := range groups {
		ids = append(ids, g.id)
		names = append(names, g.name)
	}
	for _, inc := range include {
		switch inc {
		case "memberOfGroupIDs":
			m["memberOfGroupIDs"] = ids
		case "memberOfGroupNames":
			m["memberOfGroupNames"] = names
		}
	}
}

// listUserMemberships is GET …/users/{userID}/memberOfGroups: the user's
// groups as GroupMembership objects (_embedded.groupMemberships), needing
// dir:read:groupMembership on the user. expand=group embeds each group.
// Every membership has type DIRECT: nested groups (INDIRECT) are not
// modelled, and [unconfirmed] which type PingOne gives a dynamic group's
// membership. The spec's filter parameter is undocumented; [unconfirmed] the
// simulator refuses every filter with 400 INVALID_FILTER.
func (s *Server) listUserMemberships(c *call) {
	u := c.userFor("dir:read:groupMembership")
	if u == nil {
		return
	}
	q := c.r.URL.Query()
	if q.Get("filter") != "" {
		c.invalid(detail{Code: "INVALID_FILTER", Target: "filter", Message: "Filtering group memberships is not supported."})
		return
	}
	expand := q.Get("expand")
	if expand != "" && expand != "group" {
		c.invalid(invalidValue("expand", "expand must be group.", []string{"group"}))
		return
	}
	envURL := c.base() + "/v1/environments/" + u.envID
	var items []map[string]any
	for _, g := range s.st.groupsOf(u) {
		m := map[string]any{
			"_links": map[string]any{
				"self":        href(envURL + "/users/" + u.id + "/memberOfGroups/" + g.id),
				"user":        href(envURL + "/users/" + u.id),
				"group":       href(envURL + "/groups/" + g.id),
				"environment": href(envURL),
			},
			"id":          g.id,
			"environment": map[string]any{"id": u.envID},
			"name":        g.name,
			"type":        "DIRECT",
		}
		if expand == "group" {
			m["_embedded"] = map[string]any{"group": renderGroup(c.base(), g)}
		}
		items = append(items, m)
	}
	c.list("groupMemberships", items, -1)
}

// userFor looks up the path's user and checks perm on it. A missing user is
// 404 when the actor could hold perm somewhere in the environment, otherwise
// 403; a user outside the actor's covered scopes is 403, not 404
// [unconfirmed]: PingOne evaluates permissions against the target.
func (c *call) userFor(perm string) *user {
	envID := c.vars["envID"]
	u := c.s.st.user(envID, c.vars["userID"])
	if u == nil {
		if c.s.canSomewhereIn(c.actor, perm, envID) {
			c.notFound()
		} else {
			c.forbidden()
		}
		return nil
	}
	if !c.require(perm, userTarget(u)) {
		return nil
	}
	return u
}
