package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

type env struct {
	t    *testing.T
	sim  *pingonetest.Server
	srv  *httptest.Server
	seed pingonetest.Seed
	dir  string
}

func newEnv(t *testing.T) *env {
	e := &env{t: t, sim: pingonetest.New(), dir: t.TempDir()}
	t.Setenv("XDG_STATE_HOME", t.TempDir()) // ledgers go here, never to the tester's home
	e.srv = httptest.NewServer(e.sim)
	t.Cleanup(e.srv.Close)
	e.seed = e.sim.Seed()
	t.Setenv("PINGONE_API_ACCESS_TOKEN", e.sim.IssueUserToken(e.seed.Production.ID, e.seed.Admin.ID, time.Hour))
	for _, k := range []string{"PINGONE_CLIENT_ID", "PINGONE_CLIENT_SECRET", "PINGONE_ENVIRONMENT_ID", "PINGONE_REGION_CODE", "PINGONE_API_URL", "PINGONE_AUTH_URL"} {
		t.Setenv(k, "")
	}
	return e
}

// run runs the command with the simulator's endpoints and returns exit code, stdout, stderr.
func (e *env) run(args ...string) (int, string, string) {
	e.t.Helper()
	if len(args) > 0 && args[0] != "simulate" {
		args = append(args, "--api-url", e.srv.URL+"/v1", "--auth-url", e.srv.URL)
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func (e *env) file(name, content string) string {
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) writes() int {
	n := 0
	for _, r := range e.sim.Requests() {
		if r.Method != http.MethodGet && strings.HasPrefix(r.Path, "/v1/") {
			n++
		}
	}
	return n
}

// stackonePlan leaves jdoe without roles: it applies, and it will not work.
const stackonePlan = "preset: stackone\nsignInUser: jdoe\n"

// greenPlan assigns the roles the check proposes: it ends green.
const greenPlan = stackonePlan + "roles: fix\n"

// syncPlan is a sync worker whose roles the check proposes and apply assigns.
const syncPlan = "preset: sync-worker\nroles: fix\n"

func TestApplyPrintsOneJSONDocumentWithTheAppChangesAndFindings(t *testing.T) {
	e := newEnv(t)
	// jdoe holds no role: apply does its work, says what will fail, and exits 1.
	code, out, stderr := e.run("apply", "--plan", e.file("p.yaml", stackonePlan), "--yes", "--output", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (error findings remain): %s", code, stderr)
	}
	var doc struct {
		Application struct{ ID, Name string }
		Environment struct{ ID string }
		Changes     []map[string]any
		Findings    []struct{ Code, Severity, Message, Fix string }
		Credentials any
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
	}
	if doc.Application.ID == "" || doc.Environment.ID != e.seed.Production.ID || len(doc.Changes) == 0 {
		t.Errorf("document %+v", doc)
	}
	found := false
	for _, f := range doc.Findings {
		found = found || (f.Code == "ROLE_MISSING" && f.Fix != "")
	}
	if !found {
		t.Errorf("findings %+v: want ROLE_MISSING with a fix", doc.Findings)
	}
	if doc.Credentials != nil || strings.Contains(out, e.sim.ApplicationSecret(e.seed.Production.ID, doc.Application.ID)) {
		t.Error("the secret is in the output without --show-secret")
	}
}

func TestApplyTwiceSaysNoChangeTheSecondTime(t *testing.T) {
	e := newEnv(t)
	plan := e.file("p.yaml", greenPlan)
	if code, _, stderr := e.run("apply", "--plan", plan, "--yes"); code != 0 {
		t.Fatal(stderr)
	}
	before := e.writes()
	code, out, stderr := e.run("apply", "--plan", plan)
	if code != 0 || !strings.Contains(out, "No change") {
		t.Errorf("exit %d\n%s\n%s", code, out, stderr)
	}
	if e.writes() != before {
		t.Error("the second apply wrote")
	}
}

func TestApplyWithoutYesAndWithoutATerminalRefusesToWrite(t *testing.T) {
	e := newEnv(t)
	code, out, stderr := e.run("apply", "--plan", e.file("p.yaml", stackonePlan))
	if code != 2 || !strings.Contains(stderr, "--yes") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stderr, "would be created") || strings.Contains(out, "would be created") {
		t.Errorf("the refusal should show the changes first, on stderr with it:\nstdout:\n%s\nstderr:\n%s", out, stderr)
	}
	if e.writes() != 0 {
		t.Error("wrote without consent")
	}
}

func TestDryRunPrintsTheDiffAndChangesNothing(t *testing.T) {
	e := newEnv(t)
	code, out, stderr := e.run("apply", "--plan", e.file("p.yaml", greenPlan), "--dry-run")
	if code != 0 || !strings.Contains(out, "Dry run") || !strings.Contains(out, "redirectUris") {
		t.Errorf("exit %d\n%s\n%s", code, out, stderr)
	}
	if e.writes() != 0 {
		t.Error("dry run wrote")
	}
}

func TestDryRunExitCodesFollowTerraformPlan(t *testing.T) {
	e := newEnv(t)
	green, broken := e.file("g.yaml", greenPlan), e.file("b.yaml", stackonePlan)
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"changes pending, plain", []string{"--plan", green, "--dry-run"}, 0},
		{"changes pending, detailed", []string{"--plan", green, "--dry-run", "--detailed-exitcode"}, 2},
		{"the plan would not work", []string{"--plan", broken, "--dry-run", "--detailed-exitcode"}, 1},
	} {
		if code, out, stderr := e.run(append([]string{"apply"}, tc.args...)...); code != tc.want {
			t.Errorf("%s: exit %d, want %d\n%s\n%s", tc.name, code, tc.want, out, stderr)
		}
	}
	if code, _, stderr := e.run("apply", "--plan", green, "--yes"); code != 0 {
		t.Fatal(stderr)
	}
	if code, out, _ := e.run("apply", "--plan", green, "--dry-run", "--detailed-exitcode"); code != 0 {
		t.Errorf("nothing to change: exit %d\n%s", code, out)
	}
}

