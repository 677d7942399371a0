package pingonetest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// apiAudience is the audience of the PingOne API resource, in the aud of
// access tokens issued to WORKER applications [unconfirmed value;
// pingone-api.md does not give it].
const apiAudience = "https://api.pingone.com"

// openidAudience is the audience of an environment's openid resource, the aud
// of access tokens issued to every other application type. The Management API
// refuses such tokens (401) and userinfo accepts them.
const openidAudience = "https://auth.pingone.com"

// audienceFor is the aud of access tokens issued to app. Only a WORKER's
// tokens carry the PingOne API audience and so reach the Management API;
// [unconfirmed] that a non-worker's token (a SINGLE_PAGE_APP granted only
// openid, say) is audienced to the openid resource and gets 401 from the
// Management API — PingOne documents that only worker applications call the
// Management API, not the exact token shape.
func audienceFor(app *application) string {
	if app != nil && app.str("type") == "WORKER" {
		return apiAudience
	}
	return openidAudience
}

// defaultTokenTTL is accessTokenValiditySeconds of the PingOne API resource.
const defaultTokenTTL = time.Hour

var b64 = base64.RawURLEncoding

// initKey makes the signing key ready. A key given with WithSigningKey is ready at once; otherwise
// a 2048-bit RSA key is generated in the background (tens of milliseconds), so a program that
// starts a Server — the demo — draws its first frame without waiting for it. Whatever signs or
// verifies a token waits for the key (signer).
func (s *Server) initKey() {
	s.keyReady = make(chan struct{})
	done := func() {
		sum := sha256.Sum256(s.key.N.Bytes())
		s.kid = b64.EncodeToString(sum[:12])
		close(s.keyReady)
	}
	if s.key != nil {
		done()
		return
	}
	go func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("pingonetest: generate RSA key: " + err.Error())
		}
		s.key = k
		done()
	}()
}

// signer waits for the signing key and returns it with its key ID.
func (s *Server) signer() (*rsa.PrivateKey, string) {
	<-s.keyReady
	return s.key, s.kid
}

// sign returns a compact RS256 JWT.
func (s *Server) sign(claims map[string]any) string {
	key, kid := s.signer()
	hdr, _ := json.Marshal(map[string]any{"alg": "RS256", "typ": "JWT", "kid": kid})
	body, _ := json.Marshal(claims)
	input := b64.EncodeToString(hdr) + "." + b64.EncodeToString(body)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		panic("pingonetest: sign token: " + err.Error())
	}
	return input + "." + b64.EncodeToString(sig)
}

var errBadToken = errors.New("invalid token")

// verify checks signature, algorithm, kid, expiry and that the audience is
// one of auds (the Management API passes only apiAudience), and returns the
// claims.
func (s *Server) verify(tok string, auds ...string) (map[string]any, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errBadToken
	}
	key, kid := s.signer()
	var hdr struct{ Alg, Kid string }
	hb, err := b64.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &hdr) != nil || hdr.Alg != "RS256" || hdr.Kid != kid {
		return nil, errBadToken
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, errBadToken
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return nil, errBadToken
	}
	cb, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, errBadToken
	}
	var claims map[string]any
	dec := json.NewDecoder(strings.NewReader(string(cb)))
	dec.UseNumber()
	if dec.Decode(&claims) != nil {
		return nil, errBadToken
	}
	exp, err := claimInt(claims, "exp")
	if err != nil || s.now().Unix() >= exp {
		return nil, errBadToken
	}
	if !slices.ContainsFunc(auds, func(a string) bool { return audContains(claims["aud"], a) }) {
		return nil, errBadToken
	}
	return claims, nil
}

func claimInt(claims map[string]any, k string) (int64, error) {
	n, ok := claims[k].(json.Number)
	if !ok {
		return 0, errBadToken
	}
	return n.Int64()
}

func audContains(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		for _, v := range a {
			if v == want {
				return true
			}
		}
	}
	return false
}

