package main

import (
	"bufio"
	"bytes"
	"context"
	"github.com/pingone-setup/pingone-setup/internal/outwait"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/spf13/cobra"
	"github.com/zalando/go-keyring"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
	"github.com/pingone-setup/pingone-setup/tui"
)

// firstRun is the wizard of a first run from nothing: no sign-in flags, no profile, no sign-in
// variables; only the simulator's endpoints (as --api-url and --auth-url), and the same Sign in
// step runWizard gives the screen.
type firstRun struct {
	t   *testing.T
	e   *env
	c   *common
	w   *wizardSignIn
	tm  *teatest.TestModel
	out outwait.Output

	mu      sync.Mutex
	prompts []tui.Prompt
}

// newFirstRunEnv is a simulator with an in-memory keyring, a fresh config directory and no
// sign-in in the environment.
func newFirstRunEnv(t *testing.T) *env {
	keyring.MockInit()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	e := newEnv(t)
	t.Setenv("PINGONE_API_ACCESS_TOKEN", "")
	t.Setenv("PINGONE_PROFILE", "")
	return e
}

func startFirstRun(t *testing.T, e *env, args ...string) *firstRun {
	t.Helper()
	var c common
	cmd := &cobra.Command{Use: "pingone-setup"}
	c.register(cmd)
	if err := cmd.ParseFlags(append(args, "--api-url", e.srv.URL+"/v1", "--auth-url", e.srv.URL)); err != nil {
		t.Fatal(err)
	}
	if err := envDefaults(cmd.Flags()); err != nil {
		t.Fatal(err)
	}
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}
	if !c.needsSignInStep() {
		t.Fatal("a run with no sign-in should sign in at the wizard's Sign in step")
	}
	fr := &firstRun{t: t, e: e, c: &c}
	fr.w = newWizardSignIn(&c)
	fr.w.open = nil // no browser is opened from a test
	opts := fr.w.options()
	login := opts.Login
	// The test sees what the screen is given (the URL, the device code), as the admin would.
	opts.Login = func(ctx context.Context, req tui.Login, show func(tui.Prompt)) (tui.SignedIn, error) {
		return login(ctx, req, func(p tui.Prompt) {
			fr.mu.Lock()
			fr.prompts = append(fr.prompts, p)
			fr.mu.Unlock()
			show(p)
		})
	}
	m := tui.New(tui.Options{SignIn: opts, Steps: flows.Steps(), Stdout: &bytes.Buffer{}})
	fr.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 50))
	fr.out.R = fr.tm.Output()
	t.Cleanup(fr.w.close)
	return fr
}

// waitFor waits for text in the output from where the previous wait matched on.
func (fr *firstRun) waitFor(text string) { fr.t.Helper(); fr.out.WaitFor(fr.t, text) }

func (fr *firstRun) typeText(s string) {
	fr.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
}
func (fr *firstRun) key(k tea.KeyType) { fr.tm.Send(tea.KeyMsg{Type: k}) }
func (fr *firstRun) enter()            { fr.key(tea.KeyEnter) }

// prompt waits for the sign-in to show something to the admin.
func (fr *firstRun) prompt() tui.Prompt {
	fr.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		fr.mu.Lock()
		if n := len(fr.prompts); n > 0 {
			p := fr.prompts[n-1]
			fr.mu.Unlock()
			return p
		}
		fr.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	fr.t.Fatal("the sign-in never showed a URL or a device code")
	return tui.Prompt{}
}

// quit ends the wizard with ctrl+c and returns its final model.
func (fr *firstRun) quit() tui.Model {
	fr.key(tea.KeyCtrlC)
	return fr.tm.FinalModel(fr.t, teatest.WithFinalTimeout(10*time.Second)).(tui.Model)
}

// deviceApp is a sign-in app for the device flow, as an admin would make one.
func deviceApp(e *env) string {
	return e.sim.AddApplication(e.seed.Production.ID, map[string]any{
		"name": "pingone-setup sign-in", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"DEVICE_CODE"}, "tokenEndpointAuthMethod": "NONE", "devicePollingInterval": 1,
	})
}

