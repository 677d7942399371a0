package pingonetest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// browserTest drives the authorization server the way a browser would, without
// following redirects, so each hop can be checked.
type browserTest struct {
	*fixture
	nav      *http.Client
	verifier string
	redirect string
}

func newBrowserTest(t *testing.T, opts ...Option) *browserTest {
	f := newFixture(t, opts...)
	nav := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &browserTest{fixture: f, nav: nav, verifier: strings.Repeat("v3rifier-", 6), redirect: SignInRedirectURI}
}

func challengeOf(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeQuery is a valid authorization request for the seeded sign-in app.
func (b *browserTest) authorizeQuery() url.Values {
	return url.Values{
		"response_type": {"code"}, "client_id": {b.seed.SignInApp.ClientID}, "redirect_uri": {b.redirect},
		"scope": {"openid profile"}, "state": {"st4te"}, "nonce": {"n0nce"},
		"code_challenge": {challengeOf(b.verifier)}, "code_challenge_method": {"S256"},
	}
}

type page struct {
	status   int
	body     string
	location *url.URL
}

func (b *browserTest) get(u string) page {
	b.t.Helper()
	res, err := b.nav.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.read(res)
}

func (b *browserTest) post(u string, form url.Values) page {
	b.t.Helper()
	res, err := b.nav.PostForm(u, form)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.read(res)
}

func (b *browserTest) read(res *http.Response) page {
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	p := page{status: res.StatusCode, body: string(raw)}
	if loc := res.Header.Get("Location"); loc != "" {
		u, err := url.Parse(loc)
		if err != nil {
			b.t.Fatalf("bad Location %q", loc)
		}
		p.location = u
	}
	return p
}

var flowIDRe = regexp.MustCompile(`name="flowId" value="([^"]+)"`)

// authorize opens the authorization request and returns the sign-on form's flow ID.
func (b *browserTest) authorize(q url.Values) string {
	b.t.Helper()
	p := b.get(b.srv.URL + "/" + b.prod() + "/as/authorize?" + q.Encode())
	if p.status != 200 || !strings.Contains(p.body, `name="password"`) {
		b.t.Fatalf("authorize: status %d, want a sign-on form; body %s", p.status, p.body)
	}
	m := flowIDRe.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("no flowId in the form")
	}
	return m[1]
}

func (b *browserTest) signOn(flowID, username, password string) page {
	b.t.Helper()
	return b.post(b.srv.URL+"/"+b.prod()+"/as/signon", url.Values{"flowId": {flowID}, "username": {username}, "password": {password}, "action": {"signon"}})
}

// code runs the whole browser part for the admin and returns the code.
func (b *browserTest) code() string {
	b.t.Helper()
	return b.codeFor(b.authorizeQuery())
}

// codeFor runs the browser part for the admin with the authorization request
// q and returns the code.
func (b *browserTest) codeFor(q url.Values) string {
	b.t.Helper()
	p := b.signOn(b.authorize(q), "admin", b.seed.Admin.Password)
	if p.status != http.StatusFound || p.location == nil {
		b.t.Fatalf("sign-on: status %d, body %s", p.status, p.body)
	}
	if got := p.location.Scheme + "://" + p.location.Host + p.location.Path; got != b.redirect {
		b.t.Fatalf("redirected to %s, want %s", got, b.redirect)
	}
	if p.location.Query().Get("state") != "st4te" {
		b.t.Fatalf("state not echoed: %s", p.location)
	}
	c := p.location.Query().Get("code")
	if c == "" {
		b.t.Fatalf("no code in %s", p.location)
	}
	return c
}

func (b *browserTest) exchange(code, verifier, redirect string) resp {
	b.t.Helper()
	return b.form("/"+b.prod()+"/as/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {redirect}, "code_verifier": {verifier}, "client_id": {b.seed.SignInApp.ClientID}}, "", "")
}

func jwtClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAdminSignsInWithAuthorizationCodeAndPKCEAndTheTokenCallsTheAPI(t *testing.T) {
	b := newBrowserTest(t)
	r := b.exchange(b.code(), b.verifier, b.redirect)
	b.expect(r, 200)
	at, _ := r.body["access_token"].(string)
	claims := verifyWithJWKS(t, b.fixture, at)
	if claims["sub"] != b.seed.Admin.ID || claims["env"] != b.prod() || claims["client_id"] != b.seed.SignInApp.ClientID ||
		claims["org"] != b.seed.OrganizationID || claims["scope"] != "openid profile" {
		t.Fatalf("access token claims %v", claims)
	}
	if r.body["refresh_token"] == "" || r.body["scope"] != "openid profile" || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("token response %s", r.raw)
	}
	id := jwtClaims(t, r.body["id_token"].(string))
	if id["aud"] != b.seed.SignInApp.ClientID || id["sub"] != b.seed.Admin.ID || id["nonce"] != "n0nce" || id["preferred_username"] != "admin" {
		t.Fatalf("id token claims %v", id)
	}
	// The user token acts with the admin's roles on the Management API.
	b.expect(b.do(at, "GET", "/v1/environments", nil), 200)
}

