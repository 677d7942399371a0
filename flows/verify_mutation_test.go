package flows

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func TestNothingIsVerifiedInADryRunOrWithoutAnApp(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  Env
		app  *pingone.Application
	}{
		{"a dry run", Env{DryRun: true}, &pingone.Application{ID: "a-1", GrantTypes: []string{pingone.GrantClientCredentials}}},
		{"no app", Env{}, nil},
		{"an app not created", Env{}, &pingone.Application{GrantTypes: []string{pingone.GrantClientCredentials}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &countingAPI{}
			tc.env.API = api
			res, err := runVerify(context.Background(), tc.env, State{App: tc.app})
			if res != nil || err != nil || len(api.calls) != 0 {
				t.Errorf("result %v, %v after calls %q: nothing to verify", res != nil, err, api.calls)
			}
		})
	}
}

func TestOnlyRolesThisRunAssignedAreWaitedFor(t *testing.T) {
	made := Change{Step: StepAssign, Action: Created, Applied: true}
	for _, tc := range []struct {
		name string
		c    Change
		want bool
	}{
		{"assigned", made, true},
		{"in a dry run", Change{Step: StepAssign, Action: Created}, false},
		{"held already", Change{Step: StepAssign, Action: Adopted, Applied: true}, false},
		{"another step", Change{Step: StepCreate, Action: Created, Applied: true}, false},
	} {
		if got := assignedThisRun(State{Changes: []Change{tc.c}}); got != tc.want {
			t.Errorf("%s: waited %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestTheVerifyFixSaysToWaitOnlyForRolesPending(t *testing.T) {
	s := State{App: &pingone.Application{Name: "Sync Worker"}, SignInUser: &pingone.User{Username: "jdoe"}}
	pending := verifyFix(s, Verification{Outcome: OutcomePending})
	failed := verifyFix(s, Verification{Outcome: OutcomeFailed})
	if !strings.HasPrefix(pending, "PingOne applies new roles with a delay") || strings.HasPrefix(failed, "PingOne applies") {
		t.Errorf("pending %q, failed %q: only roles pending are waited for", pending, failed)
	}
	if !strings.HasSuffix(failed, "pingone-setup doctor --app 'Sync Worker' --user jdoe") {
		t.Errorf("fix %q: give the command, quoted", failed)
	}
}

// verifyState is a worker whose role check reads from a countingAPI.
func verifyState(caps ...string) State {
	s := State{Target: testTarget, App: &pingone.Application{ID: "a-1", Name: "Sync", GrantTypes: []string{pingone.GrantClientCredentials}},
		Credentials: &Credentials{ClientID: "a-1"}}
	s.Plan.Application.GrantTypes = []string{pingone.GrantClientCredentials}
	s.Plan.Capabilities = caps
	return s
}

func TestAFailedTokenRequestAsTheAppFailsTheVerification(t *testing.T) {
	env := Env{API: &countingAPI{}, AppClient: func(context.Context, Credentials) (API, error) {
		return nil, errors.New("invalid_client")
	}}
	s := verifyState(CapUsersRead)
	res, err := runVerify(context.Background(), env, s)
	if err != nil {
		t.Fatal(err)
	}
	res(&s)
	v := s.Verified
	if v == nil || v.Outcome != OutcomeFailed || v.Call != "POST /as/token" || v.Message != "the token request as the app failed: invalid_client" {
		t.Errorf("verification %+v", v)
	}
}

func TestAPassedReadSettlesOnlyACapabilityThatCouldNotBeTold(t *testing.T) {
	caps := []string{CapUsersRead, CapGroupsRead, CapUsersWrite, CapPopulationsRead}
	s := verifyState(caps...)
	rep := &RoleReport{}
	for _, id := range caps {
		c, _ := CapabilityByID(id)
		cv := CapabilityVerdict{ID: id, Coverage: CannotTell}
		for _, p := range c.Permissions {
			cv.Permissions = append(cv.Permissions, PermissionVerdict{Permission: p, Coverage: CannotTell, Reason: "could not read it"})
		}
		rep.Capabilities = append(rep.Capabilities, cv)
	}
	rep.Capabilities[3].Coverage = Missing // populations: missing on paper, whatever the read says
	// ListUsers answers; the groups read fails for another reason than a 403.
	api := &countingAPI{fail: map[string]int{"ListGroups": 1}}
	v := Verification{Method: "sign-in as jdoe", Call: "sign-in as jdoe through Sync"}
	probeAll(context.Background(), Env{}, s, api, rep, &v, newWaiter(Env{}, false))
	if want := "GET /environments/" + testEnv + "/groups"; v.Call != want {
		t.Errorf("call %q, want the first read that failed, %q", v.Call, want)
	}
	users := rep.Capabilities[0].Permissions[0]
	if users.Coverage != Covered || users.Via != `proven by GET /environments/`+testEnv+`/users?filter=username eq "pingone-setup-probe"` || users.Reason != "" {
		t.Errorf("users permission %+v: proven by the read", users)
	}
	got := map[string]Coverage{}
	for _, c := range rep.Capabilities {
		got[c.ID] = c.Coverage
	}
	want := map[string]Coverage{CapUsersRead: Covered, CapGroupsRead: CannotTell, CapUsersWrite: CannotTell, CapPopulationsRead: Missing}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %s, want %s", id, got[id], w)
		}
	}
	if v.Outcome != OutcomeFailed {
		t.Errorf("outcome %s: a failed read and a capability missing on paper fail the verification", v.Outcome)
	}
}

func (a *countingAPI) ListPopulations(_ context.Context, envID string) ([]pingone.Population, error) {
	_ = a.log("ListPopulations %s", envID)
	return nil, &pingone.Error{Status: 403, Code: "ACCESS_FAILED"}
}

func TestTheVerifiedMessageSaysHowItWasProven(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    Verification
		caps []string
		want string
	}{
		{"the app, reads", Verification{Method: "client credentials"}, []string{CapUsersRead},
			"the app got a token; PingOne answered a read for each capability (read users)"},
		{"a user, no read", Verification{Method: "sign-in as jdoe"}, []string{CapUsersWrite},
			"signed in as jdoe through the app; no capability has a read to prove it"},
		{"after a wait", Verification{Method: "client credentials", Waited: 3 * time.Second}, []string{CapUsersRead},
			"the app got a token; PingOne answered a read for each capability (read users) (after waiting 3s for the new roles to apply)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := verifyState(tc.caps...)
			rep := &RoleReport{}
			for _, id := range tc.caps {
				rep.Capabilities = append(rep.Capabilities, CapabilityVerdict{ID: id, Coverage: Covered})
			}
			v := tc.v
			probeAll(context.Background(), Env{}, s, &countingAPI{}, rep, &v, newWaiter(Env{}, false))
			if v.Outcome != OutcomeVerified || v.Message != tc.want {
				t.Errorf("%s: %q, want %q", v.Outcome, v.Message, tc.want)
			}
		})
	}
}

