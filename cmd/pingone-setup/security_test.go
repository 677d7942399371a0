package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/pingone-setup/pingone-setup/flows"
)

// runRaw runs the command line as given: no endpoints are added.
func (e *env) runRaw(args ...string) (int, string, string) {
	e.t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// requests counts every request the simulator got, reads and sign-ins included.
func (e *env) requests() int { return e.sim.RequestCount() }

// resolved parses args as doctor's flags (with the environment as it is) and resolves the
// endpoints as a run would before its first request.
func resolved(t *testing.T, args ...string) (*common, error) {
	t.Helper()
	cmd, _, err := testTree(t).Find([]string{"doctor"})
	if err != nil {
		t.Fatal(err)
	}
	var c common
	cmd.ResetFlags()
	c.register(cmd)
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatal(err)
	}
	if err := envDefaults(cmd.Flags()); err != nil {
		return nil, err
	}
	return &c, c.resolveEndpoints()
}

func TestOneEndpointAloneIsPairedOnlyWithItsOwnHostFamilyOrRefused(t *testing.T) {
	for _, k := range []string{"PINGONE_API_URL", "PINGONE_AUTH_URL", "PINGONE_REGION_CODE", envAPIHostname, envAuthHostname} {
		t.Setenv(k, "")
	}
	for _, tc := range []struct {
		name          string
		env           map[string]string
		args          []string
		api, auth     string
		region        string
		wantErr, also string
	}{
		{name: "neither: the region's", args: []string{"--region", "EU"}, region: "EU"},
		{name: "PingOne API host: its auth host", args: []string{"--api-url", "https://api.pingone.eu/v1"},
			api: "https://api.pingone.eu/v1", auth: "https://auth.pingone.eu", region: "EU"},
		{name: "PingOne auth host: its API host", args: []string{"--auth-url", "https://auth.pingone.com.au"},
			api: "https://api.pingone.com.au/v1", auth: "https://auth.pingone.com.au", region: "AU"},
		{name: "simulator API: the same loopback host and port", args: []string{"--api-url", "http://127.0.0.1:8701/v1"},
			api: "http://127.0.0.1:8701/v1", auth: "http://127.0.0.1:8701", region: ""},
		{name: "simulator auth: the same loopback host and port", args: []string{"--auth-url", "http://[::1]:8701/"},
			api: "http://[::1]:8701/v1", auth: "http://[::1]:8701"},
		{name: "both given, two loopback ports: as named", args: []string{"--api-url", "http://127.0.0.1:1/v1", "--auth-url", "http://localhost:2"},
			api: "http://127.0.0.1:1/v1", auth: "http://localhost:2"},
		{name: "custom domain from the auth hostname variable", env: map[string]string{envAuthHostname: "auth.example.com"},
			args: []string{"--api-url", "https://api.pingone.ca/v1"}, api: "https://api.pingone.ca/v1", auth: "https://auth.example.com", region: "CA"},
		{name: "both hostname variables", env: map[string]string{envAPIHostname: "api.example.com", envAuthHostname: "auth.example.com"},
			api: "https://api.example.com/v1", auth: "https://auth.example.com"},
		{name: "API URL from the environment is paired too", env: map[string]string{"PINGONE_API_URL": "https://api.pingone.sg/v1"},
			api: "https://api.pingone.sg/v1", auth: "https://auth.pingone.sg", region: "SG"},

		{name: "a custom API host alone", args: []string{"--api-url", "https://api.example.com/v1"},
			wantErr: "give --auth-url too", also: "not a PingOne API host"},
		{name: "a custom auth host alone", args: []string{"--auth-url", "https://login.example.com"},
			wantErr: "give --api-url too", also: "not a PingOne auth host"},
		{name: "a custom API host from the environment alone", env: map[string]string{"PINGONE_API_URL": "https://api.example.com/v1"},
			wantErr: "(from PINGONE_API_URL)", also: "--auth-url"},
		{name: "the region does not make a custom host's pair", args: []string{"--region", "EU", "--api-url", "https://api.example.com/v1"},
			wantErr: "give --auth-url too"},
		{name: "one hostname variable alone", env: map[string]string{envAuthHostname: "auth.example.com"},
			wantErr: envAPIHostname + " is not"},
		{name: "a hostname variable with a scheme", env: map[string]string{envAuthHostname: "https://auth.example.com"},
			args: []string{"--api-url", "https://api.pingone.com/v1"}, wantErr: "without https://"},
		{name: "two regions' hosts", args: []string{"--api-url", "https://api.pingone.eu/v1", "--auth-url", "https://auth.pingone.com"},
			wantErr: "region EU", also: "region NA"},
		{name: "--region and a URL of another region, both flags", args: []string{"--region", "NA", "--api-url", "https://api.pingone.eu/v1"},
			wantErr: "--region NA and --api-url https://api.pingone.eu/v1 conflict", also: "Drop"},
		{name: "PINGONE_REGION_CODE beside a URL flag: the flag wins", env: map[string]string{"PINGONE_REGION_CODE": "NA"},
			args: []string{"--api-url", "https://api.pingone.eu/v1"}, api: "https://api.pingone.eu/v1", auth: "https://auth.pingone.eu", region: "EU"},
		{name: "--region beside a URL from the environment: the flag wins", env: map[string]string{"PINGONE_API_URL": "https://api.pingone.eu/v1"},
			args: []string{"--region", "CA"}, region: "CA"},
		{name: "plain http off loopback", args: []string{"--api-url", "http://api.pingone.com/v1"}, wantErr: "plain http"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			c, err := resolved(t, tc.args...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.also) {
					t.Fatalf("err %v, want %q and %q", err, tc.wantErr, tc.also)
				}
				var ue usageError
				if !errors.As(err, &ue) {
					t.Errorf("not a usage error (exit 2): %T", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.apiURL != tc.api || c.authURL != tc.auth || string(c.regionCode) != tc.region {
				t.Errorf("api %q auth %q region %q, want %q %q %q", c.apiURL, c.authURL, c.regionCode, tc.api, tc.auth, tc.region)
			}
		})
	}
}

// TestTheWorkerSecretGoesOnlyToTheHostNamed: --api-url of the simulator alone used to send the
// worker's secret to https://auth.pingone.com; now its token request goes to the simulator, and a
// host that cannot be paired is refused before any request.
func TestTheWorkerSecretGoesOnlyToTheHostNamed(t *testing.T) {
	e := newEnv(t)
	t.Setenv("PINGONE_API_ACCESS_TOKEN", "")
	secret := e.file("secret", e.seed.AdminWorker.ClientSecret)
	worker := []string{"doctor", "--app", "Admin Worker", "--client-id", e.seed.AdminWorker.ClientID, "--client-secret-file", secret,
		"--environment-id", e.seed.Production.ID}
	// --region names no host here: the loopback API URL pairs with itself all the same.
	for _, extra := range [][]string{{"--api-url", e.srv.URL + "/v1"}, {"--api-url", e.srv.URL + "/v1", "--region", "EU"}} {
		e.sim.ResetRequests()
		if code, out, stderr := e.runRaw(append(worker, extra...)...); code == 2 {
			t.Fatalf("%v: exit %d: %s %s", extra, code, out, stderr)
		}
		tokens := 0
		for _, r := range e.sim.Requests() {
			if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/as/token") && r.Status == 200 {
				tokens++
			}
		}
		if tokens == 0 {
			t.Errorf("%v: the worker's token request did not reach the simulator named by --api-url", extra)
		}
	}

	// Hosts that cannot be paired: refused, naming the missing flag, before any request (these
	// hosts do not resolve, so a request would fail otherwise, and not with exit 2).
	for _, extra := range [][]string{
		{"--api-url", "https://api.example.invalid/v1"},
		{"--auth-url", "https://login.example.invalid"},
	} {
		code, _, stderr := e.runRaw(append(worker, extra...)...)
		missing := map[string]string{"--api-url": "give --auth-url too", "--auth-url": "give --api-url too"}[extra[0]]
		if code != 2 || !strings.Contains(stderr, missing) || !strings.Contains(stderr, "hosts you named") {
			t.Errorf("%v: exit %d: %s", extra, code, stderr)
		}
	}
}