func TestTheSignOnFormShowsAnErrorForAWrongPasswordAndStillWorksAfter(t *testing.T) {
	b := newBrowserTest(t)
	flow := b.authorize(b.authorizeQuery())
	p := b.signOn(flow, "admin", "wrong")
	if p.status != 200 || !strings.Contains(p.body, "Incorrect username or password") || !strings.Contains(p.body, flow) {
		t.Fatalf("wrong password: status %d body %s", p.status, p.body)
	}
	if p := b.signOn(flow, "admin", b.seed.Admin.Password); p.status != http.StatusFound {
		t.Fatalf("second try: status %d", p.status)
	}
	if p := b.signOn(flow, "admin", b.seed.Admin.Password); p.status != http.StatusBadRequest {
		t.Fatalf("a used sign-on form worked again: %d", p.status)
	}
}

func TestAuthorizeShowsAnErrorPageAndDoesNotRedirectForABadClientOrRedirectURI(t *testing.T) {
	b := newBrowserTest(t)
	for name, mod := range map[string]func(url.Values){
		"redirect URI mismatch":     func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:7464/other") },
		"non-loopback redirect URI": func(q url.Values) { q.Set("redirect_uri", "https://evil.example/callback") },
		"missing redirect URI":      func(q url.Values) { q.Del("redirect_uri") },
		"unknown client":            func(q url.Values) { q.Set("client_id", "00000000-0000-4000-8000-000000000000") },
		"worker from elsewhere":     func(q url.Values) { q.Set("client_id", b.seed.AdminWorker.ClientID) },
	} {
		t.Run(name, func(t *testing.T) {
			q := b.authorizeQuery()
			mod(q)
			p := b.get(b.srv.URL + "/" + b.prod() + "/as/authorize?" + q.Encode())
			if p.location != nil || p.status != http.StatusBadRequest {
				t.Fatalf("status %d location %v", p.status, p.location)
			}
		})
	}
	q := b.authorizeQuery()
	q.Set("redirect_uri", "http://127.0.0.1:7464/other")
	if p := b.get(b.srv.URL + "/" + b.prod() + "/as/authorize?" + q.Encode()); !strings.Contains(p.body, "Redirect URI mismatch") {
		t.Fatalf("mismatch page does not say so: %s", p.body)
	}
}

func TestLoopbackRedirectURIsMatchOnAnyPort(t *testing.T) {
	b := newBrowserTest(t)
	b.redirect = "http://127.0.0.1:51234/callback"
	b.code()
	if err := b.sim.AddRedirectURI(b.prod(), b.seed.SignInApp.ID, "http://[::1]:7464/callback"); err != nil {
		t.Fatal(err)
	}
	b.redirect = "http://[::1]:51234/callback"
	b.code()
}

func TestLocalhostRedirectURIsMatchExactlyPortIncluded(t *testing.T) {
	b := newBrowserTest(t)
	if err := b.sim.AddRedirectURI(b.prod(), b.seed.SignInApp.ID, "http://localhost:7464/callback"); err != nil {
		t.Fatal(err)
	}
	b.redirect = "http://localhost:7464/callback"
	b.code()
	q := b.authorizeQuery()
	q.Set("redirect_uri", "http://localhost:51234/callback")
	if p := b.get(b.srv.URL + "/" + b.prod() + "/as/authorize?" + q.Encode()); p.location != nil || p.status != http.StatusBadRequest {
		t.Fatalf("localhost on another port: status %d location %v", p.status, p.location)
	}
}

