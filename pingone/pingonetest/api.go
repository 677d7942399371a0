package pingonetest

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

type route struct {
	segs     []string
	handlers map[string]func(*call)
}

func (s *Server) apiRoutes() []route {
	r := func(pattern string, h map[string]func(*call)) route {
		return route{segs: strings.Split(pattern, "/"), handlers: h}
	}
	type m = map[string]func(*call)
	return []route{
		r("environments", m{"GET": s.listEnvironments}),
		r("environments/{envID}", m{"GET": s.getEnvironment}),
		r("organizations", m{"GET": s.listOrganizations}),
		r("organizations/{orgID}", m{"GET": s.getOrganization}),
		r("roles", m{"GET": s.listRoles}),
		r("roles/{roleID}", m{"GET": s.getRole}),
		r("environments/{envID}/applications", m{"GET": s.listApplications, "POST": s.createApplication}),
		r("environments/{envID}/applications/{appID}", m{"GET": s.getApplication, "PUT": s.updateApplication, "DELETE": s.deleteApplication}),
		r("environments/{envID}/applications/{appID}/secret", m{"GET": s.getSecret, "POST": s.rotateSecret, "DELETE": s.deletePreviousSecret}),
		r("environments/{envID}/applications/{appID}/grants", m{"GET": s.listGrants, "POST": s.createGrant}),
		r("environments/{envID}/applications/{appID}/grants/{grantID}", m{"GET": s.getGrant, "PUT": s.updateGrant, "DELETE": s.deleteGrant}),
		r("environments/{envID}/applications/{appID}/roleAssignments", m{"GET": s.listAppRoleAssignments, "POST": s.createAppRoleAssignment}),
		r("environments/{envID}/applications/{appID}/roleAssignments/{raID}", m{"GET": s.getAppRoleAssignment, "DELETE": s.deleteAppRoleAssignment}),
		r("environments/{envID}/users", m{"GET": s.listUsers}),
		r("environments/{envID}/users/{userID}", m{"GET": s.getUser}),
		r("environments/{envID}/users/{userID}/roleAssignments", m{"GET": s.listUserRoleAssignments, "POST": s.createUserRoleAssignment}),
		r("environments/{envID}/users/{userID}/roleAssignments/{raID}", m{"GET": s.getUserRoleAssignment, "DELETE": s.deleteUserRoleAssignment}),
		r("environments/{envID}/users/{userID}/memberOfGroups", m{"GET": s.listUserMemberships}),
		r("environments/{envID}/populations", m{"GET": s.listPopulations}),
		r("environments/{envID}/populations/{popID}", m{"GET": s.getPopulation}),
		r("environments/{envID}/groups", m{"GET": s.listGroups}),
		r("environments/{envID}/groups/{groupID}", m{"GET": s.getGroup}),
		r("environments/{envID}/groups/{groupID}/roleAssignments", m{"GET": s.listGroupRoleAssignments, "POST": s.createGroupRoleAssignment}),
		r("environments/{envID}/groups/{groupID}/roleAssignments/{raID}", m{"GET": s.getGroupRoleAssignment, "DELETE": s.deleteGroupRoleAssignment}),
		r("environments/{envID}/signOnPolicies", m{"GET": s.listSignOnPolicies}),
		r("environments/{envID}/applications/{appID}/signOnPolicyAssignments", m{"GET": s.listSOPAssignments, "POST": s.createSOPAssignment}),
		r("environments/{envID}/applications/{appID}/signOnPolicyAssignments/{sopaID}", m{"GET": s.getSOPAssignment, "DELETE": s.deleteSOPAssignment}),
		r("environments/{envID}/resources", m{"GET": s.listResources}),
		r("environments/{envID}/resources/{resourceID}", m{"GET": s.getResource}),
		r("environments/{envID}/resources/{resourceID}/scopes", m{"GET": s.listScopes}),
		r("environments/{envID}/resources/{resourceID}/scopes/{scopeID}", m{"GET": s.getScope}),
	}
}