func TestTwoSignInsOnOneCommandLineAreRefusedNamingBoth(t *testing.T) {
	e := newEnv(t)
	plan := e.file("p.yaml", greenPlan)
	tok := e.file("token", os.Getenv("PINGONE_API_ACCESS_TOKEN"))
	secret := e.file("secret", e.seed.AdminWorker.ClientSecret)
	otherEnv := e.seed.Sandbox.ID
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"--login with --client-id", []string{"--login", "browser", "--login-client-id", "x", "--client-id", "y"},
			[]string{"--login and --client-id conflict", "Drop --client-id to sign in as yourself", "drop --login to sign in as the worker"}},
		{"--token-file with --client-id", []string{"--token-file", tok, "--client-id", "y"},
			[]string{"--client-id and --token-file conflict", "Drop --token-file", "drop --client-id"}},
		{"--login with --token-file", []string{"--login", "device", "--token-file", tok},
			[]string{"--login and --token-file conflict"}},
		{"--login with --client-secret-file", []string{"--login", "device", "--client-secret-file", secret},
			[]string{"--login and --client-secret-file conflict"}},
		{"--demo with --api-url", []string{"--demo", "--api-url", e.srv.URL + "/v1"},
			[]string{"--demo and --api-url conflict", "Drop --api-url to run the demo", "drop --demo to use --api-url"}},
		{"--demo with --client-id", []string{"--demo", "--client-id", "y"}, []string{"--demo and --client-id conflict"}},
		{"the plan's environmentId with another --target-environment-id", []string{"--plan", e.file("env.yaml", "environmentId: "+e.seed.Production.ID+"\n"+greenPlan), "--target-environment-id", otherEnv},
			[]string{"the plan's environmentId " + e.seed.Production.ID, "env.yaml line 1", "--target-environment-id " + otherEnv, "Drop --target-environment-id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"apply", "--dry-run"}, tc.args...)
			if !strings.Contains(strings.Join(args, " "), "--plan") {
				args = append(args, "--plan", plan)
			}
			code, _, stderr := e.runRaw(args...)
			if code != 2 || strings.Count(stderr, "\n") != 2 {
				t.Errorf("exit %d, want 2 and one line (and the usage pointer):\n%s", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("%q lacks %q", stderr, w)
				}
			}
		})
	}
	if e.requests() != 0 {
		t.Errorf("%d requests: a refused command line must send nothing", e.requests())
	}
	// The same environment in the plan and the flag is no conflict.
	code, _, stderr := e.run("apply", "--dry-run", "--plan", e.file("same.yaml", "environmentId: "+e.seed.Production.ID+"\n"+greenPlan), "--target-environment-id", e.seed.Production.ID)
	if code != 0 {
		t.Errorf("same environment: exit %d: %s", code, stderr)
	}
}

