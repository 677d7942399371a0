package pingonetest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// clientAssertionType is RFC 7523's client_assertion_type.
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// WithJWKSFetcher makes the Server read applications' jwksUrl with fetch instead of an HTTP GET
// (tests serve keys without a network).
func WithJWKSFetcher(fetch func(url string) ([]byte, error)) Option {
	return func(s *Server) { s.auth().fetchJWKS = fetch }
}

// assertionAlgs are the algorithms a client assertion may use: HS256 for CLIENT_SECRET_JWT, the
// asymmetric ones for PRIVATE_KEY_JWT [unconfirmed: PingOne's exact list; RFC 7518's usual].
var assertionAlgs = []jose.SignatureAlgorithm{jose.HS256, jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.ES256, jose.ES384, jose.ES512, jose.EdDSA}

// authenticateAssertion checks an RFC 7523 client assertion (CLIENT_SECRET_JWT: HS256 with the
// client secret; PRIVATE_KEY_JWT: a key of the app's jwks or jwksUrl). iss and sub must be the
// client ID, aud the token endpoint, exp in the future; a jti may be used once [unconfirmed:
// PingOne's replay rule and clock leeway; none is allowed here]. It returns the app, or nil and
// why.
func (s *Server) authenticateAssertion(c *call, env *environment) (*application, string) {
	form := c.r.PostForm
	if form.Get("client_assertion_type") != clientAssertionType || form.Get("client_assertion") == "" {
		return nil, "Request denied: client_assertion_type must be " + clientAssertionType + " with a client_assertion."
	}
	tok, err := jwt.ParseSigned(form.Get("client_assertion"), assertionAlgs)
	if err != nil || len(tok.Headers) != 1 {
		return nil, "Request denied: the client assertion is not a signed JWT."
	}
	var unverified jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return nil, "Request denied: the client assertion's claims cannot be read."
	}
	clientID := unverified.Subject
	if id := form.Get("client_id"); id != "" && id != clientID {
		return nil, "Request denied: client_id mismatch."
	}
	app := s.st.app(env.id, clientID)
	if app == nil {
		return nil, "Request denied: unknown client."
	}
	hmac := tok.Headers[0].Algorithm == string(jose.HS256)
	method := app.str("tokenEndpointAuthMethod")
	if (hmac && method != "CLIENT_SECRET_JWT") || (!hmac && method != "PRIVATE_KEY_JWT") {
		return nil, "Unsupported authentication method"
	}
	var claims jwt.Claims
	verified := false
	if hmac {
		keys := [][]byte{[]byte(app.secret)}
		if p := app.previous; p != nil && s.now().Before(p.expiresAt) {
			keys = append(keys, []byte(p.secret))
		}
		for _, k := range keys {
			if tok.Claims(k, &claims) == nil {
				verified = true
				break
			}
		}
	} else {
		set, why := s.appKeys(app)
		if set == nil {
			return nil, why
		}
		kid := tok.Headers[0].KeyID
		for _, k := range set.Keys {
			if kid != "" && k.KeyID != kid {
				continue
			}
			if tok.Claims(k.Key, &claims) == nil {
				verified = true
				break
			}
		}
	}
	if !verified {
		return nil, "Request denied: the client assertion's signature does not verify."
	}
	now := s.now()
	aud := issuer(c.r, env.id) + "/token"
	err = claims.ValidateWithLeeway(jwt.Expected{Issuer: clientID, Subject: clientID, AnyAudience: jwt.Audience{aud}, Time: now}, 0)
	switch {
	case claims.Issuer != clientID || claims.Subject != clientID:
		return nil, "Request denied: the client assertion's iss and sub must be the client ID."
	case claims.Expiry == nil:
		return nil, "Request denied: the client assertion has no exp."
	case err != nil:
		return nil, fmt.Sprintf("Request denied: the client assertion is not valid (%v; aud must be %s).", err, aud)
	case claims.ID == "":
		return nil, "Request denied: the client assertion has no jti."
	}
	as := s.auth()
	for id, exp := range as.jtis {
		if !now.Before(exp) {
			delete(as.jtis, id)
		}
	}
	if _, used := as.jtis[clientID+" "+claims.ID]; used {
		return nil, "Request denied: the client assertion was already used (jti)."
	}
	as.jtis[clientID+" "+claims.ID] = claims.Expiry.Time()
	if !app.enabled() {
		return nil, "Request denied: the application is disabled."
	}
	return app, ""
}

// appKeys is a PRIVATE_KEY_JWT app's public key set: its jwks, or what its jwksUrl serves.
func (s *Server) appKeys(app *application) (*jose.JSONWebKeySet, string) {
	raw := []byte(app.str("jwks"))
	if u := app.str("jwksUrl"); len(raw) == 0 && u != "" {
		fetch := s.auth().fetchJWKS
		if fetch == nil {
			fetch = httpGet
		}
		var err error
		if raw, err = fetch(u); err != nil {
			return nil, "Request denied: the application's jwksUrl could not be read."
		}
	}
	var set jose.JSONWebKeySet
	if len(raw) == 0 || json.Unmarshal(raw, &set) != nil || len(set.Keys) == 0 {
		return nil, "Request denied: the application has no usable JWKS."
	}
	return &set, ""
}

func httpGet(url string) ([]byte, error) {
	hc := &http.Client{Timeout: 5 * time.Second}
	res, err := hc.Get(url)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", url, res.Status)
	}
	return io.ReadAll(io.LimitReader(res.Body, 1<<20))
}