func matchRoute(routes []route, segs []string) (route, map[string]string, bool) {
	for _, rt := range routes {
		if len(rt.segs) != len(segs) {
			continue
		}
		vars := map[string]string{}
		ok := true
		for i, p := range rt.segs {
			if strings.HasPrefix(p, "{") {
				v, err := url.PathUnescape(segs[i])
				if err != nil || v == "" {
					ok = false
					break
				}
				vars[strings.Trim(p, "{}")] = v
			} else if p != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			return rt, vars, true
		}
	}
	return route{}, nil, false
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, segs []string) {
	rt, vars, ok := matchRoute(s.routes, segs)
	if !ok {
		// [comm] PingOne's gateway answers a nonexistent path with 403 and a
		// non-P1Error body (pingone-api.md §3).
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"message":"Invalid key=value pair (missing equal-sign) in Authorization header"}` + "\n"))
		return
	}
	c := &call{s: s, w: w, r: r, vars: vars}
	h, ok := rt.handlers[r.Method]
	if !ok {
		var allowed []string
		for m := range rt.handlers {
			allowed = append(allowed, m)
		}
		slices.Sort(allowed)
		c.methodNotAllowed(allowed)
		return
	}
	if !c.authenticate() {
		return
	}
	h(c)
}

// ---- collections -------------------------------------------------------------

// list writes a paginated collection: _links.self, _links.next (with a cursor)
// while more remain, _embedded.<key>, count (total) and size (this page).
// limitMax > 0 enforces 1..limitMax on the limit parameter (as the spec
// declares for users); limitMax < 0 accepts any positive limit; 0 means the
// endpoint has no limit parameter in the spec and it is ignored [unconfirmed].
func (c *call) list(key string, items []map[string]any, limitMax int) {
	q := c.r.URL.Query()
	page := c.s.pageSize
	if raw := q.Get("limit"); raw != "" && limitMax != 0 {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || (limitMax > 0 && n > limitMax) {
			d := detail{Code: "INVALID_VALUE", Target: "limit", Message: "limit must be a positive integer"}
			if limitMax > 0 {
				d = detail{Code: "OUT_OF_RANGE", Target: "limit", Message: "limit must be between 1 and " + strconv.Itoa(limitMax),
					Inner: map[string]any{"rangeMinimumValue": 1, "rangeMaximumValue": limitMax}}
			}
			c.invalid(d)
			return
		}
		page = min(page, n)
	}
	offset := 0
	if cur := q.Get("cursor"); cur != "" {
		n, ok := decodeCursor(cur)
		if !ok || n > len(items) {
			c.invalid(detail{Code: "INVALID_VALUE", Target: "cursor", Message: "The cursor is invalid or expired."})
			return
		}
		offset = n
	}
	end := min(offset+page, len(items))
	pageItems := items[offset:end]
	base := c.base() + c.r.URL.Path
	links := map[string]any{"self": href(withQuery(base, q))}
	if end < len(items) {
		nq := cloneQuery(q)
		nq.Set("cursor", encodeCursor(end))
		links["next"] = href(withQuery(base, nq))
	}
	if offset > 0 {
		pq := cloneQuery(q)
		if prev := max(offset-page, 0); prev > 0 {
			pq.Set("cursor", encodeCursor(prev))
		} else {
			pq.Del("cursor")
		}
		links["prev"] = href(withQuery(base, pq))
	}
	embedded := make([]any, len(pageItems))
	for i, it := range pageItems {
		embedded[i] = it
	}
	c.json(http.StatusOK, map[string]any{
		"_links":    links,
		"_embedded": map[string]any{key: embedded},
		"count":     len(items),
		"size":      len(pageItems),
	})
}

func cloneQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func withQuery(base string, q url.Values) string {
	if len(q) == 0 {
		return base
	}
	return base + "?" + q.Encode()
}

func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("p1sim:" + strconv.Itoa(offset)))
}

func decodeCursor(cur string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(cur)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "p1sim:"))
	if err != nil || !strings.HasPrefix(string(b), "p1sim:") || n < 0 {
		return 0, false
	}
	return n, true
}

// ---- environments, organizations, roles -------------------------------------

// listEnvironments lists only the environments the actor may read
// (x-permission orgmgt:read:environment in GOCLI).
func (s *Server) listEnvironments(c *call) {
	var items []map[string]any
	var f *filterExpr
	if raw := c.r.URL.Query().Get("filter"); raw != "" {
		var ok bool
		if f, ok = c.parseFilter(raw, envFilterAttrs); !ok {
			return
		}
	}
	for _, e := range s.st.envs {
		if !s.can(c.actor, "orgmgt:read:environment", target{envID: e.id}) {
			continue
		}
		if f != nil && !f.eval(func(attr string) string { return envAttr(s, e, attr) }) {
			continue
		}
		items = append(items, s.renderEnvironment(c.base(), e))
	}
	if len(items) == 0 && !s.canSomewhereInOrg(c.actor, "orgmgt:read:environment") {
		c.forbidden()
		return
	}
	// limit is 1..5000 as in the GOCLI spec; [conflict] the docs say 1..500
	// (pingone-api.md §2). Out of range is 400 OUT_OF_RANGE, as for users.
	c.list("environments", items, envLimitMax)
}

// envLimitMax is the largest limit GET /environments accepts (GOCLI spec).
const envLimitMax = 5000

var envFilterAttrs = []string{"name", "id", "organization.id", "license.id", "type"}

func envAttr(s *Server, e *environment, attr string) string {
	switch attr {
	case "name":
		return e.name
	case "id":
		return e.id
	case "organization.id":
		return s.st.org.id
	case "license.id":
		return e.licenseID
	case "type":
		return e.typ
	}
	return ""
}

func (s *Server) canSomewhereInOrg(a *actor, perm string) bool {
	for _, ra := range s.actorAssignments(a) {
		if r := s.st.role(ra.roleID); r != nil && r.has(perm) {
			return true
		}
	}
	return false
}

func (s *Server) getEnvironment(c *call) {
	e := s.st.env(c.vars["envID"])
	if e == nil {
		c.notFound()
		return
	}
	if !c.require("orgmgt:read:environment", target{envID: e.id}) {
		return
	}
	c.json(http.StatusOK, s.renderEnvironment(c.base(), e))
}

// Organizations: [unconfirmed] any role holding orgmgt:read:organization at
// any scope may read its own organization (every admin role has it as an
// "essential" permission).
func (s *Server) listOrganizations(c *call) {
	if !s.canSomewhereInOrg(c.actor, "orgmgt:read:organization") {
		c.forbidden()
		return
	}
	c.list("organizations", []map[string]any{s.renderOrganization(c.base())}, -1)
}

func (s *Server) getOrganization(c *call) {
	if c.vars["orgID"] != s.st.org.id {
		c.notFound()
		return
	}
	if !s.canSomewhereInOrg(c.actor, "orgmgt:read:organization") {
		c.forbidden()
		return
	}
	c.json(http.StatusOK, s.renderOrganization(c.base()))
}

// GET /roles: [unconfirmed] allowed for any actor holding at least one role
// assignment (any admin); an actor without roles gets 403.
func (s *Server) listRoles(c *call) {
	if len(s.actorAssignments(c.actor)) == 0 {
		c.forbidden()
		return
	}
	items := make([]map[string]any, len(s.st.roles))
	for i, r := range s.st.roles {
		items[i] = renderRole(c.base(), r)
	}
	c.list("roles", items, 0)
}

func (s *Server) getRole(c *call) {
	if len(s.actorAssignments(c.actor)) == 0 {
		c.forbidden()
		return
	}
	r := s.st.role(c.vars["roleID"])
	if r == nil {
		c.notFound()
		return
	}
	c.json(http.StatusOK, renderRole(c.base(), r))
}

// ---- resources and scopes ---------------------------------------------------

func (s *Server) listResources(c *call) {
	envID := c.vars["envID"]
	if !c.require("resources:read:resource", target{envID: envID}) {
		return
	}
	var items []map[string]any
	for _, r := range s.st.resources {
		if r.envID == envID {
			items = append(items, renderResource(c.base(), r))
		}
	}
	c.list("resources", items, 0)
}

func (s *Server) getResource(c *call) {
	envID := c.vars["envID"]
	if !c.require("resources:read:resource", target{envID: envID}) {
		return
	}
	r := s.st.resource(envID, c.vars["resourceID"])
	if r == nil {
		c.notFound()
		return
	}
	c.json(http.StatusOK, renderResource(c.base(), r))
}

func (s *Server) listScopes(c *call) {
	envID := c.vars["envID"]
	if !c.require("resources:read:scope", target{envID: envID}) {
		return
	}
	res := s.st.resource(envID, c.vars["resourceID"])
	if res == nil {
		c.notFound()
		return
	}
	var items []map[string]any
	for _, sc := range s.st.scopes {
		if sc.resourceID == res.id {
			items = append(items, renderScope(c.base(), sc))
		}
	}
	c.list("scopes", items, 0)
}

func (s *Server) getScope(c *call) {
	envID := c.vars["envID"]
	if !c.require("resources:read:scope", target{envID: envID}) {
		return
	}
	sc := s.st.scope(envID, c.vars["scopeID"])
	if sc == nil || sc.resourceID != c.vars["resourceID"] {
		c.notFound()
		return
	}
	c.json(http.StatusOK, renderScope(c.base(), sc))
}
