package pingonetest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
)

// SnapshotFormat names the one version of the Snapshot format there is.
const SnapshotFormat = "pingonetest-snapshot/1"

// Snapshot is a simulated tenant as data: what `simulate --save` writes, and what `simulate
// --seed` and NewFromSnapshot start from. A saved Server's Snapshot holds its secrets and
// passwords (Server.Snapshot); a support bundle's holds none, and loading it gives every
// application a fresh secret and every user no password.
type Snapshot struct {
	Format          string                 `json:"format"`
	Organization    SnapshotOrganization   `json:"organization"`
	Environments    []SnapshotEnvironment  `json:"environments"`
	Populations     []SnapshotPopulation   `json:"populations,omitempty"`
	Users           []SnapshotUser         `json:"users,omitempty"`
	Groups          []SnapshotGroup        `json:"groups,omitempty"`
	Memberships     []SnapshotMembership   `json:"memberships,omitempty"`
	Resources       []SnapshotResource     `json:"resources,omitempty"`
	Scopes          []SnapshotScope        `json:"scopes,omitempty"`
	Applications    []SnapshotApplication  `json:"applications,omitempty"`
	Grants          []SnapshotGrant        `json:"grants,omitempty"`
	RoleAssignments []SnapshotRoleAssigned `json:"roleAssignments,omitempty"`
	// SignOnPolicies and SignOnPolicyAssignments: an older snapshot without them has none.
	SignOnPolicies          []SnapshotSignOnPolicy `json:"signOnPolicies,omitempty"`
	SignOnPolicyAssignments []SnapshotSOPA         `json:"signOnPolicyAssignments,omitempty"`
	// Roles is the role table; empty means the simulator's built-in one.
	Roles []SnapshotRole `json:"roles,omitempty"`
	// Seed is what `simulate` prints (and tests use) of a saved Server; nil for a bundle, whose
	// loaded Server derives one from the first environment.
	Seed *Seed `json:"seed,omitempty"`
	// Actor is who the facts were read as (a support bundle's maker): `simulate` issues a token
	// for it, so a replay signs in as the same user or app.
	Actor *SnapshotActor `json:"actor,omitempty"`
}

// SnapshotOrganization is the organization.
type SnapshotOrganization struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// SnapshotEnvironment is one environment.
type SnapshotEnvironment struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Type        string `json:"type,omitempty"`
	Region      string `json:"region,omitempty"`
	LicenseID   string `json:"licenseId,omitempty"`
}

// SnapshotPopulation is one population.
type SnapshotPopulation struct {
	ID            string `json:"id"`
	EnvironmentID string `json:"environmentId"`
	Name          string `json:"name"`
	Description   string `json:"description,omitempty"`
	Default       bool   `json:"default,omitempty"`
}

// SnapshotUser is one user. Password is set only in a saved Server's snapshot.
type SnapshotUser struct {
	ID            string `json:"id"`
	EnvironmentID string `json:"environmentId"`
	PopulationID  string `json:"populationId"`
	Username      string `json:"username"`
	Email         string `json:"email,omitempty"`
	GivenName     string `json:"givenName,omitempty"`
	FamilyName    string `json:"familyName,omitempty"`
	ExternalID    string `json:"externalId,omitempty"`
	Enabled       bool   `json:"enabled"`
	Password      string `json:"password,omitempty"`
}

// SnapshotGroup is one group; UserFilter makes it dynamic.
type SnapshotGroup struct {
	ID            string `json:"id"`
	EnvironmentID string `json:"environmentId"`
	Name          string `json:"name"`
	Description   string `json:"description,omitempty"`
	UserFilter    string `json:"userFilter,omitempty"`
}

// SnapshotMembership is a user's direct membership of a static group.
type SnapshotMembership struct {
	GroupID string `json:"groupId"`
	UserID  string `json:"userId"`
}

