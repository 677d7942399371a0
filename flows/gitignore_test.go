package flows

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func gitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	return dir
}

func TestAnEnvFileInAGitWorkTreeNeedsAGitignoreEntryUntilAdded(t *testing.T) {
	dir := gitRepo(t)
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, entry string }{{".env", "/.env"}, {"config/prod.env", "/config/prod.env"}} {
		p := filepath.Join(dir, tc.file)
		g, need, err := GitIgnoreFor(p)
		if err != nil || !need {
			t.Fatalf("%s: need %v err %v, want an entry", tc.file, need, err)
		}
		real, _ := filepath.EvalSymlinks(dir)
		if g.Entry != tc.entry || g.File != filepath.Join(real, ".gitignore") {
			t.Errorf("%s: %+v, want entry %s in %s/.gitignore", tc.file, g, tc.entry, real)
		}
		if err := g.Add(); err != nil {
			t.Fatal(err)
		}
		if _, need, err := GitIgnoreFor(p); err != nil || need {
			t.Errorf("%s: after Add git still does not ignore it (need %v, err %v)", tc.file, need, err)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, ".gitignore"))
	if string(data) != "/.env\n/config/prod.env\n" {
		t.Errorf(".gitignore:\n%q", data)
	}
}

func TestAnEnvFileAlreadyIgnoredOrOutsideAWorkTreeNeedsNothing(t *testing.T) {
	dir := gitRepo(t)
	if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("# secrets\n*.env"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, need, err := GitIgnoreFor(filepath.Join(dir, "prod.env")); err != nil || need {
		t.Errorf("*.env ignores prod.env: need %v err %v", need, err)
	}
	if _, need, err := GitIgnoreFor(filepath.Join(t.TempDir(), ".env")); err != nil || need {
		t.Errorf("outside a work tree nothing is needed: need %v err %v", need, err)
	}
	// Appending to a .gitignore without a final newline starts a line of its own.
	g := GitIgnore{File: filepath.Join(dir, ".gitignore"), Entry: "/.env"}
	if err := g.Add(); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(g.File); string(data) != "# secrets\n*.env\n/.env\n" {
		t.Errorf(".gitignore:\n%q", data)
	}
}

func TestWithoutGitTheTopGitignoreIsRead(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "app")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ignore, file string
		ignored      bool
	}{
		{"", "app/.env", false},
		{".env\n", "app/.env", true},
		{"/.env\n", "app/.env", false},
		{"/app/.env\n", "app/.env", true},
		{"*.env\n", "app/x.env", true},
		{"# .env\n", "app/.env", false},
	} {
		if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte(tc.ignore), 0o644); err != nil {
			t.Fatal(err)
		}
		root, ignored, err := readCheck(sub, filepath.Join(dir, tc.file))
		if err != nil || root != dir || ignored != tc.ignored {
			t.Errorf(".gitignore %q, %s: root %s ignored %v err %v, want ignored %v", tc.ignore, tc.file, root, ignored, err, tc.ignored)
		}
	}
	if root, _, _ := readCheck(t.TempDir(), "x"); root != "" {
		t.Errorf("no .git above: no work tree, got %s", root)
	}
}
