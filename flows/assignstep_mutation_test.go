package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// assignAPI holds role assignments per subject and logs every call. Methods it does not override
// panic through the nil API.
type assignAPI struct {
	API
	mu    sync.Mutex
	have  map[string][]pingone.RoleAssignment // by user or app ID
	calls []string
	users []pingone.User
	// lose makes every create happen but answer as if the response was lost.
	lose bool
	// listErr fails every role assignment list.
	listErr error
}

func (a *assignAPI) log(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, fmt.Sprintf(format, args...))
}

func (a *assignAPI) count(prefix string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, c := range a.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func (a *assignAPI) list(id string) ([]pingone.RoleAssignment, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.listErr != nil {
		return nil, a.listErr
	}
	return append([]pingone.RoleAssignment(nil), a.have[id]...), nil
}

func (a *assignAPI) create(id string, ra pingone.RoleAssignment) (*pingone.RoleAssignment, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	ra.ID = fmt.Sprintf("ra-%d", len(a.have[id])+1)
	if a.have == nil {
		a.have = map[string][]pingone.RoleAssignment{}
	}
	a.have[id] = append(a.have[id], ra)
	if a.lose {
		return nil, fmt.Errorf("POST: %w", pingone.ErrOutcomeUnknown)
	}
	return &ra, nil
}

func (a *assignAPI) ListRoles(context.Context) ([]pingone.Role, error) {
	a.log("ListRoles")
	return testRoles(), nil
}

func (a *assignAPI) ListUserRoleAssignments(_ context.Context, _, id string) ([]pingone.RoleAssignment, error) {
	a.log("ListUserRoleAssignments %s", id)
	return a.list(id)
}

func (a *assignAPI) ListApplicationRoleAssignments(_ context.Context, _, id string) ([]pingone.RoleAssignment, error) {
	a.log("ListApplicationRoleAssignments %s", id)
	return a.list(id)
}

func (a *assignAPI) CreateUserRoleAssignment(_ context.Context, _, id string, ra pingone.RoleAssignment) (*pingone.RoleAssignment, error) {
	a.log("CreateUserRoleAssignment %s %s", id, ra.Role.ID)
	return a.create(id, ra)
}

func (a *assignAPI) CreateApplicationRoleAssignment(_ context.Context, _, id string, ra pingone.RoleAssignment) (*pingone.RoleAssignment, error) {
	a.log("CreateApplicationRoleAssignment %s %s", id, ra.Role.ID)
	return a.create(id, ra)
}

func (a *assignAPI) ListUsers(_ context.Context, _, filter string) ([]pingone.User, error) {
	a.log("ListUsers %s", filter)
	for _, u := range a.users {
		if filter == `username eq "`+u.Username+`"` {
			return []pingone.User{u}, nil
		}
	}
	return nil, nil
}

func (a *assignAPI) UpdateApplication(_ context.Context, _, appID string, app pingone.Application) (*pingone.Application, error) {
	a.log("UpdateApplication %s", appID)
	return &app, nil
}

var testTarget = pingone.Environment{ID: testEnv, Organization: &pingone.Ref{ID: testOrg}}

func TestAnAssignmentCountsAsHeldOnlyForTheSameRoleAtTheSameScope(t *testing.T) {
	have := []pingone.RoleAssignment{assign("r-ida", "ENVIRONMENT", testEnv)}
	for _, tc := range []struct {
		role  string
		scope pingone.RoleScope
		want  bool
	}{
		{"r-ida", pingone.RoleScope{Type: "ENVIRONMENT", ID: testEnv}, true},
		{"r-idro", pingone.RoleScope{Type: "ENVIRONMENT", ID: testEnv}, false},
		{"r-ida", pingone.RoleScope{Type: "ENVIRONMENT", ID: "other-env"}, false},
		{"r-ida", pingone.RoleScope{Type: "POPULATION", ID: testEnv}, false},
	} {
		if got := hasAssignment(have, tc.role, tc.scope); got != tc.want {
			t.Errorf("has %s at %v: %v, want %v", tc.role, tc.scope, got, tc.want)
		}
		found, ok, err := findAssignment(context.Background(), Env{API: &assignAPI{have: map[string][]pingone.RoleAssignment{"u-1": have}}},
			"user", testEnv, "u-1", tc.role, tc.scope)
		if ok != tc.want || err != nil || (found != nil) != tc.want {
			t.Errorf("find %s at %v: %+v %v %v, want found %v", tc.role, tc.scope, found, ok, err, tc.want)
		}
	}
}

func TestLookingForALostAssignmentReportsAFailedList(t *testing.T) {
	api := &assignAPI{listErr: errors.New("PingOne is unavailable")}
	if _, ok, err := findAssignment(context.Background(), Env{API: api}, "application", testEnv, "a-1", "r-ida",
		pingone.RoleScope{Type: "ENVIRONMENT", ID: testEnv}); err == nil || ok {
		t.Errorf("found %v, err %v: want the failed list", ok, err)
	}
}

func TestOrganizationScopeNeedsTheEnvironmentsOrganization(t *testing.T) {
	for _, env := range []pingone.Environment{{ID: testEnv}, {ID: testEnv, Organization: &pingone.Ref{}}} {
		if _, err := scopeFor(State{Target: env}, "organization"); err == nil {
			t.Errorf("organization %v: organization scope without knowing the organization", env.Organization)
		}
	}
	sc, err := scopeFor(State{Target: testTarget}, "organization")
	if err != nil || sc != (pingone.RoleScope{Type: "ORGANIZATION", ID: testOrg}) {
		t.Errorf("scope %+v, %v", sc, err)
	}
}

func TestALostAssignmentResponseIsFoundNotSentAgain(t *testing.T) {
	api := &assignAPI{lose: true}
	s := State{Target: testTarget}
	noWait := func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	changes, _, err := assignAll(context.Background(), Env{API: api, Sleep: noWait}, s, testRoles(), "user", "u-1", "jdoe",
		[]RoleAssignment{{Role: "Identity Data Read Only", Scope: "environment"}})
	if err != nil || len(changes) != 1 {
		t.Fatalf("changes %+v, %v: the assignment made behind the lost response counts", changes, err)
	}
	if n := api.count("CreateUserRoleAssignment"); n != 1 {
		t.Errorf("%d creates, want 1", n)
	}
}

func TestTheAssignStepReadsOnlyWhatTheRoleCheckDidNotAlreadyRead(t *testing.T) {
	held := []pingone.RoleAssignment{assign("r-idro", "ENVIRONMENT", testEnv)}
	wants := []RoleAssignment{{Role: "Identity Data Read Only", Scope: "environment"}}
	for _, tc := range []struct {
		name   string
		id     string
		report *RoleReport
		reads  int
		writes int
	}{
		{"the role check read this user", "u-1", &RoleReport{ActorID: "u-1"}, 0, 0},
		{"no role check", "u-1", nil, 1, 0},
		{"the role check read someone else", "u-1", &RoleReport{ActorID: "u-2"}, 1, 0},
		{"an app not created yet (dry run)", "", &RoleReport{ActorID: ""}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &assignAPI{have: map[string][]pingone.RoleAssignment{"u-1": held}}
			s := State{Target: testTarget, Report: tc.report, ActorAssignments: held}
			changes, _, err := assignAll(context.Background(), Env{API: api, DryRun: tc.id == ""}, s, testRoles(), "user", tc.id, "jdoe", wants)
			if err != nil {
				t.Fatal(err)
			}
			if n := api.count("ListUserRoleAssignments"); n != tc.reads {
				t.Errorf("%d reads, want %d", n, tc.reads)
			}
			if n := api.count("CreateUserRoleAssignment"); n != tc.writes {
				t.Errorf("%d writes, want %d", n, tc.writes)
			}
			if tc.id == "" && (len(changes) != 1 || changes[0].Applied) {
				t.Errorf("changes %+v: an app not created yet is reported as to be assigned", changes)
			}
			if tc.id != "" && len(changes) != 0 {
				t.Errorf("changes %+v: the role is held already", changes)
			}
		})
	}
}

