package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/pingone-setup/pingone-setup/pingone/signin"
)

// TestMain keeps every test of the package away from the tester's own profiles and from a
// profile chosen in their environment.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pingone-setup-test-config")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	os.Unsetenv("PINGONE_PROFILE")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// signInTenant is a simulator with a device sign-in app, an empty config directory (profiles)
// and an in-memory keyring (tokens), and no sign-in in the environment.
type signInTenant struct {
	*env
	app string
}

func newSignInTenant(t *testing.T) signInTenant {
	keyring.MockInit()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	e := newEnv(t)
	t.Setenv("PINGONE_API_ACCESS_TOKEN", "")
	app := e.sim.AddApplication(e.seed.Production.ID, map[string]any{
		"name": "Device Sign-In", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"DEVICE_CODE", "REFRESH_TOKEN"}, "tokenEndpointAuthMethod": "NONE", "devicePollingInterval": 1,
	})
	return signInTenant{env: e, app: app}
}

// runApproving runs a command that may show a device code, approving it as the admin in the
// simulator's verification page. It reports whether a code was shown.
func (st signInTenant) runApproving(args ...string) (code int, stdout, stderr string, shown bool) {
	st.t.Helper()
	args = append(args, "--api-url", st.srv.URL+"/v1", "--auth-url", st.srv.URL)
	pr, pw := io.Pipe()
	var errb strings.Builder
	approved := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			errb.WriteString(sc.Text() + "\n")
			if m := completeURL.FindStringSubmatch(sc.Text()); m != nil {
				approved <- approveDevice(m[1], st.seed.Admin.Username, st.seed.Admin.Password)
			}
		}
		close(approved)
	}()
	var out strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code = run(ctx, args, strings.NewReader(""), &out, pw)
	pw.Close()
	for err := range approved {
		shown = true
		if err != nil {
			st.t.Fatalf("approving the device code: %v", err)
		}
	}
	return code, out.String(), errb.String(), shown
}

