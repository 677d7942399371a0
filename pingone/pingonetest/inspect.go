package pingonetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// inspectBase is the host used in _links of inspection copies.
const inspectBase = "http://pingonetest.invalid"

// RoleAssignment is a read-only copy of one role assignment, for tests.
type RoleAssignment struct {
	ID        string
	RoleID    string
	RoleName  string
	ScopeType string
	ScopeID   string
}

// Grant is a read-only copy of one application grant, for tests.
type Grant struct {
	ID         string
	ResourceID string
	// ScopeNames are the granted scopes' names, in grant order.
	ScopeNames []string
	ScopeIDs   []string
}

// Applications returns JSON-shaped copies of envID's applications, in
// creation order (the _links use the host pingonetest.invalid).
func (s *Server) Applications(envID string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, a := range s.st.apps {
		if a.envID == envID {
			out = append(out, renderApp(inspectBase, a))
		}
	}
	return out
}

// ApplicationSecret returns the current client secret of an application,
// or "" if there is no such application.
func (s *Server) ApplicationSecret(envID, appID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.st.app(envID, appID); a != nil {
		return a.secret
	}
	return ""
}

func (s *Server) copyAssignments(kind, id string) []RoleAssignment {
	var out []RoleAssignment
	for _, ra := range s.st.assignmentsOf(kind, id) {
		name := ""
		if r := s.st.role(ra.roleID); r != nil {
			name = r.Name
		}
		out = append(out, RoleAssignment{ID: ra.id, RoleID: ra.roleID, RoleName: name, ScopeType: ra.scopeType, ScopeID: ra.scopeID})
	}
	return out
}

// UserRoleAssignments returns copies of a user's role assignments.
func (s *Server) UserRoleAssignments(envID, userID string) []RoleAssignment {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.user(envID, userID) == nil {
		return nil
	}
	return s.copyAssignments(subjectUser, userID)
}

// ApplicationRoleAssignments returns copies of an application's role
// assignments.
func (s *Server) ApplicationRoleAssignments(envID, appID string) []RoleAssignment {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.app(envID, appID) == nil {
		return nil
	}
	return s.copyAssignments(subjectApp, appID)
}

// GroupRoleAssignments returns copies of a group's role assignments.
func (s *Server) GroupRoleAssignments(envID, groupID string) []RoleAssignment {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.group(envID, groupID) == nil {
		return nil
	}
	return s.copyAssignments(subjectGroup, groupID)
}

// UserGroupIDs returns the IDs of the groups a user is a member of (static
// groups it was added to and dynamic groups whose filter matches it), in
// group creation order: what include=memberOfGroupIDs returns.
func (s *Server) UserGroupIDs(envID, userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.user(envID, userID)
	if u == nil {
		return nil
	}
	var out []string
	for _, g := range s.st.groupsOf(u) {
		out = append(out, g.id)
	}
	return out
}

// Grants returns copies of an application's grants.
func (s *Server) Grants(envID, appID string) []Grant {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Grant
	for _, g := range s.st.grants {
		if g.envID != envID || g.appID != appID {
			continue
		}
		cp := Grant{ID: g.id, ResourceID: g.resourceID, ScopeIDs: slices.Clone(g.scopeIDs)}
		for _, id := range g.scopeIDs {
			if sc := s.st.scope(envID, id); sc != nil {
				cp.ScopeNames = append(cp.ScopeNames, sc.name)
			}
		}
		out = append(out, cp)
	}
	return out
}

// AddUser adds an enabled user username@example.com to envID (populationID
// "" = the default population) and returns its ID. The password is
// username + "-Passw0rd". It panics if the environment or population does not
// exist, as befits a test fixture.
func (s *Server) AddUser(envID, username, populationID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.env(envID) == nil {
		panic(fmt.Sprintf("pingonetest.AddUser: no environment %q", envID))
	}
	if populationID == "" {
		populationID = s.st.defaultPopulation(envID).id
	}
	if p := s.st.population(populationID); p == nil || p.envID != envID {
		panic(fmt.Sprintf("pingonetest.AddUser: no population %q in environment %q", populationID, envID))
	}
	now := s.now()
	u := &user{id: s.newID(), envID: envID, populationID: populationID, username: username,
		email: username + "@example.com", given: username, family: "Example", password: username + "-Passw0rd",
		enabled: true, createdAt: now, updatedAt: now}
	s.st.users = append(s.st.users, u)
	return u.id
}

