package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestApplyThenTeardownRemovesWhatApplyCreated(t *testing.T) {
	e := newEnv(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	prod := e.seed.Production.ID
	appsBefore := len(e.sim.Applications(prod))
	rolesBefore := len(e.sim.UserRoleAssignments(prod, e.seed.JDoe.ID))
	if code, _, stderr := e.run("apply", "--plan", e.file("p.yaml", greenPlan), "--yes"); code != 0 {
		t.Fatal(stderr)
	}
	code, out, stderr := e.run("teardown", "--app", "StackOne Integration", "--dry-run")
	if code != 0 || !strings.Contains(out, "application StackOne Integration") || !strings.Contains(out, "Client Application Developer") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, stderr)
	}
	if len(e.sim.Applications(prod)) != appsBefore+1 {
		t.Fatal("the dry run removed something")
	}
	if code, _, stderr := e.run("teardown", "--app", "StackOne Integration"); code != 2 || !strings.Contains(stderr, "--yes") {
		t.Errorf("without --yes and a terminal: exit %d %s", code, stderr)
	}
	if code, out, stderr := e.run("teardown", "--app", "StackOne Integration", "--yes"); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	if n := len(e.sim.Applications(prod)); n != appsBefore {
		t.Errorf("%d apps, want %d", n, appsBefore)
	}
	if n := len(e.sim.UserRoleAssignments(prod, e.seed.JDoe.ID)); n != rolesBefore {
		t.Errorf("jdoe holds %d roles, want %d", n, rolesBefore)
	}
}

func TestRotateSecretHandsOverANewSecretAndKeepsThePreviousForTheGracePeriod(t *testing.T) {
	e := newEnv(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	if code, _, stderr := e.run("apply", "--plan", e.file("p.yaml", syncPlan), "--yes"); code != 0 {
		t.Fatal(stderr)
	}
	envFile := filepath.Join(e.dir, "new.env")
	code, out, stderr := e.run("rotate-secret", "--app", "Sync Worker", "--previous-expires", "2h", "--env-file", envFile, "--yes")
	if code != 0 || !strings.Contains(out, "works until") || !strings.Contains(out, "sha256:") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	data, err := os.ReadFile(envFile)
	st, _ := os.Stat(envFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("env file %v %v", st, err)
	}
	var appID string
	for _, a := range e.sim.Applications(e.seed.Production.ID) {
		if a["name"] == "Sync Worker" {
			appID = a["id"].(string)
		}
	}
	secret := e.sim.ApplicationSecret(e.seed.Production.ID, appID)
	if !strings.Contains(string(data), secret) || strings.Contains(out, secret) {
		t.Error("the new secret belongs in the file, not on stdout")
	}
	if code, _, stderr := e.run("rotate-secret", "--app", "Sync Worker", "--previous-expires", "1000h", "--yes"); code != 2 || !strings.Contains(stderr, "30 days") {
		t.Errorf("a grace period over 30 days: exit %d %s", code, stderr)
	}
}
