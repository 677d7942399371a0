package signin

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestBrowserSignInReturnsTheAdminsTokenAndIdentity(t *testing.T) {
	tn := newTenant(t)
	cfg := tn.config()
	cfg.Scopes = []string{"openid", "profile", "email"}
	var shown string
	tok, err := Browser(testContext(t), cfg, func(u string) { shown = u }, newFormBrowser("admin", tn.seed.Admin.Password).open)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(shown)
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 32 ||
		q.Get("redirect_uri") != cfg.RedirectURI() || q.Get("scope") != "openid profile email" {
		t.Fatalf("authorization URL %s", shown)
	}
	if tok.RefreshToken == "" {
		t.Fatalf("no refresh token")
	}
	who, err := IdentityFromToken(tok)
	if err != nil || who.UserID != tn.seed.Admin.ID || who.EnvironmentID != tn.seed.Production.ID || who.ClientID != cfg.ClientID {
		t.Fatalf("identity %+v, %v", who, err)
	}
	info, err := UserInfo(testContext(t), cfg, tok)
	if err != nil || info.UserID != tn.seed.Admin.ID || info.Username != "admin" || info.Email != "admin@example.com" {
		t.Fatalf("userinfo %+v, %v", info, err)
	}
	// The callback listener is gone.
	if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(cfg.RedirectPort)); err == nil {
		c.Close()
		t.Fatalf("the callback port is still open")
	}
}

func TestACallbackWithoutThisSignInsStateIsRefusedAndTheSignInGoesOn(t *testing.T) {
	tn := newTenant(t)
	cfg := tn.config()
	real := newFormBrowser("admin", tn.seed.Admin.Password)
	var statuses []int
	open := func(authURL string) error {
		// Any local page can request the callback; none of these may end
		// the sign-in, not even a denial.
		for _, q := range []string{"", "?code=stolen&state=forged", "?error=access_denied&state=forged", "?error=access_denied"} {
			res, err := http.Get(cfg.RedirectURI() + q)
			if err != nil {
				return err
			}
			res.Body.Close()
			statuses = append(statuses, res.StatusCode)
		}
		return real.open(authURL)
	}
	tok, err := Browser(testContext(t), cfg, nil, open)
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("sign-in after forged callbacks: %v", err)
	}
	for _, st := range statuses {
		if st != http.StatusBadRequest {
			t.Fatalf("forged callbacks got %v, want 400 each", statuses)
		}
	}
}

func TestACallbackWithoutThisSignInsStateAloneEndsInATimeout(t *testing.T) {
	tn := newTenant(t)
	cfg := tn.config()
	cfg.Timeout = 500 * time.Millisecond
	forged := func(string) error {
		res, err := http.Get(cfg.RedirectURI() + "?code=stolen&state=forged")
		if err == nil {
			res.Body.Close()
		}
		return err
	}
	_, err := Browser(testContext(t), cfg, nil, forged)
	wantReason(t, err, ErrTimeout)
}

func TestBrowserGivesUpOnATokenEndpointThatDoesNotAnswer(t *testing.T) {
	tn := newTenant(t)
	cfg := tn.config()
	old := exchangeTimeout
	exchangeTimeout = 200 * time.Millisecond
	defer func() { exchangeTimeout = old }()
	base := tn.srv.Client().Transport
	cfg.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/as/token") {
			<-r.Context().Done()
			return nil, r.Context().Err()
		}
		return base.RoundTrip(r)
	})}
	ctx, cancel := context.WithTimeout(testContext(t), 10*time.Second)
	defer cancel()
	_, err := Browser(ctx, cfg, nil, newFormBrowser("admin", tn.seed.Admin.Password).open)
	if ctx.Err() != nil {
		t.Fatalf("the exchange ran until the test's own deadline")
	}
	e := wantReason(t, err, ErrFailed)
	if !strings.Contains(e.Error(), "did not answer") {
		t.Fatalf("error %q", e.Error())
	}
}

