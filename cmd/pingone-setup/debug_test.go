package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

var debugLineRE = regexp.MustCompile(`^debug api: (GET|POST|PUT|PATCH|DELETE) /\S+ (\d{3}|---) \d+ms( attempt=\d+)?( errorId=\S+)?( error=".*")?$`)

func TestDebugPrintsOneRedactedLinePerAPICallToStderr(t *testing.T) {
	e := newEnv(t)
	t.Setenv(envDebug, "api")
	t.Setenv(envDebugFile, "")
	tr := filepath.Join(e.dir, "t.jsonl")
	code, out, stderr := e.run("apply", "--plan", e.file("p.yaml", syncPlan), "--yes", "--show-secret", "--output", "json", "--transcript", tr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct{ Application struct{ ID string } }
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is no longer one JSON document: %v", err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if strings.HasPrefix(l, "debug ") {
			if !debugLineRE.MatchString(l) {
				t.Errorf("debug line %q", l)
			}
			lines = append(lines, l)
		}
	}
	data, _ := os.ReadFile(tr)
	calls := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != len(calls) || len(lines) < 10 {
		t.Errorf("%d debug lines for %d transcript lines", len(lines), len(calls))
	}
	for i, c := range calls {
		var call struct{ Method, Path string }
		if err := json.Unmarshal([]byte(c), &call); err != nil {
			t.Fatal(err)
		}
		if i < len(lines) && !strings.HasPrefix(lines[i], "debug api: "+call.Method+" "+call.Path) {
			t.Errorf("line %d: %q for the call %s %s", i, lines[i], call.Method, call.Path)
		}
	}
	secret := e.sim.ApplicationSecret(e.seed.Production.ID, doc.Application.ID)
	for name, s := range map[string]string{"client secret": secret, "access token": os.Getenv("PINGONE_API_ACCESS_TOKEN")} {
		if s == "" || strings.Contains(stderr, s) {
			t.Errorf("stderr holds the %s (or it is empty)", name)
		}
	}
}

func TestDebugIsOffUnlessAsked(t *testing.T) {
	e := newEnv(t)
	plan := e.file("p.yaml", greenPlan)
	for _, v := range []string{"", "0", "false", "off"} {
		t.Setenv(envDebug, v)
		if _, _, stderr := e.run("apply", "--plan", plan, "--dry-run"); strings.Contains(stderr, "debug") {
			t.Errorf("%s=%q: %s", envDebug, v, stderr)
		}
	}
	for _, v := range []string{"api", "1", "true"} {
		if !debugOn(v) {
			t.Errorf("%s=%s is off", envDebug, v)
		}
	}
}

func TestTheDebugFileGetsTheLinesAndStderrNone(t *testing.T) {
	e := newEnv(t)
	path := filepath.Join(e.dir, "debug.log")
	t.Setenv(envDebug, "")
	t.Setenv(envDebugFile, path) // on by itself
	code, _, stderr := e.run("doctor", "--app", "nothing such", "--user", "admin")
	if code != 1 || strings.Contains(stderr, "debug api") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), "debug api: GET /v1/environments/"+e.seed.Production.ID+"/applications") {
		t.Fatalf("%v\n%s", err, data)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	// Appended, not replaced: a tail -f keeps following it across runs.
	e.run("doctor", "--app", "nothing such", "--user", "admin")
	if again, _ := os.ReadFile(path); len(again) <= len(data) || !bytes.HasPrefix(again, data) {
		t.Error("the second run did not append")
	}
}

func TestDebugLinesAreHeldWhileTheWizardOwnsTheTerminal(t *testing.T) {
	var d debugLog // as openDebug makes it for the wizard on the terminal stderr also writes to
	for i := 0; i < maxHeldDebugLines+3; i++ {
		d.record(pingone.Call{Method: "GET", Path: "/v1/environments", Status: 200, Duration: 1500 * time.Microsecond})
	}
	var b bytes.Buffer
	d.release(&b)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != maxHeldDebugLines+1 || lines[0] != "debug api: GET /v1/environments 200 1ms" || !strings.Contains(lines[len(lines)-1], "3 more lines") {
		t.Errorf("%d lines, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
	d.record(pingone.Call{Method: "POST", Path: "/as/token", Attempt: 2, Err: "connection\nrefused", ErrorID: "e1"})
	if !strings.HasSuffix(b.String(), "debug api: POST /as/token --- 0ms attempt=2 errorId=e1 error=\"connection refused\"\n") {
		t.Errorf("after release, lines go straight out: %q", b.String()[len(b.String())-80:])
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if sameTerminal(w, w) {
		t.Error("a pipe is not a terminal: the wizard's debug lines may go there as they happen")
	}
}

// TestTheWizardsDebugLinesNeverGarbleItsScreen runs the wizard in a real terminal with the debug
// switch: on the same terminal the lines wait for it to leave the screen; sent elsewhere (2> or
// PINGONE_SETUP_DEBUG_FILE) they arrive as the calls happen.
func TestTheWizardsDebugLinesNeverGarbleItsScreen(t *testing.T) {
	if testing.Short() {
		t.Skip("real terminal test")
	}
	dir := buildBinary(t)
	tm := startTmux(t, dir, "bash --norc --noprofile")
	tm.shell("PINGONE_SETUP_DEBUG=api bin/pingone-setup --demo --preset sync-worker; echo EXIT=$?")
	tm.waitFor(wizardSteps[0], screenTimeout)
	if sc := tm.screen(); strings.Contains(sc, "debug api") {
		t.Errorf("debug lines on the wizard's screen:\n%s", sc)
	}
	tm.press("C-c", regexp.MustCompile(`EXIT=130`))
	if sc := tm.screen(); !strings.Contains(sc, "debug api: GET /v1/environments 200") {
		t.Errorf("the held lines were not printed at exit:\n%s", sc)
	}

	for _, redirect := range []string{"2>debug.log", "PINGONE_SETUP_DEBUG_FILE=debug.log"} {
		_ = os.Remove(filepath.Join(dir, "debug.log"))
		cmd := "clear; PINGONE_SETUP_DEBUG=api bin/pingone-setup --demo --preset sync-worker 2>debug.log; echo EXIT=$?"
		if redirect != "2>debug.log" {
			cmd = "clear; " + redirect + " bin/pingone-setup --demo --preset sync-worker; echo EXIT=$?"
		}
		tm.shell(cmd)
		tm.waitFor(wizardSteps[0], screenTimeout)
		// While the wizard still runs, the file already has the calls that filled its screen.
		data, _ := os.ReadFile(filepath.Join(dir, "debug.log"))
		if !strings.Contains(string(data), "debug api: GET /v1/environments 200") {
			t.Errorf("%s: the lines did not arrive as they happened: %q", redirect, data)
		}
		tm.press("C-c", regexp.MustCompile(`EXIT=130`))
		if sc := tm.screen(); strings.Contains(sc, "debug api") {
			t.Errorf("%s: debug lines on the terminal:\n%s", redirect, sc)
		}
	}
}
