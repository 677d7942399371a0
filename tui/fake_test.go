package tui

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
)

// Fake tenant: one organization, two environments, the signed-in admin jdoe holding only
// Organization Admin (which, on this tenant's role table, reads no users or groups).
const (
	orgID     = "99999999-9999-4999-8999-999999999999"
	prodEnvID = "11111111-1111-4111-8111-111111111111"
	sandEnvID = "22222222-2222-4222-8222-222222222222"
	jdoeID    = "33333333-3333-4333-8333-333333333333"
	secret    = "Sup3rS3cret_do-not-leak_QzX9"
)

// fakeAPI is an in-memory flows.API. failOnce makes the next call of a method fail.
type fakeAPI struct {
	mu       sync.Mutex
	envs     []pingone.Environment
	roles    []pingone.Role
	users    []pingone.User
	apps     map[string]pingone.Application
	grants   map[string][]pingone.ApplicationGrant
	userRAs  map[string][]pingone.RoleAssignment
	appRAs   map[string][]pingone.RoleAssignment
	calls    map[string]int
	failOnce map[string]error
	// failAlways fails every call of a method until cleared.
	failAlways map[string]error
	nextID     int
}

var _ flows.API = (*fakeAPI)(nil)

func newFakeAPI() *fakeAPI {
	perms := func(ids ...string) []pingone.Permission {
		out := make([]pingone.Permission, len(ids))
		for i, id := range ids {
			out[i] = pingone.Permission{ID: id}
		}
		return out
	}
	org := &pingone.Ref{ID: orgID}
	return &fakeAPI{
		envs: []pingone.Environment{
			{ID: prodEnvID, Name: "Production", Type: "PRODUCTION", Region: "NA", Organization: org},
			{ID: sandEnvID, Name: "Sandbox", Type: "SANDBOX", Region: "NA", Organization: org},
		},
		roles: []pingone.Role{
			{ID: "role-env-admin", Name: "Environment Admin", ApplicableTo: []string{"ORGANIZATION", "ENVIRONMENT"}, Permissions: perms(
				"dir:read:user", "dir:create:user", "dir:update:user", "dir:read:group", "dir:read:groupMembership",
				"dir:read:population", "applications:read:application", "orgmgt:read:environment")},
			{ID: "role-org-admin", Name: "Organization Admin", ApplicableTo: []string{"ORGANIZATION"}, Permissions: perms(
				"orgmgt:read:environment", "orgmgt:update:environment")},
			{ID: "role-ida", Name: "Identity Data Admin", ApplicableTo: []string{"ENVIRONMENT", "POPULATION"}, Permissions: perms(
				"dir:read:user", "dir:create:user", "dir:update:user", "dir:read:group", "dir:read:groupMembership", "dir:read:population")},
			{ID: "role-cad", Name: "Client Application Developer", ApplicableTo: []string{"ENVIRONMENT"}, Permissions: perms(
				"applications:read:application")},
		},
		users: []pingone.User{
			{ID: jdoeID, Username: "jdoe", Email: "jdoe@example.com", Environment: &pingone.Ref{ID: prodEnvID}},
		},
		apps:   map[string]pingone.Application{},
		grants: map[string][]pingone.ApplicationGrant{},
		userRAs: map[string][]pingone.RoleAssignment{
			jdoeID: {{ID: "ra-1", Role: pingone.Ref{ID: "role-org-admin"}, Scope: pingone.RoleScope{Type: "ORGANIZATION", ID: orgID}}},
		},
		appRAs:   map[string][]pingone.RoleAssignment{},
		calls:    map[string]int{},
		failOnce: map[string]error{},
	}
}

// identity is jdoe signed in to Production.
func identity() flows.Identity {
	return flows.Identity{EnvironmentID: prodEnvID, UserID: jdoeID, Username: "jdoe", ClientID: "admin-cli"}
}

func (f *fakeAPI) call(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[name]++
	if err := f.failOnce[name]; err != nil {
		delete(f.failOnce, name)
		return err
	}
	return f.failAlways[name]
}

// failUntilCleared makes every call of a method fail until clearFailure: a failure the wizard's
// prefetch cannot use up before the step itself asks.
func (f *fakeAPI) failUntilCleared(name string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failAlways == nil {
		f.failAlways = map[string]error{}
	}
	f.failAlways[name] = err
}

