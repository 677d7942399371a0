package pingonetest

import (
	"fmt"
	"time"
)

// The simulator's own representation of PingOne objects. Rendering to JSON
// happens in the render* functions, with field names exactly as in
// pingone-management.yml.

const timeLayout = "2006-01-02T15:04:05.000Z"

func ts(t time.Time) string { return t.UTC().Format(timeLayout) }

type organization struct {
	id, name  string
	createdAt time.Time
}

type environment struct {
	id, name, description, typ, region, licenseID string
	createdAt, updatedAt                          time.Time
}

type population struct {
	id, envID, name, description string
	isDefault                    bool
	createdAt, updatedAt         time.Time
}

type group struct {
	id, envID, name, description string
	// userFilter makes a dynamic group: its members are the users of the
	// environment the filter matches (filter is userFilter parsed). "" = a
	// static group, whose members are its memberships.
	userFilter           string
	filter               *filterExpr
	createdAt, updatedAt time.Time
}

// membership is a user's direct membership of a static group. Nested groups
// (a group as a member of another) are [unconfirmed] in their effect on
// roles and sign-in policies and are not modelled.
type membership struct {
	groupID, userID string
}

type user struct {
	id, envID, populationID string
	username, email         string
	given, family           string
	externalID              string // "" = not set (no seeded user has one)
	password                string
	enabled                 bool
	createdAt, updatedAt    time.Time
}

type resource struct {
	id, envID, name, typ, audience, description string
	validity                                    int
	createdAt, updatedAt                        time.Time
}

type scope struct {
	id, envID, resourceID, name, description string
	createdAt, updatedAt                     time.Time
}

type previousSecret struct {
	secret    string
	expiresAt time.Time
	lastUsed  time.Time // zero = never
}

type application struct {
	id, envID string
	// fields holds the validated, normalised request fields plus server
	// defaults (numbers as int64), keyed by their JSON names.
	fields               map[string]any
	secret               string
	previous             *previousSecret
	createdAt, updatedAt time.Time
}

func (a *application) str(key string) string {
	v, _ := a.fields[key].(string)
	return v
}

func (a *application) strs(key string) []string {
	v, _ := a.fields[key].([]string)
	return v
}

func (a *application) enabled() bool {
	v, _ := a.fields["enabled"].(bool)
	return v
}

type grant struct {
	id, envID, appID, resourceID string
	scopeIDs                     []string
	createdAt, updatedAt         time.Time
}

const (
	subjectUser  = "user"
	subjectApp   = "application"
	subjectGroup = "group"
)

type roleAssignment struct {
	id, envID              string
	subjectKind, subjectID string
	roleID                 string
	scopeType, scopeID     string
	// viaAPI marks an assignment created through the Management API: it
	// becomes effective only once the propagation delay has passed since
	// createdAt (see Server.SetPropagationDelay). Seeded assignments and
	// those of the inspection helpers are effective at once.
	viaAPI    bool
	createdAt time.Time
}

// state is the tenant. Slices keep creation order, which is list order.
type state struct {
	org         organization
	envs        []*environment
	populations []*population
	groups      []*group
	users       []*user
	resources   []*resource
	scopes      []*scope
	apps        []*application
	grants      []*grant
	assignments []*roleAssignment
	memberships []*membership
	roles       []*role
	policies    []*signOnPolicy
	sopas       []*sopAssignment
}

func newState() *state { return &state{roles: builtinRoles()} }

func (st *state) env(id string) *environment {
	for _, e := range st.envs {
		if e.id == id {
			return e
		}
	}
	return nil
}

func (st *state) population(id string) *population {
	for _, p := range st.populations {
		if p.id == id {
			return p
		}
	}
	return nil
}

func (st *state) defaultPopulation(envID string) *population {
	for _, p := range st.populations {
		if p.envID == envID && p.isDefault {
			return p
		}
	}
	return nil
}

func (st *state) user(envID, id string) *user {
	for _, u := range st.users {
		if u.id == id && (envID == "" || u.envID == envID) {
			return u
		}
	}
	return nil
}

func (st *state) app(envID, id string) *application {
	for _, a := range st.apps {
		if a.id == id && (envID == "" || a.envID == envID) {
			return a
		}
	}
	return nil
}

