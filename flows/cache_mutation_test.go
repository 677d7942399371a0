package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// countingAPI answers the reads Reads and Prefetch make from fixed data and logs every call.
// Methods it does not override panic through the nil API.
type countingAPI struct {
	API
	mu    sync.Mutex
	calls []string
	apps  []pingone.Application
	fail  map[string]int // method: how many more calls fail
}

func (a *countingAPI) log(format string, args ...any) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	call := fmt.Sprintf(format, args...)
	a.calls = append(a.calls, call)
	for m, n := range a.fail {
		if n > 0 && len(call) >= len(m) && call[:len(m)] == m {
			a.fail[m] = n - 1
			return errors.New("PingOne is unavailable")
		}
	}
	return nil
}

// count returns how many calls start with prefix.
func (a *countingAPI) count(prefix string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, c := range a.calls {
		if len(c) >= len(prefix) && c[:len(prefix)] == prefix {
			n++
		}
	}
	return n
}

func (a *countingAPI) ListEnvironments(context.Context) ([]pingone.Environment, error) {
	return []pingone.Environment{{ID: "env-1"}}, a.log("ListEnvironments")
}

func (a *countingAPI) ListRoles(context.Context) ([]pingone.Role, error) {
	return []pingone.Role{{ID: "role-1", Name: "Identity Data Admin"}}, a.log("ListRoles")
}

func (a *countingAPI) ListApplications(_ context.Context, envID string) ([]pingone.Application, error) {
	if err := a.log("ListApplications %s", envID); err != nil {
		return nil, err
	}
	return slices.Clone(a.apps), nil
}

func (a *countingAPI) CreateApplication(_ context.Context, envID string, app pingone.Application) (*pingone.Application, error) {
	if err := a.log("CreateApplication %s %s", envID, app.Name); err != nil {
		return nil, err
	}
	app.ID = "app-new"
	a.apps = append(a.apps, app)
	return &app, nil
}

func (a *countingAPI) UpdateApplication(_ context.Context, envID, appID string, app pingone.Application) (*pingone.Application, error) {
	if err := a.log("UpdateApplication %s %s", envID, appID); err != nil {
		return nil, err
	}
	app.ID = appID
	return &app, nil
}

func (a *countingAPI) GetApplicationSecret(_ context.Context, envID, appID string) (*pingone.ApplicationSecret, error) {
	return &pingone.ApplicationSecret{Secret: "s3cret"}, a.log("GetApplicationSecret %s %s", envID, appID)
}

func (a *countingAPI) ListApplicationRoleAssignments(_ context.Context, envID, appID string) ([]pingone.RoleAssignment, error) {
	return []pingone.RoleAssignment{{ID: "inherited"}}, a.log("ListApplicationRoleAssignments %s %s", envID, appID)
}

func (a *countingAPI) ListApplicationGrants(_ context.Context, envID, appID string) ([]pingone.ApplicationGrant, error) {
	return []pingone.ApplicationGrant{{ID: "grant-1", Resource: pingone.Ref{ID: "openid"}}, {ID: "grant-2", Resource: pingone.Ref{ID: "api"}}},
		a.log("ListApplicationGrants %s %s", envID, appID)
}

func (a *countingAPI) CreateApplicationGrant(_ context.Context, envID, appID string, g pingone.ApplicationGrant) (*pingone.ApplicationGrant, error) {
	if err := a.log("CreateApplicationGrant %s %s", envID, appID); err != nil {
		return nil, err
	}
	g.ID = "grant-new"
	return &g, nil
}

func (a *countingAPI) UpdateApplicationGrant(_ context.Context, envID, appID, grantID string, g pingone.ApplicationGrant) (*pingone.ApplicationGrant, error) {
	if err := a.log("UpdateApplicationGrant %s %s %s", envID, appID, grantID); err != nil {
		return nil, err
	}
	g.ID = grantID
	return &g, nil
}

func (a *countingAPI) ListResources(_ context.Context, envID string) ([]pingone.Resource, error) {
	return []pingone.Resource{{ID: "api", Type: "PINGONE_API"}, {ID: "openid", Type: pingone.ResourceTypeOpenIDConnect}},
		a.log("ListResources %s", envID)
}

func (a *countingAPI) ListResourceScopes(_ context.Context, envID, resourceID string) ([]pingone.ResourceScope, error) {
	return nil, a.log("ListResourceScopes %s %s", envID, resourceID)
}

func (a *countingAPI) ListUsers(_ context.Context, envID, filter string) ([]pingone.User, error) {
	return []pingone.User{{ID: "user-1", Username: "jdoe"}}, a.log("ListUsers %s %s", envID, filter)
}

