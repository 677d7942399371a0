package flows_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// tenantFacts is what teardown must leave as it found it.
func tenantFacts(tn *tenant) string {
	prod := tn.seed.Production.ID
	var b strings.Builder
	for _, a := range tn.sim.Applications(prod) {
		b.WriteString("app " + a["id"].(string) + " " + a["name"].(string) + "\n")
	}
	for _, u := range []pingonetest.SeedUser{tn.seed.Admin, tn.seed.JDoe} {
		for _, ra := range tn.sim.UserRoleAssignments(prod, u.ID) {
			b.WriteString("role " + u.Username + " " + ra.ID + " " + ra.RoleName + "\n")
		}
	}
	return b.String()
}

func TestApplyThenTeardownLeavesTheTenantAsItWas(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	dir := t.TempDir()
	before := tenantFacts(tn)
	s, err := tn.apply(env, flows.Plan{Preset: "stackone", SignInUser: "jdoe", Roles: flows.RolesFix})
	if err != nil {
		t.Fatal(err)
	}
	if err := flows.RecordRun(dir, s, filepath.Join(dir, ".env")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, tn.seed.Production.ID+"_"+s.App.ID+".json")
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("ledger %v %v: want mode 0600", st, err)
	}
	if data, _ := os.ReadFile(path); strings.Contains(string(data), s.Credentials.ClientSecret) {
		t.Fatal("the ledger holds the secret")
	}
	ctx := context.Background()
	// The delete of the app loses its answer: the client asks again and finds it gone.
	tn.sim.InjectFault(pingonetest.Fault{Method: "DELETE", PathContains: "/applications/", LoseResponse: true})
	p, err := flows.PlanTeardown(ctx, env, dir, tn.seed.Production.ID, "StackOne Integration")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Remove) != 3 || p.Remove[len(p.Remove)-1].Kind != flows.CreatedApplication {
		t.Fatalf("plan %+v: jdoe's two new roles, then the app", p.Remove)
	}
	if _, err := flows.Teardown(ctx, env, dir, tn.seed.Production.ID, p); err != nil {
		t.Fatal(err)
	}
	if after := tenantFacts(tn); after != before {
		t.Errorf("the tenant differs after teardown:\n%s\nwas:\n%s", after, before)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Error("the ledger is still there")
	}
}

func TestTeardownNeverRemovesWhatItFoundThere(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	dir := t.TempDir()
	ctx := context.Background()
	// jdoe already holds a role; the plan asks for it again (unchanged) and for the admin a role
	// of their own: neither is removed.
	prod := tn.seed.Production.ID
	if err := tn.sim.AssignUserRole(prod, tn.seed.JDoe.ID, "Identity Data Read Only", "ENVIRONMENT", prod); err != nil {
		t.Fatal(err)
	}
	s, err := tn.apply(env, flows.Plan{Preset: "sync-worker", Roles: flows.RolesFix, UserRoleAssignments: []flows.UserRoleAssignment{
		{User: "jdoe", Role: "Identity Data Read Only", Scope: "environment"},
		{User: "admin", Role: "Configuration Read Only", Scope: "environment"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := flows.RecordRun(dir, s); err != nil {
		t.Fatal(err)
	}
	p, err := flows.PlanTeardown(ctx, env, dir, prod, s.App.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range p.Remove {
		if r.Kind == flows.CreatedUserRoleAssignment {
			t.Errorf("would remove %s", r.Name)
		}
	}
	if len(p.Kept) != 1 || !strings.Contains(p.Kept[0], "the role you are using") {
		t.Errorf("kept %v: the admin's own new role stays, with why", p.Kept)
	}
	if _, err := flows.Teardown(ctx, env, dir, prod, p); err != nil {
		t.Fatal(err)
	}
	if n := len(tn.sim.UserRoleAssignments(prod, tn.seed.JDoe.ID)); n != 1 {
		t.Errorf("jdoe holds %d roles, want the one found there", n)
	}
}

func TestTeardownWithoutALedgerRemovesTheAppAloneAndOnlyByID(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	dir := t.TempDir()
	ctx := context.Background()
	prod := tn.seed.Production.ID
	id := tn.sim.AddApplication(prod, map[string]any{"name": "Found There", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []any{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"})
	if _, err := flows.PlanTeardown(ctx, env, dir, prod, "Found There"); !errors.Is(err, flows.ErrNoLedger) || !strings.Contains(err.Error(), id) {
		t.Errorf("by name without a ledger: %v", err)
	}
	p, err := flows.PlanTeardown(ctx, env, dir, prod, id)
	if err != nil || !p.NoLedger || len(p.Remove) != 1 {
		t.Fatalf("plan %+v %v", p, err)
	}
	if _, err := flows.Teardown(ctx, env, dir, prod, p); err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(tn.sim.Applications(prod), func(a map[string]any) bool { return a["id"] == id }) {
		t.Error("the app is still there")
	}
}

func TestACorruptOrForeignLedgerIsReportedAndKept(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "env_app.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := flows.LoadLedger(dir, "env", "app"); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("corrupt: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Error("a corrupt ledger was deleted")
	}
	if err := os.WriteFile(path, []byte(`{"version":1,"environmentId":"other","applicationId":"app"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := flows.LoadLedger(dir, "env", "app"); err == nil || !strings.Contains(err.Error(), "another tenant") {
		t.Errorf("foreign: %v", err)
	}
}
