package pingonetest

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The user-facing half of the authorization server: /as/authorize with a real
// HTML sign-on form, /as/signon (the form's target), /as/device_authorization
// with its verification page at /{envID}/device, /as/userinfo, and the
// authorization_code, refresh_token and device_code grants of /as/token.
//
// PingOne's own sign-on UI is a JavaScript app driven by flow APIs
// (/{envID}/flows/...); the simulator replaces it with one plain HTML form,
// which is enough for a browser (or chromedp) to sign in. What the browser
// sees is therefore not PingOne's; what the OAuth client sees (redirects,
// codes, token responses, errors) follows RFC 6749/7636/8628 and
// pingone-api.md §11.

const (
	grantDeviceCode = "urn:ietf:params:oauth:grant-type:device_code"

	// authCodeTTL is how long an authorization code can be redeemed.
	// [unconfirmed] PingOne's code lifetime; RFC 6749 §4.1.2 recommends at
	// most 10 minutes, we use 60 seconds.
	authCodeTTL = 60 * time.Second
	// signOnTTL is how long a sign-on form stays usable. [unconfirmed]
	signOnTTL = 10 * time.Minute
	// slowDownStep is the interval increase of RFC 8628 §3.5.
	slowDownStep = 5 * time.Second
)

// authServerState holds the in-flight sign-ins, codes and refresh tokens.
// Guarded by Server.mu.
type authServerState struct {
	flows   map[string]*signOnFlow     // flowId -> pending authorize request
	codes   map[string]*authCode       // authorization code -> grant
	refresh map[string]*refreshGrant   // refresh token -> grant
	devices map[string]*deviceGrant    // device_code -> grant
	users   map[string]string          // normalised user_code -> device_code
	revoked map[string]bool            // refresh-token families revoked
	byCode  map[string][]*refreshGrant // authorization code -> refresh tokens issued from it
	// jtis are the client assertions' jti values seen, until they expire (clientassertion.go).
	jtis map[string]time.Time
	// fetchJWKS reads an application's jwksUrl (WithJWKSFetcher); nil means an HTTP GET.
	fetchJWKS func(url string) ([]byte, error)
}

type signOnFlow struct {
	envID, clientID, redirectURI, state, nonce string
	scopes                                     []string
	challenge, challengeMethod                 string
	expiresAt                                  time.Time
}

type authCode struct {
	envID, clientID, userID, redirectURI, nonce string
	scopes                                      []string
	challenge, challengeMethod                  string
	authTime, expiresAt                         time.Time
	used                                        bool
}

type refreshGrant struct {
	envID, clientID, userID, family string
	scopes                          []string
	authTime                        time.Time // the sign-on the session started with
	expiresAt                       time.Time
	used                            bool
}

type deviceGrant struct {
	deviceCode, userCode string
	envID, clientID      string
	scopes               []string
	expiresAt            time.Time
	interval             time.Duration
	lastPoll             time.Time // zero = never polled
	status               string    // pending, approved, denied, consumed
	userID               string
	authTime             time.Time
}

func (s *Server) auth() *authServerState {
	if s.as == nil {
		s.as = &authServerState{
			flows: map[string]*signOnFlow{}, codes: map[string]*authCode{}, refresh: map[string]*refreshGrant{},
			devices: map[string]*deviceGrant{}, users: map[string]string{}, revoked: map[string]bool{},
			byCode: map[string][]*refreshGrant{}, jtis: map[string]time.Time{},
		}
	}
	return s.as
}

// randomToken returns n random bytes, base64url-encoded. Codes and tokens use
// crypto/rand (not the seeded generator): they are bearer secrets, even in a
// simulator that may listen on a port.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b64.EncodeToString(b)
}

// userCodeAlphabet avoids vowels (no words) and look-alikes (0/O, 1/I).
const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ23456789"

// newUserCode returns a code shaped like PingOne's "BVKV-2GZ2".
func newUserCode() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	out := make([]byte, 0, 9)
	for i, x := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, userCodeAlphabet[int(x)%len(userCodeAlphabet)])
	}
	return string(out)
}

// normUserCode uppercases a typed user code and drops separators, so
// "bvkv 2gz2" finds "BVKV-2GZ2".
func normUserCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// AddRedirectURI registers one more redirect URI on an application, as an
// admin editing the app would. Tests use it to let a sign-in listen on a
// port of their choosing. It fails if there is no such application.
func (s *Server) AddRedirectURI(envID, appID, uri string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.app(envID, appID)
	if a == nil {
		return fmt.Errorf("pingonetest: no application %q in environment %q", appID, envID)
	}
	if !slices.Contains(a.strs("redirectUris"), uri) {
		a.fields["redirectUris"] = append(slices.Clone(a.strs("redirectUris")), uri)
	}
	return nil
}

