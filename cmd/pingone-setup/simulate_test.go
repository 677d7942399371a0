package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/internal/supportbundle"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// simulation is `pingone-setup simulate` running in the background, as a person runs it.
type simulation struct {
	t      *testing.T
	cancel context.CancelFunc
	done   chan int
	mu     sync.Mutex
	out    bytes.Buffer
	base   string
}

func (s *simulation) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.Write(p)
}

func (s *simulation) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

var apiURLLine = regexp.MustCompile(`API URL   (http://127\.0\.0\.1:\d+)/v1`)

// startSimulation runs simulate with args until the test stops it (stop) or ends.
func startSimulation(t *testing.T, args ...string) *simulation {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &simulation{t: t, cancel: cancel, done: make(chan int, 1)}
	go func() {
		var errb bytes.Buffer
		code := run(ctx, append([]string{"simulate", "--listen", "127.0.0.1:0"}, args...), strings.NewReader(""), s, &errb)
		fmt.Fprint(s, errb.String())
		s.done <- code
	}()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := apiURLLine.FindStringSubmatch(s.output()); m != nil {
			s.base = m[1]
			t.Cleanup(func() { s.stop() })
			return s
		}
		select {
		case code := <-s.done:
			t.Fatalf("simulate exited %d: %s", code, s.output())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("simulate printed no URL: %s", s.output())
	return nil
}

// stop sends what Ctrl-C or SIGTERM sends (the context's cancellation) and returns the exit code.
func (s *simulation) stop() int {
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code // a second stop sees it too
		return code
	case <-time.After(10 * time.Second):
		s.t.Fatal("simulate did not stop")
		return -1
	}
}

// printed is the value simulate printed after "export NAME=".
func (s *simulation) printed(name string) string {
	m := regexp.MustCompile(name + `=(\S+)`).FindStringSubmatch(s.output())
	if m == nil {
		s.t.Fatalf("simulate printed no %s:\n%s", name, s.output())
	}
	return m[1]
}

