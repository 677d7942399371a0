package flows_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/flows"
)

// The admin holds Environment Admin at organization scope. Asked for it again at environment
// scope, PingOne answers 400 UNIQUENESS_VIOLATION: the role is already covered, so the run goes on,
// records no change for it, and still makes the assignment that is new.
func TestARoleAlreadyHeldAtABroaderScopeIsNoChangeNotAFailure(t *testing.T) {
	tn := newTenant(t)
	sd := tn.seed
	adminBefore := len(tn.sim.UserRoleAssignments(sd.Production.ID, sd.Admin.ID))
	s, err := tn.apply(tn.admin(), flows.Plan{Preset: "stackone", SignInUser: "jdoe",
		UserRoleAssignments: []flows.UserRoleAssignment{
			{User: "admin", Role: "Environment Admin", Scope: "environment"},
			{User: "jdoe", Role: "Identity Data Read Only", Scope: "environment"},
		}})
	if err != nil {
		t.Fatalf("a role already held at a broader scope failed the run: %v", err)
	}
	refused := 0
	for _, r := range tn.sim.Requests() {
		if r.Method == http.MethodPost && strings.Contains(r.Path, "/users/"+sd.Admin.ID+"/roleAssignments") {
			if r.Status != http.StatusBadRequest {
				t.Errorf("POST %s answered %d, want PingOne's 400 UNIQUENESS_VIOLATION", r.Path, r.Status)
			}
			refused++
		}
	}
	if refused != 1 {
		t.Fatalf("%d assignment requests for the admin, want 1 (answered UNIQUENESS_VIOLATION)", refused)
	}
	if n := len(tn.sim.UserRoleAssignments(sd.Production.ID, sd.Admin.ID)); n != adminBefore {
		t.Errorf("the admin holds %d assignments, want the %d held before", n, adminBefore)
	}
	if n := len(tn.sim.UserRoleAssignments(sd.Production.ID, sd.JDoe.ID)); n != 1 {
		t.Errorf("jdoe holds %d assignments, want the 1 the plan adds", n)
	}
	var assigned []string
	for _, c := range s.Changes {
		if c.Step == flows.StepAssign {
			assigned = append(assigned, c.Object+": "+c.To)
		}
	}
	if len(assigned) != 1 || assigned[0] != "user jdoe: Identity Data Read Only (environment)" {
		t.Errorf("assign changes %q, want only jdoe's new role", assigned)
	}
}