// SnapshotResource is one resource (openid, PingOne API, or custom).
type SnapshotResource struct {
	ID                         string `json:"id"`
	EnvironmentID              string `json:"environmentId"`
	Name                       string `json:"name"`
	Type                       string `json:"type"`
	Audience                   string `json:"audience,omitempty"`
	Description                string `json:"description,omitempty"`
	AccessTokenValiditySeconds int    `json:"accessTokenValiditySeconds,omitempty"`
}

// SnapshotScope is one scope of a resource.
type SnapshotScope struct {
	ID            string `json:"id"`
	EnvironmentID string `json:"environmentId"`
	ResourceID    string `json:"resourceId"`
	Name          string `json:"name"`
	Description   string `json:"description,omitempty"`
}

// SnapshotApplication is one application: Fields are its settings with the API's JSON names
// (as GET returns them; read-only keys are ignored on load). Secret and Previous are set only
// in a saved Server's snapshot.
type SnapshotApplication struct {
	ID            string            `json:"id"`
	EnvironmentID string            `json:"environmentId"`
	Fields        map[string]any    `json:"fields"`
	Secret        string            `json:"secret,omitempty"`
	Previous      *SnapshotPrevious `json:"previous,omitempty"`
}

// SnapshotPrevious is a rotated-out secret that still works until ExpiresAt.
type SnapshotPrevious struct {
	Secret    string    `json:"secret"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// SnapshotGrant is one grant of a resource's scopes to an application.
type SnapshotGrant struct {
	ID            string   `json:"id"`
	EnvironmentID string   `json:"environmentId"`
	ApplicationID string   `json:"applicationId"`
	ResourceID    string   `json:"resourceId"`
	ScopeIDs      []string `json:"scopeIds"`
}

// SnapshotSignOnPolicy is one sign-on policy.
type SnapshotSignOnPolicy struct {
	ID            string `json:"id"`
	EnvironmentID string `json:"environmentId"`
	Name          string `json:"name"`
	Description   string `json:"description,omitempty"`
	Default       bool   `json:"default,omitempty"`
}

// SnapshotSOPA is one sign-on policy assignment of an application.
type SnapshotSOPA struct {
	ID            string `json:"id"`
	EnvironmentID string `json:"environmentId"`
	ApplicationID string `json:"applicationId"`
	PolicyID      string `json:"policyId"`
	Priority      int    `json:"priority"`
}

// SnapshotRoleAssigned is one role assignment: SubjectKind is "user", "application" or "group".
type SnapshotRoleAssigned struct {
	ID            string `json:"id"`
	EnvironmentID string `json:"environmentId"`
	SubjectKind   string `json:"subjectKind"`
	SubjectID     string `json:"subjectId"`
	RoleID        string `json:"roleId"`
	ScopeType     string `json:"scopeType"`
	ScopeID       string `json:"scopeId"`
}

// SnapshotRole is one role of the role table; CanAssign holds role names.
type SnapshotRole struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Description  string   `json:"description,omitempty"`
	ApplicableTo []string `json:"applicableTo,omitempty"`
	Permissions  []string `json:"permissions"`
	CanAssign    []string `json:"canAssign,omitempty"`
}

// SnapshotActor is who a snapshot's facts were read as: Kind "user" or "application".
type SnapshotActor struct {
	Kind          string `json:"kind"`
	ID            string `json:"id"`
	EnvironmentID string `json:"environmentId"`
}

// Snapshot returns the Server's tenant as data, secrets and passwords included: save it only
// where the simulated credentials may be read (mode 0600). Sign-in sessions, codes and tokens in
// flight, faults and the request log are not part of it.
func (s *Server) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	seed := s.seed.clone()
	snap := Snapshot{Format: SnapshotFormat, Organization: SnapshotOrganization{ID: st.org.id, Name: st.org.name}, Seed: &seed}
	if s.actor != nil {
		a := *s.actor
		snap.Actor = &a
	}
	for _, e := range st.envs {
		snap.Environments = append(snap.Environments, SnapshotEnvironment{ID: e.id, Name: e.name, Description: e.description, Type: e.typ, Region: e.region, LicenseID: e.licenseID})
	}
	for _, p := range st.populations {
		snap.Populations = append(snap.Populations, SnapshotPopulation{ID: p.id, EnvironmentID: p.envID, Name: p.name, Description: p.description, Default: p.isDefault})
	}
	for _, u := range st.users {
		snap.Users = append(snap.Users, SnapshotUser{ID: u.id, EnvironmentID: u.envID, PopulationID: u.populationID, Username: u.username, Email: u.email,
			GivenName: u.given, FamilyName: u.family, ExternalID: u.externalID, Enabled: u.enabled, Password: u.password})
	}
	for _, g := range st.groups {
		snap.Groups = append(snap.Groups, SnapshotGroup{ID: g.id, EnvironmentID: g.envID, Name: g.name, Description: g.description, UserFilter: g.userFilter})
	}
	for _, m := range st.memberships {
		snap.Memberships = append(snap.Memberships, SnapshotMembership{GroupID: m.groupID, UserID: m.userID})
	}
	for _, r := range st.resources {
		snap.Resources = append(snap.Resources, SnapshotResource{ID: r.id, EnvironmentID: r.envID, Name: r.name, Type: r.typ, Audience: r.audience,
			Description: r.description, AccessTokenValiditySeconds: r.validity})
	}
	for _, sc := range st.scopes {
		snap.Scopes = append(snap.Scopes, SnapshotScope{ID: sc.id, EnvironmentID: sc.envID, ResourceID: sc.resourceID, Name: sc.name, Description: sc.description})
	}
	for _, a := range st.apps {
		sa := SnapshotApplication{ID: a.id, EnvironmentID: a.envID, Fields: map[string]any{}, Secret: a.secret}
		for k, v := range a.fields {
			sa.Fields[k] = cloneValue(v)
		}
		if p := a.previous; p != nil {
			sa.Previous = &SnapshotPrevious{Secret: p.secret, ExpiresAt: p.expiresAt}
		}
		snap.Applications = append(snap.Applications, sa)
	}
	for _, g := range st.grants {
		snap.Grants = append(snap.Grants, SnapshotGrant{ID: g.id, EnvironmentID: g.envID, ApplicationID: g.appID, ResourceID: g.resourceID, ScopeIDs: slices.Clone(g.scopeIDs)})
	}
	for _, p := range st.policies {
		snap.SignOnPolicies = append(snap.SignOnPolicies, SnapshotSignOnPolicy{ID: p.id, EnvironmentID: p.envID, Name: p.name, Description: p.description, Default: p.isDefault})
	}
	for _, x := range st.sopas {
		snap.SignOnPolicyAssignments = append(snap.SignOnPolicyAssignments, SnapshotSOPA{ID: x.id, EnvironmentID: x.envID, ApplicationID: x.appID, PolicyID: x.policyID, Priority: x.priority})
	}
	for _, ra := range st.assignments {
		snap.RoleAssignments = append(snap.RoleAssignments, SnapshotRoleAssigned{ID: ra.id, EnvironmentID: ra.envID, SubjectKind: ra.subjectKind,
			SubjectID: ra.subjectID, RoleID: ra.roleID, ScopeType: ra.scopeType, ScopeID: ra.scopeID})
	}
	for _, r := range st.roles {
		snap.Roles = append(snap.Roles, SnapshotRole{ID: r.ID, Name: r.Name, Description: r.Description, ApplicableTo: slices.Clone(r.ApplicableTo),
			Permissions: slices.Clone(r.Permissions), CanAssign: slices.Clone(r.CanAssign)})
	}
	return snap
}

// ParseSnapshot decodes a Snapshot from JSON, refusing unknown keys and any other format, so a
// wrong file is named rather than half loaded.
func ParseSnapshot(data []byte) (Snapshot, error) {
	var snap Snapshot
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&snap); err != nil {
		return Snapshot{}, fmt.Errorf("not a simulator state (JSON of format %s): %w", SnapshotFormat, err)
	}
	if snap.Format != SnapshotFormat {
		return Snapshot{}, fmt.Errorf("not a simulator state: format %q, want %q", snap.Format, SnapshotFormat)
	}
	return snap, nil
}

// NewFromSnapshot returns a Server whose tenant is snap instead of the seeded one. Every
// reference in snap must resolve (an assignment's role, subject and scope, a grant's app,
// resource and scopes, a user's population, …) and every application must pass the validation
// of a POST; the error names the first object that does not. New IDs are drawn from a generator
// seeded from snap's content, so they do not repeat the IDs of the Server it was saved from.
// Applications without a secret get a new one; users without a password cannot sign in with one.
func NewFromSnapshot(snap Snapshot, opts ...Option) (*Server, error) {
	if snap.Format != SnapshotFormat {
		return nil, fmt.Errorf("snapshot format %q, want %q", snap.Format, SnapshotFormat)
	}
	raw, err := json.Marshal(snap)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	h := fnv.New64a()
	h.Write(raw)
	s := &Server{clock: time.Now, pageSize: 100}
	s.requests.setLimit(DefaultRequestLog)
	WithRandomSeed(h.Sum64())(s)
	for _, o := range opts {
		o(s)
	}
	st, err := s.loadState(snap)
	if err != nil {
		return nil, err
	}
	s.initKey()
	s.st = st
	s.seed = s.seedOf(snap)
	if snap.Actor != nil {
		a := *snap.Actor
		s.actor = &a
	}
	s.routes = s.apiRoutes()
	return s, nil
}

// loadState builds and checks the state of snap. It runs before the Server serves, so it
// needs no lock.
func (s *Server) loadState(snap Snapshot) (*state, error) {
	st := &state{org: organization{id: snap.Organization.ID, name: snap.Organization.Name, createdAt: seededAt}}
	if st.org.id == "" {
		return nil, errors.New("snapshot: the organization has no id")
	}
	ids := map[string]string{}
	unique := func(kind, id string) error {
		if id == "" {
			return fmt.Errorf("snapshot: a %s has no id", kind)
		}
		if prev, dup := ids[id]; dup {
			return fmt.Errorf("snapshot: %s %s has the id of a %s", kind, id, prev)
		}
		ids[id] = kind
		return nil
	}
	inEnv := func(kind, id, envID string) error {
		if err := unique(kind, id); err != nil {
			return err
		}
		if st.env(envID) == nil {
			return fmt.Errorf("snapshot: %s %s is in environment %q, which the snapshot does not have", kind, id, envID)
		}
		return nil
	}
	if len(snap.Environments) == 0 {
		return nil, errors.New("snapshot: no environment")
	}
	for _, e := range snap.Environments {
		if err := unique("environment", e.ID); err != nil {
			return nil, err
		}
		st.envs = append(st.envs, &environment{id: e.ID, name: e.Name, description: e.Description, typ: cmp.Or(e.Type, "SANDBOX"),
			region: cmp.Or(e.Region, "NA"), licenseID: e.LicenseID, createdAt: seededAt, updatedAt: seededAt})
	}
	if len(snap.Roles) == 0 {
		st.roles = builtinRoles()
	}
	for _, r := range snap.Roles {
		if r.ID == "" || r.Name == "" {
			return nil, fmt.Errorf("snapshot: a role needs an id and a name (%q %q)", r.ID, r.Name)
		}
		if st.role(r.ID) != nil {
			return nil, fmt.Errorf("snapshot: role %s appears twice", r.ID)
		}
		st.roles = append(st.roles, &role{ID: r.ID, Name: r.Name, Description: r.Description, ApplicableTo: slices.Clone(r.ApplicableTo),
			Permissions: slices.Clone(r.Permissions), CanAssign: slices.Clone(r.CanAssign)})
	}
	for _, p := range snap.Populations {
		if err := inEnv("population", p.ID, p.EnvironmentID); err != nil {
			return nil, err
		}
		st.populations = append(st.populations, &population{id: p.ID, envID: p.EnvironmentID, name: p.Name, description: p.Description,
			isDefault: p.Default, createdAt: seededAt, updatedAt: seededAt})
	}
	for _, u := range snap.Users {
		if err := inEnv("user", u.ID, u.EnvironmentID); err != nil {
			return nil, err
		}
		if p := st.population(u.PopulationID); p == nil || p.envID != u.EnvironmentID {
			return nil, fmt.Errorf("snapshot: user %s (%s) is in population %q, which its environment does not have", u.ID, u.Username, u.PopulationID)
		}
		if u.Username == "" {
			return nil, fmt.Errorf("snapshot: user %s has no username", u.ID)
		}
		st.users = append(st.users, &user{id: u.ID, envID: u.EnvironmentID, populationID: u.PopulationID, username: u.Username, email: u.Email,
			given: u.GivenName, family: u.FamilyName, externalID: u.ExternalID, password: u.Password, enabled: u.Enabled, createdAt: seededAt, updatedAt: seededAt})
	}
	for _, g := range snap.Groups {
		if err := inEnv("group", g.ID, g.EnvironmentID); err != nil {
			return nil, err
		}
		ng := &group{id: g.ID, envID: g.EnvironmentID, name: g.Name, description: g.Description, userFilter: g.UserFilter, createdAt: seededAt, updatedAt: seededAt}
		if g.UserFilter != "" {
			f, err := parseFilter(g.UserFilter, userFilterAttrs)
			if err != nil {
				return nil, fmt.Errorf("snapshot: group %s (%s): userFilter %q: %w", g.ID, g.Name, g.UserFilter, err)
			}
			ng.filter = f
		}
		st.groups = append(st.groups, ng)
	}
	for _, m := range snap.Memberships {
		u := st.user("", m.UserID)
		g := st.group(envOf(u), m.GroupID)
		if u == nil || g == nil || g.filter != nil {
			return nil, fmt.Errorf("snapshot: membership of user %q in group %q: no such user, or no such static group in the user's environment", m.UserID, m.GroupID)
		}
		st.memberships = append(st.memberships, &membership{groupID: g.id, userID: u.id})
	}
	for _, r := range snap.Resources {
		if err := inEnv("resource", r.ID, r.EnvironmentID); err != nil {
			return nil, err
		}
		st.resources = append(st.resources, &resource{id: r.ID, envID: r.EnvironmentID, name: r.Name, typ: r.Type, audience: r.Audience,
			description: r.Description, validity: cmp.Or(r.AccessTokenValiditySeconds, 3600), createdAt: seededAt, updatedAt: seededAt})
	}
	for _, sc := range snap.Scopes {
		if err := inEnv("scope", sc.ID, sc.EnvironmentID); err != nil {
			return nil, err
		}
		if st.resource(sc.EnvironmentID, sc.ResourceID) == nil {
			return nil, fmt.Errorf("snapshot: scope %s (%s) belongs to resource %q, which its environment does not have", sc.ID, sc.Name, sc.ResourceID)
		}
		st.scopes = append(st.scopes, &scope{id: sc.ID, envID: sc.EnvironmentID, resourceID: sc.ResourceID, name: sc.Name, description: sc.Description,
			createdAt: seededAt, updatedAt: seededAt})
	}
	for _, a := range snap.Applications {
		if err := inEnv("application", a.ID, a.EnvironmentID); err != nil {
			return nil, err
		}
		body, err := jsonShaped(a.Fields)
		if err != nil {
			return nil, fmt.Errorf("snapshot: application %s: %w", a.ID, err)
		}
		fields, errs := normalizeApp(body, st, a.EnvironmentID, nil)
		if len(errs) > 0 {
			msgs := make([]string, len(errs))
			for i, d := range errs {
				msgs[i] = strings.TrimSpace(d.Target + ": " + d.Message)
			}
			return nil, fmt.Errorf("snapshot: application %s (%v) is not valid: %s", a.ID, a.Fields["name"], strings.Join(msgs, "; "))
		}
		na := &application{id: a.ID, envID: a.EnvironmentID, fields: fields, secret: a.Secret, createdAt: seededAt, updatedAt: seededAt}
		if na.secret == "" {
			na.secret = s.newSecret()
		}
		if p := a.Previous; p != nil {
			na.previous = &previousSecret{secret: p.Secret, expiresAt: p.ExpiresAt.UTC()}
		}
		st.apps = append(st.apps, na)
	}
	for _, g := range snap.Grants {
		if err := inEnv("grant", g.ID, g.EnvironmentID); err != nil {
			return nil, err
		}
		if st.app(g.EnvironmentID, g.ApplicationID) == nil || st.resource(g.EnvironmentID, g.ResourceID) == nil {
			return nil, fmt.Errorf("snapshot: grant %s: application %q or resource %q is not in its environment", g.ID, g.ApplicationID, g.ResourceID)
		}
		for _, id := range g.ScopeIDs {
			if sc := st.scope(g.EnvironmentID, id); sc == nil || sc.resourceID != g.ResourceID {
				return nil, fmt.Errorf("snapshot: grant %s: scope %q is not a scope of resource %s", g.ID, id, g.ResourceID)
			}
		}
		st.grants = append(st.grants, &grant{id: g.ID, envID: g.EnvironmentID, appID: g.ApplicationID, resourceID: g.ResourceID,
			scopeIDs: slices.Clone(g.ScopeIDs), createdAt: seededAt, updatedAt: seededAt})
	}
	s.st = st // scopeTarget reads it
	for _, ra := range snap.RoleAssignments {
		if err := inEnv("role assignment", ra.ID, ra.EnvironmentID); err != nil {
			return nil, err
		}
		var found bool
		switch ra.SubjectKind {
		case subjectUser:
			found = st.user("", ra.SubjectID) != nil
		case subjectApp:
			found = st.app("", ra.SubjectID) != nil
		case subjectGroup:
			g := st.group(ra.EnvironmentID, ra.SubjectID)
			found = g != nil && g.filter == nil
		default:
			return nil, fmt.Errorf("snapshot: role assignment %s: subjectKind %q, want user, application or group", ra.ID, ra.SubjectKind)
		}
		if !found {
			return nil, fmt.Errorf("snapshot: role assignment %s: no %s %q", ra.ID, ra.SubjectKind, ra.SubjectID)
		}
		if st.role(ra.RoleID) == nil {
			return nil, fmt.Errorf("snapshot: role assignment %s: no role %q in the role table", ra.ID, ra.RoleID)
		}
		if _, ok := s.scopeTarget(ra.ScopeType, ra.ScopeID); !ok {
			return nil, fmt.Errorf("snapshot: role assignment %s: its scope %s %q is not in the snapshot", ra.ID, ra.ScopeType, ra.ScopeID)
		}
		st.assignments = append(st.assignments, &roleAssignment{id: ra.ID, envID: ra.EnvironmentID, subjectKind: ra.SubjectKind,
			subjectID: ra.SubjectID, roleID: ra.RoleID, scopeType: ra.ScopeType, scopeID: ra.ScopeID, createdAt: seededAt})
	}
	for _, p := range snap.SignOnPolicies {
		if err := inEnv("sign-on policy", p.ID, p.EnvironmentID); err != nil {
			return nil, err
		}
		st.policies = append(st.policies, &signOnPolicy{id: p.ID, envID: p.EnvironmentID, name: p.Name, description: p.Description, isDefault: p.Default})
	}
	for _, x := range snap.SignOnPolicyAssignments {
		if err := inEnv("sign-on policy assignment", x.ID, x.EnvironmentID); err != nil {
			return nil, err
		}
		if st.app(x.EnvironmentID, x.ApplicationID) == nil || !slices.ContainsFunc(st.policies, func(p *signOnPolicy) bool { return p.id == x.PolicyID && p.envID == x.EnvironmentID }) {
			return nil, fmt.Errorf("snapshot: sign-on policy assignment %s: application %q or policy %q is not in its environment", x.ID, x.ApplicationID, x.PolicyID)
		}
		st.sopas = append(st.sopas, &sopAssignment{id: x.ID, envID: x.EnvironmentID, appID: x.ApplicationID, policyID: x.PolicyID, priority: x.Priority, createdAt: seededAt})
	}
	if a := snap.Actor; a != nil {
		if (a.Kind == subjectUser && st.user(a.EnvironmentID, a.ID) == nil) || (a.Kind == subjectApp && st.app(a.EnvironmentID, a.ID) == nil) ||
			(a.Kind != subjectUser && a.Kind != subjectApp) {
			return nil, fmt.Errorf("snapshot: the actor (%s %q in environment %q) is not in the snapshot", a.Kind, a.ID, a.EnvironmentID)
		}
	}
	return st, nil
}

// seedOf is snap's Seed, or for a snapshot without one (a support bundle), a Seed that names
// its organization, roles and first two environments (the credentials stay empty).
func (s *Server) seedOf(snap Snapshot) Seed {
	if snap.Seed != nil {
		return snap.Seed.clone()
	}
	sd := Seed{OrganizationID: snap.Organization.ID, OrganizationName: snap.Organization.Name, Roles: map[string]string{}}
	for _, r := range s.st.roles {
		sd.Roles[r.Name] = r.ID
	}
	envs := []*SeedEnvironment{&sd.Production, &sd.Sandbox}
	for i, e := range s.st.envs {
		if i >= len(envs) {
			break
		}
		se := envs[i]
		*se = SeedEnvironment{ID: e.id, Name: e.name, AdminConsoleClientID: s.newID(), OpenIDScopes: map[string]string{}, PingOneAPIScopes: map[string]string{}}
		if p := s.st.defaultPopulation(e.id); p != nil {
			se.DefaultPopulationID = p.id
		}
		for _, r := range s.st.resources {
			if r.envID != e.id {
				continue
			}
			var into map[string]string
			switch r.typ {
			case "OPENID_CONNECT":
				se.OpenIDResourceID, into = r.id, se.OpenIDScopes
			case "PINGONE_API":
				se.PingOneAPIResourceID, into = r.id, se.PingOneAPIScopes
			}
			for _, sc := range s.st.scopes {
				if into != nil && sc.resourceID == r.id {
					into[sc.name] = sc.id
				}
			}
		}
	}
	return sd
}

// Actor is the actor of the snapshot the Server was loaded from (see Snapshot.Actor), or nil.
func (s *Server) Actor() *SnapshotActor {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.actor == nil {
		return nil
	}
	a := *s.actor
	return &a
}

// ActorToken mints an access token (valid for ttl) for the actor of the snapshot the Server was
// loaded from, the user or application whose reads made a support bundle, so a replay signs in
// as them. ok is false when there is no actor.
func (s *Server) ActorToken(ttl time.Duration) (token string, ok bool) {
	a := s.Actor()
	if a == nil {
		return "", false
	}
	if a.Kind == subjectUser {
		return s.IssueUserToken(a.EnvironmentID, a.ID, ttl), true
	}
	return s.IssueAppToken(a.EnvironmentID, a.ID, ttl), true
}

func envOf(u *user) string {
	if u == nil {
		return ""
	}
	return u.envID
}

// jsonShaped round-trips v through JSON so it has the shapes a decoded request body has.
func jsonShaped(v map[string]any) (map[string]any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return out, nil
}