func TestApplyExitsOneWhenTheResultDoesNotWork(t *testing.T) {
	e := newEnv(t)
	// Read-only roles read everything, but admin-only access refuses jdoe's sign-in.
	plan := stackonePlan + "userRoleAssignments:\n  - {user: jdoe, role: Identity Data Read Only, scope: environment}\n  - {user: jdoe, role: Configuration Read Only, scope: environment}\n"
	code, out, stderr := e.run("apply", "--plan", e.file("p.yaml", plan), "--yes")
	if code != 1 || !strings.Contains(out, "ADMIN_ONLY_GATE") || !strings.Contains(stderr, "will not work") {
		t.Errorf("exit %d\n%s\n%s", code, out, stderr)
	}
}

func TestABadPlanIsAUsageErrorListingEveryProblemWithItsLine(t *testing.T) {
	e := newEnv(t)
	code, _, stderr := e.run("apply", "--plan", e.file("p.yaml", "application:\n  name: x\n  grantTypes: [NOPE]\n  tokenEndpointAuthMethod: WRONG\n"), "--yes")
	if code != 2 || !strings.Contains(stderr, "line 3") || !strings.Contains(stderr, "line 4") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func TestTheEnvFileIsPrivateAndNeverOverwrittenWithoutAsking(t *testing.T) {
	e := newEnv(t)
	plan := e.file("p.yaml", syncPlan)
	envFile := filepath.Join(e.dir, ".env")
	if code, _, stderr := e.run("apply", "--plan", plan, "--yes", "--env-file", envFile); code != 0 {
		t.Fatal(stderr)
	}
	st, err := os.Stat(envFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("env file %v %v", st, err)
	}
	data, _ := os.ReadFile(envFile)
	for _, k := range []string{"PINGONE_ENVIRONMENT_ID=", "PINGONE_CLIENT_ID=", "PINGONE_CLIENT_SECRET=", "PINGONE_REGION_CODE="} {
		if !bytes.Contains(data, []byte(k)) {
			t.Errorf("env file lacks %s", k)
		}
	}
	if err := os.WriteFile(envFile, []byte("MINE=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := e.run("apply", "--plan", plan, "--env-file", envFile)
	if code == 0 || !strings.Contains(stderr, "not overwritten") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if data, _ := os.ReadFile(envFile); string(data) != "MINE=1\n" {
		t.Error("the existing file was overwritten")
	}
}

func TestTheTranscriptRecordsEveryCallAndNoSecret(t *testing.T) {
	e := newEnv(t)
	tr := filepath.Join(e.dir, "t.jsonl")
	plan := e.file("p.yaml", syncPlan)
	code, out, stderr := e.run("apply", "--plan", plan, "--yes", "--transcript", tr, "--show-secret", "--output", "json")
	if code != 0 {
		t.Fatal(stderr)
	}
	data, err := os.ReadFile(tr)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Application struct{ ID string } }
	_ = json.Unmarshal([]byte(out), &doc)
	secret := e.sim.ApplicationSecret(e.seed.Production.ID, doc.Application.ID)
	if secret == "" || !strings.Contains(out, secret) {
		t.Fatal("--show-secret should print the secret on stdout")
	}
	for name, s := range map[string]string{"client secret": secret, "access token": os.Getenv("PINGONE_API_ACCESS_TOKEN")} {
		if strings.Contains(string(data), s) {
			t.Errorf("the transcript holds the %s", name)
		}
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) < 10 {
		t.Errorf("%d transcript lines", len(lines))
	}
	var call map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &call); err != nil || call["method"] == nil || call["status"] == nil {
		t.Errorf("first line %s: %v", lines[0], err)
	}
	if st, _ := os.Stat(tr); st.Mode().Perm() != 0o600 {
		t.Errorf("transcript mode %v", st.Mode().Perm())
	}
}

func TestDoctorExitCodes(t *testing.T) {
	e := newEnv(t)
	if code, _, stderr := e.run("apply", "--plan", e.file("p.yaml", "preset: stackone\nsignInUser: admin\n"), "--yes"); code != 0 {
		t.Fatal(stderr)
	}
	if code, out, _ := e.run("doctor", "--app", "StackOne Integration", "--user", "admin"); code != 0 {
		t.Errorf("healthy app: exit %d\n%s", code, out)
	}
	code, out, _ := e.run("doctor", "--app", "StackOne Integration", "--user", "jdoe")
	if code != 1 || !strings.Contains(out, "ROLE_MISSING") {
		t.Errorf("jdoe: exit %d\n%s", code, out)
	}
	if code, _, _ := e.run("doctor"); code != 2 {
		t.Errorf("no --app: exit %d", code)
	}
	var b bytes.Buffer
	if code := run(context.Background(), []string{"doctor", "--app", "x", "--api-url", "http://127.0.0.1:1/v1", "--auth-url", "http://127.0.0.1:1"}, strings.NewReader(""), &b, &b); code != 2 {
		t.Errorf("unreachable PingOne: exit %d", code)
	}
}

func TestExportPrintsAPlanThatApplyReproduces(t *testing.T) {
	e := newEnv(t)
	if code, _, stderr := e.run("apply", "--plan", e.file("p.yaml", "preset: cli-login\nsignInUser: admin\n"), "--yes"); code != 0 {
		t.Fatal(stderr)
	}
	code, plan, stderr := e.run("export", "--app", "CLI Login")
	if code != 0 {
		t.Fatal(stderr)
	}
	if first, _, _ := strings.Cut(plan, "\n"); first != "# yaml-language-server: $schema=https://raw.githubusercontent.com/pingone-setup/pingone-setup/main/schema/plan.schema.json" {
		t.Errorf("the export's first line %q does not name the plan's schema", first)
	}
	code, _, stderr = e.run("apply", "--plan", e.file("x.yaml", plan), "--yes", "--target-environment-id", e.seed.Sandbox.ID)
	if code != 0 {
		t.Fatalf("applying the export: %s\n%s", stderr, plan)
	}
	code, again, _ := e.run("export", "--app", "CLI Login", "--target-environment-id", e.seed.Sandbox.ID)
	strip := func(s string) string { return s[strings.Index(s, "\n# Apply"):] }
	if code != 0 || strip(again) != strip(plan) {
		t.Errorf("round trip differs:\n%s\n---\n%s", plan, again)
	}
}

func TestTheWizardNeedsATerminalAndSaysWhatToUseInstead(t *testing.T) {
	e := newEnv(t)
	code, _, stderr := e.run()
	if code != 2 || !strings.Contains(stderr, "apply --plan") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func TestSecretsAreNotTakenAsFlagValues(t *testing.T) {
	e := newEnv(t)
	if code, _, _ := e.run("apply", "--client-secret", "s3cret"); code != 2 {
		t.Errorf("--client-secret accepted: exit %d", code)
	}
}

func TestPlainHTTPIsRefusedOffLoopback(t *testing.T) {
	var b bytes.Buffer
	code := run(context.Background(), []string{"doctor", "--app", "x", "--api-url", "http://api.example.com/v1", "--auth-url", "http://auth.example.com"}, strings.NewReader(""), &b, &b)
	if code != 2 || !strings.Contains(b.String(), "loopback") {
		t.Errorf("exit %d: %s", code, b.String())
	}
}

func TestUnknownCommandsAreUsageErrors(t *testing.T) {
	var b bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, strings.NewReader(""), &b, &b); code != 2 {
		t.Errorf("exit %d", code)
	}
}

func TestInJSONModeEveryFailureIsOneDocumentWithTheFix(t *testing.T) {
	e := newEnv(t)
	t.Setenv("PINGONE_API_ACCESS_TOKEN", "")
	// No sign-in at all: a usage error, still one JSON document.
	code, out, stderr := e.run("apply", "--plan", e.file("p.yaml", stackonePlan), "--yes", "--output", "json")
	var doc struct {
		Error *struct {
			Message, Fix string
		}
	}
	if code != 2 || json.Unmarshal([]byte(out), &doc) != nil || doc.Error == nil || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	// A PingOne refusal: the step, the fix and PingOne's error id are in the document.
	t.Setenv("PINGONE_API_ACCESS_TOKEN", e.sim.IssueUserToken(e.seed.Production.ID, e.seed.Helpdesk.ID, time.Hour))
	code, out, _ = e.run("apply", "--plan", e.file("p.yaml", stackonePlan), "--yes", "--output", "json")
	var full map[string]map[string]any
	_ = json.Unmarshal([]byte(out), &full)
	if code != 1 || full["error"]["step"] == nil || full["error"]["fix"] == nil || full["error"]["pingoneErrorId"] == nil {
		t.Errorf("exit %d, error %v", code, full["error"])
	}
}

func TestAWorkerUsingClientSecretPostCanSignIn(t *testing.T) {
	e := newEnv(t)
	t.Setenv("PINGONE_API_ACCESS_TOKEN", e.sim.IssueUserToken(e.seed.Production.ID, e.seed.Admin.ID, time.Hour))
	env := e.seed.Production.ID
	id := e.sim.AddApplication(env, map[string]any{"name": "Post Worker", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_POST"})
	if err := e.sim.AssignAppRole(env, id, "Identity Data Admin", "ENVIRONMENT", env); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.AssignAppRole(env, id, "Configuration Read Only", "ENVIRONMENT", env); err != nil {
		t.Fatal(err)
	}
	secret := e.file("secret", e.sim.ApplicationSecret(env, id))
	// The exported admin token must not win over the explicit worker flags.
	code, out, stderr := e.run("doctor", "--app", "Post Worker", "--client-id", id, "--client-secret-file", secret, "--environment-id", env, "--output", "json")
	if code == 2 {
		t.Fatalf("sign-in failed: %s %s", out, stderr)
	}
	var doc struct{ Application struct{ ID string } }
	if json.Unmarshal([]byte(out), &doc) != nil || doc.Application.ID != id {
		t.Errorf("doctor as the worker: exit %d %s %s", code, out, stderr)
	}
	var signedIn bool
	for _, r := range e.sim.Requests() {
		signedIn = signedIn || (r.Method == "POST" && strings.HasSuffix(r.Path, "/as/token") && r.Status == 200)
	}
	if !signedIn {
		t.Error("no client-credentials token was issued: the environment token won over --client-id")
	}
}

func TestApplyWarnsOfATrailingSlashInTheRedirectURIAsTheWizardDoes(t *testing.T) {
	e := newEnv(t)
	plan := e.file("p.yaml", greenPlan+"application:\n  redirectUris: [https://api.stackone.com/connect/oauth2/pingone/callback/]\n")
	code, _, stderr := e.run("apply", "--plan", plan, "--dry-run")
	if !strings.Contains(stderr, "warning: ") || !strings.Contains(stderr, "ends in a slash") || !strings.Contains(stderr, "line 5") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