func (a *countingAPI) ListUserRoleAssignments(_ context.Context, envID, userID string) ([]pingone.RoleAssignment, error) {
	return nil, a.log("ListUserRoleAssignments %s %s", envID, userID)
}

func (a *countingAPI) GetUserGroupIDs(_ context.Context, envID, userID string) ([]string, error) {
	return nil, a.log("GetUserGroupIDs %s %s", envID, userID)
}

func (a *countingAPI) ListGroups(_ context.Context, envID, filter string) ([]pingone.Group, error) {
	return nil, a.log("ListGroups %s", envID)
}

// cachedAt wraps api with a clock the test moves.
func cachedAt(api API, now *time.Time) *Reads {
	r := Cached(api)
	r.now = func() time.Time { return *now }
	return r
}

func TestARememberedReadIsTakenUntilItIsOlderThanTheMaxAgeAskedFor(t *testing.T) {
	api := &countingAPI{}
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	r := cachedAt(api, &now)
	ctx := context.Background()
	if _, err := r.ListEnvironments(ctx); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	_, _ = r.ListEnvironments(ctx)
	if n := api.count("ListEnvironments"); n != 1 {
		t.Fatalf("without a max age an hour-old read was asked again: %d calls, want 1", n)
	}
	now = now.Add(5 * time.Second) // the read is now 1h5s old
	_, _ = r.ListEnvironments(WithMaxAge(ctx, time.Hour+5*time.Second))
	if n := api.count("ListEnvironments"); n != 1 {
		t.Fatalf("a read exactly as old as the max age was asked again: %d calls, want 1", n)
	}
	_, _ = r.ListEnvironments(WithMaxAge(ctx, time.Hour))
	if n := api.count("ListEnvironments"); n != 2 {
		t.Fatalf("a read older than the max age was taken: %d calls, want 2", n)
	}
	_, _ = r.ListEnvironments(WithMaxAge(ctx, time.Minute))
	if n := api.count("ListEnvironments"); n != 2 {
		t.Fatalf("the fresh answer was not remembered: %d calls, want 2", n)
	}
}

func TestAFailedReadIsAskedAgainAndASuccessfulOneIsNot(t *testing.T) {
	api := &countingAPI{fail: map[string]int{"ListApplications": 1}, apps: []pingone.Application{{ID: "a1", Name: "A"}}}
	r := Cached(api)
	ctx := context.Background()
	if _, err := r.ListApplications(ctx, "env-1"); err == nil {
		t.Fatal("the first read should fail")
	}
	apps, err := r.ListApplications(ctx, "env-1")
	if err != nil || len(apps) != 1 {
		t.Fatalf("after a failed read: %v, %v; want the app from a second call", apps, err)
	}
	_, _ = r.ListApplications(ctx, "env-1")
	if n := api.count("ListApplications"); n != 2 {
		t.Errorf("%d calls, want 2: the failure asked again, the success remembered", n)
	}
}

func TestACreatedAppJoinsTheRememberedListAndANewAppWithoutInheritedRolesHoldsNone(t *testing.T) {
	for _, tc := range []struct {
		name    string
		inherit *bool
		asks    int // ListApplicationRoleAssignments calls after the create
	}{
		{"assignActorRoles false", Bool(false), 0},
		{"assignActorRoles true", Bool(true), 1},
		{"assignActorRoles unset", nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &countingAPI{apps: []pingone.Application{{ID: "a1", Name: "Old"}}}
			r := Cached(api)
			ctx := context.Background()
			_, _ = r.ListApplications(ctx, "env-1")
			app, err := r.CreateApplication(ctx, "env-1", pingone.Application{Name: "New", AssignActorRoles: tc.inherit})
			if err != nil {
				t.Fatal(err)
			}
			apps, _ := r.ListApplications(ctx, "env-1")
			if n := api.count("ListApplications"); n != 1 {
				t.Errorf("the list was asked again after our own create: %d calls", n)
			}
			if len(apps) != 2 || apps[1].ID != app.ID {
				t.Errorf("remembered list %+v, want the old app and the new one", apps)
			}
			ras, _ := r.ListApplicationRoleAssignments(ctx, "env-1", app.ID)
			if n := api.count("ListApplicationRoleAssignments"); n != tc.asks {
				t.Errorf("%d role assignment reads, want %d", n, tc.asks)
			}
			if tc.asks == 0 && len(ras) != 0 {
				t.Errorf("a new app that inherits nothing holds %v", ras)
			}
			grants, _ := r.ListApplicationGrants(ctx, "env-1", app.ID)
			if n := api.count("ListApplicationGrants"); n != 0 || len(grants) != 0 {
				t.Errorf("a new app's grants: %v after %d reads, want none without asking", grants, n)
			}
		})
	}
}