// runAgainst runs a command with the environment simulate told us to export.
func (s *simulation) runAgainst(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	for _, k := range []string{"PINGONE_API_URL", "PINGONE_AUTH_URL", "PINGONE_ENVIRONMENT_ID", "PINGONE_CLIENT_ID", "PINGONE_CLIENT_SECRET", "PINGONE_API_ACCESS_TOKEN"} {
		v := ""
		if strings.Contains(s.output(), k+"=") {
			v = s.printed(k)
		}
		t.Setenv(k, v)
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestSimulatePrintsTheVariablesThatPointEveryCommandAtIt(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	s := startSimulation(t)
	// Only what it printed: no flag, no other variable.
	code, out, stderr := s.runAgainst(t, "doctor", "--app", "Admin Sign-In", "--user", "admin")
	// The seeded sign-in app has one warning (exit 1); what counts is that doctor reached the
	// simulator, signed in, and judged the admin's roles there.
	if code == 2 || !strings.Contains(out, "Roles of the user admin") || !strings.Contains(out, "[ok ] Read users") {
		t.Fatalf("doctor with the printed variables: exit %d\n%s\n%s", code, out, stderr)
	}
}

func TestSimulateSavesItsStateOnStopAndStartsFromItAgain(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	plan := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(plan, []byte(syncPlan), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startSimulation(t, "--save", state)
	if code, out, stderr := s.runAgainst(t, "apply", "--plan", plan, "--yes"); code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, stderr)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("simulate exit %d on stop: %s", code, s.output())
	}
	fi, err := os.Stat(state)
	if err != nil {
		t.Fatalf("no state saved: %v\n%s", err, s.output())
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", fi.Mode().Perm())
	}
	again := startSimulation(t, "--seed", state)
	code, out, stderr := again.runAgainst(t, "export", "--app", "Sync Worker")
	if code != 0 || !strings.Contains(out, "CLIENT_CREDENTIALS") {
		t.Fatalf("the app made before the save is not there after --seed: exit %d\n%s\n%s", code, out, stderr)
	}
	// The seeded worker's secret is the one it printed first, and still signs in.
	if s.printed("PINGONE_CLIENT_SECRET") != again.printed("PINGONE_CLIENT_SECRET") {
		t.Error("the admin worker's secret changed across save and --seed")
	}
}

func TestSimulateFaultFlagsSwitchOnTheFaults(t *testing.T) {
	t.Run("fail rate 1 refuses every API call with 429 or 503, before any write", func(t *testing.T) {
		s := startSimulation(t, "--fail-rate", "1")
		tok := workerToken(t, s)
		for range 6 {
			st := apiStatus(t, s, tok, "GET", "/environments", nil)
			if st != 429 && st != 503 {
				t.Fatalf("status %d, want 429 or 503", st)
			}
		}
		if !strings.Contains(s.output(), "100% refused (429/503)") {
			t.Errorf("simulate did not say the faults are on:\n%s", s.output())
		}
	})
	t.Run("lost response rate 1 loses every answer", func(t *testing.T) {
		s := startSimulation(t, "--lost-response-rate", "1")
		tok := workerToken(t, s)
		for range 6 {
			if st := apiStatus(t, s, tok, "GET", "/environments", nil); st != 503 && st != -1 {
				t.Fatalf("status %d, want a dropped connection or a 503 after the fact", st)
			}
		}
	})
	t.Run("latency delays every answer", func(t *testing.T) {
		s := startSimulation(t, "--latency", "300ms")
		start := time.Now()
		tok := workerToken(t, s)
		if st := apiStatus(t, s, tok, "GET", "/environments", nil); st != 200 {
			t.Fatalf("status %d", st)
		}
		if d := time.Since(start); d < 600*time.Millisecond {
			t.Errorf("a token and a call took %v, want at least 600ms", d)
		}
	})
	t.Run("page size cuts lists into pages", func(t *testing.T) {
		s := startSimulation(t, "--page-size", "1")
		tok := workerToken(t, s)
		var body struct {
			Embedded struct{ Environments []any } `json:"_embedded"`
			Links    map[string]any               `json:"_links"`
		}
		if st := apiCall(t, s, tok, "GET", "/environments", nil, &body); st != 200 {
			t.Fatalf("status %d", st)
		}
		if len(body.Embedded.Environments) != 1 || body.Links["next"] == nil {
			t.Errorf("a page of %d environments, next %v: want 1 and a next link", len(body.Embedded.Environments), body.Links["next"])
		}
	})
}

func TestSimulatePropagationDelayHoldsBackNewRoleAssignments(t *testing.T) {
	for _, tc := range []struct {
		delay string
		want  int
	}{{"0s", 200}, {"1h", 403}} {
		t.Run(tc.delay, func(t *testing.T) {
			s := startSimulation(t, "--propagation-delay", tc.delay)
			sd := pingonetest.New().Seed() // the same fixed IDs as simulate's tenant
			env := sd.Production.ID
			admin := workerToken(t, s)
			// The admin worker makes a worker with no role, gives it Identity Data Read Only, and
			// the new worker lists users at once.
			var app struct{ ID string }
			if st := apiCall(t, s, admin, "POST", "/environments/"+env+"/applications", map[string]any{"name": "Fresh", "type": "WORKER",
				"protocol": "OPENID_CONNECT", "enabled": true, "grantTypes": []string{"CLIENT_CREDENTIALS"},
				"tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC", "assignActorRoles": false}, &app); st != 201 {
				t.Fatalf("create: status %d", st)
			}
			var sec struct{ Secret string }
			if st := apiCall(t, s, admin, "GET", "/environments/"+env+"/applications/"+app.ID+"/secret", nil, &sec); st != 200 {
				t.Fatalf("secret: status %d", st)
			}
			body := map[string]any{"role": map[string]any{"id": sd.Roles["Identity Data Read Only"]}, "scope": map[string]any{"type": "ENVIRONMENT", "id": env}}
			if st := apiStatus(t, s, admin, "POST", "/environments/"+env+"/applications/"+app.ID+"/roleAssignments", body); st != 201 {
				t.Fatalf("assign: status %d", st)
			}
			fresh := tokenFrom(t, s, env, "grant_type=client_credentials", app.ID, sec.Secret)
			if st := apiStatus(t, s, fresh, "GET", "/environments/"+env+"/users", nil); st != tc.want {
				t.Errorf("the new worker lists users right after its assignment: %d, want %d", st, tc.want)
			}
		})
	}
}

func TestSimulateRefusesBadFlagsAndSeedsWithAClearError(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"a seed that does not exist", []string{"--seed", filepath.Join(dir, "nope.json")}, "no such file"},
		{"a seed that is text", []string{"--seed", write("notes.txt", "hello")}, "want a support bundle .zip"},
		{"a seed of another JSON", []string{"--seed", write("other.json", `{"format":"x"}`)}, `not a simulator state: format "x"`},
		{"a seed that is a broken zip", []string{"--seed", write("broken.zip", "PK\x03\x04garbage")}, "not a zip archive"},
		{"a seed that is a zip of something else", []string{"--seed", write("other.zip", string(zipOf(t, map[string]string{"a.txt": "hi"})))}, "the zip has no manifest.json and no tenant.json"},
		{"a saved state that does not hold together", []string{"--seed", write("bad.json", `{"format":"pingonetest-snapshot/1","organization":{"id":"o"},"environments":[{"id":"e"}],"users":[{"id":"u","environmentId":"e","populationId":"p","username":"x","enabled":true}]}`)}, `population "p"`},
		{"a fail rate above 1", []string{"--fail-rate", "1.5"}, "--fail-rate 1.5"},
		{"rates that add up above 1", []string{"--fail-rate", "0.6", "--lost-response-rate", "0.6"}, "at most 1"},
		{"a negative latency", []string{"--latency", "-1s"}, "--latency"},
		{"a negative page size", []string{"--page-size", "-2"}, "--page-size"},
		{"a save path in a missing directory", []string{"--save", filepath.Join(dir, "no", "such", "dir", "s.json")}, "--save"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), append([]string{"simulate", "--listen", "127.0.0.1:0"}, tc.args...), strings.NewReader(""), &out, &errb)
			if code != 2 || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("exit %d, stderr %q: want 2 and %q", code, errb.String(), tc.want)
			}
			if strings.Contains(out.String(), "Simulated PingOne on") {
				t.Error("it served anyway")
			}
		})
	}
}