// redirectAllowed reports whether uri is one of the app's redirect URIs.
// Matching is exact, except that for a loopback redirect URI (http or https
// on the loopback IP literals 127.0.0.1 or [::1]) the port is ignored:
// PingOne "supports any valid port for loopback IP redirect URIs"
// (docs.pingidentity.com p1_wildcard_redirect_uri, after RFC 8252 §7.3, which
// covers IP literals only; "localhost" is a name that may resolve elsewhere
// and matches exactly, port included). [unconfirmed] that a
// registered URI with an explicit port also accepts other ports; the docs'
// example tables were not readable. Wildcards
// (allowWildcardInRedirectUris) are not simulated: such apps match exactly.
func redirectAllowed(app *application, uri string) bool {
	if slices.Contains(app.strs("redirectUris"), uri) {
		return true
	}
	u, err := url.Parse(uri)
	if err != nil || !isLoopback(u.Hostname()) {
		return false
	}
	for _, reg := range app.strs("redirectUris") {
		r, err := url.Parse(reg)
		if err != nil || !isLoopback(r.Hostname()) {
			continue
		}
		if r.Scheme == u.Scheme && r.Hostname() == u.Hostname() && r.Path == u.Path &&
			r.RawQuery == u.RawQuery && r.User == nil && u.User == nil && u.Fragment == "" {
			return true
		}
	}
	return false
}

// isLoopback reports whether host is a loopback IP literal (RFC 8252 §7.3).
func isLoopback(host string) bool {
	return host == "127.0.0.1" || host == "::1"
}

// ---- /as/authorize and /as/signon -------------------------------------------

// handleAuthorize is GET|POST /{envID}/as/authorize (response_type=code only).
// Problems with client_id or redirect_uri show an error page and never
// redirect (RFC 6749 §4.1.2.1; PingOne "returns Redirect URI mismatch");
// every later problem is redirected to the client as ?error=…&state=….
func (s *Server) handleAuthorize(c *call, env *environment) {
	r := c.r
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		c.w.Header().Set("Allow", "GET, POST")
		c.page(http.StatusMethodNotAllowed, pageError, errorPage{Title: "Method not allowed", Message: "Use GET or POST."})
		return
	}
	if err := r.ParseForm(); err != nil {
		c.page(http.StatusBadRequest, pageError, errorPage{Title: "Bad request", Message: "The request could not be parsed."})
		return
	}
	q := r.Form
	clientID, redirectURI := q.Get("client_id"), q.Get("redirect_uri")
	app := s.st.app(env.id, clientID)
	if clientID == "" || app == nil {
		// [unconfirmed] PingOne's page text for an unknown client.
		c.page(http.StatusBadRequest, pageError, errorPage{Title: "Sign-on failed",
			Message: "The application (client_id) was not found in this environment.", Code: "invalid_client"})
		return
	}
	if redirectURI == "" || !redirectAllowed(app, redirectURI) {
		c.page(http.StatusBadRequest, pageError, errorPage{Title: "Sign-on failed",
			Message: "Redirect URI mismatch: " + redirectURI + " is not one of the application's redirect URIs.",
			Code:    "invalid_request"})
		return
	}
	state := q.Get("state")
	fail := func(code, desc string) { s.redirectError(c, redirectURI, state, code, desc) }
	if !app.enabled() {
		// [unconfirmed] how PingOne's authorize endpoint reports a disabled
		// application; we redirect with invalid_client, the error its token
		// endpoint gives (pingone-api.md, product.md step 4).
		fail("invalid_client", "The application is disabled.")
		return
	}
	if q.Get("response_type") != "code" {
		fail("unsupported_response_type", "Only response_type=code is supported here.")
		return
	}
	if !slices.Contains(app.strs("responseTypes"), "CODE") {
		fail("unsupported_response_type", "The application does not allow the CODE response type.")
		return
	}
	if !slices.Contains(app.strs("grantTypes"), "AUTHORIZATION_CODE") {
		fail("unauthorized_client", "The application is not allowed to use the authorization_code grant.")
		return
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	if challenge != "" && method == "" {
		method = "plain" // RFC 7636 §4.3
	}
	switch pkce := app.str("pkceEnforcement"); {
	case method != "" && method != "plain" && method != "S256":
		fail("invalid_request", "code_challenge_method must be S256 or plain.")
		return
	case (pkce == "REQUIRED" || pkce == "S256_REQUIRED") && challenge == "":
		fail("invalid_request", "PKCE is required: the request is missing code_challenge.")
		return
	case pkce == "S256_REQUIRED" && method != "S256":
		fail("invalid_request", "PKCE with code_challenge_method=S256 is required.")
		return
	case challenge != "" && (len(challenge) < 43 || len(challenge) > 128):
		fail("invalid_request", "code_challenge must be 43 to 128 characters.")
		return
	}
	scopes, desc := s.userGrantScopes(app, q.Get("scope"))
	if desc != "" {
		fail("invalid_scope", desc)
		return
	}
	if q.Get("prompt") == "none" {
		// The simulator keeps no browser session, so a silent sign-on
		// always needs a login.
		fail("login_required", "The user is not signed on.")
		return
	}
	flow := &signOnFlow{envID: env.id, clientID: app.id, redirectURI: redirectURI, state: state, nonce: q.Get("nonce"),
		scopes: scopes, challenge: challenge, challengeMethod: method, expiresAt: s.now().Add(signOnTTL)}
	id := randomToken(16)
	s.auth().flows[id] = flow
	c.page(http.StatusOK, pageSignOn, signOnPage{Action: "/" + env.id + "/as/signon", FlowID: id,
		AppName: app.str("name"), Username: q.Get("login_hint")})
}

