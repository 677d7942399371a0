package pingonetest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// assertion signs an RFC 7523 client assertion with key (a []byte for HS256).
func assertion(t *testing.T, alg jose.SignatureAlgorithm, key any, kid string, claims jwt.Claims) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	k := key
	if kid != "" {
		k = jose.JSONWebKey{Key: key, KeyID: kid}
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: k}, opts)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (f *fixture) assertionClaims(clientID string) jwt.Claims {
	now := time.Now()
	return jwt.Claims{Issuer: clientID, Subject: clientID, Audience: jwt.Audience{f.srv.URL + "/" + f.prod() + "/as/token"},
		ID: rand.Text(), Expiry: jwt.NewNumericDate(now.Add(time.Minute)), IssuedAt: jwt.NewNumericDate(now)}
}

func (f *fixture) tokenWithAssertion(a string, extra url.Values) resp {
	vals := url.Values{"grant_type": {"client_credentials"}, "client_assertion_type": {clientAssertionType}, "client_assertion": {a}}
	for k, v := range extra {
		vals[k] = v
	}
	return f.form("/"+f.prod()+"/as/token", vals, "", "")
}

func (f *fixture) jwtWorker(method string, more map[string]any) (id, secret string) {
	body := workerBody("JWT " + method)
	body["tokenEndpointAuthMethod"] = method
	for k, v := range more {
		body[k] = v
	}
	r := f.do(f.admin(), "POST", f.appsPath(f.prod()), body)
	f.expect(r, 201)
	id = r.body["id"].(string)
	return id, f.sim.ApplicationSecret(f.prod(), id)
}

func TestAClientSecretJWTAssertionSignsInAndEveryFlawIsRefused(t *testing.T) {
	f := newFixture(t)
	id, secret := f.jwtWorker("CLIENT_SECRET_JWT", nil)
	good := f.assertionClaims(id)
	if r := f.tokenWithAssertion(assertion(t, jose.HS256, []byte(secret), "", good), nil); r.status != 200 || r.body["access_token"] == nil {
		t.Fatalf("a good assertion: %d %v", r.status, r.body)
	}
	// The same jti again.
	if r := f.tokenWithAssertion(assertion(t, jose.HS256, []byte(secret), "", good), nil); r.status != 401 || !strings.Contains(r.body["error_description"].(string), "already used") {
		t.Fatalf("a replayed jti: %d %v", r.status, r.body)
	}
	for name, change := range map[string]func(c *jwt.Claims){
		"another audience": func(c *jwt.Claims) { c.Audience = jwt.Audience{"https://auth.pingone.com/x/as/token"} },
		"expired":          func(c *jwt.Claims) { c.Expiry = jwt.NewNumericDate(time.Now().Add(-time.Second)) },
		"no exp":           func(c *jwt.Claims) { c.Expiry = nil },
		"another issuer":   func(c *jwt.Claims) { c.Issuer = "someone" },
		"no jti":           func(c *jwt.Claims) { c.ID = "" },
	} {
		c := f.assertionClaims(id)
		change(&c)
		if r := f.tokenWithAssertion(assertion(t, jose.HS256, []byte(secret), "", c), nil); r.status != 401 || r.body["error"] != "invalid_client" {
			t.Errorf("%s: %d %v", name, r.status, r.body)
		}
	}
	if r := f.tokenWithAssertion(assertion(t, jose.HS256, []byte(strings.Repeat("x", 64)), "", f.assertionClaims(id)), nil); r.status != 401 {
		t.Errorf("the wrong secret: %d %v", r.status, r.body)
	}
	if r := f.tokenWithAssertion(assertion(t, jose.HS256, []byte(secret), "", f.assertionClaims(id)), url.Values{"client_secret": {secret}}); r.status != 400 {
		t.Errorf("an assertion and a secret: %d %v", r.status, r.body)
	}
	if r := f.tokenWithAssertion(assertion(t, jose.HS256, []byte(secret), "", f.assertionClaims(id)), url.Values{"client_id": {"other"}}); r.status != 401 {
		t.Errorf("a client_id that is not the assertion's: %d %v", r.status, r.body)
	}
	// A CLIENT_SECRET_JWT app does not take its secret as such.
	if r := f.form("/"+f.prod()+"/as/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}, "", ""); r.status != 401 {
		t.Errorf("the secret posted to a CLIENT_SECRET_JWT app: %d %v", r.status, r.body)
	}
}

