package flows_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/pingone-setup/pingone-setup/flows"
)

var updateTerraform = flag.Bool("update", false, "rewrite the Terraform golden files in testdata/terraform")

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// stableIDs replaces each ID by a placeholder numbered in order of first appearance, so a golden
// does not depend on the order the simulator drew its IDs in.
func stableIDs(s string) string {
	seen := map[string]string{}
	return uuidRE.ReplaceAllStringFunc(s, func(id string) string {
		if p, ok := seen[id]; ok {
			return p
		}
		p := fmt.Sprintf("00000000-0000-4000-8000-%012d", len(seen)+1)
		seen[id] = p
		return p
	})
}

// terraformOf applies a preset against the simulator, with its roles fixed, and exports it.
func terraformOf(t *testing.T, preset string) (flows.TerraformInput, []byte) {
	t.Helper()
	tn := newTenant(t)
	env := tn.admin()
	pr, _ := flows.PresetByName(preset)
	plan := flows.Plan{Preset: preset, Roles: flows.RolesFix}
	user := ""
	if slices.Contains(pr.App.GrantTypes, "AUTHORIZATION_CODE") {
		plan.SignInUser, user = "jdoe", "jdoe"
	}
	if _, err := tn.apply(env, plan); err != nil {
		t.Fatalf("apply %s: %v", preset, err)
	}
	in, err := flows.ReadTerraform(context.Background(), env.API, tn.seed.Production.ID, pr.App.Name, user)
	if err != nil {
		t.Fatal(err)
	}
	return in, flows.Terraform(in)
}

func TestTerraformExportOfEachPresetMatchesItsGolden(t *testing.T) {
	for _, preset := range flows.PresetNames() {
		t.Run(preset, func(t *testing.T) {
			_, out := terraformOf(t, preset)
			got := stableIDs(string(out))
			path := filepath.Join("testdata", "terraform", preset+".tf")
			if *updateTerraform {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./flows -run Terraform -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden (run go test ./flows -run Terraform -update after an intended change):\n%s", path, got)
			}
		})
	}
}

func TestTerraformExportParsesBackWithoutDiagnostics(t *testing.T) {
	for _, preset := range flows.PresetNames() {
		t.Run(preset, func(t *testing.T) {
			in, out := terraformOf(t, preset)
			f, diags := hclparse.NewParser().ParseHCL(out, preset+".tf")
			if diags.HasErrors() || len(diags) > 0 {
				t.Fatalf("diagnostics: %v\n%s", diags, out)
			}
			body := f.Body.(*hclsyntax.Body)
			count := map[string]int{}
			imports := map[string]string{}
			for _, b := range body.Blocks {
				key := b.Type
				if len(b.Labels) > 0 {
					key += " " + b.Labels[0]
				}
				count[key]++
				if b.Type == "import" {
					to, _ := hcl.AbsTraversalForExpr(b.Body.Attributes["to"].Expr)
					id, d := b.Body.Attributes["id"].Expr.Value(nil)
					if d.HasErrors() {
						t.Fatalf("import id is not a literal: %v", d)
					}
					imports[to.RootName()+"."+to[1].(hcl.TraverseAttr).Name] = id.AsString()
				}
			}
			l := in.Live
			env, app := l.Environment.ID, l.App.ID
			if count["resource pingone_application"] != 1 || count["resource pingone_application_resource_grant"] != len(l.Grants) ||
				count["resource pingone_application_role_assignment"] != len(l.AppRoles) || count["resource pingone_role_assignment_user"] != len(in.UserRoles) {
				t.Errorf("resources %v for %d grants, %d app roles, %d user roles", count, len(l.Grants), len(l.AppRoles), len(in.UserRoles))
			}
			// Every resource is imported, with the provider's ID format.
			want := map[string]bool{env + "/" + app: true}
			for _, g := range l.Grants {
				want[env+"/"+app+"/"+g.ID] = true
			}
			for _, ra := range l.AppRoles {
				want[env+"/"+app+"/"+ra.ID] = true
			}
			for _, ra := range in.UserRoles {
				want[env+"/"+in.User.ID+"/"+ra.ID] = true
			}
			for _, id := range imports {
				if !want[id] {
					t.Errorf("import of unknown ID %s", id)
				}
				delete(want, id)
			}
			if len(want) > 0 {
				t.Errorf("not imported: %v", want)
			}
			if preset == "stackone" && (len(in.UserRoles) == 0 || len(l.Grants) == 0) {
				t.Error("the stackone export has no user role or grant: the test proves too little")
			}
			if preset == "sync-worker" && len(l.AppRoles) == 0 {
				t.Error("the sync worker export has no app role: the test proves too little")
			}
			if !strings.Contains(string(out), "# What the provider cannot express") {
				t.Error("no list of what the provider cannot express")
			}
		})
	}
}

func TestTerraformExportWritesGroupPoliciesAndEveryScopeTheProviderTakesAndListsTheRest(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	sd := tn.seed
	prod := sd.Production.ID
	app := tn.sim.AddApplication(prod, map[string]any{"name": "Odd Worker", "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []any{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC", "homePageUrl": "https://example.com/home"})
	for _, a := range []struct{ role, scope, id string }{
		{"Identity Data Admin", "POPULATION", sd.Production.DefaultPopulationID},
		{"Environment Admin", "ORGANIZATION", sd.OrganizationID},
		{"Application Owner", "APPLICATION", sd.AdminWorker.ID},
	} {
		if err := tn.sim.AssignAppRole(prod, app, a.role, a.scope, a.id); err != nil {
			t.Fatal(err)
		}
	}
	if err := tn.sim.SetAccessControl(prod, app, map[string]any{"group": map[string]any{"type": "ANY_GROUP", "groups": []any{map[string]any{"id": sd.AdminsGroupID}}}}); err != nil {
		t.Fatal(err)
	}
	in, err := flows.ReadTerraform(context.Background(), env.API, prod, app, "")
	if err != nil {
		t.Fatal(err)
	}
	out := string(flows.Terraform(in))
	if _, diags := hclparse.NewParser().ParseHCL([]byte(out), "odd.tf"); diags.HasErrors() {
		t.Fatalf("%v\n%s", diags, out)
	}
	for _, want := range []string{
		`access_control_group_options = {`, `groups = ["` + sd.AdminsGroupID + `"]`, `type   = "ANY_GROUP"`,
		`scope_population_id = "` + sd.Production.DefaultPopulationID + `"`,
		`scope_organization_id = var.organization_id`, `variable "organization_id"`, `default     = "` + sd.OrganizationID + `"`,
		`home_page_url`, `"https://example.com/home"`,
		"Application Owner at application scope " + sd.AdminWorker.ID + ": the provider's role assignments take organization, environment or population scopes only",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the HCL lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, tn.sim.ApplicationSecret(prod, app)) {
		t.Error("the client secret is in the HCL")
	}
}
