package signin

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

func sharedKey() *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		testKey = k
	})
	return testKey
}

// testTimeout bounds every call in these tests that can block, far below go test's
// 10-minute default, so a sign-in that never ends fails the test in seconds instead
// of hanging the whole run.
const testTimeout = 20 * time.Second

// testContext returns a context that ends after testTimeout or with the test.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// tenant is a simulated PingOne on a local port.
type tenant struct {
	t    *testing.T
	sim  *pingonetest.Server
	srv  *httptest.Server
	seed pingonetest.Seed
}

func newTenant(t *testing.T, opts ...pingonetest.Option) *tenant {
	t.Helper()
	sim := pingonetest.New(append([]pingonetest.Option{pingonetest.WithSigningKey(sharedKey())}, opts...)...)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &tenant{t: t, sim: sim, srv: srv, seed: sim.Seed()}
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// config signs in with the seeded sign-in app on a free port (registered on
// the app, as an admin would).
func (tn *tenant) config() Config {
	tn.t.Helper()
	c := Config{AuthURL: tn.srv.URL, EnvironmentID: tn.seed.Production.ID, ClientID: tn.seed.SignInApp.ClientID,
		RedirectPort: freePort(tn.t), HTTPClient: tn.srv.Client(), Timeout: 20 * time.Second}
	if err := tn.sim.AddRedirectURI(c.EnvironmentID, c.ClientID, c.RedirectURI()); err != nil {
		tn.t.Fatal(err)
	}
	return c
}

// addApp adds an application to Production and returns its client ID.
func (tn *tenant) addApp(fields map[string]any) string {
	body := map[string]any{"name": "test sign-in", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"tokenEndpointAuthMethod": "NONE"}
	for k, v := range fields {
		body[k] = v
	}
	return tn.sim.AddApplication(tn.seed.Production.ID, body)
}

var (
	flowIDRe   = regexp.MustCompile(`name="flowId" value="([^"]+)"`)
	userCodeRe = regexp.MustCompile(`name="user_code" value="([^"]+)"`)
)

// formBrowser is a minimal browser: it follows redirects and submits the
// simulator's sign-on form. It stands in for a person in unit tests.
type formBrowser struct {
	hc                 *http.Client
	username, password string
	action             string // "signon" (default) or "cancel"
	// stopAt, if set, stops following redirects at URLs with this prefix and
	// records them instead (to capture a code).
	stopAt  string
	stopped *url.URL
}

func newFormBrowser(username, password string) *formBrowser {
	jar, _ := cookiejar.New(nil)
	b := &formBrowser{username: username, password: password, action: "signon"}
	b.hc = &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if b.stopAt != "" && len(req.URL.String()) >= len(b.stopAt) && req.URL.String()[:len(b.stopAt)] == b.stopAt {
			b.stopped = req.URL
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return b
}

// open signs in at an authorization URL, following the redirect back to the
// loopback callback.
func (b *formBrowser) open(authURL string) error {
	res, err := b.hc.Get(authURL)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := flowIDRe.FindSubmatch(body)
	if m == nil {
		return fmt.Errorf("no sign-on form (status %d)", res.StatusCode)
	}
	u, _ := url.Parse(authURL)
	signon := u.Scheme + "://" + u.Host + u.Path[:len(u.Path)-len("authorize")] + "signon"
	res, err = b.hc.PostForm(signon, url.Values{"flowId": {string(m[1])}, "username": {b.username}, "password": {b.password}, "action": {b.action}})
	if err != nil {
		return err
	}
	res.Body.Close()
	return nil
}

// approve signs in on the device verification page.
func (b *formBrowser) approve(complete string) error {
	res, err := b.hc.Get(complete)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := userCodeRe.FindSubmatch(body)
	if m == nil {
		return errors.New("no device sign-on form")
	}
	u, _ := url.Parse(complete)
	u.RawQuery = ""
	res, err = b.hc.PostForm(u.String(), url.Values{"user_code": {string(m[1])}, "username": {b.username}, "password": {b.password}, "action": {b.action}})
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("device sign-on: status %d", res.StatusCode)
	}
	return nil
}

func wantReason(t *testing.T, err, reason error) *Error {
	t.Helper()
	if !errors.Is(err, reason) {
		t.Fatalf("error %v, want reason %q", err, reason)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not a *signin.Error", err)
	}
	if e.Fix == "" {
		t.Fatalf("error %v carries no fix", err)
	}
	return e
}
