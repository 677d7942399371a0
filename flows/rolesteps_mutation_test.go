package flows

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// directoryAPI is a small directory: users found by username or email filter, and groups whose
// role assignments are refused (403). Methods it does not override panic through the nil API.
type directoryAPI struct {
	API
	users   []pingone.User
	failAll error // every ListUsers fails with it
	mu      sync.Mutex
	filters []string
	// slowGroup's role read waits until fastGroup's has been answered, so the unreadable
	// lines arrive out of order.
	slowGroup, fastGroup string
	fastDone             chan struct{}
	pageCalls            int
}

func (d *directoryAPI) ListUsers(_ context.Context, _, filter string) ([]pingone.User, error) {
	d.mu.Lock()
	d.filters = append(d.filters, filter)
	d.mu.Unlock()
	if d.failAll != nil {
		return nil, d.failAll
	}
	var out []pingone.User
	for _, u := range d.users {
		if filter == `username eq "`+u.Username+`"` || filter == `email eq "`+u.Email+`"` {
			out = append(out, u)
		}
	}
	return out, nil
}

func (d *directoryAPI) ListUsersPage(_ context.Context, _, _ string, _ int) ([]pingone.User, error) {
	d.mu.Lock()
	d.pageCalls++
	d.mu.Unlock()
	return d.users, nil
}

func (d *directoryAPI) GetUser(_ context.Context, _, userID string) (*pingone.User, error) {
	for _, u := range d.users {
		if u.ID == userID {
			return &u, nil
		}
	}
	return nil, &pingone.Error{Status: 404, Code: "NOT_FOUND"}
}

func (d *directoryAPI) ListUserRoleAssignments(context.Context, string, string) ([]pingone.RoleAssignment, error) {
	return nil, nil
}

func (d *directoryAPI) GetUserGroupIDs(context.Context, string, string) ([]string, error) {
	return []string{d.slowGroup, d.fastGroup}, nil
}

func (d *directoryAPI) ListGroups(context.Context, string, string) ([]pingone.Group, error) {
	return []pingone.Group{{ID: d.slowGroup, Name: "Alpha"}, {ID: d.fastGroup, Name: "Beta"}}, nil
}

func (d *directoryAPI) ListGroupRoleAssignments(_ context.Context, _, groupID string) ([]pingone.RoleAssignment, error) {
	if groupID == d.slowGroup {
		select {
		case <-d.fastDone:
			time.Sleep(20 * time.Millisecond) // let the other job record its line first
		case <-time.After(5 * time.Second):
		}
	} else {
		defer close(d.fastDone)
	}
	return nil, &pingone.Error{Status: 403, Code: "ACCESS_FAILED"}
}

func (d *directoryAPI) filtersSent() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.filters)
}

var (
	jdoe  = pingone.User{ID: "u-jdoe", Username: "jdoe", Email: "john@example.com"}
	mailU = pingone.User{ID: "u-mail", Username: "mail@example.com", Email: "other@example.com"}
	other = pingone.User{ID: "u-other", Username: "other", Email: "mail@example.com"}
)