func (st *state) resource(envID, id string) *resource {
	for _, r := range st.resources {
		if r.id == id && r.envID == envID {
			return r
		}
	}
	return nil
}

func (st *state) scope(envID, id string) *scope {
	for _, sc := range st.scopes {
		if sc.id == id && sc.envID == envID {
			return sc
		}
	}
	return nil
}

func (st *state) group(envID, id string) *group {
	for _, g := range st.groups {
		if g.id == id && g.envID == envID {
			return g
		}
	}
	return nil
}

func (st *state) role(id string) *role {
	for _, r := range st.roles {
		if r.ID == id {
			return r
		}
	}
	return nil
}

func (st *state) roleByName(name string) *role {
	for _, r := range st.roles {
		if r.Name == name {
			return r
		}
	}
	return nil
}

func (st *state) assignmentsOf(kind, id string) []*roleAssignment {
	var out []*roleAssignment
	for _, ra := range st.assignments {
		if ra.subjectKind == kind && ra.subjectID == id {
			out = append(out, ra)
		}
	}
	return out
}

// newID returns a UUID-v4-shaped ID from the Server's seeded generator.
// Callers hold s.mu.
func (s *Server) newID() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := s.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newSecret returns a random-looking, deterministic 64-character client secret
// (docs: secrets are >= 64 characters; exact alphabet [unconfirmed]).
func (s *Server) newSecret() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_~"
	b := make([]byte, 64)
	for i := range b {
		b[i] = alphabet[s.rng.IntN(len(alphabet))]
	}
	return string(b)
}

type link = map[string]string

func href(u string) link { return link{"href": u} }

func (s *Server) renderEnvironment(base string, e *environment) map[string]any {
	return map[string]any{
		"_links": map[string]any{
			"self":         href(base + "/v1/environments/" + e.id),
			"organization": href(base + "/v1/organizations/" + s.st.org.id),
			"applications": href(base + "/v1/environments/" + e.id + "/applications"),
			"populations":  href(base + "/v1/environments/" + e.id + "/populations"),
			"users":        href(base + "/v1/environments/" + e.id + "/users"),
			"resources":    href(base + "/v1/environments/" + e.id + "/resources"),
		},
		"id":           e.id,
		"name":         e.name,
		"description":  e.description,
		"type":         e.typ,
		"region":       e.region,
		"license":      map[string]any{"id": e.licenseID},
		"organization": map[string]any{"id": s.st.org.id},
		"status":       "ACTIVE",
		"createdAt":    ts(e.createdAt),
		"updatedAt":    ts(e.updatedAt),
	}
}

func (s *Server) renderOrganization(base string) map[string]any {
	o := s.st.org
	return map[string]any{
		"_links":    map[string]any{"self": href(base + "/v1/organizations/" + o.id)},
		"id":        o.id,
		"name":      o.name,
		"type":      "PAID",
		"createdAt": ts(o.createdAt),
		"updatedAt": ts(o.createdAt),
	}
}

func renderPopulation(base string, p *population) map[string]any {
	envURL := base + "/v1/environments/" + p.envID
	return map[string]any{
		"_links":      map[string]any{"self": href(envURL + "/populations/" + p.id), "environment": href(envURL)},
		"id":          p.id,
		"environment": map[string]any{"id": p.envID},
		"name":        p.name,
		"description": p.description,
		"default":     p.isDefault,
		"createdAt":   ts(p.createdAt),
		"updatedAt":   ts(p.updatedAt),
	}
}

func renderGroup(base string, g *group) map[string]any {
	envURL := base + "/v1/environments/" + g.envID
	m := map[string]any{
		"_links":      map[string]any{"self": href(envURL + "/groups/" + g.id), "environment": href(envURL)},
		"id":          g.id,
		"name":        g.name,
		"description": g.description,
	}
	if g.userFilter != "" {
		m["userFilter"] = g.userFilter
	}
	return m
}