func TestAFailedCreateForgetsTheListSoTheNextLookupAsks(t *testing.T) {
	api := &countingAPI{fail: map[string]int{"CreateApplication": 1}}
	r := Cached(api)
	ctx := context.Background()
	_, _ = r.ListApplications(ctx, "env-1")
	if _, err := r.CreateApplication(ctx, "env-1", pingone.Application{Name: "New"}); err == nil {
		t.Fatal("the create should fail")
	}
	_, _ = r.ListApplications(ctx, "env-1")
	if n := api.count("ListApplications"); n != 2 {
		t.Errorf("%d list calls, want 2: after a create of unknown outcome the list is asked again", n)
	}
}

func TestAnUpdatedAppReplacesOnlyItselfInTheRememberedList(t *testing.T) {
	api := &countingAPI{apps: []pingone.Application{{ID: "a1", Name: "One"}, {ID: "a2", Name: "Two"}}}
	r := Cached(api)
	ctx := context.Background()
	_, _ = r.ListApplications(ctx, "env-1")
	if _, err := r.UpdateApplication(ctx, "env-1", "a2", pingone.Application{Name: "Two renamed"}); err != nil {
		t.Fatal(err)
	}
	apps, _ := r.ListApplications(ctx, "env-1")
	if n := api.count("ListApplications"); n != 1 {
		t.Errorf("the list was asked again after our own update: %d calls", n)
	}
	if len(apps) != 2 || apps[0].Name != "One" || apps[0].ID != "a1" || apps[1].Name != "Two renamed" || apps[1].ID != "a2" {
		t.Errorf("remembered list %+v, want One unchanged and Two renamed", apps)
	}
}

func TestAnUpdatedGrantReplacesOnlyItselfAndAFailedGrantWriteForgetsTheGrants(t *testing.T) {
	api := &countingAPI{}
	r := Cached(api)
	ctx := context.Background()
	_, _ = r.ListApplicationGrants(ctx, "env-1", "a1")
	if _, err := r.UpdateApplicationGrant(ctx, "env-1", "a1", "grant-1", pingone.ApplicationGrant{Resource: pingone.Ref{ID: "openid"}, Scopes: []pingone.Ref{{ID: "s1"}}}); err != nil {
		t.Fatal(err)
	}
	grants, _ := r.ListApplicationGrants(ctx, "env-1", "a1")
	if n := api.count("ListApplicationGrants"); n != 1 {
		t.Errorf("the grants were asked again after our own update: %d calls", n)
	}
	if len(grants) != 2 || len(grants[0].Scopes) != 1 || grants[1].ID != "grant-2" || grants[1].Resource.ID != "api" || len(grants[1].Scopes) != 0 {
		t.Errorf("remembered grants %+v, want grant-1 updated and grant-2 unchanged", grants)
	}
	api.fail = map[string]int{"CreateApplicationGrant": 1}
	if _, err := r.CreateApplicationGrant(ctx, "env-1", "a1", pingone.ApplicationGrant{Resource: pingone.Ref{ID: "api"}}); err == nil {
		t.Fatal("the grant create should fail")
	}
	_, _ = r.ListApplicationGrants(ctx, "env-1", "a1")
	if n := api.count("ListApplicationGrants"); n != 2 {
		t.Errorf("%d grant reads, want 2: after a failed grant create the grants are asked again", n)
	}
}

func TestTheSecretIsReadAheadOnlyForACachedAPIAndAnAppThatHasOne(t *testing.T) {
	ctx := context.Background()
	basic := pingone.Application{ID: "a1", TokenEndpointAuthMethod: pingone.AuthMethodClientSecretBasic}
	for _, tc := range []struct {
		name   string
		cached bool
		app    pingone.Application
		reads  int
	}{
		{"a cached API and a confidential app", true, basic, 1},
		{"an uncached API", false, basic, 0},
		{"an app not created yet", true, pingone.Application{TokenEndpointAuthMethod: pingone.AuthMethodClientSecretBasic}, 0},
		{"a public app (auth method NONE)", true, pingone.Application{ID: "a1", TokenEndpointAuthMethod: pingone.AuthMethodNone}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &countingAPI{}
			env := Env{API: api}
			if tc.cached {
				env.API = Cached(api)
			}
			wait := PrefetchSecret(ctx, env, "env-1", tc.app)
			done := make(chan struct{})
			go func() { wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("the secret read ahead did not finish in 5s")
			}
			if n := api.count("GetApplicationSecret"); n != tc.reads {
				t.Fatalf("%d secret reads, want %d", n, tc.reads)
			}
			if tc.reads > 0 {
				sec, err := env.API.GetApplicationSecret(ctx, "env-1", tc.app.ID)
				if err != nil || sec.Secret != "s3cret" || api.count("GetApplicationSecret") != 1 {
					t.Errorf("the hand-off read the secret again (%v, %v)", sec, err)
				}
			}
		})
	}
}