func TestAuthorizeRedirectsOtherProblemsToTheClientWithState(t *testing.T) {
	b := newBrowserTest(t)
	cases := map[string]struct {
		mod  func(url.Values)
		want string
	}{
		"missing PKCE":      {func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }, "invalid_request"},
		"plain PKCE":        {func(q url.Values) { q.Set("code_challenge", b.verifier); q.Set("code_challenge_method", "plain") }, "invalid_request"},
		"token response":    {func(q url.Values) { q.Set("response_type", "token") }, "unsupported_response_type"},
		"ungranted scope":   {func(q url.Values) { q.Set("scope", "openid p1:read:user") }, "invalid_scope"},
		"silent sign-on":    {func(q url.Values) { q.Set("prompt", "none") }, "login_required"},
		"default challenge": {func(q url.Values) { q.Del("code_challenge_method") }, "invalid_request"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			q := b.authorizeQuery()
			tc.mod(q)
			p := b.get(b.srv.URL + "/" + b.prod() + "/as/authorize?" + q.Encode())
			if p.status != http.StatusFound || p.location == nil {
				t.Fatalf("status %d body %s", p.status, p.body)
			}
			if got := p.location.Query(); got.Get("error") != tc.want || got.Get("state") != "st4te" || got.Get("code") != "" {
				t.Fatalf("redirect %s, want error %s", p.location, tc.want)
			}
		})
	}
}

func TestCancelAndNonAdminsGetAccessDenied(t *testing.T) {
	b := newBrowserTest(t)
	flow := b.authorize(b.authorizeQuery())
	p := b.post(b.srv.URL+"/"+b.prod()+"/as/signon", url.Values{"flowId": {flow}, "action": {"cancel"}})
	if p.location == nil || p.location.Query().Get("error") != "access_denied" {
		t.Fatalf("cancel: %d %v", p.status, p.location)
	}
	p = b.signOn(b.authorize(b.authorizeQuery()), "jdoe", b.seed.JDoe.Password)
	if p.location == nil || p.location.Query().Get("error") != "access_denied" || p.location.Query().Get("code") != "" {
		t.Fatalf("jdoe on an admin-only app: %d %v", p.status, p.location)
	}
}

func TestADisabledSignInAppIsRefusedWithInvalidClient(t *testing.T) {
	b := newBrowserTest(t)
	code := b.code()
	b.sim.mu.Lock()
	b.sim.st.app(b.prod(), b.seed.SignInApp.ID).fields["enabled"] = false
	b.sim.mu.Unlock()
	r := b.exchange(code, b.verifier, b.redirect)
	if r.status != 401 || r.body["error"] != "invalid_client" {
		t.Fatalf("token with a disabled app: %s", r.raw)
	}
	p := b.get(b.srv.URL + "/" + b.prod() + "/as/authorize?" + b.authorizeQuery().Encode())
	if p.location == nil || p.location.Query().Get("error") != "invalid_client" {
		t.Fatalf("authorize with a disabled app: %d %v", p.status, p.location)
	}
}

func TestAuthorizationCodesAreCheckedAndSingleUse(t *testing.T) {
	var offset atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	b := newBrowserTest(t, WithClock(clock))

	if r := b.exchange(b.code(), strings.Repeat("wrong-verifier", 4), b.redirect); r.body["error"] != "invalid_grant" {
		t.Fatalf("wrong verifier: %s", r.raw)
	}
	if r := b.exchange(b.code(), "", b.redirect); r.body["error"] != "invalid_grant" {
		t.Fatalf("missing verifier: %s", r.raw)
	}
	if r := b.exchange(b.code(), b.verifier, "http://127.0.0.1:7464/callback/"); r.body["error"] != "invalid_grant" {
		t.Fatalf("different redirect_uri: %s", r.raw)
	}
	if r := b.exchange("made-up", b.verifier, b.redirect); r.body["error"] != "invalid_grant" {
		t.Fatalf("made-up code: %s", r.raw)
	}

	code := b.code()
	first := b.exchange(code, b.verifier, b.redirect)
	b.expect(first, 200)
	if r := b.exchange(code, b.verifier, b.redirect); r.status != 400 || r.body["error"] != "invalid_grant" {
		t.Fatalf("reused code: %s", r.raw)
	}
	// The reuse revoked the refresh token the code had issued.
	if r := b.refresh(first.body["refresh_token"].(string)); r.body["error"] != "invalid_grant" {
		t.Fatalf("refresh token of a replayed code still works: %s", r.raw)
	}

	code = b.code()
	offset.Store(int64(authCodeTTL + time.Second))
	if r := b.exchange(code, b.verifier, b.redirect); r.body["error"] != "invalid_grant" {
		t.Fatalf("expired code: %s", r.raw)
	}
}