// AddApplication adds an application to envID as if POSTed by an actor with
// no roles (so a WORKER inherits nothing) and returns its ID. body uses the
// API's JSON field names; it is validated like a POST and AddApplication
// panics with the validation details if it is invalid.
func (s *Server) AddApplication(envID string, body map[string]any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.env(envID) == nil {
		panic(fmt.Sprintf("pingonetest.AddApplication: no environment %q", envID))
	}
	fields, errs := normalizeApp(body, s.st, envID, nil)
	if len(errs) > 0 {
		panic(fmt.Sprintf("pingonetest.AddApplication: invalid application: %+v", errs))
	}
	now := s.now()
	a := &application{id: s.newID(), envID: envID, fields: fields, secret: s.newSecret(), createdAt: now, updatedAt: now}
	s.st.apps = append(s.st.apps, a)
	return a.id
}

// AssignUserRole gives a user the built-in role roleName at the scope,
// bypassing the actor checks of the API (but not applicableTo, scope
// existence or duplicates).
func (s *Server) AssignUserRole(envID, userID, roleName, scopeType, scopeID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.user(envID, userID) == nil {
		return fmt.Errorf("pingonetest: no user %q in environment %q", userID, envID)
	}
	return s.assign(envID, subjectUser, userID, roleName, scopeType, scopeID)
}

// AssignAppRole gives an application the built-in role roleName at the scope,
// with the same checks as AssignUserRole (and no DaVinci roles).
func (s *Server) AssignAppRole(envID, appID, roleName, scopeType, scopeID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.app(envID, appID) == nil {
		return fmt.Errorf("pingonetest: no application %q in environment %q", appID, envID)
	}
	if isDaVinciRole(roleName) {
		return fmt.Errorf("pingonetest: role %q cannot be assigned to an application", roleName)
	}
	return s.assign(envID, subjectApp, appID, roleName, scopeType, scopeID)
}

func (s *Server) assign(envID, kind, id, roleName, scopeType, scopeID string) error {
	r := s.st.roleByName(roleName)
	if r == nil {
		return fmt.Errorf("pingonetest: no built-in role %q", roleName)
	}
	if !r.applicable(scopeType) {
		return fmt.Errorf("pingonetest: role %q is not applicable to scope type %q", roleName, scopeType)
	}
	t, ok := s.scopeTarget(scopeType, scopeID)
	if !ok {
		return fmt.Errorf("pingonetest: no %s %q", scopeType, scopeID)
	}
	for _, ex := range s.st.assignmentsOf(kind, id) {
		if ex.roleID == r.ID && s.covers(ex, t) {
			return fmt.Errorf("pingonetest: duplicate role assignment %q", roleName)
		}
	}
	s.st.assignments = append(s.st.assignments, &roleAssignment{id: s.newID(), envID: envID, subjectKind: kind,
		subjectID: id, roleID: r.ID, scopeType: scopeType, scopeID: scopeID})
	return nil
}

// AddGroup adds a static group named name to envID and returns its ID. It
// panics if the environment does not exist, as befits a test fixture.
func (s *Server) AddGroup(envID, name string) string {
	id, err := s.addGroup(envID, name, "")
	if err != nil {
		panic("pingonetest.AddGroup: " + err.Error())
	}
	return id
}

// AddDynamicGroup adds a dynamic group to envID: its members are the users
// userFilter matches (a user filter as GET …/users accepts, e.g.
// `population.id eq "…"`), and no role can be assigned to it. It returns the
// group's ID, or an error for an unknown environment or an unsupported
// filter.
func (s *Server) AddDynamicGroup(envID, name, userFilter string) (string, error) {
	if userFilter == "" {
		return "", fmt.Errorf("pingonetest: a dynamic group needs a userFilter")
	}
	id, err := s.addGroup(envID, name, userFilter)
	if err != nil {
		return "", fmt.Errorf("pingonetest: %w", err)
	}
	return id, nil
}