func TestTheAssignStepFindsEachUserOnceAndOnlyUsersOtherThanTheSigningInUser(t *testing.T) {
	jdoe := pingone.User{ID: "u-jdoe", Username: "jdoe", Email: "john@example.com"}
	other := pingone.User{ID: "u-other", Username: "other"}
	role := func(user string) UserRoleAssignment {
		return UserRoleAssignment{User: user, Role: "Identity Data Read Only", Scope: "environment"}
	}
	for _, tc := range []struct {
		name    string
		signIn  *pingone.User
		plan    []UserRoleAssignment
		lookups int
	}{
		{"the signing-in user by username", &jdoe, []UserRoleAssignment{role("jdoe")}, 0},
		{"the signing-in user by email", &jdoe, []UserRoleAssignment{role("JOHN@example.com")}, 0},
		{"another user", &jdoe, []UserRoleAssignment{role("other")}, 1},
		{"no signing-in user", nil, []UserRoleAssignment{role("jdoe")}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &assignAPI{users: []pingone.User{jdoe, other}}
			s := State{Target: testTarget, Roles: testRoles(), SignInUser: tc.signIn, App: &pingone.Application{ID: "a-1"}}
			s.Plan.UserRoleAssignments = tc.plan
			res, err := runAssign(context.Background(), Env{API: api}, s)
			if err != nil {
				t.Fatal(err)
			}
			res(&s)
			if n := api.count("ListUsers"); n != tc.lookups {
				t.Errorf("%d user lookups, want %d", n, tc.lookups)
			}
			if n := api.count("ListRoles") + api.count("ListApplicationRoleAssignments") + api.count("UpdateApplication"); n != 0 {
				t.Errorf("calls %q: the roles are known, the app gets no role and no access change", api.calls)
			}
			if len(s.Changes) != 1 || s.Changes[0].Step != StepAssign {
				t.Errorf("changes %+v", s.Changes)
			}
		})
	}
}