// workerToken signs in as the admin worker simulate printed.
func workerToken(t *testing.T, s *simulation) string {
	t.Helper()
	env, id, secret := s.printed("PINGONE_ENVIRONMENT_ID"), s.printed("PINGONE_CLIENT_ID"), s.printed("PINGONE_CLIENT_SECRET")
	return tokenFrom(t, s, env, "grant_type=client_credentials", id, secret)
}

func tokenFrom(t *testing.T, s *simulation, env, form, id, secret string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", s.base+"/"+env+"/as/token", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %v", res.StatusCode, err)
	}
	return tok.AccessToken
}

// apiStatus makes one Management API call and returns its status, -1 for a dropped connection.
func apiStatus(t *testing.T, s *simulation, token, method, path string, body any) int {
	t.Helper()
	return apiCall(t, s, token, method, path, body, nil)
}

func apiCall(t *testing.T, s *simulation, token, method, path string, body, out any) int {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, s.base+"/v1"+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		return -1
	}
	defer res.Body.Close()
	if out != nil {
		_ = json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

// zipOf is a zip archive of the named files.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSimulateSaysWhenABundleHasNoOneToSignInAs(t *testing.T) {
	snap := pingonetest.New().Snapshot()
	snap.Seed, snap.Actor = nil, nil
	zip, err := supportbundle.Write(supportbundle.Bundle{Tenant: snap, Manifest: supportbundle.Manifest{Application: supportbundle.App{ID: "a", Name: "App"}, EnvironmentID: snap.Environments[0].ID}})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "b.zip")
	if err := os.WriteFile(p, zip, 0o600); err != nil {
		t.Fatal(err)
	}
	s := startSimulation(t, "--seed", p)
	if out := s.output(); !strings.Contains(out, "no one to sign in as") || strings.Contains(out, "PINGONE_API_ACCESS_TOKEN=") {
		t.Errorf("output:\n%s", out)
	}
}
