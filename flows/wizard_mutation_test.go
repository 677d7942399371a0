package flows

import (
	"context"
	"testing"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func stepByID(t *testing.T, id string) Step {
	t.Helper()
	for _, st := range Steps() {
		if st.ID == id {
			return st
		}
	}
	t.Fatalf("no step %s", id)
	return Step{}
}

func TestEachStepIsSkippedExactlyWhenItHasNothingToDo(t *testing.T) {
	withPreset := func(p string, edit bool) *State { return &State{Plan: Plan{Preset: p}, EditSettings: edit} }
	one := []pingone.Application{{ID: "a-1"}}
	roles := []UserRoleAssignment{{User: "jdoe", Role: "Identity Data Admin", Scope: "environment"}}
	appRoles := []RoleAssignment{{Role: "Identity Data Admin", Scope: "environment"}}
	for _, tc := range []struct {
		name, step string
		s          *State
		skip       bool
	}{
		{"review: a preset", StepReview, withPreset("stackone", false), false},
		{"review: custom", StepReview, withPreset("custom", false), true},
		{"name: the preset kept", StepApplication, withPreset("stackone", false), true},
		{"name: the preset edited", StepApplication, withPreset("stackone", true), false},
		{"name: custom", StepApplication, withPreset("custom", false), false},
		{"adopt: one app of the name", StepAdopt, &State{SameName: one}, false},
		{"adopt: none", StepAdopt, &State{}, true},
		{"adopt: two", StepAdopt, &State{SameName: append(one, one...)}, true},
		{"fix: no role check", StepRoleFix, &State{}, true},
		{"fix: nothing to fix", StepRoleFix, &State{Report: &RoleReport{}}, true},
		{"fix: a fix", StepRoleFix, &State{Report: &RoleReport{Fix: &RoleFix{}}}, false},
		{"fix: only admin-only off", StepRoleFix, &State{Report: &RoleReport{AdminOnlyOff: &RoleFix{}}}, false},
		{"assign: nothing", StepAssign, &State{}, true},
		{"assign: a user role", StepAssign, &State{Plan: Plan{UserRoleAssignments: roles}}, false},
		{"assign: a user role and an app role", StepAssign, &State{Plan: Plan{UserRoleAssignments: roles, Application: AppSpec{RoleAssignments: appRoles}}}, false},
	} {
		if got := stepByID(t, tc.step).Skip(tc.s); got != tc.skip {
			t.Errorf("%s: skipped %v, want %v", tc.name, got, tc.skip)
		}
	}
}

func TestALoopbackRedirectIsPlainHTTPOnThisMachineWithAPort(t *testing.T) {
	for _, tc := range []struct {
		uris []string
		port int
		path string
		ok   bool
	}{
		{[]string{"http://127.0.0.1:8080/callback"}, 8080, "/callback", true},
		{[]string{"http://[::1]:9000"}, 9000, "/", true},
		{[]string{"http://LOCALHOST:7000/cb"}, 7000, "/cb", true},
		{[]string{"https://127.0.0.1:8080/callback"}, 0, "", false},
		{[]string{"http://connector.example.com:8080/callback"}, 0, "", false},
		{[]string{"http://127.0.0.1/callback"}, 0, "", false},
		{[]string{"http://127.0.0.1:99999999999999999999/callback"}, 0, "", false},
		{[]string{"http://%zz", "https://localhost:1/x", "http://localhost:7000/second"}, 7000, "/second", true},
	} {
		port, path, ok := LoopbackRedirect(tc.uris)
		if port != tc.port || path != tc.path || ok != tc.ok {
			t.Errorf("%q: %d %q %v, want %d %q %v", tc.uris, port, path, ok, tc.port, tc.path, tc.ok)
		}
	}
}

func TestAPersonMayProveOnlyAnUnverifiedUserSetupWithALoopbackRedirect(t *testing.T) {
	person := func(context.Context, SignInRequest) (API, error) { return nil, nil }
	full := func() (Env, State) {
		return Env{PersonSignIn: person}, State{
			App:        &pingone.Application{GrantTypes: []string{pingone.GrantAuthorizationCode}, RedirectURIs: []string{"http://127.0.0.1:8080/cb"}},
			SignInUser: &pingone.User{ID: "u-1"}, Credentials: &Credentials{}, Verified: &Verification{Outcome: OutcomeUnverified},
		}
	}
	env, s := full()
	if !CanProve(env, s) {
		t.Fatal("a complete unverified user setup cannot be proven")
	}
	for name, change := range map[string]func(*Env, *State){
		"no person sign-in":      func(e *Env, _ *State) { e.PersonSignIn = nil },
		"no app":                 func(_ *Env, s *State) { s.App = nil },
		"no user":                func(_ *Env, s *State) { s.SignInUser = nil },
		"no credentials":         func(_ *Env, s *State) { s.Credentials = nil },
		"not verified yet":       func(_ *Env, s *State) { s.Verified = nil },
		"verified already":       func(_ *Env, s *State) { s.Verified.Outcome = OutcomeVerified },
		"no authorization code":  func(_ *Env, s *State) { s.App.GrantTypes = []string{pingone.GrantDeviceCode} },
		"a connector's redirect": func(_ *Env, s *State) { s.App.RedirectURIs = []string{"https://connector.example.com/cb"} },
	} {
		env, s := full()
		change(&env, &s)
		if CanProve(env, s) {
			t.Errorf("%s: offered to prove", name)
		}
	}
}