// A code obtained with another PKCE challenge (an injected or replayed code)
// fails the exchange: Browser's own verifier does not match it.
func TestBrowserRefusesACodeIssuedForAnotherPKCEChallenge(t *testing.T) {
	tn := newTenant(t)
	cfg := tn.config()
	inject := func(authURL string) error {
		u, _ := url.Parse(authURL)
		q := u.Query()
		state := q.Get("state")
		q.Set("code_challenge", strings.Repeat("A", 43)) // the attacker's challenge
		q.Set("state", "attacker")
		u.RawQuery = q.Encode()
		b := newFormBrowser("admin", tn.seed.Admin.Password)
		b.stopAt = cfg.RedirectURI()
		if err := b.open(u.String()); err != nil {
			return err
		}
		res, err := http.Get(cfg.RedirectURI() + "?code=" + url.QueryEscape(b.stopped.Query().Get("code")) + "&state=" + url.QueryEscape(state))
		if err == nil {
			res.Body.Close()
		}
		return err
	}
	_, err := Browser(testContext(t), cfg, nil, inject)
	e := wantReason(t, err, ErrFailed)
	if e.Code != "invalid_grant" {
		t.Fatalf("code %q, want invalid_grant", e.Code)
	}
}

func TestBrowserRefusesAReplayedCode(t *testing.T) {
	tn := newTenant(t)
	cfg := tn.config()
	b := newFormBrowser("admin", tn.seed.Admin.Password)
	var code string
	capture := func(authURL string) error {
		b.stopAt = cfg.RedirectURI()
		if err := b.open(authURL); err != nil {
			return err
		}
		code = b.stopped.Query().Get("code")
		res, err := http.Get(b.stopped.String())
		if err == nil {
			res.Body.Close()
		}
		return err
	}
	if _, err := Browser(testContext(t), cfg, nil, capture); err != nil {
		t.Fatal(err)
	}
	replay := func(authURL string) error {
		u, _ := url.Parse(authURL)
		res, err := http.Get(cfg.RedirectURI() + "?code=" + url.QueryEscape(code) + "&state=" + url.QueryEscape(u.Query().Get("state")))
		if err == nil {
			res.Body.Close()
		}
		return err
	}
	_, err := Browser(testContext(t), cfg, nil, replay)
	if e := wantReason(t, err, ErrFailed); e.Code != "invalid_grant" {
		t.Fatalf("code %q, want invalid_grant", e.Code)
	}
}

func TestBrowserReportsSetupProblemsBeforeOpeningTheBrowser(t *testing.T) {
	tn := newTenant(t)
	noAuthCode := tn.addApp(map[string]any{"grantTypes": []string{"DEVICE_CODE"}})
	disabled := tn.addApp(map[string]any{"enabled": false, "grantTypes": []string{"AUTHORIZATION_CODE"},
		"responseTypes": []string{"CODE"}, "redirectUris": []string{"http://127.0.0.1:7464/callback"}})
	cases := []struct {
		name   string
		mod    func(*Config)
		reason error
		inFix  string
	}{
		{"a redirect URI that is not registered", func(c *Config) { c.RedirectPath = "/elsewhere" }, ErrRedirectMismatch, "/elsewhere"},
		{"an environment in another region", func(c *Config) { c.EnvironmentID = "6f1c2a3b-0000-4000-8000-000000000000" }, ErrEnvironmentNotFound, "--region"},
		{"an unknown client", func(c *Config) { c.ClientID = "6f1c2a3b-0000-4000-8000-000000000001" }, ErrAppRejected, "enabled"},
		{"an app without the authorization code grant", func(c *Config) { c.ClientID = noAuthCode }, ErrGrantNotAllowed, "Authorization Code"},
		{"a disabled app", func(c *Config) { c.ClientID = disabled }, ErrAppRejected, "enabled"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tn.config()
			tc.mod(&cfg)
			if cfg.ClientID == disabled || cfg.ClientID == noAuthCode {
				_ = tn.sim.AddRedirectURI(cfg.EnvironmentID, cfg.ClientID, cfg.RedirectURI())
			}
			opened := false
			_, err := Browser(testContext(t), cfg, nil, func(string) error { opened = true; return nil })
			e := wantReason(t, err, tc.reason)
			if opened {
				t.Errorf("the browser was opened")
			}
			if !strings.Contains(e.Error(), tc.inFix) {
				t.Errorf("error %q does not mention %q", e.Error(), tc.inFix)
			}
		})
	}
}