func TestAVerificationFailedOnPaperAloneSaysSo(t *testing.T) {
	s := verifyState(CapUsersWrite)
	rep := &RoleReport{Capabilities: []CapabilityVerdict{{ID: CapUsersWrite, Coverage: Missing}}}
	v := Verification{Method: "client credentials"}
	probeAll(context.Background(), Env{}, s, &countingAPI{}, rep, &v, newWaiter(Env{}, false))
	if v.Outcome != OutcomeFailed || v.Message != "the role check does not pass: see the findings" {
		t.Errorf("%s: %q", v.Outcome, v.Message)
	}
}

func TestOnlyCannotTellMeansNothingFailsAndSomethingCannotBeTold(t *testing.T) {
	gate := func(c Coverage) []GateVerdict {
		return []GateVerdict{{ID: GateEnabled, Coverage: Covered}, {ID: GateAdminOnly, Coverage: c}}
	}
	capab := func(c Coverage) []CapabilityVerdict {
		return []CapabilityVerdict{{ID: CapUsersRead, Coverage: Covered}, {ID: CapGroupsRead, Coverage: c}}
	}
	for _, tc := range []struct {
		name string
		rep  RoleReport
		want bool
	}{
		{"a gate cannot be told", RoleReport{Gates: gate(CannotTell), Capabilities: capab(Covered)}, true},
		{"a capability cannot be told", RoleReport{Gates: gate(Covered), Capabilities: capab(CannotTell)}, true},
		{"everything passes", RoleReport{Gates: gate(Covered), Capabilities: capab(Covered)}, false},
		{"a gate fails", RoleReport{Gates: gate(Missing), Capabilities: capab(CannotTell)}, false},
		{"a capability is missing", RoleReport{Gates: gate(CannotTell), Capabilities: capab(Missing)}, false},
		{"a capability is pending", RoleReport{Gates: gate(CannotTell), Capabilities: capab(Pending)}, false},
	} {
		if got := tc.rep.OnlyCannotTell(); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestTheLastWaitEndsExactlyAtThePropagationTimeout(t *testing.T) {
	var waits []time.Duration
	env := Env{PropagationTimeout: 1200 * time.Millisecond, Sleep: func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}}
	w := newWaiter(env, true)
	refused := &pingone.Error{Status: 403}
	err := w.retry(context.Background(), func(error) bool { return true }, func() error { return refused })
	if err != refused || !w.timedOut || w.waited != 1200*time.Millisecond {
		t.Errorf("err %v, timed out %v after %v; want the refusal after exactly 1.2s", err, w.timedOut, w.waited)
	}
	if want := []time.Duration{500 * time.Millisecond, 700 * time.Millisecond}; !slices.Equal(waits, want) {
		t.Errorf("waits %v, want %v", waits, want)
	}
}

func TestASetupSucceedsWhenVerifiedOrUnverifiedWithEveryCheckPassing(t *testing.T) {
	ok, failing := &RoleReport{}, &RoleReport{Capabilities: []CapabilityVerdict{{ID: CapUsersRead, Coverage: Missing}}}
	for _, tc := range []struct {
		name string
		s    State
		want bool
	}{
		{"verified", State{Verified: &Verification{Outcome: OutcomeVerified}}, true},
		{"unverified, checks passing", State{Verified: &Verification{Outcome: OutcomeUnverified}, Report: ok}, true},
		{"unverified, no role check", State{Verified: &Verification{Outcome: OutcomeUnverified}}, true},
		{"unverified, a check failing", State{Verified: &Verification{Outcome: OutcomeUnverified}, Report: failing}, false},
		{"pending", State{Verified: &Verification{Outcome: OutcomePending}, Report: ok}, false},
		{"not verified at all", State{Report: ok}, false},
		{"verified with an error finding", State{Verified: &Verification{Outcome: OutcomeVerified}, Findings: []Finding{{Severity: SeverityError}}}, false},
	} {
		if got := tc.s.Succeeded(); got != tc.want {
			t.Errorf("%s: succeeded %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestAnAppWithoutCredentialsHereIsCheckedOnPaperOnly(t *testing.T) {
	asked := false
	env := Env{API: &countingAPI{}, AppClient: func(context.Context, Credentials) (API, error) { asked = true; return nil, nil }}
	s := verifyState(CapUsersRead)
	s.Credentials = nil
	res, err := runVerify(context.Background(), env, s)
	if err != nil {
		t.Fatal(err)
	}
	res(&s)
	if asked || s.Verified == nil || s.Verified.Outcome != OutcomeUnverified {
		t.Errorf("asked for a token %v, verification %+v", asked, s.Verified)
	}
}

func TestAnUnverifiedSetupNamesTheChecksThatPassed(t *testing.T) {
	rep := RoleReport{ActorName: "jdoe", Gates: []GateVerdict{{ID: GateEnabled, Title: "App enabled", Coverage: Covered}},
		Capabilities: []CapabilityVerdict{{ID: CapUsersRead, Coverage: Covered}}}
	v := unverified(rep, "no sign-in here")
	if !strings.Contains(v.Message, "checked and passing: App enabled, role assignments;") {
		t.Errorf("message %q", v.Message)
	}
}

func TestA403ToAReadCoveredOnPaperMakesTheCapabilityMissing(t *testing.T) {
	s := verifyState(CapPopulationsRead)
	rep := &RoleReport{Capabilities: []CapabilityVerdict{{ID: CapPopulationsRead, Coverage: Covered,
		Permissions: []PermissionVerdict{{Permission: "dir:read:population", Coverage: Covered}}}}}
	v := Verification{Method: "client credentials"}
	probeAll(context.Background(), Env{}, s, &countingAPI{}, rep, &v, newWaiter(Env{}, false))
	cv := rep.Capabilities[0]
	if v.Outcome != OutcomeFailed || cv.Coverage != Missing || cv.Permissions[0].Coverage != Missing ||
		!strings.HasPrefix(cv.Permissions[0].Reason, "PingOne answered 403 to GET /environments/") {
		t.Errorf("outcome %s, capability %+v: PingOne's 403 outranks the prediction", v.Outcome, cv)
	}
}

func TestACapabilityWithoutAVerdictIsNotProbedAndDoesNotBreakTheVerification(t *testing.T) {
	s := verifyState(CapUsersWrite)
	v := Verification{Method: "client credentials"}
	probeAll(context.Background(), Env{}, s, &countingAPI{}, &RoleReport{}, &v, newWaiter(Env{}, false))
	if len(v.Probes) != 1 || v.Probes[0].Result != ProbeNotProbed {
		t.Errorf("probes %+v", v.Probes)
	}
}