func (b *browserTest) refresh(rt string) resp {
	b.t.Helper()
	return b.form("/"+b.prod()+"/as/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
		"client_id": {b.seed.SignInApp.ClientID}}, "", "")
}

func TestRefreshTokensRotateAndAReplayRevokesTheFamily(t *testing.T) {
	b := newBrowserTest(t)
	r := b.exchange(b.code(), b.verifier, b.redirect)
	rt1 := r.body["refresh_token"].(string)
	r2 := b.refresh(rt1)
	b.expect(r2, 200)
	rt2, _ := r2.body["refresh_token"].(string)
	if rt2 == "" || rt2 == rt1 || r2.body["id_token"] == nil {
		t.Fatalf("refresh response %s", r2.raw)
	}
	if c := jwtClaims(t, r2.body["access_token"].(string)); c["sub"] != b.seed.Admin.ID {
		t.Fatalf("refreshed token claims %v", c)
	}
	if r := b.refresh(rt1); r.body["error"] != "invalid_grant" {
		t.Fatalf("rotated-out token still works: %s", r.raw)
	}
	if r := b.refresh(rt2); r.body["error"] != "invalid_grant" {
		t.Fatalf("replay did not revoke the family: %s", r.raw)
	}
	// Another client that may use refresh tokens still cannot use this one.
	spa := b.addSPA()
	r = b.exchange(b.code(), b.verifier, b.redirect)
	other := b.form("/"+b.prod()+"/as/token", url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {r.body["refresh_token"].(string)}, "client_id": {spa}}, "", "")
	if other.body["error"] != "invalid_grant" {
		t.Fatalf("another client refreshed: %s", other.raw)
	}
}