func (s *Server) addGroup(envID, name, userFilter string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.env(envID) == nil {
		return "", fmt.Errorf("no environment %q", envID)
	}
	var f *filterExpr
	if userFilter != "" {
		var err error
		if f, err = parseFilter(userFilter, userFilterAttrs); err != nil {
			return "", fmt.Errorf("userFilter %q: %w", userFilter, err)
		}
	}
	now := s.now()
	g := &group{id: s.newID(), envID: envID, name: name, userFilter: userFilter, filter: f, createdAt: now, updatedAt: now}
	s.st.groups = append(s.st.groups, g)
	return g.id, nil
}

// AddGroupMember makes a user a direct member of a static group of the same
// environment. Adding a member twice is a no-op; a dynamic group takes no
// direct members.
func (s *Server) AddGroupMember(envID, groupID, userID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, u, err := s.groupAndUser(envID, groupID, userID)
	if err != nil {
		return err
	}
	if g.filter != nil {
		return fmt.Errorf("pingonetest: group %q is dynamic (userFilter %q)", groupID, g.userFilter)
	}
	if !s.st.isMember(g, u) {
		s.st.memberships = append(s.st.memberships, &membership{groupID: g.id, userID: u.id})
	}
	return nil
}

// RemoveGroupMember ends a user's direct membership of a static group.
func (s *Server) RemoveGroupMember(envID, groupID, userID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, _, err := s.groupAndUser(envID, groupID, userID); err != nil {
		return err
	}
	s.st.memberships = deleteWhere(s.st.memberships, func(m *membership) bool { return m.groupID == groupID && m.userID == userID })
	return nil
}

func (s *Server) groupAndUser(envID, groupID, userID string) (*group, *user, error) {
	g := s.st.group(envID, groupID)
	if g == nil {
		return nil, nil, fmt.Errorf("pingonetest: no group %q in environment %q", groupID, envID)
	}
	u := s.st.user(envID, userID)
	if u == nil {
		return nil, nil, fmt.Errorf("pingonetest: no user %q in environment %q", userID, envID)
	}
	return g, u, nil
}

// AssignGroupRole gives a static group the built-in role roleName at the
// scope, with the same checks as AssignUserRole. Its members hold the role
// from then on.
func (s *Server) AssignGroupRole(envID, groupID, roleName, scopeType, scopeID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.st.group(envID, groupID)
	if g == nil {
		return fmt.Errorf("pingonetest: no group %q in environment %q", groupID, envID)
	}
	if g.filter != nil {
		return fmt.Errorf("pingonetest: roles cannot be assigned to dynamic group %q", groupID)
	}
	return s.assign(envID, subjectGroup, groupID, roleName, scopeType, scopeID)
}

// SetAccessControl replaces an application's accessControl (the API's JSON
// shape, e.g. {"group": {"type": "ANY_GROUP", "groups": [{"id": "…"}]}}),
// validated as a PUT would; nil removes it.
func (s *Server) SetAccessControl(envID, appID string, accessControl map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.app(envID, appID)
	if a == nil {
		return fmt.Errorf("pingonetest: no application %q in environment %q", appID, envID)
	}
	if accessControl == nil {
		delete(a.fields, "accessControl")
		return nil
	}
	// Round-trip through JSON so that the value has the shapes a decoded
	// request body has ([]any, map[string]any).
	raw, err := json.Marshal(accessControl)
	if err != nil {
		return fmt.Errorf("pingonetest: accessControl: %w", err)
	}
	var ac map[string]any
	if err := json.Unmarshal(raw, &ac); err != nil {
		return fmt.Errorf("pingonetest: accessControl: %w", err)
	}
	if errs := checkAccessControl(map[string]any{"accessControl": ac}, s.st, envID); len(errs) > 0 {
		return fmt.Errorf("pingonetest: invalid accessControl: %+v", errs)
	}
	a.fields["accessControl"] = ac
	a.updatedAt = s.now()
	return nil
}

// UserPassword returns the password of the user username (or email) of envID, as a person signing
// in would type it: the demo and the tests sign users in through new apps with it.
func (s *Server) UserPassword(envID, username string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.st.users {
		if u.envID == envID && (strings.EqualFold(u.username, username) || strings.EqualFold(u.email, username)) {
			return u.password, true
		}
	}
	return "", false
}