// mint builds an access token for audience aud. userID is empty for
// client-credentials tokens (PingOne omits sub and sid then). Every token
// carries env and org ([unconfirmed] for non-worker tokens; userinfo uses
// env to tie the token to its environment).
func (s *Server) mint(issuer, envID, clientID, userID, aud string, scopes []string, ttl time.Duration) string {
	now := s.now()
	claims := map[string]any{
		"client_id": clientID,
		"iss":       issuer,
		"jti":       s.newID(),
		"iat":       now.Unix(),
		"exp":       now.Add(ttl).Unix(),
		"aud":       []string{aud},
		"env":       envID,
		"org":       s.st.org.id,
	}
	if len(scopes) > 0 {
		claims["scope"] = strings.Join(scopes, " ")
	}
	if userID != "" {
		claims["sub"] = userID
		claims["sid"] = s.newID()
		claims["auth_time"] = now.Unix()
	}
	return s.sign(claims)
}

// IssueUserToken mints an access token for a user of envID, as if the user had
// signed in through the environment's admin console client ([unconfirmed]
// client_id). A negative ttl gives an already expired token. Tokens are
// signed for the issuer http://pingonetest.invalid/{envID}/as; the API checks
// signature, expiry and audience, not the issuer's host.
func (s *Server) IssueUserToken(envID, userID string, ttl time.Duration) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	client := s.seed.Production.AdminConsoleClientID
	if envID == s.seed.Sandbox.ID {
		client = s.seed.Sandbox.AdminConsoleClientID
	}
	// The admin console is PingOne's own client of the Management API.
	return s.mint("http://pingonetest.invalid/"+envID+"/as", envID, client, userID, apiAudience, []string{"openid"}, ttl)
}

// IssueAppToken mints a client-credentials access token for appID of envID
// without the OAuth exchange (no sub claim). As at the token endpoint, only a
// WORKER's token is valid for the Management API.
func (s *Server) IssueAppToken(envID, appID string, ttl time.Duration) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	aud := apiAudience
	if app := s.st.app(envID, appID); app != nil {
		aud = audienceFor(app)
	}
	return s.mint("http://pingonetest.invalid/"+envID+"/as", envID, appID, "", aud, nil, ttl)
}

// ---- authorization server --------------------------------------------------

// authEndpoints maps the path under /{envID}/as/ to its handler. The
// user-facing endpoints live in authserver.go; introspect, revoke and signoff
// are not simulated (404).
func (s *Server) authEndpoints() map[string]func(c *call, env *environment) {
	return map[string]func(c *call, env *environment){
		"token":                            s.handleToken,
		"jwks":                             s.handleJWKS,
		".well-known/openid-configuration": s.handleDiscovery,
		"authorize":                        s.handleAuthorize,
		"signon":                           s.handleSignOn,
		"device_authorization":             s.handleDeviceAuthorization,
		"userinfo":                         s.handleUserInfo,
	}
}

func (s *Server) serveAuth(w http.ResponseWriter, r *http.Request, envID string, rest []string) {
	c := &call{s: s, w: w, r: r}
	h, ok := s.authEndpoints()[strings.Join(rest, "/")]
	env := s.st.env(envID)
	if !ok || env == nil {
		// [unconfirmed] PingOne's body for an unknown auth path or environment.
		c.fail(http.StatusNotFound, "NOT_FOUND", msgNotFound)
		return
	}
	h(c, env)
}

func issuer(r *http.Request, envID string) string { return baseURL(r) + "/" + envID + "/as" }