func TestAFirstRunFromNothingSignsInWithADeviceCodeAtTheSignInStepAndGoesOnToTheEnvironment(t *testing.T) {
	e := newFirstRunEnv(t)
	app := deviceApp(e)
	env := e.seed.Production.ID
	fr := startFirstRun(t, e)

	fr.waitFor("Sign in") // the step trail's first step
	fr.waitFor("Which environment do you sign in to?")
	fr.typeText("https://console.pingone.eu/?env=" + env + "#/home")
	fr.enter()
	fr.waitFor("Region EU, from the console URL")
	fr.waitFor("How do you sign in?")
	fr.key(tea.KeyDown) // device code
	fr.enter()
	fr.waitFor("Sign-in app's client ID")
	fr.typeText(app)
	fr.enter()

	p := fr.prompt()
	if p.Device == nil || p.Device.VerificationURIComplete == "" || p.Device.QR == "" {
		t.Fatalf("the device sign-in should show its code, complete URL and QR code: %+v", p)
	}
	fr.waitFor("and enter the code")
	fr.waitFor(strings.Join(strings.Split(p.Device.UserCode, ""), " ")) // the code, large
	fr.waitFor("scan this with a phone")
	fr.waitFor(strings.SplitN(p.Device.QR, "\n", 2)[0]) // the QR code of the complete URL
	fr.waitFor("the code expires in")
	if err := approveDevice(p.Device.VerificationURIComplete, e.seed.Admin.Username, e.seed.Admin.Password); err != nil {
		t.Fatal(err)
	}
	fr.waitFor("Target environment")
	if !bytes.Contains(fr.out.Seen, []byte("Signed in: ")) {
		t.Error("the wizard should say it signed in")
	}
	if !bytes.Contains(fr.out.Seen, []byte(e.seed.Admin.Username)) {
		t.Errorf("the wizard should say who signed in (%s)", e.seed.Admin.Username)
	}
	if !bytes.Contains(fr.out.Seen, []byte("expires at")) {
		t.Errorf("the wizard should say when the token expires:\n%s", fr.out.Seen)
	}
	fr.quit()

	sess, how := fr.w.session()
	if sess == nil || how == nil || how.Method != "device" {
		t.Fatalf("the wizard's session: %v %+v", sess, how)
	}
	pf, err := loadProfiles()
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := pf.Profiles["default"]; !ok || p.Method != "device" || p.ClientID != app || p.EnvironmentID != env || pf.Default != "default" {
		t.Errorf("the device sign-in should be saved as the default profile: %+v", pf)
	}

	// The second run starts signed in: the saved profile is the first choice, and one enter
	// signs in from the cached token, with no device code to approve.
	second := startFirstRun(t, e)
	second.waitFor("Continue as " + e.seed.Admin.Username)
	second.enter()
	second.waitFor("Target environment")
	second.quit()
	if len(second.prompts) != 0 {
		t.Errorf("the second run asked for a new sign-in: %+v", second.prompts)
	}
	if sess, how := second.w.session(); sess == nil || how.Source != "profile default" {
		t.Errorf("the second run should sign in as the profile: %+v", how)
	}
}