// addSPA adds a SINGLE_PAGE_APP (token endpoint auth NONE, authorization code
// and refresh token, redirect b.redirect) and returns its client ID.
func (b *browserTest) addSPA() string {
	b.t.Helper()
	return b.sim.AddApplication(b.prod(), map[string]any{"name": "spa", "enabled": true, "type": "SINGLE_PAGE_APP",
		"protocol": "OPENID_CONNECT", "grantTypes": []any{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "responseTypes": []any{"CODE"},
		"redirectUris": []any{b.redirect}, "pkceEnforcement": "S256_REQUIRED", "tokenEndpointAuthMethod": "NONE"})
}

func TestOnlyAWorkersUserTokensReachTheManagementAPI(t *testing.T) {
	b := newBrowserTest(t)
	spa := b.addSPA()
	q := b.authorizeQuery()
	q.Set("client_id", spa)
	q.Set("scope", "openid")
	r := b.form("/"+b.prod()+"/as/token", url.Values{"grant_type": {"authorization_code"}, "code": {b.codeFor(q)},
		"redirect_uri": {b.redirect}, "code_verifier": {b.verifier}, "client_id": {spa}}, "", "")
	b.expect(r, 200)
	at := r.body["access_token"].(string)
	if aud := jwtClaims(t, at)["aud"]; strings.Contains(fmt.Sprint(aud), apiAudience) {
		t.Fatalf("a SINGLE_PAGE_APP's token has the PingOne API audience: %v", aud)
	}
	b.expectError(b.do(at, "GET", b.appsPath(b.prod()), nil), 401, "ACCESS_FAILED", "INVALID_TOKEN", "")
	b.expectError(b.do(at, "GET", "/v1/environments", nil), 401, "ACCESS_FAILED", "INVALID_TOKEN", "")
	// The token is still good for userinfo.
	b.expect(b.do(at, "GET", "/"+b.prod()+"/as/userinfo", nil), 200)
	// A client-credentials token of a non-worker is refused too.
	b.expectError(b.do(b.sim.IssueAppToken(b.prod(), spa, time.Hour), "GET", "/v1/environments", nil), 401, "ACCESS_FAILED", "INVALID_TOKEN", "")
}

func (b *browserTest) deviceAuthorize(scope string) resp {
	b.t.Helper()
	r := b.form("/"+b.prod()+"/as/device_authorization", url.Values{"client_id": {b.seed.SignInApp.ClientID}, "scope": {scope}}, "", "")
	return r
}

func (b *browserTest) pollDevice(deviceCode string) resp {
	b.t.Helper()
	return b.form("/"+b.prod()+"/as/token", url.Values{"grant_type": {grantDeviceCode}, "device_code": {deviceCode},
		"client_id": {b.seed.SignInApp.ClientID}}, "", "")
}

var userCodeRe = regexp.MustCompile(`^[B-DF-HJ-NP-TV-XZ2-9]{4}-[B-DF-HJ-NP-TV-XZ2-9]{4}$`)

func TestDeviceCodeFlowPendsSlowsDownAndIssuesTokensOnce(t *testing.T) {
	var offset atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	b := newBrowserTest(t, WithClock(clock))
	step := func(d time.Duration) { offset.Add(int64(d)) }

	r := b.deviceAuthorize("openid")
	b.expect(r, 200)
	uc, _ := r.body["user_code"].(string)
	dc, _ := r.body["device_code"].(string)
	verify := b.srv.URL + "/" + b.prod() + "/device"
	if !userCodeRe.MatchString(uc) || dc == "" || r.body["verification_uri"] != verify ||
		r.body["verification_uri_complete"] != verify+"?user_code="+uc ||
		r.body["expires_in"] != float64(600) || r.body["interval"] != float64(5) {
		t.Fatalf("device authorization %s", r.raw)
	}

	if r := b.pollDevice(dc); r.body["error"] != "authorization_pending" {
		t.Fatalf("first poll: %s", r.raw)
	}
	step(time.Second)
	if r := b.pollDevice(dc); r.body["error"] != "slow_down" {
		t.Fatalf("poll after 1s of a 5s interval: %s", r.raw)
	}
	// The interval is now 10 s (RFC 8628 §3.5): 6 s later is still too fast.
	step(6 * time.Second)
	if r := b.pollDevice(dc); r.body["error"] != "slow_down" {
		t.Fatalf("poll after 6s of a 10s interval: %s", r.raw)
	}
	step(16 * time.Second)
	if r := b.pollDevice(dc); r.body["error"] != "authorization_pending" {
		t.Fatalf("poll at the slower pace: %s", r.raw)
	}

	// The user enters the code (lower case, no dash) and signs in.
	p := b.get(verify + "?user_code=" + url.QueryEscape(strings.ToLower(strings.ReplaceAll(uc, "-", ""))))
	if p.status != 200 || !strings.Contains(p.body, `name="password"`) {
		t.Fatalf("verification page: %d %s", p.status, p.body)
	}
	p = b.post(verify, url.Values{"user_code": {uc}, "username": {"admin"}, "password": {"nope"}})
	if !strings.Contains(p.body, "Incorrect username or password") {
		t.Fatalf("wrong password on the device page: %s", p.body)
	}
	p = b.post(verify, url.Values{"user_code": {uc}, "username": {"admin"}, "password": {b.seed.Admin.Password}})
	if p.status != 200 || !strings.Contains(p.body, "Device signed in") {
		t.Fatalf("device sign-on: %d %s", p.status, p.body)
	}

	step(20 * time.Second)
	r = b.pollDevice(dc)
	b.expect(r, 200)
	if c := jwtClaims(t, r.body["access_token"].(string)); c["sub"] != b.seed.Admin.ID {
		t.Fatalf("device token claims %v", c)
	}
	if r.body["id_token"] == nil || r.body["refresh_token"] == nil {
		t.Fatalf("device token response %s", r.raw)
	}
	step(20 * time.Second)
	if r := b.pollDevice(dc); r.body["error"] != "invalid_grant" {
		t.Fatalf("device code used twice: %s", r.raw)
	}
}

func TestDeviceCodesExpireAndCanBeDenied(t *testing.T) {
	var offset atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	b := newBrowserTest(t, WithClock(clock))

	r := b.deviceAuthorize("openid")
	dc, uc := r.body["device_code"].(string), r.body["user_code"].(string)
	verify := b.srv.URL + "/" + b.prod() + "/device"
	p := b.post(verify, url.Values{"user_code": {uc}, "action": {"cancel"}})
	if !strings.Contains(p.body, "cancelled") {
		t.Fatalf("cancel page: %s", p.body)
	}
	if r := b.pollDevice(dc); r.body["error"] != "access_denied" {
		t.Fatalf("denied: %s", r.raw)
	}

	r = b.deviceAuthorize("openid")
	dc = r.body["device_code"].(string)
	offset.Add(int64(601 * time.Second))
	if r := b.pollDevice(dc); r.body["error"] != "expired_token" {
		t.Fatalf("expired: %s", r.raw)
	}
	if p := b.get(verify + "?user_code=" + url.QueryEscape(r.body["user_code"].(string))); !strings.Contains(p.body, "not valid or has expired") {
		t.Fatalf("expired code accepted on the page: %s", p.body)
	}

	// A non-admin cannot approve the admin-only app's device code.
	r = b.deviceAuthorize("openid")
	p = b.post(verify, url.Values{"user_code": {r.body["user_code"].(string)}, "username": {"jdoe"}, "password": {b.seed.JDoe.Password}})
	if p.status != http.StatusForbidden {
		t.Fatalf("jdoe approved a device: %d %s", p.status, p.body)
	}
	if r := b.pollDevice(r.body["device_code"].(string)); r.body["error"] != "access_denied" {
		t.Fatalf("after a refused user: %s", r.raw)
	}
}

func TestDeviceAuthorizationChecksTheClient(t *testing.T) {
	b := newBrowserTest(t)
	r := b.form("/"+b.prod()+"/as/device_authorization", url.Values{"client_id": {"00000000-0000-4000-8000-000000000000"}}, "", "")
	if r.status != 401 || r.body["error"] != "invalid_client" {
		t.Fatalf("unknown client: %s", r.raw)
	}
	w := b.seed.AdminWorker
	r = b.form("/"+b.prod()+"/as/device_authorization", url.Values{"scope": {"openid"}}, w.ClientID, w.ClientSecret)
	if r.status != 400 || r.body["error"] != "unauthorized_client" {
		t.Fatalf("worker without DEVICE_CODE: %s", r.raw)
	}
	r = b.form("/00000000-0000-4000-8000-000000000000/as/device_authorization", url.Values{"client_id": {b.seed.SignInApp.ClientID}}, "", "")
	if r.status != 404 {
		t.Fatalf("unknown environment: %d %s", r.status, r.raw)
	}
}

func TestUserInfoAnswersUserTokensOnly(t *testing.T) {
	b := newBrowserTest(t)
	at := b.exchange(b.code(), b.verifier, b.redirect).body["access_token"].(string)
	r := b.do(at, "GET", "/"+b.prod()+"/as/userinfo", nil)
	b.expect(r, 200)
	if r.body["sub"] != b.seed.Admin.ID || r.body["preferred_username"] != "admin" || r.body["name"] != "Ada Admin" {
		t.Fatalf("userinfo %s", r.raw)
	}
	if _, ok := r.body["email"]; ok {
		t.Fatalf("email without the email scope: %s", r.raw)
	}
	w := b.seed.AdminWorker
	cc := b.form("/"+b.prod()+"/as/token", ccForm(), w.ClientID, w.ClientSecret).body["access_token"].(string)
	b.expectError(b.do(cc, "GET", "/"+b.prod()+"/as/userinfo", nil), 403, "ACCESS_FAILED", "", "")
	b.expectError(b.do("", "POST", "/"+b.prod()+"/as/userinfo", nil), 401, "ACCESS_FAILED", "INVALID_TOKEN", "")
}

func TestTheSeededSignInAppIsTheCLILoginPreset(t *testing.T) {
	f := newFixture(t)
	var app map[string]any
	for _, a := range f.sim.Applications(f.prod()) {
		if a["id"] == f.seed.SignInApp.ID {
			app = a
		}
	}
	if app == nil || app["name"] != "Admin Sign-In" || app["tokenEndpointAuthMethod"] != "NONE" ||
		app["pkceEnforcement"] != "S256_REQUIRED" || app["enabled"] != true {
		t.Fatalf("sign-in app %v", app)
	}
	if f.seed.SignInApp.ClientSecret != "" || f.seed.SignInApp.ClientID != f.seed.SignInApp.ID {
		t.Fatalf("seed %+v", f.seed.SignInApp)
	}
	if err := f.sim.AddRedirectURI(f.prod(), f.seed.SignInApp.ID, "http://localhost:9999/cb"); err != nil {
		t.Fatal(err)
	}
	if err := f.sim.AddRedirectURI(f.prod(), "nope", "http://localhost:9999/cb"); err == nil {
		t.Fatal("AddRedirectURI accepted an unknown app")
	}
}