// handleSignOn is POST /{envID}/as/signon, the target of the sign-on form.
func (s *Server) handleSignOn(c *call, env *environment) {
	r := c.r
	if r.Method != http.MethodPost {
		c.w.Header().Set("Allow", "POST")
		c.page(http.StatusMethodNotAllowed, pageError, errorPage{Title: "Method not allowed", Message: "Use POST."})
		return
	}
	if err := r.ParseForm(); err != nil {
		c.page(http.StatusBadRequest, pageError, errorPage{Title: "Bad request", Message: "The form could not be parsed."})
		return
	}
	id := r.PostForm.Get("flowId")
	as := s.auth()
	flow := as.flows[id]
	if flow == nil || flow.envID != env.id || !s.now().Before(flow.expiresAt) {
		delete(as.flows, id)
		c.page(http.StatusBadRequest, pageError, errorPage{Title: "Sign-on expired",
			Message: "This sign-on page has expired or was already used. Start the sign-in again from your application."})
		return
	}
	app := s.st.app(env.id, flow.clientID)
	if app == nil {
		delete(as.flows, id)
		c.page(http.StatusBadRequest, pageError, errorPage{Title: "Sign-on failed", Message: "The application no longer exists."})
		return
	}
	if r.PostForm.Get("action") == "cancel" {
		delete(as.flows, id)
		s.redirectError(c, flow.redirectURI, flow.state, "access_denied", "The user cancelled the sign-on.")
		return
	}
	username := r.PostForm.Get("username")
	u := s.checkPassword(env.id, username, r.PostForm.Get("password"))
	if u == nil {
		c.page(http.StatusOK, pageSignOn, signOnPage{Action: "/" + env.id + "/as/signon", FlowID: id,
			AppName: app.str("name"), Username: username, Error: "Incorrect username or password."})
		return
	}
	delete(as.flows, id)
	if desc := s.accessDenied(app, u); desc != "" {
		s.redirectError(c, flow.redirectURI, flow.state, "access_denied", desc)
		return
	}
	code := randomToken(32)
	now := s.now()
	as.codes[code] = &authCode{envID: env.id, clientID: app.id, userID: u.id, redirectURI: flow.redirectURI,
		nonce: flow.nonce, scopes: flow.scopes, challenge: flow.challenge, challengeMethod: flow.challengeMethod,
		authTime: now, expiresAt: now.Add(authCodeTTL)}
	vals := url.Values{"code": {code}}
	if flow.state != "" {
		vals.Set("state", flow.state)
	}
	c.redirect(flow.redirectURI, vals)
}

// checkPassword returns the enabled user of envID with that username and
// password, or nil. [unconfirmed] usernames compare case-insensitively.
func (s *Server) checkPassword(envID, username, password string) *user {
	for _, u := range s.st.users {
		if u.envID == envID && strings.EqualFold(u.username, strings.TrimSpace(username)) && u.enabled &&
			subtle.ConstantTimeCompare([]byte(u.password), []byte(password)) == 1 {
			return u
		}
	}
	return nil
}

// adminRoles are the roles that make a user an administrator for
// accessControl.role.type ADMIN_USERS_ONLY: "The user must have one of the
// following roles: Organization Admin, Environment Admin, Identity Data
// Admin, Client Application Developer". Read-only roles, Help Desk and
// custom roles do not count.
var adminRoles = []string{RoleOrganizationAdmin, RoleEnvironmentAdmin, RoleIdentityDataAdmin, RoleClientApplicationDeveloper}

