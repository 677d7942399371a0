package flows_test

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"sync"
	"testing"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

var chaosKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// TestChaosAppliesConvergeWithoutDuplicates runs whole applies against a PingOne that refuses 20%
// of Management API requests (429 or 503, before any write) and loses the answer of 10% (half
// dropped connections, half gateway 503s after the write). Every run must leave no duplicate
// app, grant or role assignment; every run that reports success must have converged; and a few
// runs again must converge.
func TestChaosAppliesConvergeWithoutDuplicates(t *testing.T) {
	runs := map[string]int{"stackone": 100, "sync-worker": 30}
	if testing.Short() {
		runs = map[string]int{"stackone": 10, "sync-worker": 5}
	}
	for preset, n := range runs {
		t.Run(preset, func(t *testing.T) {
			succeeded, tries := 0, 0
			for i := range n {
				tn := newTenant(t, pingonetest.WithSigningKey(chaosKey()), pingonetest.WithRandomSeed(uint64(1000+i)))
				tn.sim.SetChaos(pingonetest.Chaos{RefuseRate: 0.2, LostRate: 0.1})
				plan := flows.Plan{Preset: preset, SignInUser: "jdoe", Roles: flows.RolesFix}
				converged := false
				for try := 1; try <= 4 && !converged; try++ {
					tries++
					s, err := tn.apply(tn.admin(), plan)
					name := fmt.Sprintf("run %d try %d", i, try)
					checkNoDuplicates(t, tn, name, plan)
					if err == nil && s.Succeeded() {
						checkConverged(t, tn, name, preset, s)
						converged = true
						if try == 1 {
							succeeded++
						}
					}
				}
				if !converged {
					t.Errorf("run %d did not converge in 4 tries", i)
				}
			}
			t.Logf("%s: %d runs, %d succeeded at the first try, %d applies in all", preset, n, succeeded, tries)
		})
	}
}

func checkNoDuplicates(t *testing.T, tn *tenant, name string, plan flows.Plan) {
	t.Helper()
	p, _ := plan.WithPreset()
	prod := tn.seed.Production.ID
	apps := tn.appsNamed(prod, p.Application.Name)
	if len(apps) > 1 {
		t.Fatalf("%s: %d apps named %q", name, len(apps), p.Application.Name)
	}
	for _, a := range apps {
		id, _ := a["id"].(string)
		if g := tn.sim.Grants(prod, id); len(g) > 1 {
			t.Fatalf("%s: %d grants", name, len(g))
		}
		seen := map[string]bool{}
		for _, ra := range tn.sim.ApplicationRoleAssignments(prod, id) {
			k := ra.RoleID + ra.ScopeType + ra.ScopeID
			if seen[k] {
				t.Fatalf("%s: the app holds %s twice", name, ra.RoleName)
			}
			seen[k] = true
		}
	}
	seen := map[string]bool{}
	for _, ra := range tn.sim.UserRoleAssignments(prod, tn.seed.JDoe.ID) {
		k := ra.RoleID + ra.ScopeType + ra.ScopeID
		if seen[k] {
			t.Fatalf("%s: jdoe holds %s twice", name, ra.RoleName)
		}
		seen[k] = true
	}
}

func checkConverged(t *testing.T, tn *tenant, name, preset string, s flows.State) {
	t.Helper()
	prod := tn.seed.Production.ID
	if s.Verified == nil || s.Verified.Outcome != flows.OutcomeVerified {
		t.Errorf("%s: succeeded without a live proof: %+v", name, s.Verified)
	}
	apps := tn.appsNamed(prod, s.App.Name)
	if len(apps) != 1 || apps[0]["enabled"] != true {
		t.Errorf("%s: apps %v", name, apps)
	}
	switch preset {
	case "stackone":
		if g := tn.sim.Grants(prod, s.App.ID); len(g) != 1 || len(g[0].ScopeNames) != 2 {
			t.Errorf("%s: grants %+v", name, g)
		}
		if len(tn.sim.UserRoleAssignments(prod, tn.seed.JDoe.ID)) == 0 {
			t.Errorf("%s: jdoe holds no role, yet the run succeeded", name)
		}
	case "sync-worker":
		if len(tn.sim.ApplicationRoleAssignments(prod, s.App.ID)) == 0 {
			t.Errorf("%s: the app holds no role, yet the run succeeded", name)
		}
	}
}