func renderUser(base string, u *user) map[string]any {
	envURL := base + "/v1/environments/" + u.envID
	self := envURL + "/users/" + u.id
	m := map[string]any{
		"_links": map[string]any{
			"self":            href(self),
			"environment":     href(envURL),
			"population":      href(envURL + "/populations/" + u.populationID),
			"roleAssignments": href(self + "/roleAssignments"),
		},
		"id":               u.id,
		"environment":      map[string]any{"id": u.envID},
		"population":       map[string]any{"id": u.populationID},
		"username":         u.username,
		"email":            u.email,
		"emailVerified":    true,
		"enabled":          u.enabled,
		"name":             map[string]any{"given": u.given, "family": u.family, "formatted": u.given + " " + u.family},
		"account":          map[string]any{"canAuthenticate": u.enabled, "status": "OK"},
		"identityProvider": map[string]any{"type": "PING_ONE"},
		"lifecycle":        map[string]any{"status": "ACCOUNT_OK"},
		"mfaEnabled":       false,
		"createdAt":        ts(u.createdAt),
		"updatedAt":        ts(u.updatedAt),
	}
	if u.externalID != "" {
		m["externalId"] = u.externalID
	}
	return m
}

func renderResource(base string, r *resource) map[string]any {
	envURL := base + "/v1/environments/" + r.envID
	self := envURL + "/resources/" + r.id
	m := map[string]any{
		"_links":                     map[string]any{"self": href(self), "environment": href(envURL), "scopes": href(self + "/scopes")},
		"id":                         r.id,
		"environment":                map[string]any{"id": r.envID},
		"name":                       r.name,
		"type":                       r.typ,
		"audience":                   r.audience,
		"accessTokenValiditySeconds": r.validity,
		"createdAt":                  ts(r.createdAt),
		"updatedAt":                  ts(r.updatedAt),
	}
	if r.description != "" {
		m["description"] = r.description
	}
	return m
}

func renderScope(base string, sc *scope) map[string]any {
	envURL := base + "/v1/environments/" + sc.envID
	resURL := envURL + "/resources/" + sc.resourceID
	return map[string]any{
		"_links":      map[string]any{"self": href(resURL + "/scopes/" + sc.id), "environment": href(envURL), "resource": href(resURL)},
		"id":          sc.id,
		"environment": map[string]any{"id": sc.envID},
		"resource":    map[string]any{"id": sc.resourceID},
		"name":        sc.name,
		"description": sc.description,
		"createdAt":   ts(sc.createdAt),
		"updatedAt":   ts(sc.updatedAt),
	}
}

func renderApp(base string, a *application) map[string]any {
	envURL := base + "/v1/environments/" + a.envID
	self := envURL + "/applications/" + a.id
	m := make(map[string]any, len(a.fields)+6)
	for k, v := range a.fields {
		m[k] = cloneValue(v)
	}
	// [unconfirmed] which _links PingOne sends on an application beyond self,
	// environment and grants (seen in the docs' list example).
	links := map[string]any{
		"self":            href(self),
		"environment":     href(envURL),
		"grants":          href(self + "/grants"),
		"roleAssignments": href(self + "/roleAssignments"),
	}
	if a.str("protocol") == "OPENID_CONNECT" {
		links["secret"] = href(self + "/secret")
	}
	m["_links"] = links
	m["id"] = a.id
	m["environment"] = map[string]any{"id": a.envID}
	m["createdAt"] = ts(a.createdAt)
	m["updatedAt"] = ts(a.updatedAt)
	return m
}

func renderGrant(base string, g *grant) map[string]any {
	envURL := base + "/v1/environments/" + g.envID
	appURL := envURL + "/applications/" + g.appID
	scopes := make([]any, len(g.scopeIDs))
	for i, id := range g.scopeIDs {
		scopes[i] = map[string]any{"id": id}
	}
	return map[string]any{
		"_links": map[string]any{
			"self":        href(appURL + "/grants/" + g.id),
			"environment": href(envURL),
			"application": href(appURL),
			"resource":    href(envURL + "/resources/" + g.resourceID),
		},
		"id":          g.id,
		"application": map[string]any{"id": g.appID},
		"resource":    map[string]any{"id": g.resourceID},
		"scopes":      scopes,
		"createdAt":   ts(g.createdAt),
		"updatedAt":   ts(g.updatedAt),
	}
}

func cloneValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, vv := range t {
			m[k] = cloneValue(vv)
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, vv := range t {
			out[i] = cloneValue(vv)
		}
		return out
	case []string:
		return append([]string(nil), t...)
	default:
		return v
	}
}