// TestAnEnvironmentVariableBesideAFlagKeepsThePrecedenceAndJSONSaysWhichWasUsed: the flag wins,
// as documented, and the JSON document's signIn names the source, never a secret.
func TestAnEnvironmentVariableBesideAFlagKeepsThePrecedenceAndJSONSaysWhichWasUsed(t *testing.T) {
	e := newEnv(t)
	envToken := os.Getenv("PINGONE_API_ACCESS_TOKEN")
	secretFile := e.file("secret", e.seed.AdminWorker.ClientSecret)
	tokenFile := e.file("token", envToken)
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want signInInfo
	}{
		{"the environment's token alone", nil, nil, signInInfo{Method: "access_token", Source: "env PINGONE_API_ACCESS_TOKEN"}},
		{"--client-id beats the environment's token", nil,
			[]string{"--client-id", e.seed.AdminWorker.ClientID, "--client-secret-file", secretFile, "--environment-id", e.seed.Production.ID},
			signInInfo{Method: "client_credentials", Source: "flag --client-id", SecretSource: "flag --client-secret-file"}},
		{"--token-file beats the environment's client ID", map[string]string{"PINGONE_CLIENT_ID": e.seed.AdminWorker.ClientID, "PINGONE_CLIENT_SECRET": e.seed.AdminWorker.ClientSecret},
			[]string{"--token-file", tokenFile}, signInInfo{Method: "access_token", Source: "flag --token-file"}},
		{"a worker from the environment alone", map[string]string{"PINGONE_API_ACCESS_TOKEN": "", "PINGONE_CLIENT_ID": e.seed.AdminWorker.ClientID,
			"PINGONE_CLIENT_SECRET": e.seed.AdminWorker.ClientSecret, "PINGONE_ENVIRONMENT_ID": e.seed.Production.ID},
			nil, signInInfo{Method: "client_credentials", Source: "env PINGONE_CLIENT_ID", SecretSource: "env PINGONE_CLIENT_SECRET"}},
		{"--demo beats PINGONE_API_URL", map[string]string{"PINGONE_API_URL": "https://api.example.com/v1"}, []string{"--demo"},
			signInInfo{Method: "demo", Source: "flag --demo"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			args := append([]string{"doctor", "--app", "Admin Worker", "--output", "json"}, tc.args...)
			if !slicesContains(args, "--demo") {
				args = append(args, "--api-url", e.srv.URL+"/v1", "--auth-url", e.srv.URL)
			}
			code, out, stderr := e.runRaw(args...)
			var doc struct{ SignIn *signInInfo }
			if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.SignIn == nil {
				t.Fatalf("exit %d, no signIn: %v\n%s\n%s", code, err, out, stderr)
			}
			if *doc.SignIn != tc.want {
				t.Errorf("signIn %+v, want %+v", *doc.SignIn, tc.want)
			}
			for _, secret := range []string{e.seed.AdminWorker.ClientSecret, envToken} {
				if strings.Contains(out, secret) {
					t.Error("the document holds a secret")
				}
			}
		})
	}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestTheTranscriptAndTheDebugFileArePrivateAndNeverWrittenThroughALink: an existing 0644
