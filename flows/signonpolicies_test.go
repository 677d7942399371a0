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
	if len(said) != 2 || !slices.Contains(said, "created Single_Factor at priority 1") {
		t.Errorf("the dry run says %v", said)
	}
	if got := assigned(t, tn, env, s.App.ID); !slices.Equal(got, []string{"Multi_Factor"}) {
		t.Errorf("after the dry run: %v", got)
	}
}

// TestPolicyChangesAreRecordedAndOnlyWhatDiffersIsWritten: the lost answer's assignment is in
// the changes and the ledger; a plan that keeps the first policy and drops the second deletes
// one and writes nothing else; a plan without signOnPolicies leaves the app's alone.
func TestPolicyChangesAreRecordedAndOnlyWhatDiffersIsWritten(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	tn.sim.InjectFault(pingonetest.Fault{Method: "POST", PathContains: "/signOnPolicyAssignments", LoseResponse: true, Times: 1})
	s, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: policyPlan(t, "Multi_Factor, Single_Factor")})
	if err != nil {
		t.Fatal(err)
	}
	var made []string
	for _, c := range s.Created {
		if c.Kind == flows.CreatedSignOnPolicyAssignment {
			made = append(made, c.Name)
		}
	}
	var said []string
	for _, c := range s.Changes {
		if c.Step == flows.StepPolicies {
			said = append(said, string(c.Action)+" "+c.To)
		}
	}
	if !slices.Equal(made, []string{"Multi_Factor", "Single_Factor"}) || !slices.Equal(said, []string{"created Multi_Factor at priority 1", "created Single_Factor at priority 2"}) {
		t.Fatalf("ledger %v, changes %v", made, said)
	}
	before := tn.writes()
	if _, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: policyPlan(t, "Multi_Factor")}); err != nil {
		t.Fatal(err)
	}
	if w := tn.writes() - before; w != 1 {
		t.Errorf("dropping the second policy made %d writes, want 1 delete", w)
	}
	before = tn.writes()
	p, _ := flows.ParsePlan([]byte("preset: stackone\nroles: fix\nsignInUser: admin\napplication:\n  name: Policied\n"))
	if _, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: p}); err != nil {
		t.Fatal(err)
	}
	if w := tn.writes() - before; w != 0 {
		t.Errorf("a plan without signOnPolicies made %d writes", w)
	}
	if got := assigned(t, tn, env, s.App.ID); !slices.Equal(got, []string{"Multi_Factor"}) {
		t.Errorf("assigned %v", got)
	}
}

// TestA503BeforeTheWriteIsLookedUpAndSentAgainOnce: the other direction of a lost answer: the
// POST was refused before anything was written, the lookup finds nothing, and one more POST
// makes exactly one assignment.
func TestA503BeforeTheWriteIsLookedUpAndSentAgainOnce(t *testing.T) {
	tn := newTenant(t)
	tn.sim.InjectFault(pingonetest.Fault{Method: "POST", PathContains: "/signOnPolicyAssignments", Status: 503, Times: 1})
	s, err := flows.Run(context.Background(), tn.admin(), flows.Steps(), flows.State{Plan: policyPlan(t, "Multi_Factor")})
	if err != nil {
		t.Fatal(err)
	}
	if got := assigned(t, tn, tn.admin(), s.App.ID); !slices.Equal(got, []string{"Multi_Factor"}) {
		t.Fatalf("assigned %v", got)
	}
}