// prefetched runs Prefetch with steps and s, waits for it (5s at most) and returns the calls.
func prefetched(t *testing.T, env Env, steps []Step, s State) *countingAPI {
	t.Helper()
	api := &countingAPI{}
	env.API = Cached(api)
	wait := Prefetch(context.Background(), env, steps, s)
	done := make(chan struct{})
	go func() { wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the prefetch did not finish in 5s")
	}
	return api
}

func TestPrefetchStartsOnlyTheReadsOfStepsThatWillRun(t *testing.T) {
	userPlan := Plan{EnvironmentID: "env-1", SignInUser: "jdoe", Application: AppSpec{Name: "App", Scopes: []string{"openid"},
		GrantTypes: []string{pingone.GrantAuthorizationCode}}}
	appPlan := userPlan
	appPlan.Application.GrantTypes = []string{pingone.GrantClientCredentials}
	admin := Env{Identity: Identity{UserID: "admin-1", Username: "admin", EnvironmentID: "env-1"}}
	skipped := func(id string) Step { return Step{ID: id, Skip: func(*State) bool { return true }} }
	kept := func(id string) Step { return Step{ID: id, Skip: func(*State) bool { return false }} }
	all := []Step{kept(StepEnvironment), kept(StepCreate), kept(StepScopes), kept(StepSignInUser), {ID: StepRoles}}
	for _, tc := range []struct {
		name  string
		env   Env
		steps []Step
		s     State
		want  map[string]int
	}{
		{"every step of a user sign-in", admin, all, State{Plan: userPlan}, map[string]int{
			"ListRoles": 1, "ListEnvironments": 1, "ListApplications env-1": 1, "ListResources env-1": 1,
			"ListResourceScopes env-1 openid": 1, "ListResourceScopes env-1 api": 0, `ListUsers env-1 username eq "jdoe"`: 1,
			"ListUserRoleAssignments env-1 user-1": 1, "ListUserRoleAssignments env-1 admin-1": 1}},
		{"skipped steps", admin, []Step{skipped(StepEnvironment), skipped(StepCreate), skipped(StepScopes), skipped(StepSignInUser), skipped(StepRoles)},
			State{Plan: userPlan}, map[string]int{
				"ListRoles": 1, "ListEnvironments": 0, "ListApplications": 0, "ListResources": 0, "ListUsers": 0, "ListUserRoleAssignments": 0}},
		{"only the environment step kept", admin, []Step{kept(StepEnvironment), skipped(StepCreate), skipped(StepScopes), skipped(StepSignInUser)},
			State{Plan: userPlan}, map[string]int{"ListEnvironments": 1, "ListApplications": 0, "ListResources": 0, "ListUsers": 0}},
		{"no target environment", Env{}, all, State{Plan: Plan{SignInUser: "jdoe", Application: userPlan.Application}}, map[string]int{
			"ListRoles": 1, "ListEnvironments": 1, "ListApplications": 0, "ListResources": 0, "ListUsers": 0}},
		{"no app name and no scopes", admin, all, State{Plan: Plan{EnvironmentID: "env-1", SignInUser: "jdoe",
			Application: AppSpec{GrantTypes: []string{pingone.GrantAuthorizationCode}}}}, map[string]int{
			"ListApplications": 0, "ListResources": 0, "ListUsers": 1}},
		{"an app's own roles", admin, all, State{Plan: appPlan}, map[string]int{
			"ListApplications env-1": 1, "ListUsers": 0, "ListUserRoleAssignments env-1 user-1": 0}},
		{"the signing-in user named by the plan's first user role", admin, all, State{Plan: Plan{EnvironmentID: "env-1",
			Application:         AppSpec{GrantTypes: []string{pingone.GrantAuthorizationCode}},
			UserRoleAssignments: []UserRoleAssignment{{User: "jdoe", Role: "Identity Data Admin", Scope: "environment"}}}}, map[string]int{
			`ListUsers env-1 username eq "jdoe"`: 1, "ListUserRoleAssignments env-1 user-1": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := prefetched(t, tc.env, tc.steps, tc.s)
			for prefix, n := range tc.want {
				if got := api.count(prefix); got != n {
					t.Errorf("%d calls %q, want %d (all calls: %q)", got, prefix, n, api.calls)
				}
			}
		})
	}
}