// handleDiscovery serves the OpenID Provider metadata at
// {issuer}/.well-known/openid-configuration (the only location GOCLI's
// endpoints.go lists; /{envID}/.well-known/openid-configuration is not served).
func (s *Server) handleDiscovery(c *call, env *environment) {
	if c.r.Method != http.MethodGet {
		c.w.Header().Set("Allow", "GET")
		c.fail(http.StatusMethodNotAllowed, "INVALID_REQUEST", msgMethod)
		return
	}
	iss := issuer(c.r, env.id)
	c.json(http.StatusOK, map[string]any{
		"issuer":                                iss,
		"authorization_endpoint":                iss + "/authorize",
		"pushed_authorization_request_endpoint": iss + "/par",
		"token_endpoint":                        iss + "/token",
		"userinfo_endpoint":                     iss + "/userinfo",
		"jwks_uri":                              iss + "/jwks",
		"end_session_endpoint":                  iss + "/signoff",
		"introspection_endpoint":                iss + "/introspect",
		"revocation_endpoint":                   iss + "/revoke",
		"device_authorization_endpoint":         iss + "/device_authorization",
		"scopes_supported":                      openIDScopeNames,
		"response_types_supported":              []string{"code", "id_token", "token id_token", "code id_token", "code token", "code token id_token"},
		"response_modes_supported":              []string{"pi.flow", "query", "fragment", "form_post"},
		"grant_types_supported":                 []string{"authorization_code", "implicit", "client_credentials", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"},
		"code_challenge_methods_supported":      []string{"plain", "S256"},
		"claims_supported":                      []string{"sub", "iss", "auth_time", "acr", "name", "given_name", "family_name", "preferred_username", "email", "env", "org"},
	})
}

func (s *Server) handleJWKS(c *call, _ *environment) {
	if c.r.Method != http.MethodGet {
		c.w.Header().Set("Allow", "GET")
		c.fail(http.StatusMethodNotAllowed, "INVALID_REQUEST", msgMethod)
		return
	}
	key, kid := s.signer()
	pub := key.PublicKey
	c.json(http.StatusOK, map[string]any{"keys": []any{map[string]any{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
		"n": b64.EncodeToString(pub.N.Bytes()),
		"e": b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// oauthError writes an RFC 6749 §5.2 error.
func (c *call) oauthError(status int, code, description string) {
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.Header().Set("Pragma", "no-cache")
	c.json(status, map[string]string{"error": code, "error_description": description})
}

// handleToken is POST /{envID}/as/token: client_credentials here, the user
// grants (authorization_code, refresh_token, device_code) in authserver.go.
func (s *Server) handleToken(c *call, env *environment) {
	r := c.r
	if !c.oauthForm("token") {
		return
	}
	form := r.PostForm
	grantType := form.Get("grant_type")
	switch grantType {
	case "":
		c.oauthError(http.StatusBadRequest, "invalid_request", "The request is missing grant_type.")
		return
	case "client_credentials", "authorization_code", "refresh_token", grantDeviceCode:
	default:
		c.oauthError(http.StatusBadRequest, "unsupported_grant_type", "The grant type is not supported.")
		return
	}
	app, ok := s.authenticateClient(c, env)
	if !ok {
		return
	}
	switch grantType {
	case "authorization_code":
		s.tokenAuthorizationCode(c, env, app)
		return
	case "refresh_token":
		s.tokenRefresh(c, env, app)
		return
	case grantDeviceCode:
		s.tokenDeviceCode(c, env, app)
		return
	}
	if !slices.Contains(app.strs("grantTypes"), "CLIENT_CREDENTIALS") {
		c.oauthError(http.StatusBadRequest, "unauthorized_client", "The client is not authorized to use the client_credentials grant.")
		return
	}
	scopes, ok := s.clientCredentialScopes(c, app, form.Get("scope"))
	if !ok {
		return
	}
	tok := s.mint(issuer(r, env.id), env.id, app.id, "", audienceFor(app), scopes, defaultTokenTTL)
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.Header().Set("Pragma", "no-cache")
	resp := map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(defaultTokenTTL.Seconds())}
	if len(scopes) > 0 {
		resp["scope"] = strings.Join(scopes, " ")
	}
	c.json(http.StatusOK, resp)
}

// authenticateClient checks client authentication against the app's
// tokenEndpointAuthMethod. Failures are 401 invalid_client (RFC 6749 §5.2).
func (s *Server) authenticateClient(c *call, env *environment) (*application, bool) {
	r := c.r
	basicID, basicSecret, hasBasic := r.BasicAuth()
	// RFC 6749 §2.3.1: Basic credentials are form-urlencoded first.
	if u, err := url.QueryUnescape(basicID); err == nil {
		basicID = u
	}
	if p, err := url.QueryUnescape(basicSecret); err == nil {
		basicSecret = p
	}
	postID, postSecret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	fail := func(desc string) (*application, bool) {
		if hasBasic {
			c.w.Header().Set("WWW-Authenticate", `Basic realm="PingOne"`)
		}
		c.oauthError(http.StatusUnauthorized, "invalid_client", desc)
		return nil, false
	}
	if r.PostForm.Has("client_assertion") || r.PostForm.Has("client_assertion_type") {
		if hasBasic || postSecret != "" {
			c.oauthError(http.StatusBadRequest, "invalid_request", "The request uses more than one client authentication method.")
			return nil, false
		}
		app, desc := s.authenticateAssertion(c, env)
		if app == nil {
			return fail(desc)
		}
		return app, true
	}
	var id, secret, method string
	switch {
	case hasBasic && postSecret != "":
		c.oauthError(http.StatusBadRequest, "invalid_request", "The request uses more than one client authentication method.")
		return nil, false
	case hasBasic:
		id, secret, method = basicID, basicSecret, "CLIENT_SECRET_BASIC"
		if postID != "" && postID != basicID {
			return fail("Request denied: client_id mismatch.")
		}
	case postSecret != "":
		id, secret, method = postID, postSecret, "CLIENT_SECRET_POST"
	case postID != "":
		id, method = postID, "NONE"
	default:
		return fail("Request denied: the client is not authenticated.")
	}
	app := s.st.app(env.id, id)
	if app == nil {
		return fail("Request denied: unknown client.")
	}
	if app.str("tokenEndpointAuthMethod") != method {
		// [comm] pingcli sees "invalid_client: Unsupported authentication method".
		return fail("Unsupported authentication method")
	}
	if method != "NONE" && !s.secretMatches(app, secret) {
		return fail("Request denied: invalid client credentials.")
	}
	if !app.enabled() {
		// [unconfirmed] PingOne's description for a disabled application.
		return fail("Request denied: the application is disabled.")
	}
	return app, true
}

func (s *Server) secretMatches(app *application, secret string) bool {
	if subtle.ConstantTimeCompare([]byte(app.secret), []byte(secret)) == 1 {
		return true
	}
	if p := app.previous; p != nil && s.now().Before(p.expiresAt) &&
		subtle.ConstantTimeCompare([]byte(p.secret), []byte(secret)) == 1 {
		p.lastUsed = s.now()
		return true
	}
	return false
}

// clientCredentialScopes resolves the requested scope parameter against the
// app's grants. [unconfirmed] With no scope requested the token carries every
// granted non-OIDC scope; OIDC scopes (openid etc., which pingcli always
// sends) are dropped for client_credentials; any other scope the app has not
// been granted -> invalid_scope.
func (s *Server) clientCredentialScopes(c *call, app *application, requested string) ([]string, bool) {
	granted := map[string]bool{}
	var all []string
	for _, g := range s.st.grants {
		if g.appID != app.id {
			continue
		}
		res := s.st.resource(app.envID, g.resourceID)
		for _, id := range g.scopeIDs {
			if sc := s.st.scope(app.envID, id); sc != nil && res != nil && res.typ != "OPENID_CONNECT" {
				granted[sc.name] = true
				all = append(all, sc.name)
			}
		}
	}
	if strings.TrimSpace(requested) == "" {
		return all, true
	}
	var out []string
	for _, name := range strings.Fields(requested) {
		switch {
		case slices.Contains(openIDScopeNames, name):
			continue
		case granted[name]:
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		default:
			c.oauthError(http.StatusBadRequest, "invalid_scope", "The requested scope is not granted to the client: "+name)
			return nil, false
		}
	}
	return out, true
}

// oauthForm checks that an OAuth endpoint's request is a form POST and parses it, answering
// RFC 6749's invalid_request otherwise.
func (c *call) oauthForm(endpoint string) bool {
	r := c.r
	if r.Method != http.MethodPost {
		c.w.Header().Set("Allow", "POST")
		c.oauthError(http.StatusMethodNotAllowed, "invalid_request", "The "+endpoint+" endpoint accepts POST only.")
		return false
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		c.oauthError(http.StatusBadRequest, "invalid_request", "The request must be application/x-www-form-urlencoded.")
		return false
	}
	if err := r.ParseForm(); err != nil {
		c.oauthError(http.StatusBadRequest, "invalid_request", "The request body could not be parsed.")
		return false
	}
	return true
}