// transcript is replaced by a new 0600 file (its other names keep the old content); a link is
// refused before any request; the debug file is appended to, narrowed to 0600, and never followed
// through a link.
func TestTheTranscriptAndTheDebugFileArePrivateAndNeverWrittenThroughALink(t *testing.T) {
	e := newEnv(t)
	plan := e.file("p.yaml", greenPlan)
	tr := filepath.Join(e.dir, "t.jsonl")
	if err := os.WriteFile(tr, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(tr, filepath.Join(e.dir, "t.old")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := e.run("apply", "--plan", plan, "--dry-run", "--transcript", tr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	st, _ := os.Stat(tr)
	data, _ := os.ReadFile(tr)
	if st.Mode().Perm() != 0o600 || strings.HasPrefix(string(data), "old") || !strings.Contains(string(data), `"method"`) {
		t.Errorf("transcript mode %v, content %.60q", st.Mode().Perm(), data)
	}
	if old, _ := os.ReadFile(filepath.Join(e.dir, "t.old")); string(old) != "old\n" {
		t.Errorf("the old transcript's other name was written: %q", old)
	}

	elsewhere := e.file("elsewhere", "keep\n")
	link := filepath.Join(e.dir, "link")
	if err := os.Symlink(elsewhere, link); err != nil {
		t.Fatal(err)
	}
	before := e.requests()
	code, _, stderr := e.run("apply", "--plan", plan, "--dry-run", "--transcript", link)
	if code != 2 || !strings.Contains(stderr, "--transcript "+link+": is a symbolic link") {
		t.Errorf("transcript through a link: exit %d: %s", code, stderr)
	}
	code, _, stderr = e.run("apply", "--plan", plan, "--dry-run", "--transcript", e.dir)
	if code != 2 || !strings.Contains(stderr, "is a directory") {
		t.Errorf("transcript that is a directory: exit %d: %s", code, stderr)
	}

	t.Setenv(envDebugFile, link)
	code, _, stderr = e.run("apply", "--plan", plan, "--dry-run")
	if code != 2 || !strings.Contains(stderr, envDebugFile) || !strings.Contains(stderr, "symbolic link") {
		t.Errorf("debug file through a link: exit %d: %s", code, stderr)
	}
	if e.requests() != before {
		t.Errorf("%d requests before the refusals", e.requests()-before)
	}
	if b, _ := os.ReadFile(elsewhere); string(b) != "keep\n" {
		t.Errorf("written through the link: %q", b)
	}

	dbg := e.file("debug.log", "earlier\n")
	if err := os.Chmod(dbg, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envDebugFile, dbg)
	if code, _, stderr := e.run("apply", "--plan", plan, "--dry-run"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	st, _ = os.Stat(dbg)
	data, _ = os.ReadFile(dbg)
	if st.Mode().Perm() != 0o600 || !strings.HasPrefix(string(data), "earlier\ndebug api: ") {
		t.Errorf("debug file mode %v, content %.60q", st.Mode().Perm(), data)
	}
}

// TestTheEnvFileIsCheckedBeforePingOneChanges: a directory, a link, a missing directory, or an
// existing file that may not be replaced is refused before anything is written to PingOne.
func TestTheEnvFileIsCheckedBeforePingOneChanges(t *testing.T) {
	e := newEnv(t)
	plan := e.file("p.yaml", syncPlan)
	elsewhere := e.file("elsewhere", "keep\n")
	link := filepath.Join(e.dir, "link.env")
	if err := os.Symlink(elsewhere, link); err != nil {
		t.Fatal(err)
	}
	exists := e.file("exists.env", "MINE=1\n")
	for _, tc := range []struct {
		name, path, want string
		yes              bool
	}{
		{"a directory", e.dir, "is a directory", true},
		{"a link", link, "symbolic link", true},
		{"in a missing directory", filepath.Join(e.dir, "no", ".env"), "does not exist", true},
		{"exists, no --yes, no terminal", exists, "exists: not overwritten", false},
	} {
		args := []string{"apply", "--plan", plan, "--env-file", tc.path}
		if tc.yes {
			args = append(args, "--yes")
		}
		code, _, stderr := e.run(args...)
		if code != 2 || !strings.Contains(stderr, "--env-file") || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d: %s", tc.name, code, stderr)
		}
	}
	if e.writes() != 0 {
		t.Errorf("%d writes to PingOne before the refusals", e.writes())
	}
	if b, _ := os.ReadFile(elsewhere); string(b) != "keep\n" {
		t.Error("written through the link")
	}
	if b, _ := os.ReadFile(exists); string(b) != "MINE=1\n" {
		t.Error("the existing file was overwritten")
	}
}

// TestAnEnvFileThatFailsAfterTheAppExistsSaysHowToGetTheSecret: the app is there, so the message
// says so and how to get the secret, and the exit code is 1.
func TestAnEnvFileThatFailsAfterTheAppExistsSaysHowToGetTheSecret(t *testing.T) {
	e := newEnv(t)
	saved := writeEnvFile
	t.Cleanup(func() { writeEnvFile = saved })
	writeEnvFile = func(string, flows.Credentials, bool) error { return errors.New("no space left on device") }
	envFile := filepath.Join(e.dir, ".env")
	for _, output := range []string{"text", "json"} {
		code, out, stderr := e.run("apply", "--plan", e.file("p.yaml", syncPlan), "--yes", "--env-file", envFile, "--output", output)
		msg := stderr
		if output == "json" {
			var doc struct {
				Application struct{ ID string }
				Error       struct{ Message string }
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Application.ID == "" {
				t.Fatalf("json: %v\n%s", err, out)
			}
			msg = doc.Error.Message
		}
		if code != 1 {
			t.Errorf("%s: exit %d, want 1", output, code)
		}
		for _, want := range []string{`application "Sync Worker"`, "is set up in PingOne", "not written to " + envFile, "no space left on device", "--show-secret", "rotate"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: %q lacks %q", output, msg, want)
			}
		}
		if output == "text" && strings.Contains(out, "Credentials written") {
			t.Errorf("text output claims the credentials were written:\n%s", out)
		}
	}
	if _, err := os.Stat(envFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("env file: %v", err)
	}
}

// TestTheTokenCacheFileIsPrivateAndReplacesALinkWithoutFollowingIt: where there is no keyring, a
// browser or device sign-in is cached in a 0600 file, written by rename: a link planted at its
// name is replaced, the file it pointed at untouched.
func TestTheTokenCacheFileIsPrivateAndReplacesALinkWithoutFollowingIt(t *testing.T) {
	keyring.MockInitWithError(errors.New("no keyring here"))
	t.Cleanup(keyring.MockInit)
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	e := newEnv(t)
	t.Setenv("PINGONE_API_ACCESS_TOKEN", "")
	dir := filepath.Join(config, "pingone-setup")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	planted := e.file("planted.json", "{}")
	if err := os.Chmod(planted, 0o644); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "tokens.json")
	if err := os.Symlink(planted, cache); err != nil {
		t.Fatal(err)
	}
	envID := e.seed.Production.ID
	app := e.sim.AddApplication(envID, map[string]any{
		"name": "Device Sign-In", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"DEVICE_CODE"}, "tokenEndpointAuthMethod": "NONE", "devicePollingInterval": 1,
	})
	pr, pw := io.Pipe()
	approved := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := completeURL.FindStringSubmatch(sc.Text()); m != nil {
				approved <- approveDevice(m[1], e.seed.Admin.Username, e.seed.Admin.Password)
				break
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	var out strings.Builder
	code := run(context.Background(), []string{"doctor", "--app", "Device Sign-In", "--login", "device", "--login-client-id", app,
		"--environment-id", envID, "--api-url", e.srv.URL + "/v1", "--auth-url", e.srv.URL, "--output", "json"}, strings.NewReader(""), &out, pw)
	pw.Close()
	select {
	case err := <-approved:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the device code was never shown (exit %d)", code)
	}
	st, err := os.Lstat(cache)
	if err != nil || !st.Mode().IsRegular() || st.Mode().Perm() != 0o600 {
		t.Fatalf("token cache %v %v (exit %d: %s)", st.Mode(), err, code, out.String())
	}
	if b, _ := os.ReadFile(planted); string(b) != "{}" {
		t.Errorf("the tokens were written through the link: %q", b)
	}
	if b, _ := os.ReadFile(cache); !strings.Contains(string(b), "access_token") {
		t.Errorf("the cache file holds no token")
	}
}
