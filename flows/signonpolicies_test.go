package flows_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

func policyPlan(t *testing.T, policies string) flows.Plan {
	t.Helper()
	p, err := flows.ParsePlan([]byte("preset: stackone\nroles: fix\nsignInUser: admin\napplication:\n  name: Policied\n  signOnPolicies: [" + policies + "]\n"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func assigned(t *testing.T, tn *tenant, env flows.Env, appID string) []string {
	t.Helper()
	api := env.API.(interface {
		ListSignOnPolicyAssignments(context.Context, string, string) ([]pingone.SignOnPolicyAssignment, error)
		ListSignOnPolicies(context.Context, string) ([]pingone.SignOnPolicy, error)
	})
	as, err := api.ListSignOnPolicyAssignments(context.Background(), tn.seed.Production.ID, appID)
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := api.ListSignOnPolicies(context.Background(), tn.seed.Production.ID)
	slices.SortFunc(as, func(a, b pingone.SignOnPolicyAssignment) int { return a.Priority - b.Priority })
	var out []string
	for _, a := range as {
		for _, p := range ps {
			if p.ID == a.SignOnPolicy.ID {
				out = append(out, p.Name)
			}
		}
	}
	return out
}

// TestSignOnPoliciesAreAssignedInTheirOrderAndReorderedByAChangedPlan: a plan's policies by
// name land at priorities 1, 2; a second apply writes nothing; a plan with the order swapped
// makes the app's order the plan's; export writes them back by name.
func TestSignOnPoliciesAreAssignedInTheirOrderAndReorderedByAChangedPlan(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	s, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: policyPlan(t, "Multi_Factor, Single_Factor")})
	if err != nil {
		t.Fatal(err)
	}
	if got := assigned(t, tn, env, s.App.ID); !slices.Equal(got, []string{"Multi_Factor", "Single_Factor"}) {
		t.Fatalf("assigned %v", got)
	}
	before := tn.writes()
	if _, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: policyPlan(t, "Multi_Factor, Single_Factor")}); err != nil {
		t.Fatal(err)
	}
	if w := tn.writes() - before; w != 0 {
		t.Errorf("a second apply made %d writes", w)
	}
	s2, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: policyPlan(t, "Single_Factor")})
	if err != nil {
		t.Fatal(err)
	}
	if got := assigned(t, tn, env, s.App.ID); !slices.Equal(got, []string{"Single_Factor"}) {
		t.Fatalf("after the changed plan: %v (changes %+v)", got, s2.Changes)
	}
	api := env.API.(interface {
		ListSignOnPolicyAssignments(context.Context, string, string) ([]pingone.SignOnPolicyAssignment, error)
	})
	if as, _ := api.ListSignOnPolicyAssignments(context.Background(), tn.seed.Production.ID, s.App.ID); len(as) != 1 || as[0].Priority != 1 {
		t.Fatalf("Single_Factor is not first: %+v", as)
	}
	live, err := flows.ReadLive(context.Background(), env.API, tn.seed.Production.ID, "Policied")
	if err != nil {
		t.Fatal(err)
	}
	if p := flows.Export(*live); !slices.Equal(p.Application.SignOnPolicies, []string{"Single_Factor"}) {
		t.Fatalf("exported %v", p.Application.SignOnPolicies)
	}
}

func TestAPolicyNameThatDoesNotExistStopsTheRunBeforeAnyWrite(t *testing.T) {
	tn := newTenant(t)
	before := tn.writes()
	_, err := flows.Run(context.Background(), tn.admin(), flows.Steps(), flows.State{Plan: policyPlan(t, "Multi_Factor, MFA")})
	if err == nil || !strings.Contains(err.Error(), `no sign-on policy named "MFA"`) || !strings.Contains(err.Error(), `"Single_Factor"`) {
		t.Fatalf("err %v", err)
	}
	if w := tn.writes() - before; w != 0 {
		t.Errorf("%d writes", w)
	}
	if _, err := flows.ParsePlan([]byte("preset: stackone\napplication:\n  signOnPolicies: [A, A]\n")); err == nil || !strings.Contains(err.Error(), "listed twice") {
		t.Fatalf("a repeated policy: %v", err)
	}
}

func TestALostSignOnPolicyAssignmentAnswerIsLookedUpNotSentTwice(t *testing.T) {
	tn := newTenant(t)
	tn.sim.InjectFault(pingonetest.Fault{Method: "POST", PathContains: "/signOnPolicyAssignments", LoseResponse: true, Times: 1})
	s, err := flows.Run(context.Background(), tn.admin(), flows.Steps(), flows.State{Plan: policyPlan(t, "Multi_Factor")})
	if err != nil {
		t.Fatal(err)
	}
	if got := assigned(t, tn, tn.admin(), s.App.ID); !slices.Equal(got, []string{"Multi_Factor"}) {
		t.Fatalf("assigned %v", got)
	}
}

// TestADryRunOfPoliciesOnAnExistingAppWritesNothingAndSaysWhatItWould; a new app's policies are
// assigned without reading its assignments first (it has none).
func TestADryRunOfPoliciesOnAnExistingAppWritesNothingAndSaysWhatItWould(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	tn.sim.ResetRequests()
	s, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: policyPlan(t, "Multi_Factor")})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tn.sim.Requests() {
		if r.Method == "GET" && strings.HasSuffix(r.Path, "/signOnPolicyAssignments") {
			t.Errorf("a new app's assignments were read: %s %s", r.Method, r.Path)
		}
	}
	dry := env
	dry.DryRun = true
	before := tn.writes()
	s2, err := flows.Run(context.Background(), dry, flows.Steps(), flows.State{Plan: policyPlan(t, "Single_Factor")})
	if err != nil {
		t.Fatal(err)
	}
	if w := tn.writes() - before; w != 0 {
		t.Errorf("the dry run made %d writes", w)
	}
	var said []string
	for _, c := range s2.Changes {
		if c.Step == flows.StepPolicies {
			said = append(said, fmt.Sprintf("%s %s%s", c.Action, c.From, c.To))
		}
	}
	if len(said) != 2 {
		t.Errorf("the dry run says %v", said)
	}
	if got := assigned(t, tn, env, s.App.ID); !slices.Equal(got, []string{"Multi_Factor"}) {
		t.Errorf("after the dry run: %v", got)
	}
}