// accessDenied applies the app's accessControl to u and returns why the user
// may not sign on, or "". Both policies must pass when both are set.
//
//   - role ADMIN_USERS_ONLY: u must hold one of adminRoles, directly or
//     through a group, at a scope covering the app's environment: the
//     ORGANIZATION scope of its organization or the ENVIRONMENT scope of its
//     environment. A POPULATION or APPLICATION scope does not count.
//     [unconfirmed] which scopes count: PingOne does not document it.
//   - group {type, groups}: ANY_GROUP admits a member of at least one listed
//     group, ALL_GROUPS a member of every one (static or dynamic groups;
//     direct membership only).
//
// Role assignments still propagating (SetPropagationDelay) do not count.
// [unconfirmed] PingOne's wording of the refusal.
func (s *Server) accessDenied(app *application, u *user) string {
	ac, _ := app.fields["accessControl"].(map[string]any)
	if role, _ := ac["role"].(map[string]any); role != nil && role["type"] == "ADMIN_USERS_ONLY" && !s.isAdminFor(u, app.envID) {
		return "The user does not have access to this application: it admits administrators only."
	}
	if g, _ := ac["group"].(map[string]any); g != nil {
		listed, _ := g["groups"].([]any)
		in := 0
		for _, x := range listed {
			xm, _ := x.(map[string]any)
			id, _ := xm["id"].(string)
			if grp := s.st.group(app.envID, id); grp != nil && s.st.isMember(grp, u) {
				in++
			}
		}
		admitted := false
		switch g["type"] {
		case "ANY_GROUP":
			admitted = in > 0
		case "ALL_GROUPS":
			admitted = len(listed) > 0 && in == len(listed)
		}
		if !admitted {
			return "The user does not have access to this application: the user is not in a required group."
		}
	}
	return ""
}

// isAdminFor reports whether u holds one of adminRoles (effective,
// propagated assignments) at a scope covering envID.
func (s *Server) isAdminFor(u *user, envID string) bool {
	for _, ra := range s.actorAssignments(&actor{kind: subjectUser, id: u.id, envID: u.envID}) {
		if r := s.st.role(ra.roleID); r != nil && slices.Contains(adminRoles, r.Name) && s.covers(ra, target{envID: envID}) {
			return true
		}
	}
	return false
}