func TestTheAssignStepTurnsAdminOnlyAccessOffOnlyWhenThatWasTheChoice(t *testing.T) {
	for _, choice := range []string{FixAssign, FixAdminOnlyOff} {
		t.Run(choice, func(t *testing.T) {
			api := &assignAPI{}
			s := State{Target: testTarget, FixChoice: choice, App: &pingone.Application{ID: "a-1", Name: "App",
				AccessControl: &pingone.AccessControl{Role: &pingone.AccessControlRole{Type: pingone.AccessControlAdminUsersOnly}}}}
			s.Plan.Application.AdminOnly = Bool(false)
			s.Plan.Application.RoleAssignments = []RoleAssignment{{Role: "Identity Data Read Only", Scope: "environment"}}
			res, err := runAssign(context.Background(), Env{API: api}, s)
			if err != nil {
				t.Fatal(err)
			}
			res(&s)
			want := 0
			if choice == FixAdminOnlyOff {
				want = 1
			}
			if n := api.count("UpdateApplication"); n != want {
				t.Errorf("%d app updates, want %d", n, want)
			}
			if n := api.count("ListRoles"); n != 1 {
				t.Errorf("%d role table reads, want 1: the roles were not known", n)
			}
			if n := api.count("CreateApplicationRoleAssignment"); n != 1 {
				t.Errorf("%d app role assignments, want 1", n)
			}
		})
	}
}

// failingRoles answers every application role assignment list with err.
type failingRoles struct {
	API
	err error
}

func (f failingRoles) ListApplicationRoleAssignments(context.Context, string, string) ([]pingone.RoleAssignment, error) {
	return nil, f.err
}

func TestAWorkerThatMayNotReadItsOwnRolesIsUnknownNotAFailure(t *testing.T) {
	id := Identity{ClientID: "worker", EnvironmentID: testEnv}
	for _, tc := range []struct {
		err     error
		wantErr bool
	}{
		{&pingone.Error{Status: 403, Code: pingone.CodeAccessFailed}, false},
		{&pingone.Error{Status: 404, Code: pingone.CodeNotFound}, false},
		{&pingone.Error{Status: 500}, true},
	} {
		ras, known, err := adminAssignments(context.Background(), Env{API: failingRoles{err: tc.err}, Identity: id})
		if ras != nil || known || (err != nil) != tc.wantErr {
			t.Errorf("%v: %v %v %v, want unknown (error: %v)", tc.err, ras, known, err, tc.wantErr)
		}
	}
	if ras, known, err := adminAssignments(context.Background(), Env{}); ras != nil || known || err != nil {
		t.Errorf("nobody signed in: %v %v %v", ras, known, err)
	}
}

func TestTurningAdminOnlyAccessOffWhenItIsOffAlreadyChangesNothing(t *testing.T) {
	api := &assignAPI{}
	s := State{Target: testTarget, Roles: testRoles(), FixChoice: FixAdminOnlyOff, App: &pingone.Application{ID: "a-1", Name: "App"}}
	s.Plan.Application.AdminOnly = Bool(false)
	s.Plan.Application.RoleAssignments = []RoleAssignment{{Role: "Identity Data Read Only", Scope: "environment"}}
	res, err := runAssign(context.Background(), Env{API: api}, s)
	if err != nil {
		t.Fatal(err)
	}
	res(&s)
	if api.count("UpdateApplication") != 0 || len(s.Changes) != 1 || s.Changes[0].Step != StepAssign {
		t.Errorf("calls %q, changes %+v: only the role is assigned", api.calls, s.Changes)
	}
}
