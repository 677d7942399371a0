package pingonetest

import (
	"fmt"
	"slices"
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