func (st signInTenant) login(extra ...string) {
	st.t.Helper()
	args := append([]string{"auth", "login", "--login", "device", "--login-client-id", st.app,
		"--environment-id", st.seed.Production.ID}, extra...)
	code, out, errs, _ := st.runApproving(args...)
	if code != 0 {
		st.t.Fatalf("auth login: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "✓ Signed in as "+st.seed.Admin.Username+" (Ada Admin)") || !strings.Contains(out, "Environment Example Production") {
		st.t.Fatalf("auth login says %q", out)
	}
}

func profilesFile(t *testing.T) string {
	p, err := profilesPath()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAuthLoginSavesAProfileAndTheNextRunsSignInFromItWithoutAsking(t *testing.T) {
	st := newSignInTenant(t)
	st.login()

	// The profile: 0600, where and how, and not a token.
	path := profilesFile(t)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("profiles file: %v, mode %v", err, fi)
	}
	data, _ := os.ReadFile(path)
	var pf profileFile
	if err := json.Unmarshal(data, &pf); err != nil {
		t.Fatal(err)
	}
	p, ok := pf.Profiles["default"]
	if pf.Default != "default" || !ok || p.ClientID != st.app || p.EnvironmentID != st.seed.Production.ID || p.Method != "device" || p.Username != st.seed.Admin.Username {
		t.Fatalf("profiles file %s", data)
	}
	if strings.Contains(string(data), "eyJ") || strings.Contains(strings.ToLower(string(data)), "token\"") {
		t.Fatalf("the profiles file holds a token: %s", data)
	}

	// No sign-in flag at all: the default profile signs in from the cached token, no code shown.
	plan := st.file("p.yaml", syncPlan)
	code, out, errs, shown := st.runApproving("apply", "--plan", plan, "--yes", "--output", "json")
	if code != 0 || shown {
		t.Fatalf("apply from the profile: exit %d, device code shown %v\n%s\n%s", code, shown, out, errs)
	}
	var doc struct {
		SignIn signInInfo `json:"signIn"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.SignIn.Method != "device" || doc.SignIn.Source != "profile default" {
		t.Fatalf("signIn %+v (%v) in %s", doc.SignIn, err, out)
	}

	// The environment's sign-in wins over the profile.
	t.Setenv("PINGONE_API_ACCESS_TOKEN", st.sim.IssueUserToken(st.seed.Production.ID, st.seed.Admin.ID, time.Hour))
	code, out, _, _ = st.runApproving("apply", "--plan", plan, "--yes", "--output", "json")
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil || doc.SignIn.Method != "access_token" {
		t.Fatalf("with PINGONE_API_ACCESS_TOKEN: exit %d, signIn %+v", code, doc.SignIn)
	}
	// ... but --profile on the command line, beside a sign-in flag, is a conflict.
	code, _, errs, _ = st.runApproving("apply", "--plan", plan, "--yes", "--profile", "default", "--token-file", st.file("t", "x.y.z"))
	if code != 2 || !strings.Contains(errs, "--profile default and --token-file conflict") {
		t.Fatalf("--profile with --token-file: exit %d %s", code, errs)
	}
	t.Setenv("PINGONE_API_ACCESS_TOKEN", "")

	// A profile that does not exist is named, with the ones that do.
	code, _, errs, _ = st.runApproving("apply", "--plan", plan, "--profile", "nope")
	if code != 2 || !strings.Contains(errs, `no profile "nope" (profiles: default)`) {
		t.Fatalf("--profile nope: exit %d %s", code, errs)
	}
}

func TestAuthStatusShowsWhoTheTokenAndTheRoles(t *testing.T) {
	st := newSignInTenant(t)
	if code, out, _ := runArgs("auth", "status"); code != 1 || !strings.Contains(out, "No profile is active") {
		t.Fatalf("with no profile: exit %d\n%s", code, out)
	}
	st.login()

	code, out, errs := runArgs("auth", "status")
	if code != 0 {
		t.Fatalf("auth status: exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{
		"default (active, default)",
		"✓ Signed in as " + st.seed.Admin.Username,
		"device sign-in through app " + st.app,
		"Environment Example Production (" + st.seed.Production.ID + "), region NA",
		"renews itself silently",
		"Organization Admin (organization)",
		"Identity Data Admin (environment Example Production)",
		"Identity Data Admin (environment Example Sandbox)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("auth status lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = runArgs("auth", "status", "--output", "json")
	var doc struct {
		OK       bool         `json:"ok"`
		Active   string       `json:"active"`
		Profiles []authStatus `json:"profiles"`
	}
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil || !doc.OK || doc.Active != "default" || len(doc.Profiles) != 1 {
		t.Fatalf("json: exit %d %v %s", code, err, out)
	}
	if w := doc.Profiles[0].Who; w == nil || w.UserID != st.seed.Admin.ID || len(w.Roles) < 4 || doc.Profiles[0].ExpiresAt == nil {
		t.Fatalf("json identity %+v", doc.Profiles[0])
	}
}

// cachedEntry reads and rewrites the profile's cached token in the (mock) keyring.
func cachedEntry(t *testing.T, st signInTenant, change func(m map[string]any)) {
	t.Helper()
	key := signin.KeyOf(signin.Config{AuthURL: st.srv.URL, EnvironmentID: st.seed.Production.ID, ClientID: st.app}).String()
	v, err := keyring.Get(signin.KeyringService, key)
	if err != nil {
		t.Fatalf("the cached token: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	b, _ := json.Marshal(m)
	if err := keyring.Set(signin.KeyringService, key, string(b)); err != nil {
		t.Fatal(err)
	}
}

func TestAuthStatusSaysWhenTheSavedSignInNoLongerWorksAndHowToFixIt(t *testing.T) {
	st := newSignInTenant(t)
	st.login()
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	var refresh string

	// Expired, and a refresh token that PingOne takes: renewed silently, exit 0.
	cachedEntry(t, st, func(m map[string]any) { m["expiry"] = past; refresh, _ = m["refresh_token"].(string) })
	if code, out, errs := runArgs("auth", "status"); code != 0 || !strings.Contains(out, "✓ Signed in") {
		t.Fatalf("expired access token with a good refresh token: exit %d\n%s%s", code, out, errs)
	}

	// Revoked: the refresh token replayed (PingOne revokes the whole family).
	res, err := http.PostForm(st.srv.URL+"/"+st.seed.Production.ID+"/as/token", map[string][]string{
		"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {st.app}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cachedEntry(t, st, func(m map[string]any) { m["expiry"] = past; m["refresh_token"] = refresh })
	code, out, _ := runArgs("auth", "status")
	if code != 1 || !strings.Contains(out, "✗ Cannot sign in: the saved sign-in has expired or was revoked") ||
		!strings.Contains(out, "Fix: pingone-setup auth login --profile default") {
		t.Fatalf("revoked: exit %d\n%s", code, out)
	}

	// Expired with no refresh token kept.
	cachedEntry(t, st, func(m map[string]any) { m["expiry"] = past; delete(m, "refresh_token") })
	if code, out, _ := runArgs("auth", "status"); code != 1 || !strings.Contains(out, "no refresh token was kept") {
		t.Fatalf("expired without refresh: exit %d\n%s", code, out)
	}

	// Signed out: nothing cached.
	if code, _, errs := runArgs("logout"); code != 0 {
		t.Fatalf("logout: %d %s", code, errs)
	}
	if code, out, _ := runArgs("auth", "status"); code != 1 || !strings.Contains(out, "not signed in") {
		t.Fatalf("after logout: exit %d\n%s", code, out)
	}
}

func TestProfilesListUseAndDelete(t *testing.T) {
	st := newSignInTenant(t)
	st.login()
	st.login("--profile", "second")

	code, out, _ := runArgs("profiles")
	if code != 0 || !strings.Contains(out, "* default") || !strings.Contains(out, "  second") || !strings.Contains(out, st.seed.Admin.Username) {
		t.Fatalf("profiles: exit %d\n%s", code, out)
	}
	if code, out, _ := runArgs("profiles", "use", "second"); code != 0 || !strings.Contains(out, `"second" is the default`) {
		t.Fatalf("use: %d %s", code, out)
	}
	if _, out, _ := runArgs("auth", "status"); !strings.Contains(out, "second (active, default)") {
		t.Fatalf("after use:\n%s", out)
	}
	if code, _, errs := runArgs("profiles", "use", "third"); code != 2 || !strings.Contains(errs, `no profile "third" (profiles: default, second)`) {
		t.Fatalf("use third: %d %s", code, errs)
	}
	if code, out, _ := runArgs("profiles", "delete", "second"); code != 0 || !strings.Contains(out, `The default is "default" now`) {
		t.Fatalf("delete: %d %s", code, out)
	}
	if code, _, errs := runArgs("profiles", "use", "../x"); code != 2 || !strings.Contains(errs, "profile name") {
		t.Fatalf("a bad name: %d %s", code, errs)
	}
}

func TestADamagedProfilesFileIsReportedWithItsPathAndLeftAlone(t *testing.T) {
	newSignInTenant(t)
	path := profilesFile(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	garbage := []byte(`{"profiles": {"x": `)
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"auth", "status"}, {"profiles"}, {"export", "--app", "x"}} {
		code, _, errs := runArgs(args...)
		if code != 2 || !strings.Contains(errs, path) || !strings.Contains(errs, "damaged") {
			t.Errorf("%v: exit %d %s", args, code, errs)
		}
	}
	if data, _ := os.ReadFile(path); string(data) != string(garbage) {
		t.Fatalf("the damaged file was changed: %q", data)
	}
}

func TestLogoutSucceedsOnAMachineWithoutAKeyring(t *testing.T) {
	keyring.MockInitWithError(errors.New("org.freedesktop.secrets was not provided by any .service files"))
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	code, out, errs := runArgs("logout")
	if code != 0 || !strings.Contains(out, "Removed") || !strings.Contains(errs, "keyring could not be reached") {
		t.Fatalf("logout without a keyring: exit %d\n%s%s", code, out, errs)
	}
}

func TestTheEnvironmentIDTakesAConsoleURLAndItsRegion(t *testing.T) {
	e := newEnv(t)
	env := e.seed.Production.ID
	// The region of a console URL must agree with --region; the ID reaches the run.
	code, _, errs := runArgs("doctor", "--app", "x", "--environment-id", "https://console.pingone.eu/?env="+env, "--region", "NA", "--token-file", e.file("t", "x"))
	if code != 2 || !strings.Contains(errs, "the URL is in region EU") {
		t.Fatalf("a console URL of another region: exit %d %s", code, errs)
	}
	code, _, errs = runArgs("doctor", "--app", "x", "--environment-id", "https://console.example.com/?env="+env)
	if code != 2 || !strings.Contains(errs, "not a PingOne host") {
		t.Fatalf("a console URL elsewhere: exit %d %s", code, errs)
	}
	code, out, errs := e.run("export", "--app", "Admin Worker", "--environment-id", "https://console.pingone.com/?env="+env, "--output", "json")
	if code != 0 {
		t.Fatalf("export with a console URL: exit %d\n%s%s", code, out, errs)
	}
}
