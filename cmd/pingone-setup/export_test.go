package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"
)

func TestExportFormatTerraformPrintsHCLThatImportsTheLiveApp(t *testing.T) {
	e := newEnv(t)
	if code, _, stderr := e.run("apply", "--plan", e.file("p.yaml", greenPlan), "--yes"); code != 0 {
		t.Fatalf("apply: %s", stderr)
	}
	code, out, stderr := e.run("export", "--app", "StackOne Integration", "--format", "terraform", "--user", "jdoe")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, diags := hclparse.NewParser().ParseHCL([]byte(out), "export.tf"); diags.HasErrors() {
		t.Fatalf("the HCL does not parse: %v\n%s", diags, out)
	}
	app := e.sim.Applications(e.seed.Production.ID)
	id := app[len(app)-1]["id"].(string)
	for _, want := range []string{`id = "` + e.seed.Production.ID + "/" + id + `"`, `resource "pingone_role_assignment_user"`, `username       = "jdoe"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the HCL lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, e.sim.ApplicationSecret(e.seed.Production.ID, id)) {
		t.Error("the client secret is in the HCL")
	}
	// As JSON, the HCL is one key of the one document.
	code, out, _ = e.run("export", "--app", id, "--format", "terraform", "--output", "json")
	var doc struct{ Terraform string }
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || !strings.Contains(doc.Terraform, `resource "pingone_application"`) {
		t.Errorf("exit %d, JSON %s", code, out)
	}
}

func TestExportRefusesAnUnknownFormatAndAnUnknownUser(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--app", "Admin Worker", "--format", "toml"}, 2, `--format "toml"`},
		{[]string{"--app", "Admin Worker", "--user", "nobody-at-all"}, 1, "nobody-at-all"},
		{[]string{"--app", "Nobody", "--format", "terraform"}, 1, `no application named or with ID "Nobody"`},
	} {
		code, _, stderr := e.run(append([]string{"export"}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

// TestExportWithUserWritesTheSignInUserAndTheirRoles: the plan carries who signs in and the roles
// they hold of their own, and applying it to another environment gives them those roles there.
func TestExportWithUserWritesTheSignInUserAndTheirRoles(t *testing.T) {
	e := newEnv(t)
	if code, _, stderr := e.run("apply", "--plan", e.file("p.yaml", greenPlan), "--yes"); code != 0 {
		t.Fatal(stderr)
	}
	code, out, stderr := e.run("export", "--app", "StackOne Integration", "--user", "jdoe")
	if code != 0 {
		t.Fatal(stderr)
	}
	for _, want := range []string{"signInUser: jdoe", "userRoleAssignments:", "role: Client Application Developer", "role: Identity Data Read Only"} {
		if !strings.Contains(out, want) {
			t.Errorf("the export lacks %q:\n%s", want, out)
		}
	}
}