func (f *fakeAPI) clearFailure(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.failAlways, name)
}

func (f *fakeAPI) count(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[name]
}

func (f *fakeAPI) failNext(name string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failOnce[name] = err
}

func (f *fakeAPI) id() string {
	f.nextID++
	return fmt.Sprintf("aaaaaaaa-aaaa-4aaa-8aaa-%012d", f.nextID)
}

func notFound(what string) error {
	return &pingone.Error{Status: 404, Code: pingone.CodeNotFound, Message: what + " not found", ID: "nf-" + what}
}

func (f *fakeAPI) ListEnvironments(ctx context.Context) ([]pingone.Environment, error) {
	if err := f.call("ListEnvironments"); err != nil {
		return nil, err
	}
	return f.envs, nil
}

func (f *fakeAPI) GetEnvironment(ctx context.Context, envID string) (*pingone.Environment, error) {
	if err := f.call("GetEnvironment"); err != nil {
		return nil, err
	}
	for _, e := range f.envs {
		if e.ID == envID {
			return &e, nil
		}
	}
	return nil, notFound("environment")
}

func (f *fakeAPI) ListApplications(ctx context.Context, envID string) ([]pingone.Application, error) {
	if err := f.call("ListApplications"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []pingone.Application
	for _, a := range f.apps {
		if a.Environment != nil && a.Environment.ID == envID {
			out = append(out, a)
		}
	}
	return out, nil
}

func (f *fakeAPI) GetApplication(ctx context.Context, envID, appID string) (*pingone.Application, error) {
	if err := f.call("GetApplication"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.apps[appID]
	if !ok {
		return nil, notFound("application")
	}
	return &a, nil
}

func (f *fakeAPI) CreateApplication(ctx context.Context, envID string, app pingone.Application) (*pingone.Application, error) {
	if err := f.call("CreateApplication"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	app.ID = f.id()
	app.Environment = &pingone.Ref{ID: envID}
	app.AssignActorRoles = nil
	f.apps[app.ID] = app
	return &app, nil
}

func (f *fakeAPI) UpdateApplication(ctx context.Context, envID, appID string, app pingone.Application) (*pingone.Application, error) {
	if err := f.call("UpdateApplication"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.apps[appID]; !ok {
		return nil, notFound("application")
	}
	app.ID, app.Environment = appID, &pingone.Ref{ID: envID}
	f.apps[appID] = app
	return &app, nil
}

func (f *fakeAPI) GetApplicationSecret(ctx context.Context, envID, appID string) (*pingone.ApplicationSecret, error) {
	if err := f.call("GetApplicationSecret"); err != nil {
		return nil, err
	}
	return &pingone.ApplicationSecret{Secret: secret}, nil
}

func (f *fakeAPI) ListRoles(ctx context.Context) ([]pingone.Role, error) {
	if err := f.call("ListRoles"); err != nil {
		return nil, err
	}
	return f.roles, nil
}

func (f *fakeAPI) ListUserRoleAssignments(ctx context.Context, envID, userID string) ([]pingone.RoleAssignment, error) {
	if err := f.call("ListUserRoleAssignments"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]pingone.RoleAssignment(nil), f.userRAs[userID]...), nil
}

func (f *fakeAPI) CreateUserRoleAssignment(ctx context.Context, envID, userID string, ra pingone.RoleAssignment) (*pingone.RoleAssignment, error) {
	if err := f.call("CreateUserRoleAssignment"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ra.ID = f.id()
	f.userRAs[userID] = append(f.userRAs[userID], ra)
	return &ra, nil
}

func (f *fakeAPI) ListApplicationRoleAssignments(ctx context.Context, envID, appID string) ([]pingone.RoleAssignment, error) {
	if err := f.call("ListApplicationRoleAssignments"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]pingone.RoleAssignment(nil), f.appRAs[appID]...), nil
}

func (f *fakeAPI) CreateApplicationRoleAssignment(ctx context.Context, envID, appID string, ra pingone.RoleAssignment) (*pingone.RoleAssignment, error) {
	if err := f.call("CreateApplicationRoleAssignment"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ra.ID = f.id()
	f.appRAs[appID] = append(f.appRAs[appID], ra)
	return &ra, nil
}

func (f *fakeAPI) ListUsers(ctx context.Context, envID, filter string) ([]pingone.User, error) {
	if err := f.call("ListUsers"); err != nil {
		return nil, err
	}
	// Understands `username eq "x"` and `email eq "x"`.
	var out []pingone.User
	for _, u := range f.users {
		switch {
		case filter == "":
			out = append(out, u)
		case strings.HasPrefix(filter, "username eq ") && strings.Contains(filter, `"`+u.Username+`"`):
			out = append(out, u)
		case strings.HasPrefix(filter, "email eq ") && strings.Contains(filter, `"`+u.Email+`"`):
			out = append(out, u)
		}
	}
	return out, nil
}

func (f *fakeAPI) GetUser(ctx context.Context, envID, userID string) (*pingone.User, error) {
	if err := f.call("GetUser"); err != nil {
		return nil, err
	}
	for _, u := range f.users {
		if u.ID == userID {
			return &u, nil
		}
	}
	return nil, notFound("user")
}

func (f *fakeAPI) ListResources(ctx context.Context, envID string) ([]pingone.Resource, error) {
	if err := f.call("ListResources"); err != nil {
		return nil, err
	}
	return []pingone.Resource{
		{ID: "res-openid", Name: "openid", Type: pingone.ResourceTypeOpenIDConnect},
		{ID: "res-p1", Name: "PingOne API", Type: pingone.ResourceTypePingOneAPI},
	}, nil
}

func (f *fakeAPI) ListResourceScopes(ctx context.Context, envID, resourceID string) ([]pingone.ResourceScope, error) {
	if err := f.call("ListResourceScopes"); err != nil {
		return nil, err
	}
	var out []pingone.ResourceScope
	for _, n := range flows.OpenIDScopes {
		out = append(out, pingone.ResourceScope{ID: "scope-" + n, Name: n})
	}
	return out, nil
}

func (f *fakeAPI) ListApplicationGrants(ctx context.Context, envID, appID string) ([]pingone.ApplicationGrant, error) {
	if err := f.call("ListApplicationGrants"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]pingone.ApplicationGrant(nil), f.grants[appID]...), nil
}

func (f *fakeAPI) CreateApplicationGrant(ctx context.Context, envID, appID string, g pingone.ApplicationGrant) (*pingone.ApplicationGrant, error) {
	if err := f.call("CreateApplicationGrant"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	g.ID = f.id()
	f.grants[appID] = append(f.grants[appID], g)
	return &g, nil
}

func (f *fakeAPI) UpdateApplicationGrant(ctx context.Context, envID, appID, grantID string, g pingone.ApplicationGrant) (*pingone.ApplicationGrant, error) {
	if err := f.call("UpdateApplicationGrant"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, old := range f.grants[appID] {
		if old.ID == grantID {
			g.ID = grantID
			f.grants[appID][i] = g
			return &g, nil
		}
	}
	return nil, notFound("grant")
}

// The fake tenant has no groups: nobody holds a role through one.
func (f *fakeAPI) GetUserGroupIDs(ctx context.Context, envID, userID string) ([]string, error) {
	return []string{}, f.call("GetUserGroupIDs")
}

func (f *fakeAPI) ListGroups(ctx context.Context, envID, filter string) ([]pingone.Group, error) {
	return nil, f.call("ListGroups")
}

func (f *fakeAPI) ListGroupRoleAssignments(ctx context.Context, envID, groupID string) ([]pingone.RoleAssignment, error) {
	return nil, f.call("ListGroupRoleAssignments")
}

func (f *fakeAPI) ListPopulations(ctx context.Context, envID string) ([]pingone.Population, error) {
	return []pingone.Population{{ID: "pop-1", Name: "Default", Default: true}}, f.call("ListPopulations")
}

func (f *fakeAPI) ListUsersPage(ctx context.Context, envID, filter string, limit int) ([]pingone.User, error) {
	users, err := f.ListUsers(ctx, envID, filter)
	return users[:min(limit, len(users))], err
}
