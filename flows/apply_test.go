package flows_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

func codes(fs []flows.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func TestStackonePresetPredictsThe403ForAUserWithoutAdminRole(t *testing.T) {
	tn := newTenant(t)
	s, err := tn.apply(tn.admin(), flows.Plan{Preset: "stackone", SignInUser: "jdoe"})
	if err != nil {
		t.Fatal(err)
	}
	if s.App == nil || s.App.ID == "" || !s.App.Enabled {
		t.Fatalf("app %+v", s.App)
	}
	if s.Report == nil || s.Report.OK() {
		t.Fatalf("report %+v: jdoe holds no role, the check must fail", s.Report)
	}
	if !slices.Contains(codes(s.Findings), "ROLE_MISSING") {
		t.Errorf("findings %v: want ROLE_MISSING", codes(s.Findings))
	}
	if s.Report.Fix == nil || !s.Report.Fix.Grantable {
		t.Fatalf("fix %+v: the admin (Environment Admin) may grant the fix", s.Report.Fix)
	}
	if s.Verified == nil || s.Verified.OK {
		t.Errorf("verification %+v must fail while roles are missing", s.Verified)
	}
	// The vendor guide's "Environment Admin covers all actions" is checked, not trusted.
	if !slices.Contains(codes(s.Findings), "GUIDE_DIFFERS") {
		t.Errorf("findings %v: want GUIDE_DIFFERS", codes(s.Findings))
	}
}

func TestApplyingTheProposedFixMakesVerificationPass(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	s, err := tn.apply(env, flows.Plan{Preset: "stackone", SignInUser: "jdoe"})
	if err != nil {
		t.Fatal(err)
	}
	plan := s.Plan
	for _, r := range s.Report.Fix.Names {
		plan.UserRoleAssignments = append(plan.UserRoleAssignments, flows.UserRoleAssignment{User: "jdoe", Role: r, Scope: "environment"})
	}
	s, err = tn.apply(env, plan)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Report.OK() || s.Verified == nil || !s.Verified.OK {
		t.Fatalf("after the fix: report missing %v, verification %+v", s.Report.Missing, s.Verified)
	}
	got := tn.sim.UserRoleAssignments(tn.seed.Production.ID, tn.seed.JDoe.ID)
	if len(got) != len(plan.UserRoleAssignments) {
		t.Errorf("jdoe holds %d assignments, want %d", len(got), len(plan.UserRoleAssignments))
	}
	for _, ra := range got {
		if ra.ScopeType != "ENVIRONMENT" || ra.ScopeID != tn.seed.Production.ID {
			t.Errorf("assignment %+v: least privilege means environment scope", ra)
		}
	}
}

func TestEveryPresetAppliesFromScratchAndASecondApplyChangesNothing(t *testing.T) {
	for _, preset := range flows.PresetNames() {
		t.Run(preset, func(t *testing.T) {
			tn := newTenant(t)
			env := tn.admin()
			plan := flows.Plan{Preset: preset, SignInUser: "admin"}
			if preset == "sync-worker" || preset == "custom" {
				plan.Application.RoleAssignments = []flows.RoleAssignment{{Role: "Identity Data Admin", Scope: "environment"}}
			}
			s, err := tn.apply(env, plan)
			if err != nil {
				t.Fatal(err)
			}
			if s.Credentials == nil || s.Credentials.ClientID != s.App.ID {
				t.Fatalf("credentials %v", s.Credentials)
			}
			if want := s.App.TokenEndpointAuthMethod != pingone.AuthMethodNone; (s.Credentials.ClientSecret != "") != want {
				t.Errorf("secret handed over: %v, want %v", s.Credentials.ClientSecret != "", want)
			}
			if s.Verified == nil || !s.Verified.OK {
				t.Errorf("verification %+v", s.Verified)
			}
			if n := len(tn.appsNamed(tn.seed.Production.ID, s.App.Name)); n != 1 {
				t.Fatalf("%d apps named %q", n, s.App.Name)
			}
			before := tn.writes()
			s2, err := tn.apply(env, plan)
			if err != nil {
				t.Fatal(err)
			}
			if w := tn.writes() - before; w != 0 {
				t.Errorf("second apply made %d writes", w)
			}
			for _, c := range s2.Changes {
				if c.Action != flows.Adopted {
					t.Errorf("second apply changed %+v", c)
				}
			}
			if s2.App.ID != s.App.ID {
				t.Errorf("second apply used app %s, first %s", s2.App.ID, s.App.ID)
			}
		})
	}
}

func TestANewWorkerNeverInheritsItsCreatorsRoles(t *testing.T) {
	tn := newTenant(t)
	s, err := tn.apply(tn.admin(), flows.Plan{Preset: "sync-worker"})
	if err != nil {
		t.Fatal(err)
	}
	if ras := tn.sim.ApplicationRoleAssignments(tn.seed.Production.ID, s.App.ID); len(ras) != 0 {
		t.Errorf("the new worker holds %v: assignActorRoles must be false", ras)
	}
	// And with no role, the verdict says its calls will fail, and the real call proves it.
	if s.Report.OK() || s.Verified.OK {
		t.Errorf("report ok=%v verified=%+v", s.Report.OK(), s.Verified)
	}
}

func TestAChangedPlanUpdatesTheAppInPlaceKeepingWhatItDoesNotSet(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	s, err := tn.apply(env, flows.Plan{Preset: "stackone", SignInUser: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	plan := s.Plan
	plan.Application.RedirectURIs = []string{"https://connector.example.com/callback"}
	plan.Application.PKCEEnforcement = "S256_REQUIRED"
	s2, err := tn.apply(env, plan)
	if err != nil {
		t.Fatal(err)
	}
	if s2.App.ID != s.App.ID {
		t.Fatal("a changed plan created a new app")
	}
	var fields []string
	for _, c := range s2.Changes {
		if c.Action == flows.Updated {
			fields = append(fields, c.Field)
		}
	}
	slices.Sort(fields)
	if !slices.Equal(fields, []string{"pkceEnforcement", "redirectUris"}) {
		t.Errorf("updated fields %v", fields)
	}
	live := tn.appsNamed(tn.seed.Production.ID, "StackOne Integration")[0]
	if fmt.Sprint(live["refreshTokenRollingDuration"]) != "15552000" || live["tokenEndpointAuthMethod"] != "CLIENT_SECRET_POST" {
		t.Errorf("the PUT lost fields it should have sent again: %v", live)
	}
}

func TestADryRunChangesNothingAndReportsEveryChange(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	env.DryRun = true
	s, err := tn.apply(env, flows.Plan{Preset: "stackone", SignInUser: "jdoe",
		UserRoleAssignments: []flows.UserRoleAssignment{{User: "jdoe", Role: "Identity Data Read Only", Scope: "environment"}}})
	if err != nil {
		t.Fatal(err)
	}
	if w := tn.writes(); w != 0 {
		t.Errorf("dry run made %d writes", w)
	}
	want := map[string]bool{"create": false, "scopes": false, "assign": false}
	for _, c := range s.Changes {
		if c.Applied {
			t.Errorf("dry-run change marked applied: %+v", c)
		}
		want[c.Step] = true
	}
	for step, seen := range want {
		if !seen {
			t.Errorf("dry run reported no change for step %s", step)
		}
	}
}

func TestTwoAppsWithThePlansNameAreRefusedNamingBoth(t *testing.T) {
	tn := newTenant(t)
	body := map[string]any{"name": "Twin", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT", "grantTypes": []string{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"}
	a := tn.sim.AddApplication(tn.seed.Production.ID, body)
	b := tn.sim.AddApplication(tn.seed.Production.ID, body)
	plan := flows.Plan{Preset: "sync-worker"}
	plan.Application.Name = "Twin"
	_, err := tn.apply(tn.admin(), plan)
	if !errors.Is(err, flows.ErrAmbiguousName) || !strings.Contains(err.Error(), a) || !strings.Contains(err.Error(), b) {
		t.Errorf("err %v: want ErrAmbiguousName naming %s and %s", err, a, b)
	}
	if tn.writes() != 0 {
		t.Error("wrote something after finding twins")
	}
}

func TestALostCreateResponseDoesNotCreateATwin(t *testing.T) {
	tn := newTenant(t)
	tn.sim.InjectFault(pingonetest.Fault{Method: "POST", PathContains: "/applications", LoseResponse: true})
	s, err := tn.apply(tn.admin(), flows.Plan{Preset: "sync-worker"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tn.appsNamed(tn.seed.Production.ID, "Sync Worker")); n != 1 {
		t.Fatalf("%d apps after a lost response, want 1", n)
	}
	if s.App == nil || s.App.ID == "" {
		t.Fatal("the app created behind the lost response was not found")
	}
}

func TestALostGrantOrAssignmentResponseIsCheckedNotAssumed(t *testing.T) {
	tn := newTenant(t)
	tn.sim.InjectFault(pingonetest.Fault{Method: "POST", PathContains: "/grants", LoseResponse: true})
	tn.sim.InjectFault(pingonetest.Fault{Method: "POST", PathContains: "/roleAssignments", LoseResponse: true})
	s, err := tn.apply(tn.admin(), flows.Plan{Preset: "stackone", SignInUser: "jdoe",
		UserRoleAssignments: []flows.UserRoleAssignment{{User: "jdoe", Role: "Identity Data Read Only", Scope: "environment"}}})
	if err != nil {
		t.Fatal(err)
	}
	if g := tn.sim.Grants(tn.seed.Production.ID, s.App.ID); len(g) != 1 {
		t.Errorf("%d grants, want 1", len(g))
	}
	if n := len(tn.sim.UserRoleAssignments(tn.seed.Production.ID, tn.seed.JDoe.ID)); n != 1 {
		t.Errorf("jdoe holds %d assignments, want 1", n)
	}
}

func TestAnInterruptedRunConvergesOnTheNextRun(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	plan := flows.Plan{Preset: "stackone", SignInUser: "jdoe",
		UserRoleAssignments: []flows.UserRoleAssignment{{User: "jdoe", Role: "Identity Data Read Only", Scope: "environment"}}}
	// The role assignment is refused on all five of the client's attempts: the run fails midway,
	// after the app and its grant were made.
	tn.sim.InjectFault(pingonetest.Fault{Method: "POST", PathContains: "/roleAssignments", Status: 503, Times: 5})
	if _, err := tn.apply(env, plan); err == nil {
		t.Fatal("the first run should fail on the refused role assignment")
	}
	s, err := tn.apply(env, plan)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tn.appsNamed(tn.seed.Production.ID, "StackOne Integration")); n != 1 {
		t.Fatalf("%d apps", n)
	}
	grants := tn.sim.Grants(tn.seed.Production.ID, s.App.ID)
	if len(grants) != 1 || !slices.Equal(grants[0].ScopeNames, []string{"openid", "offline_access"}) {
		t.Errorf("grants %+v", grants)
	}
	if n := len(tn.sim.UserRoleAssignments(tn.seed.Production.ID, tn.seed.JDoe.ID)); n != 1 {
		t.Errorf("jdoe holds %d assignments, want 1", n)
	}
}

func TestRateLimitsAndUnavailabilityAreRetriedHonouringRetryAfter(t *testing.T) {
	tn := newTenant(t)
	tn.sim.InjectFault(pingonetest.Fault{Method: "GET", PathContains: "/applications", Status: 429, RetryAfter: "2", Times: 2})
	// A 503 to a POST may come after the write: it is looked up, and re-sent only when absent.
	tn.sim.InjectFault(pingonetest.Fault{Method: "POST", PathContains: "/applications", Status: 503, RetryAfter: "1"})
	s, err := tn.apply(tn.admin(), flows.Plan{Preset: "sync-worker"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tn.appsNamed(tn.seed.Production.ID, s.App.Name)); n != 1 {
		t.Errorf("%d apps", n)
	}
	if tn.sleep.total < 4e9 {
		t.Errorf("slept %v in total, want at least the 4 s the 429s' Retry-After asked for", tn.sleep.total)
	}
}

func TestSmallPagesAreFollowedToTheEnd(t *testing.T) {
	tn := newTenant(t)
	tn.sim.SetPageSize(1)
	s, err := tn.apply(tn.admin(), flows.Plan{Preset: "stackone", SignInUser: "jdoe"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Roles) < 19 {
		t.Errorf("read %d roles with page size 1, want all 19 built-in roles", len(s.Roles))
	}
	if s.Report.Fix == nil {
		t.Error("no fix found with paged roles")
	}
}

func TestAWorkerSignInRunsTheSameSetup(t *testing.T) {
	tn := newTenant(t)
	s, err := tn.apply(tn.worker(), flows.Plan{Preset: "stackone", SignInUser: "jdoe"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Report == nil || s.Report.Fix == nil || !s.Report.Fix.Grantable {
		t.Errorf("report %+v", s.Report)
	}
}

func TestAnAdminWithoutApplicationRightsGetsAnExplainedFailure(t *testing.T) {
	tn := newTenant(t)
	_, err := tn.apply(tn.user(tn.seed.Helpdesk), flows.Plan{Preset: "sync-worker"})
	if err == nil {
		t.Fatal("helpdesk cannot create applications")
	}
	ex := flows.Explain(err)
	if ex.ErrorID == "" || ex.Fix == "" || ex.Step == "" {
		t.Errorf("explanation %+v: want step, fix and PingOne's error id", ex)
	}
}

func TestRunStopsAtTheFirstFailureAndKeepsWhatItDid(t *testing.T) {
	tn := newTenant(t)
	tn.sim.InjectFault(pingonetest.Fault{Method: "POST", PathContains: "/grants", Status: 503, Times: 5})
	s, err := tn.apply(tn.admin(), flows.Plan{Preset: "stackone", SignInUser: "jdoe"})
	var se *flows.StepError
	if !errors.As(err, &se) || se.Step != "Scopes" {
		t.Fatalf("err %v", err)
	}
	if s.App == nil || s.App.ID == "" || len(s.Changes) == 0 {
		t.Error("state lost what was created before the failure")
	}
	_ = context.Background()
}

func TestADryRunJudgesTheRolesThePlanWillAssign(t *testing.T) {
	for _, tc := range []struct {
		name  string
		roles []string
		want  string // a finding code the dry run must report, or "" for none
	}{
		// Read-only roles cover every call, but admin-only access admits none of them: jdoe's
		// sign-in would be refused (the verdict said "covered" before gates were judged).
		{"read-only roles fail the admin-only gate", []string{"Identity Data Read Only", "Configuration Read Only"}, flows.FindAdminOnlyGate},
		{"a role admin-only access admits passes", []string{"Identity Data Read Only", "Client Application Developer"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tn := newTenant(t)
			env := tn.admin()
			env.DryRun = true
			plan := flows.Plan{Preset: "stackone", SignInUser: "jdoe"}
			for _, r := range tc.roles {
				plan.UserRoleAssignments = append(plan.UserRoleAssignments, flows.UserRoleAssignment{User: "jdoe", Role: r, Scope: "environment"})
			}
			s, err := tn.apply(env, plan)
			if err != nil {
				t.Fatal(err)
			}
			got := codes(s.Findings)
			if slices.Contains(got, "ROLE_MISSING") {
				t.Errorf("the plan assigns what jdoe lacks, yet the dry run reports %v", got)
			}
			if tc.want == "" && (!s.Report.OK() || slices.ContainsFunc(s.Findings, func(f flows.Finding) bool { return f.Severity == flows.SeverityError })) {
				t.Errorf("findings %v, gates %+v: want a clean verdict", got, s.Report.Gates)
			}
			if tc.want != "" && (!slices.Contains(got, tc.want) || s.Report.OK()) {
				t.Errorf("findings %v: want %s", got, tc.want)
			}
		})
	}
}

func TestTheCreateStepAdoptsAnAppThatAppearedSinceTheLookup(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	env.Interactive = true // the wizard: the lookup ran before the admin went back and forth
	plan, _ := flows.Plan{Preset: "sync-worker"}.WithPreset()
	s := flows.State{Plan: plan, Target: pingone.Environment{ID: tn.seed.Production.ID}}
	// The app exists (created earlier in this run, then Back), but the state predates it.
	body := map[string]any{"name": "Sync Worker", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT", "grantTypes": []string{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_POST"}
	id := tn.sim.AddApplication(tn.seed.Production.ID, body)
	var create flows.Step
	for _, st := range flows.Steps() {
		if st.ID == flows.StepCreate {
			create = st
		}
	}
	res, err := create.Run(context.Background(), env, s)
	if err != nil {
		t.Fatal(err)
	}
	res(&s)
	if s.App == nil || s.App.ID != id || len(tn.appsNamed(tn.seed.Production.ID, "Sync Worker")) != 1 {
		t.Errorf("create made a twin instead of adopting %s", id)
	}
}