// userGrantScopes checks the requested scopes of a user grant. openid is
// always allowed for an OIDC app; any other scope must be granted to the app.
// [unconfirmed] PingOne's exact rules (pingone-api.md §8: workers using user
// grants may be given only OIDC scopes).
func (s *Server) userGrantScopes(app *application, requested string) ([]string, string) {
	granted := map[string]bool{"openid": true}
	for _, g := range s.st.grants {
		if g.appID != app.id {
			continue
		}
		for _, id := range g.scopeIDs {
			if sc := s.st.scope(app.envID, id); sc != nil {
				granted[sc.name] = true
			}
		}
	}
	var out []string
	for _, name := range strings.Fields(requested) {
		if !granted[name] {
			return nil, "The requested scope is not granted to the application: " + name
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out, ""
}

func (s *Server) redirectError(c *call, redirectURI, state, code, desc string) {
	vals := url.Values{"error": {code}, "error_description": {desc}}
	if state != "" {
		vals.Set("state", state)
	}
	c.redirect(redirectURI, vals)
}

// redirect sends a 302 to base with vals added to its query.
func (c *call) redirect(base string, vals url.Values) {
	u, _ := url.Parse(base)
	q := u.Query()
	for k, v := range vals {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	c.w.Header().Set("Location", u.String())
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.WriteHeader(http.StatusFound)
}

// ---- /as/token grants ---------------------------------------------------------

// tokenAuthorizationCode redeems an authorization code (RFC 6749 §4.1.3,
// RFC 7636 §4.6). Every failure is invalid_grant.
func (s *Server) tokenAuthorizationCode(c *call, env *environment, app *application) {
	form := c.r.PostForm
	as := s.auth()
	codeStr := form.Get("code")
	code := as.codes[codeStr]
	bad := func(desc string) { c.oauthError(http.StatusBadRequest, "invalid_grant", desc) }
	switch {
	case codeStr == "" || code == nil || code.envID != env.id:
		bad("The authorization code is invalid.")
		return
	case code.clientID != app.id:
		bad("The authorization code was issued to another client.")
		return
	case code.used:
		// RFC 6749 §4.1.2: a reused code revokes what it issued.
		for _, rt := range as.byCode[codeStr] {
			as.revoked[rt.family] = true
		}
		bad("The authorization code has already been used.")
		return
	case !s.now().Before(code.expiresAt):
		delete(as.codes, codeStr)
		bad("The authorization code has expired.")
		return
	case form.Get("redirect_uri") != code.redirectURI:
		bad("redirect_uri does not match the one in the authorization request.")
		return
	}
	if !slices.Contains(app.strs("grantTypes"), "AUTHORIZATION_CODE") {
		c.oauthError(http.StatusBadRequest, "unauthorized_client", "The client is not authorized to use the authorization_code grant.")
		return
	}
	if code.challenge != "" {
		v := form.Get("code_verifier")
		if v == "" {
			bad("The request is missing code_verifier.")
			return
		}
		want := v
		if code.challengeMethod == "S256" {
			sum := sha256.Sum256([]byte(v))
			want = b64.EncodeToString(sum[:])
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code.challenge)) != 1 {
			bad("code_verifier does not match the code_challenge.")
			return
		}
	}
	code.used = true
	u := s.st.user(env.id, code.userID)
	if u == nil || !u.enabled {
		bad("The user no longer exists or is disabled.")
		return
	}
	if desc := s.accessDenied(app, u); desc != "" {
		bad(desc)
		return
	}
	rt := s.issueUserTokens(c, env, app, u, code.scopes, code.authTime, code.nonce, "")
	if rt != nil {
		as.byCode[codeStr] = append(as.byCode[codeStr], rt)
	}
}

// tokenRefresh redeems a refresh token with rotation: the response carries a
// new refresh token and the old one stops working. With
// additionalRefreshTokenReplayProtectionEnabled (default true) reusing a
// rotated token revokes the whole family. [simplification] The rolling grace
// period (refreshTokenRollingGracePeriodDuration) is not simulated: a rotated
// token is never accepted again.
//
// What sign-on checked is checked again: the user must still exist, be
// enabled and pass the app's accessControl (accessDenied), else the family
// is revoked and the answer is invalid_grant; a disabled app is refused by
// authenticateClient (invalid_client), as at every grant. [unconfirmed]
// PingOne documents the access policies at sign-on only; the simulator
// re-applies them at every redemption (code, refresh token, device code).
func (s *Server) tokenRefresh(c *call, env *environment, app *application) {
	form := c.r.PostForm
	as := s.auth()
	bad := func(desc string) { c.oauthError(http.StatusBadRequest, "invalid_grant", desc) }
	if !slices.Contains(app.strs("grantTypes"), "REFRESH_TOKEN") {
		c.oauthError(http.StatusBadRequest, "unauthorized_client", "The client is not authorized to use the refresh_token grant.")
		return
	}
	tokStr := form.Get("refresh_token")
	rt := as.refresh[tokStr]
	switch {
	case tokStr == "" || rt == nil || rt.envID != env.id || as.revoked[rt.family]:
		bad("The refresh token is invalid or has been revoked.")
		return
	case rt.clientID != app.id:
		bad("The refresh token was issued to another client.")
		return
	case rt.used:
		if v, ok := app.fields["additionalRefreshTokenReplayProtectionEnabled"].(bool); !ok || v {
			as.revoked[rt.family] = true
		}
		bad("The refresh token has already been used.")
		return
	case !s.now().Before(rt.expiresAt):
		bad("The refresh token has expired.")
		return
	}
	scopes := rt.scopes
	if req := strings.Fields(form.Get("scope")); len(req) > 0 {
		for _, sc := range req {
			if !slices.Contains(rt.scopes, sc) {
				c.oauthError(http.StatusBadRequest, "invalid_scope", "The requested scope exceeds the original grant: "+sc)
				return
			}
		}
		scopes = req
	}
	u := s.st.user(env.id, rt.userID)
	if u == nil || !u.enabled {
		as.revoked[rt.family] = true
		bad("The user no longer exists or is disabled.")
		return
	}
	if desc := s.accessDenied(app, u); desc != "" {
		as.revoked[rt.family] = true
		bad(desc)
		return
	}
	rt.used = true
	s.issueUserTokens(c, env, app, u, scopes, rt.authTime, "", rt.family)
}

// tokenDeviceCode polls a device authorization (RFC 8628 §3.4-3.5).
func (s *Server) tokenDeviceCode(c *call, env *environment, app *application) {
	form := c.r.PostForm
	as := s.auth()
	dg := as.devices[form.Get("device_code")]
	oauthErr := func(code, desc string) { c.oauthError(http.StatusBadRequest, code, desc) }
	if !slices.Contains(app.strs("grantTypes"), "DEVICE_CODE") {
		oauthErr("unauthorized_client", "The client is not authorized to use the device_code grant.")
		return
	}
	now := s.now()
	switch {
	case dg == nil || dg.envID != env.id:
		oauthErr("invalid_grant", "The device code is invalid.")
		return
	case dg.clientID != app.id:
		oauthErr("invalid_grant", "The device code was issued to another client.")
		return
	case dg.status == "consumed":
		oauthErr("invalid_grant", "The device code has already been used.")
		return
	case !now.Before(dg.expiresAt):
		oauthErr("expired_token", "The device code has expired.")
		return
	case dg.status == "denied":
		oauthErr("access_denied", "The user denied the request.")
		return
	}
	last := dg.lastPoll
	dg.lastPoll = now
	if !last.IsZero() && now.Sub(last) < dg.interval {
		dg.interval += slowDownStep
		oauthErr("slow_down", "The client is polling too quickly.")
		return
	}
	if dg.status == "pending" {
		oauthErr("authorization_pending", "The user has not yet completed sign-on.")
		return
	}
	u := s.st.user(env.id, dg.userID)
	if u == nil || !u.enabled {
		oauthErr("access_denied", "The user no longer exists or is disabled.")
		return
	}
	if desc := s.accessDenied(app, u); desc != "" {
		dg.status = "denied"
		oauthErr("access_denied", desc)
		return
	}
	dg.status = "consumed"
	s.issueUserTokens(c, env, app, u, dg.scopes, dg.authTime, "", "")
}

// issueUserTokens writes a token response for a signed-in user: an access
// token (sub = user ID), a refresh token when the app has the REFRESH_TOKEN
// grant, and an ID token when openid was granted. family is the refresh-token
// family to continue ("" starts one). It returns the refresh grant, if any.
// [unconfirmed] PingOne may also issue a refresh token for offline_access
// without the REFRESH_TOKEN grant; we require the grant.
func (s *Server) issueUserTokens(c *call, env *environment, app *application, u *user, scopes []string, authTime time.Time, nonce, family string) *refreshGrant {
	iss := issuer(c.r, env.id)
	now := s.now()
	at := s.mint(iss, env.id, app.id, u.id, audienceFor(app), scopes, defaultTokenTTL)
	resp := map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": int(defaultTokenTTL.Seconds())}
	if len(scopes) > 0 {
		resp["scope"] = strings.Join(scopes, " ")
	}
	var rt *refreshGrant
	if slices.Contains(app.strs("grantTypes"), "REFRESH_TOKEN") {
		if family == "" {
			family = randomToken(12)
		}
		dur := time.Duration(intField(app, "refreshTokenDuration", 2592000)) * time.Second
		exp := now.Add(dur)
		if roll, ok := app.fields["refreshTokenRollingDuration"].(int64); ok {
			// The rolling duration caps the whole chain from the sign-on.
			exp = minTime(exp, authTime.Add(time.Duration(roll)*time.Second))
		}
		tok := randomToken(32) // opaque (refreshTokenType OPAQUE_TOKEN, the default)
		rt = &refreshGrant{envID: env.id, clientID: app.id, userID: u.id, family: family, scopes: scopes,
			authTime: authTime, expiresAt: exp}
		s.auth().refresh[tok] = rt
		resp["refresh_token"] = tok
	}
	if slices.Contains(scopes, "openid") {
		claims := map[string]any{
			"iss": iss, "sub": u.id, "aud": app.id, "iat": now.Unix(), "exp": now.Add(defaultTokenTTL).Unix(),
			"auth_time": authTime.Unix(), "env": env.id, "org": s.st.org.id, "sid": s.newID(),
		}
		if nonce != "" {
			claims["nonce"] = nonce
		}
		if slices.Contains(scopes, "profile") {
			claims["preferred_username"] = u.username
			claims["given_name"], claims["family_name"] = u.given, u.family
		}
		resp["id_token"] = s.sign(claims)
	}
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.Header().Set("Pragma", "no-cache")
	c.json(http.StatusOK, resp)
	return rt
}

func intField(app *application, key string, def int64) int64 {
	if v, ok := app.fields[key].(int64); ok {
		return v
	}
	return def
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// ---- device authorization -------------------------------------------------------

// handleDeviceAuthorization is POST /{envID}/as/device_authorization
// (RFC 8628 §3.1-3.2; response as in pingone-api.md §11).
func (s *Server) handleDeviceAuthorization(c *call, env *environment) {
	r := c.r
	if !c.oauthForm("device authorization") {
		return
	}
	app, ok := s.authenticateClient(c, env)
	if !ok {
		return
	}
	if !slices.Contains(app.strs("grantTypes"), "DEVICE_CODE") {
		c.oauthError(http.StatusBadRequest, "unauthorized_client", "The client is not authorized to use the device_code grant.")
		return
	}
	scopes, desc := s.userGrantScopes(app, r.PostForm.Get("scope"))
	if desc != "" {
		c.oauthError(http.StatusBadRequest, "invalid_scope", desc)
		return
	}
	as := s.auth()
	code := newUserCode()
	for as.users[normUserCode(code)] != "" {
		code = newUserCode()
	}
	timeout := time.Duration(intField(app, "deviceTimeout", 600)) * time.Second
	interval := time.Duration(intField(app, "devicePollingInterval", 5)) * time.Second
	dg := &deviceGrant{deviceCode: randomToken(32), userCode: code, envID: env.id, clientID: app.id, scopes: scopes,
		expiresAt: s.now().Add(timeout), interval: interval, status: "pending"}
	as.devices[dg.deviceCode] = dg
	as.users[normUserCode(code)] = dg.deviceCode
	verify := baseURL(r) + "/" + env.id + "/device"
	if p := app.str("devicePathId"); p != "" {
		verify += "/" + p
	}
	c.w.Header().Set("Cache-Control", "no-store")
	c.json(http.StatusOK, map[string]any{
		"device_code": dg.deviceCode, "user_code": code,
		"verification_uri":          verify,
		"verification_uri_complete": verify + "?user_code=" + url.QueryEscape(code),
		"expires_in":                int(timeout.Seconds()), "interval": int(interval.Seconds()),
	})
}

// serveDevicePage is the verification page at /{envID}/device[/{pathId}]:
// enter the user code (or arrive with ?user_code=), sign on, done.
func (s *Server) serveDevicePage(w http.ResponseWriter, r *http.Request, envID string, rest []string) {
	c := &call{s: s, w: w, r: r}
	env := s.st.env(envID)
	if env == nil || len(rest) > 1 {
		c.page(http.StatusNotFound, pageError, errorPage{Title: "Not found", Message: "There is no such page."})
		return
	}
	action := r.URL.Path
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		c.w.Header().Set("Allow", "GET, POST")
		c.page(http.StatusMethodNotAllowed, pageError, errorPage{Title: "Method not allowed", Message: "Use GET or POST."})
		return
	}
	if err := r.ParseForm(); err != nil {
		c.page(http.StatusBadRequest, pageError, errorPage{Title: "Bad request", Message: "The form could not be parsed."})
		return
	}
	typed := r.Form.Get("user_code")
	if typed == "" {
		c.page(http.StatusOK, pageDeviceCode, devicePage{Action: action})
		return
	}
	as := s.auth()
	dg := as.devices[as.users[normUserCode(typed)]]
	if dg == nil || dg.envID != envID || dg.status != "pending" || !s.now().Before(dg.expiresAt) {
		c.page(http.StatusOK, pageDeviceCode, devicePage{Action: action, UserCode: typed,
			Error: "That code is not valid or has expired. Check the code shown on your device."})
		return
	}
	app := s.st.app(envID, dg.clientID)
	if app == nil {
		c.page(http.StatusBadRequest, pageError, errorPage{Title: "Sign-on failed", Message: "The application no longer exists."})
		return
	}
	if path := app.str("devicePathId"); len(rest) == 1 && rest[0] != path {
		c.page(http.StatusNotFound, pageError, errorPage{Title: "Not found", Message: "There is no such page."})
		return
	}
	page := signOnPage{Action: action, UserCode: dg.userCode, AppName: app.str("name")}
	if r.Method == http.MethodGet {
		c.page(http.StatusOK, pageSignOn, page)
		return
	}
	if r.PostForm.Get("action") == "cancel" {
		dg.status = "denied"
		c.page(http.StatusOK, pageDone, donePage{Title: "Sign-on cancelled", Message: "You cancelled the sign-on. You can close this window."})
		return
	}
	page.Username = r.PostForm.Get("username")
	u := s.checkPassword(envID, page.Username, r.PostForm.Get("password"))
	if u == nil {
		page.Error = "Incorrect username or password."
		c.page(http.StatusOK, pageSignOn, page)
		return
	}
	if desc := s.accessDenied(app, u); desc != "" {
		dg.status = "denied"
		c.page(http.StatusForbidden, pageError, errorPage{Title: "Access denied", Message: desc, Code: "access_denied"})
		return
	}
	dg.status, dg.userID, dg.authTime = "approved", u.id, s.now()
	c.page(http.StatusOK, pageDone, donePage{Title: "Device signed in",
		Message: "Device signed in. You can close this window and return to your device."})
}

// ---- /as/userinfo ---------------------------------------------------------------

// handleUserInfo is GET|POST /{envID}/as/userinfo with a user access token.
// Claims follow the granted scopes (OIDC Core §5.4): sub always, the profile
// claims with profile, email with email. A client_credentials token (no sub)
// gets 403 ACCESS_FAILED (pingone-api.md §11; [unconfirmed] status and
// detail).
func (s *Server) handleUserInfo(c *call, env *environment) {
	if c.r.Method != http.MethodGet && c.r.Method != http.MethodPost {
		c.methodNotAllowed([]string{"GET", "POST"})
		return
	}
	tok, ok := strings.CutPrefix(c.r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		c.unauthorized()
		return
	}
	claims, err := s.verify(strings.TrimSpace(tok), apiAudience, openidAudience)
	if err != nil || claims["env"] != env.id {
		c.unauthorized()
		return
	}
	sub, _ := claims["sub"].(string)
	if sub == "" {
		c.fail(http.StatusForbidden, "ACCESS_FAILED", msgAccessFailed,
			detail{Code: "INSUFFICIENT_PERMISSIONS", Message: "userinfo needs a token issued to a user, not a client credentials token."})
		return
	}
	u := s.st.user(env.id, sub)
	if u == nil {
		c.unauthorized()
		return
	}
	scope, _ := claims["scope"].(string)
	scopes := strings.Fields(scope)
	out := map[string]any{"sub": u.id}
	if slices.Contains(scopes, "profile") {
		out["preferred_username"] = u.username
		out["given_name"] = u.given
		out["family_name"] = u.family
		out["name"] = u.given + " " + u.family
		out["updated_at"] = u.updatedAt.Unix()
	}
	if slices.Contains(scopes, "email") {
		out["email"] = u.email
		out["email_verified"] = true
	}
	c.json(http.StatusOK, out)
}

// ---- HTML -----------------------------------------------------------------------

type signOnPage struct {
	Action, FlowID, UserCode, AppName, Username, Error string
}

type devicePage struct {
	Action, UserCode, Error string
}

type errorPage struct {
	Title, Message, Code string
}

type donePage struct {
	Title, Message string
}

const pageHead = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:sans-serif;max-width:28em;margin:3em auto}label{display:block;margin:.8em 0}
input{font-size:1em;padding:.3em;width:100%}.error{color:#b00020}</style></head><body>`

var (
	pageSignOn = template.Must(template.New("signon").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Sign On</title></head><body>
<h1>Sign On</h1>
{{if .AppName}}<p>to continue to <strong>{{.AppName}}</strong></p>{{end}}
{{if .Error}}<p class="error" id="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}" id="signon">
{{if .FlowID}}<input type="hidden" name="flowId" value="{{.FlowID}}">{{end}}
{{if .UserCode}}<input type="hidden" name="user_code" value="{{.UserCode}}">{{end}}
<label>Username <input type="text" name="username" id="username" autocomplete="username" value="{{.Username}}" autofocus required></label>
<label>Password <input type="password" name="password" id="password" autocomplete="current-password" required></label>
<button type="submit" name="action" value="signon" id="signOn">Sign On</button>
<button type="submit" name="action" value="cancel" id="cancel" formnovalidate>Cancel</button>
</form></body></html>`))

	pageDeviceCode = template.Must(template.New("device").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Activate your device</title></head><body>
<h1>Activate your device</h1>
<p>Enter the code shown on your device.</p>
{{if .Error}}<p class="error" id="error" role="alert">{{.Error}}</p>{{end}}
<form method="get" action="{{.Action}}" id="device">
<label>Code <input type="text" name="user_code" id="user_code" value="{{.UserCode}}" autocomplete="off" autofocus required></label>
<button type="submit" id="next">Next</button>
</form></body></html>`))

	pageError = template.Must(template.New("error").Parse(pageHead + `<h1>{{.Title}}</h1>
<p class="error" id="error">{{.Message}}</p>{{if .Code}}<p>Error: <code>{{.Code}}</code></p>{{end}}</body></html>`))

	pageDone = template.Must(template.New("done").Parse(pageHead + `<h1 id="done">{{.Title}}</h1><p>{{.Message}}</p></body></html>`))
)

// page renders an HTML page. Pages are never cached and may not be framed.
func (c *call) page(status int, t *template.Template, data any) {
	h := c.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	c.w.WriteHeader(status)
	_ = t.Execute(c.w, data)
}