func TestBrowserReportsACancelledSignOn(t *testing.T) {
	tn := newTenant(t)
	b := newFormBrowser("admin", tn.seed.Admin.Password)
	b.action = "cancel"
	ctx := testContext(t)
	_, err := Browser(ctx, tn.config(), nil, b.open)
	wantReason(t, err, ErrCancelled)
	if ctx.Err() != nil {
		t.Fatal("the cancel was not noticed: the sign-in ran until the test's deadline")
	}
}

func TestBrowserReportsANonAdminAsNoAccess(t *testing.T) {
	tn := newTenant(t)
	_, err := Browser(testContext(t), tn.config(), nil, newFormBrowser("jdoe", tn.seed.JDoe.Password).open)
	e := wantReason(t, err, ErrCancelled)
	if e.Code != "access_denied" || !strings.Contains(e.Description, "administrators") {
		t.Fatalf("error %+v", e)
	}
}

func TestBrowserEndsCleanlyOnTimeoutAndCancel(t *testing.T) {
	tn := newTenant(t)
	cfg := tn.config()
	cfg.Timeout = 100 * time.Millisecond
	_, err := Browser(testContext(t), cfg, nil, nil)
	wantReason(t, err, ErrTimeout)

	cfg = tn.config()
	ctx, cancel := context.WithCancel(testContext(t))
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = Browser(ctx, cfg, nil, nil)
	wantReason(t, err, ErrCancelled)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v does not wrap context.Canceled", err)
	}
	// The port is free again for the next sign-in.
	ln, lerr := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(cfg.RedirectPort))
	if lerr != nil {
		t.Fatalf("the callback port was not released: %v", lerr)
	}
	ln.Close()
}

func TestBrowserSaysWhenTheCallbackPortIsTaken(t *testing.T) {
	tn := newTenant(t)
	cfg := tn.config()
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(cfg.RedirectPort))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = Browser(testContext(t), cfg, nil, nil)
	wantReason(t, err, ErrPortInUse)
}

func TestBrowserIsNotOpenedOverSSHOrWithoutADisplay(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		name   string
		getenv func(string) string
		goos   string
		want   bool
	}{
		{"linux desktop", env("DISPLAY", ":0"), "linux", true},
		{"linux wayland", env("WAYLAND_DISPLAY", "wayland-0"), "linux", true},
		{"linux without a display", env(), "linux", false},
		{"ssh into a desktop", env("DISPLAY", ":0", "SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22"), "linux", false},
		{"ssh tty into a mac", env("SSH_TTY", "/dev/ttys001"), "darwin", false},
		{"mac", env(), "darwin", true},
		{"windows", env(), "windows", true},
	}
	for _, tc := range cases {
		if got := canOpenBrowser(tc.getenv, tc.goos); got != tc.want {
			t.Errorf("%s: canOpenBrowser = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestConfigDefaultsToPingCLIsRedirectAndOpenID(t *testing.T) {
	c, err := Config{AuthURL: "https://auth.pingone.eu/", EnvironmentID: "6f1c2a3b-0000-4000-8000-000000000000", ClientID: "x"}.normalized()
	if err != nil {
		t.Fatal(err)
	}
	if c.RedirectURI() != "http://127.0.0.1:7464/callback" || strings.Join(c.Scopes, " ") != "openid" || c.AuthURL != "https://auth.pingone.eu" {
		t.Fatalf("defaults %+v", c)
	}
	for _, bad := range []Config{
		{AuthURL: "http://auth.example.com", EnvironmentID: c.EnvironmentID, ClientID: "x"},
		{AuthURL: c.AuthURL, EnvironmentID: "../admin", ClientID: "x"},
		{AuthURL: c.AuthURL, EnvironmentID: c.EnvironmentID},
	} {
		if _, err := bad.normalized(); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
}