func TestFindUserTriesTheEmailOnlyForAnAtSignAndOnlyWhenNoUsernameMatches(t *testing.T) {
	for _, tc := range []struct {
		name, find string
		wantID     string
		filters    []string
	}{
		{"a username", "jdoe", "u-jdoe", []string{`username eq "jdoe"`}},
		{"an email", "john@example.com", "u-jdoe", []string{`username eq "john@example.com"`, `email eq "john@example.com"`}},
		{"a username that looks like an email", "mail@example.com", "u-mail", []string{`username eq "mail@example.com"`}},
		{"no such username, no at sign", "john", "", []string{`username eq "john"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &directoryAPI{users: []pingone.User{jdoe, mailU, other}}
			u, err := FindUser(context.Background(), d, "env-1", tc.find)
			switch {
			case tc.wantID == "" && err == nil:
				t.Errorf("found %+v, want no user", u)
			case tc.wantID != "" && (err != nil || u.ID != tc.wantID):
				t.Errorf("found %+v, %v; want %s", u, err, tc.wantID)
			}
			if got := d.filtersSent(); !slices.Equal(got, tc.filters) {
				t.Errorf("filters %q, want %q", got, tc.filters)
			}
		})
	}
}

func TestFindUserReportsAFailedSearchRatherThanTryingTheEmail(t *testing.T) {
	d := &directoryAPI{users: []pingone.User{jdoe}, failAll: errors.New("PingOne is unavailable")}
	_, err := FindUser(context.Background(), d, "env-1", "john@example.com")
	if err == nil || !strings.Contains(err.Error(), "unavailable") {
		t.Errorf("err %v, want the failed search", err)
	}
	if got := d.filtersSent(); len(got) != 1 {
		t.Errorf("filters %q: a failed search is not a missing user", got)
	}
}

func TestTheWizardSuggestsUsersOnlyWhileNobodyIsNamed(t *testing.T) {
	for _, tc := range []struct {
		name        string
		interactive bool
		named       string
		suggest     bool
	}{
		{"the wizard, nobody named", true, "", true},
		{"the wizard, a user named", true, "jdoe", false},
		{"apply", false, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &directoryAPI{users: []pingone.User{jdoe, other}}
			res, err := prepareSignInUser(context.Background(), Env{API: d, Interactive: tc.interactive}, State{Plan: Plan{SignInUser: tc.named}})
			if err != nil {
				t.Fatal(err)
			}
			var s State
			if res != nil {
				res(&s)
			}
			if got := len(s.UserSuggestions) > 0; got != tc.suggest || (d.pageCalls > 0) != tc.suggest {
				t.Errorf("suggestions %v after %d reads, want suggestions: %v", s.UserSuggestions, d.pageCalls, tc.suggest)
			}
		})
	}
}

func TestTheSigningInUserIsThePlansOrTheFirstUserGivenRoles(t *testing.T) {
	roles := []UserRoleAssignment{{User: "jdoe", Role: "Identity Data Admin", Scope: "environment"}}
	for _, tc := range []struct {
		name string
		plan Plan
		want string
	}{
		{"named", Plan{SignInUser: "other", UserRoleAssignments: roles}, "other"},
		{"the first user given roles", Plan{UserRoleAssignments: roles}, "jdoe"},
		{"nobody: the signed-in admin", Plan{}, "other"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &directoryAPI{users: []pingone.User{jdoe, other}}
			env := Env{API: d, Identity: Identity{UserID: other.ID, EnvironmentID: "env-1"}}
			res, err := runSignInUser(context.Background(), env, State{Plan: tc.plan, Target: pingone.Environment{ID: "env-1"}})
			if err != nil {
				t.Fatal(err)
			}
			var s State
			res(&s)
			if s.SignInUser == nil || s.SignInUser.Username != tc.want {
				t.Errorf("signing-in user %+v, want %s", s.SignInUser, tc.want)
			}
		})
	}
}

func TestWhatCouldNotBeReadIsListedInOrderWhateverOrderTheReadsEnd(t *testing.T) {
	d := &directoryAPI{slowGroup: "g-a", fastGroup: "g-b", fastDone: make(chan struct{})}
	a, err := readUserRoles(context.Background(), d, "env-1", jdoe.ID, jdoe.Username)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"the roles of group Alpha (needs permissions:read:groupRoleAssignments)", "the roles of group Beta (needs permissions:read:groupRoleAssignments)"}
	if !slices.Equal(a.unreadable, want) {
		t.Errorf("unreadable %q, want %q", a.unreadable, want)
	}
}

func TestAnAppNotCreatedYetHasNoRolesToRead(t *testing.T) {
	api := &countingAPI{}
	plan := Plan{Application: AppSpec{Name: "Sync", GrantTypes: []string{pingone.GrantClientCredentials}}}
	for _, app := range []*pingone.Application{nil, {Name: "Sync"}} {
		a, err := actorRolesOf(context.Background(), Env{API: api}, State{Plan: plan, App: app})
		if err != nil || a.kind != "application" || a.id != "" || a.name != "Sync" {
			t.Errorf("app %+v: actor %+v, %v", app, a, err)
		}
	}
	if n := api.count("ListApplicationRoleAssignments"); n != 0 {
		t.Errorf("%d role reads for an app that does not exist", n)
	}
	a, err := actorRolesOf(context.Background(), Env{API: api}, State{Plan: plan, App: &pingone.Application{ID: "a1", Name: "Sync"}})
	if err != nil || a.id != "a1" || len(a.own) != 1 {
		t.Errorf("actor %+v, %v", a, err)
	}
	if n := api.count("ListApplicationRoleAssignments"); n != 1 {
		t.Errorf("%d role reads for the app, want 1", n)
	}
}

func TestTheGuideNoteNamesOnlyTheGuideRolesThatLackSomething(t *testing.T) {
	p := &Preset{Title: "Vendor", GuideRoles: []string{"Identity Data Admin", "Identity Data Read Only"}, GuideClaim: "either role will do"}
	rep := CheckRoles(RoleCheck{Roles: testRoles(), Environment: testEnvironment, ActorKind: "user", Preset: p,
		Capabilities: []Capability{{ID: "c", Title: "C", Permissions: []string{"dir:read:user", "dir:create:user"}}}})
	want := `The Vendor guide says "either role will do", but PingOne's role table on this tenant disagrees: Identity Data Read Only lacks dir:create:user.`
	if rep.GuideNote != want {
		t.Errorf("guide note %q, want %q", rep.GuideNote, want)
	}
	p.GuideRoles = p.GuideRoles[:1]
	if rep := CheckRoles(RoleCheck{Roles: testRoles(), Environment: testEnvironment, ActorKind: "user", Preset: p,
		Capabilities: []Capability{{ID: "c", Title: "C", Permissions: []string{"dir:read:user", "dir:create:user"}}}}); rep.GuideNote != "" {
		t.Errorf("guide note %q: the guide's role holds every permission", rep.GuideNote)
	}
}

func TestWithoutANamedUserOnlyTheAdminSignedInToTheTargetIsChecked(t *testing.T) {
	d := &directoryAPI{users: []pingone.User{jdoe}}
	for name, id := range map[string]Identity{
		"a worker":                      {ClientID: "worker", EnvironmentID: "env-1"},
		"a user of another environment": {UserID: jdoe.ID, EnvironmentID: "env-2"},
	} {
		res, err := runSignInUser(context.Background(), Env{API: d, Identity: id}, State{Target: pingone.Environment{ID: "env-1"}})
		if res != nil || err != nil {
			t.Errorf("%s: %v, %v: nobody to check", name, res != nil, err)
		}
	}
}