func TestTheBrowserSignInAtTheSignInStepCompletesThroughTheSimulatorsSignOnPage(t *testing.T) {
	e := newFirstRunEnv(t)
	env := e.seed.Production.ID
	port := freePort(t)
	redirect := "http://127.0.0.1:" + strconv.Itoa(port) + "/callback"
	app := e.sim.AddApplication(env, map[string]any{
		"name": "pingone-setup sign-in", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "responseTypes": []string{"CODE"},
		"pkceEnforcement": "S256_REQUIRED", "tokenEndpointAuthMethod": "NONE", "redirectUris": []string{redirect},
	})
	fr := startFirstRun(t, e, "--login-port", strconv.Itoa(port))

	fr.waitFor("Which environment do you sign in to?")
	fr.typeText(env)
	fr.enter()
	fr.waitFor("How do you sign in?")
	fr.enter() // browser, the first choice
	fr.waitFor("Sign-in app's client ID")
	fr.typeText(app)
	fr.enter()

	p := fr.prompt()
	if p.URL == "" {
		t.Fatalf("the browser sign-in should show its URL: %+v", p)
	}
	fr.waitFor("No browser can be opened from here") // the test has none: the URL is the way
	fr.waitFor("c copy the URL")
	u, err := url.Parse(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	code, err := pingonetest.SignOn(context.Background(), nil, e.srv.URL, env, pingonetest.SignOnParams{
		ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"), Scope: q.Get("scope"), State: q.Get("state"),
		CodeChallenge: q.Get("code_challenge"), Username: e.seed.Admin.Username, Password: e.seed.Admin.Password,
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(q.Get("redirect_uri") + "?" + url.Values{"code": {code}, "state": {q.Get("state")}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	fr.waitFor("Target environment")
	fr.quit()
	if _, how := fr.w.session(); how == nil || how.Method != "browser" {
		t.Errorf("signed in %+v, want browser", how)
	}
}

func TestWithoutASignInAppTheStepShowsHowToCreateOneInTheConsoleThenAsksForItsClientID(t *testing.T) {
	e := newFirstRunEnv(t)
	env := e.seed.Production.ID
	fr := startFirstRun(t, e)
	fr.waitFor("Which environment do you sign in to?")
	fr.typeText("https://console.pingone.eu/?env=" + env)
	fr.enter()
	fr.waitFor("How do you sign in?")
	fr.key(tea.KeyDown) // device code
	fr.enter()
	fr.waitFor("No sign-in app yet? Leave this empty")
	fr.enter() // none yet
	for _, want := range []string{
		"Create a sign-in app first", "one-time step PingOne requires",
		"https://console.pingone.eu/?env=" + env, // the console of their region and environment
		`"CLI Login", type Worker`, "AUTHORIZATION_CODE and REFRESH_TOKEN", "S256_REQUIRED", "http://127.0.0.1:7464/callback",
		"method NONE", "Admin Only Access",
		"The client ID of the sign-in app you created",
	} {
		fr.waitFor(want)
	}
	fr.enter() // still empty: now it is required
	fr.waitFor("empty: paste the client ID")
	app := deviceApp(e) // made in the console meanwhile
	fr.typeText(app)
	fr.enter()
	fr.waitFor("and enter the code")
	fr.quit()
}

func TestABadPastedValueIsExplainedAndAWrongClientIDReturnsToTheChoiceWithTheFix(t *testing.T) {
	e := newFirstRunEnv(t)
	env := e.seed.Production.ID
	fr := startFirstRun(t, e)
	fr.waitFor("Which environment do you sign in to?")
	fr.typeText("https://example.com/?env=" + env)
	fr.enter()
	fr.waitFor("example.com is not a PingOne host")
	for range len("https://example.com/?env=" + env) {
		fr.key(tea.KeyBackspace)
	}
	fr.typeText(env)
	fr.enter()
	fr.waitFor("How do you sign in?")
	fr.key(tea.KeyDown)
	fr.enter()
	fr.waitFor("Sign-in app's client ID")
	fr.typeText("not a client id")
	fr.enter()
	fr.waitFor("is not a client ID")
	for range len("not a client id") {
		fr.key(tea.KeyBackspace)
	}
	fr.typeText("3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b") // no such app
	fr.enter()
	fr.waitFor("PingOne did not accept the sign-in application")
	fr.waitFor("Fix:")
	fr.waitFor("How do you sign in?") // back at the choice; the program goes on
	final := fr.quit()
	if _, err := final.Result(); err != tui.ErrInterrupted {
		t.Errorf("Result() = %v", err)
	}
}

// TestTheRealBinaryWithNoSignInOpensAtTheSignInStepInATerminal runs the binary as a first-time
// admin would, with no sign-in at all (only the simulator's hosts): it used to exit 2 ("no
// sign-in"); now its first step signs in with a device code and it goes on to the environment.
func TestTheRealBinaryWithNoSignInOpensAtTheSignInStepInATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("real terminal test")
	}
	e := newFirstRunEnv(t)
	app := deviceApp(e)
	env := e.seed.Production.ID
	bin := buildBinary(t)
	cfg := t.TempDir()
	tm := startTmux(t, bin, "bash --norc --noprofile")
	tm.shell("env -u PINGONE_API_ACCESS_TOKEN XDG_CONFIG_HOME=" + cfg + " bin/pingone-setup --api-url " + e.srv.URL + "/v1 --auth-url " + e.srv.URL)
	tm.waitFor(regexp.MustCompile(`› Sign in[\s\S]*Which environment do you sign in to\?`), screenTimeout)
	keys := 0
	tm.typeText("console.pingone.com/?env=" + env) // as copied without the scheme
	tm.press("Enter", regexp.MustCompile(`How do you sign in\?`))
	tm.press("Down", regexp.MustCompile(`> Device code`))
	tm.press("Enter", regexp.MustCompile(`Sign-in app's client ID`))
	tm.typeText(app)
	tm.press("Enter", regexp.MustCompile(`and enter the code`))
	keys += 6 // two pastes and four keys
	m := regexp.MustCompile(`(http://\S+/device\?user_code=[A-Z0-9-]+)`).FindStringSubmatch(tm.screen())
	if m == nil {
		t.Fatalf("no complete verification URL on the screen:\n%s", tm.screen())
	}
	if err := approveDevice(m[1], e.seed.Admin.Username, e.seed.Admin.Password); err != nil {
		t.Fatal(err)
	}
	tm.waitFor(regexp.MustCompile(`✓ Signed in: [\s\S]*Target environment`), screenTimeout)
	t.Logf("%d keystrokes (pastes included) from launch to signed in at the environment step, besides approving the code", keys)
	tm.press("C-c", promptLine)
	tm.shell("echo EXIT=$?")
	tm.waitFor(regexp.MustCompile(`EXIT=130`), screenTimeout)
}

// TestTheLineByLineWizardSignsInWithADeviceCodeAtItsFirstStep answers the Sign in step from a
// pipe, approves the device code it prints, and reaches the environment step signed in.
func TestTheLineByLineWizardSignsInWithADeviceCodeAtItsFirstStep(t *testing.T) {
	e := newFirstRunEnv(t)
	app := deviceApp(e)
	env := e.seed.Production.ID
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var mu sync.Mutex
	var out strings.Builder
	approved, reached := make(chan error, 1), make(chan struct{})
	go func() {
		sc := bufio.NewScanner(outR)
		sentApproval, closed := false, false
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			out.WriteString(line + "\n")
			mu.Unlock()
			if m := regexp.MustCompile(`Or open (\S+), which has the code`).FindStringSubmatch(line); m != nil && !sentApproval {
				sentApproval = true
				approved <- approveDevice(m[1], e.seed.Admin.Username, e.seed.Admin.Password)
			}
			if strings.Contains(line, "Choose environment") && !closed {
				closed = true
				close(reached)
				inW.Close() // the input ends here: the run stops after signing in
			}
		}
	}()
	go func() {
		_, _ = io.WriteString(inW, "https://console.pingone.com/?env="+env+"\n\n"+app+"\n")
	}()
	args := []string{"--accessible", "--api-url", e.srv.URL + "/v1", "--auth-url", e.srv.URL}
	var errb strings.Builder
	code := run(context.Background(), args, inR, outW, &errb)
	outW.Close()
	select {
	case <-reached:
	case <-time.After(5 * time.Second):
		mu.Lock()
		t.Fatalf("exit %d, never reached the environment step:\n%s\n%s", code, out.String(), errb.String())
	}
	if err := <-approved; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	transcript := out.String()
	mu.Unlock()
	for _, want := range []string{"Step 1 of 19: Sign in", "Which environment do you sign in to?", "How do you sign in?", "and enter the code", "✓ Signed in: Ada", "Step 2 of 19: Choose environment"} {
		if !strings.Contains(transcript, want) {
			t.Errorf("the transcript lacks %q:\n%s", want, transcript)
		}
	}
	if code != 130 {
		t.Errorf("exit %d after the input ended, want 130", code)
	}
	if pf, err := loadProfiles(); err != nil || pf.Profiles["default"].ClientID != app {
		t.Errorf("the device sign-in should be saved as a profile: %v %+v", err, pf)
	}
}