func TestAPrivateKeyJWTAssertionVerifiesWithTheAppsKeys(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	set, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"}}})
	served := map[string][]byte{"https://connector.example.com/jwks.json": set}
	f := newFixture(t, WithJWKSFetcher(func(u string) ([]byte, error) {
		if b, ok := served[u]; ok {
			return b, nil
		}
		return nil, errors.New("404")
	}))
	inline, _ := f.jwtWorker("PRIVATE_KEY_JWT", map[string]any{"jwks": string(set)})
	byURL, _ := f.jwtWorker("PRIVATE_KEY_JWT", map[string]any{"name": "JWT by URL", "jwksUrl": "https://connector.example.com/jwks.json"})
	for _, id := range []string{inline, byURL} {
		if r := f.tokenWithAssertion(assertion(t, jose.ES256, key, "k1", f.assertionClaims(id)), nil); r.status != 200 {
			t.Fatalf("the app's key: %d %v", r.status, r.body)
		}
		if r := f.tokenWithAssertion(assertion(t, jose.ES256, other, "k1", f.assertionClaims(id)), nil); r.status != 401 {
			t.Errorf("a key not in the set: %d %v", r.status, r.body)
		}
		if r := f.tokenWithAssertion(assertion(t, jose.HS256, []byte(strings.Repeat("s", 64)), "", f.assertionClaims(id)), nil); r.status != 401 || r.body["error_description"] != "Unsupported authentication method" {
			t.Errorf("HS256 to a PRIVATE_KEY_JWT app: %d %v", r.status, r.body)
		}
	}
	delete(served, "https://connector.example.com/jwks.json")
	if r := f.tokenWithAssertion(assertion(t, jose.ES256, key, "k1", f.assertionClaims(byURL)), nil); r.status != 401 || !strings.Contains(r.body["error_description"].(string), "jwksUrl") {
		t.Errorf("a jwksUrl that cannot be read: %d %v", r.status, r.body)
	}
}

func TestMalformedAssertionsAndKeySetsAreRefusedWithTheirReason(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	wrong, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	// k1 is not the signing key, k2 is: an assertion naming k1 must not verify with k2.
	set, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &wrong.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"},
		{Key: &key.PublicKey, KeyID: "k2", Algorithm: "ES256", Use: "sig"},
	}})
	f := newFixture(t, WithJWKSFetcher(func(string) ([]byte, error) { return nil, errors.New("unreachable") }))
	id, _ := f.jwtWorker("PRIVATE_KEY_JWT", map[string]any{"jwks": string(set)})
	if r := f.tokenWithAssertion(assertion(t, jose.ES256, key, "k2", f.assertionClaims(id)), nil); r.status != 200 {
		t.Fatalf("the right kid: %d %v", r.status, r.body)
	}
	if r := f.tokenWithAssertion(assertion(t, jose.ES256, key, "k1", f.assertionClaims(id)), nil); r.status != 401 {
		t.Errorf("signed by k2 but naming k1: %d %v", r.status, r.body)
	}
	if r := f.tokenWithAssertion("not.a.jwt", nil); r.status != 401 || !strings.Contains(r.body["error_description"].(string), "not a signed JWT") {
		t.Errorf("garbage: %d %v", r.status, r.body)
	}
	good := assertion(t, jose.ES256, key, "k2", f.assertionClaims(id))
	if r := f.tokenWithAssertion(good, url.Values{"client_assertion_type": {"urn:something:else"}}); r.status != 401 {
		t.Errorf("another assertion type: %d %v", r.status, r.body)
	}
	// An app with both: the inline keys are used, the URL is not fetched.
	both, _ := f.jwtWorker("PRIVATE_KEY_JWT", map[string]any{"name": "Both", "jwks": string(set), "jwksUrl": "https://keys.example.com/jwks"})
	if r := f.tokenWithAssertion(assertion(t, jose.ES256, key, "k2", f.assertionClaims(both)), nil); r.status != 200 {
		t.Errorf("inline keys beside a jwksUrl: %d %v", r.status, r.body)
	}
	empty, _ := f.jwtWorker("PRIVATE_KEY_JWT", map[string]any{"name": "Empty", "jwks": `{"keys":[]}`})
	if r := f.tokenWithAssertion(assertion(t, jose.ES256, key, "k2", f.assertionClaims(empty)), nil); r.status != 401 || !strings.Contains(r.body["error_description"].(string), "no usable JWKS") {
		t.Errorf("an empty key set: %d %v", r.status, r.body)
	}
}
