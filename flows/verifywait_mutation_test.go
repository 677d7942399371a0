package flows_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// PingOne may refuse a sign-in for a while after this run gave the user the roles that open the
// app: when the fresh role check finds every gate passing, the refusal is waited out.
func TestARefusedSignInIsWaitedOutWhileEveryGatePassesOnPaper(t *testing.T) {
	clk := &clock{t: time.Now()}
	tn := newTenant(t, pingonetest.WithClock(clk.now))
	env := tn.admin()
	// Each wait moves the shared clock only: verification waits for the fresh role check before it
	// decides whether a refusal is worth waiting out, so no real time is needed.
	env.Sleep = clk.sleep
	var mu sync.Mutex
	refusals := 3
	signIn := env.SignInAs
	env.SignInAs = func(ctx context.Context, req flows.SignInRequest) (flows.API, error) {
		mu.Lock()
		refuse := refusals > 0
		refusals--
		mu.Unlock()
		if refuse {
			return nil, fmt.Errorf("%w: access_denied (roles not applied yet)", flows.ErrSignInRefused)
		}
		return signIn(ctx, req)
	}
	s, err := tn.apply(env, flows.Plan{Preset: "stackone", SignInUser: "jdoe", Roles: flows.RolesFix})
	if err != nil {
		t.Fatal(err)
	}
	if v := s.Verified; v == nil || v.Outcome != flows.OutcomeVerified || v.Waited <= 0 {
		t.Fatalf("verification %+v: the refusals should have been waited out", v)
	}
}

// A capability that the roles do not cover on paper gets PingOne's 403 at once, whatever else
// this run assigned: it is a failure, not a delay.
func TestACallNotCoveredOnPaperIsNotWaitedForEvenAfterAssigningRoles(t *testing.T) {
	clk := &clock{t: time.Now()}
	tn := newTenant(t, pingonetest.WithClock(clk.now))
	env := tn.admin()
	env.Sleep = clk.sleep
	plan := flows.Plan{Preset: "sync-worker", Capabilities: []string{flows.CapUsersRead, flows.CapApplicationsRead}}
	plan.Application.RoleAssignments = []flows.RoleAssignment{{Role: "Identity Data Read Only", Scope: "environment"}}
	s, err := tn.apply(env, plan)
	if err != nil {
		t.Fatal(err)
	}
	v := s.Verified
	if v == nil || v.Outcome != flows.OutcomeFailed || v.Waited != 0 {
		t.Fatalf("verification %+v: applications are not covered, so their 403 is final at once", v)
	}
	for _, p := range v.Probes {
		want := flows.ProbePassed
		if p.Capability == flows.CapApplicationsRead {
			want = flows.ProbeFailed
		}
		if p.Result != want {
			t.Errorf("probe %+v, want %s", p, want)
		}
	}
}
