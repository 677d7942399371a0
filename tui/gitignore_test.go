package tui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// inGitRepo makes the test's working directory a fresh git work tree.
func inGitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	t.Chdir(dir)
	return dir
}

func TestWritingTheEnvFileInAGitWorkTreeOffersToIgnoreIt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		keys   []string
		ignore string // .gitignore afterwards
		note   string
	}{
		{"yes adds it", []string{"enter"}, "/creds.env\n", "added /creds.env to"},
		{"no leaves .gitignore alone", []string{"down", "enter"}, "", "Git does not ignore it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := inGitRepo(t)
			h := newHarness(t)
			h.toDone()
			h.key("w")
			h.typeText("creds.env")
			h.key("enter")
			h.wantScreen("Add /creds.env to", "creds.env is in a git work tree", "> Yes, add it")
			for _, k := range tc.keys {
				h.key(k)
			}
			data, _ := os.ReadFile(filepath.Join(dir, ".gitignore"))
			if string(data) != tc.ignore {
				t.Errorf(".gitignore is %q, want %q", data, tc.ignore)
			}
			h.wantScreen(tc.note)
			if _, err := os.Stat(filepath.Join(dir, "creds.env")); err != nil {
				t.Errorf("the .env file should be written either way: %v", err)
			}
		})
	}
}

func TestAnEnvFileGitAlreadyIgnoresIsWrittenWithoutAQuestion(t *testing.T) {
	dir := inGitRepo(t)
	if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("*.env\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	h.toDone()
	h.key("w")
	h.typeText("creds.env")
	h.key("enter")
	if strings.Contains(h.screen(), "gitignore") || h.m.hand.dialog != nil {
		t.Errorf("an ignored file needs no question:\n%s", h.screen())
	}
	h.wantScreen("Wrote creds.env (mode 0600)")
}
