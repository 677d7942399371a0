package pingone_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// tokenEndpoint records the client assertions it is sent and answers with a token.
type tokenEndpoint struct {
	mu    sync.Mutex
	forms []url.Values
}

func (e *tokenEndpoint) serve(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		e.mu.Lock()
		e.forms = append(e.forms, r.PostForm)
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"t` + time.Now().Format("150405.000000000") + `","token_type":"Bearer","expires_in":1}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// claimsOf verifies an assertion with key and returns its header and claims.
func claimsOf(t *testing.T, assertion string, key any, alg jose.SignatureAlgorithm) (jose.Header, josejwt.Claims) {
	t.Helper()
	tok, err := josejwt.ParseSigned(assertion, []jose.SignatureAlgorithm{alg})
	if err != nil {
		t.Fatalf("the assertion is not a %s JWT: %v", alg, err)
	}
	var c josejwt.Claims
	if err := tok.Claims(key, &c); err != nil {
		t.Fatalf("the assertion does not verify: %v", err)
	}
	return tok.Headers[0], c
}

func TestAClientSecretJWTTokenRequestCarriesAFreshAssertionSignedWithTheSecret(t *testing.T) {
	var e tokenEndpoint
	srv := e.serve(t)
	secret := strings.Repeat("s", 64)
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
	for range 2 { // two token requests, each with its own assertion
		ts := pingone.ClientCredentials(ctx, srv.URL, envID, "client-1", secret, pingone.AuthMethodClientSecretJWT)
		if _, err := ts.Token(); err != nil {
			t.Fatal(err)
		}
	}
	if len(e.forms) < 2 {
		t.Fatalf("%d token requests", len(e.forms))
	}
	var jtis []string
	for _, f := range e.forms {
		if f.Get("client_secret") != "" || f.Get("client_assertion_type") != pingone.ClientAssertionType || f.Get("client_id") != "client-1" {
			t.Fatalf("form %v", f)
		}
		h, c := claimsOf(t, f.Get("client_assertion"), []byte(secret), jose.HS256)
		if h.Algorithm != "HS256" || c.Issuer != "client-1" || c.Subject != "client-1" || len(c.Audience) != 1 || c.Audience[0] != srv.URL+"/"+envID+"/as/token" {
			t.Fatalf("header %+v claims %+v", h, c)
		}
		if life := c.Expiry.Time().Sub(c.IssuedAt.Time()); life != time.Minute {
			t.Errorf("the assertion lives %v, want a minute", life)
		}
		if nb := c.IssuedAt.Time().Sub(c.NotBefore.Time()); nb != 5*time.Second {
			t.Errorf("nbf is %v before iat, want 5s", nb)
		}
		if len(c.ID) != 32 {
			t.Errorf("jti %q: want 16 random bytes in hex", c.ID)
		}
		jtis = append(jtis, c.ID)
	}
	if jtis[0] == jtis[1] {
		t.Error("two token requests sent the same jti")
	}
}

func pemOf(t *testing.T, typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func TestAPrivateKeyJWTAssertionIsSignedWithTheKeysAlgorithm(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	pkcs8 := func(k any) []byte { b, _ := x509.MarshalPKCS8PrivateKey(k); return b }
	sec1, _ := x509.MarshalECPrivateKey(p256)
	for _, tc := range []struct {
		name string
		pem  []byte
		pub  any
		alg  jose.SignatureAlgorithm
	}{
		{"RSA PKCS#1", pemOf(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), &rsaKey.PublicKey, jose.RS256},
		{"RSA PKCS#8", pemOf(t, "PRIVATE KEY", pkcs8(rsaKey)), &rsaKey.PublicKey, jose.RS256},
		{"P-256 SEC 1", pemOf(t, "EC PRIVATE KEY", sec1), &p256.PublicKey, jose.ES256},
		{"P-384", pemOf(t, "PRIVATE KEY", pkcs8(p384)), &p384.PublicKey, jose.ES384},
		{"P-521", pemOf(t, "PRIVATE KEY", pkcs8(p521)), &p521.PublicKey, jose.ES512},
		{"Ed25519", pemOf(t, "PRIVATE KEY", pkcs8(ed)), ed.Public(), jose.EdDSA},
	} {
		key, err := pingone.ParseClientKey(tc.pem, "k1")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		a, err := pingone.ClientAssertion("https://auth.example.com/env/as/token", "client-1", "", key)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		h, c := claimsOf(t, a, tc.pub, tc.alg)
		if h.KeyID != "k1" || c.Subject != "client-1" {
			t.Errorf("%s: header %+v claims %+v", tc.name, h, c)
		}
	}
}

func TestABadClientKeyIsRefusedWithoutRepeatingIt(t *testing.T) {
	secretBytes := []byte("this-is-secret-material-that-is-not-a-key")
	for name, data := range map[string][]byte{
		"not PEM":         []byte("just text"),
		"a certificate":   pemOf(t, "CERTIFICATE", secretBytes),
		"a broken PKCS#8": pemOf(t, "PRIVATE KEY", secretBytes),
		"a broken PKCS#1": pemOf(t, "RSA PRIVATE KEY", secretBytes),
		"a broken SEC 1":  pemOf(t, "EC PRIVATE KEY", secretBytes),
	} {
		_, err := pingone.ParseClientKey(data, "")
		if err == nil || strings.Contains(err.Error(), string(secretBytes)) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Inputs a token request cannot go without fail before any request.
	for name, ts := range map[string]oauth2.TokenSource{
		"no environment":               pingone.ClientCredentialsJWT(context.Background(), "http://127.0.0.1:1", "", "c", "s", pingone.ClientKey{}),
		"no client":                    pingone.ClientCredentialsJWT(context.Background(), "http://127.0.0.1:1", envID, "", "s", pingone.ClientKey{}),
		"CLIENT_SECRET_JWT, no secret": pingone.ClientCredentialsJWT(context.Background(), "http://127.0.0.1:1", envID, "c", "", pingone.ClientKey{}),
		"PRIVATE_KEY_JWT, no key":      pingone.ClientCredentials(context.Background(), "http://127.0.0.1:1", envID, "c", "s", pingone.AuthMethodPrivateKeyJWT),
	} {
		var te *pingone.TokenError
		if _, err := ts.Token(); err == nil || !asTokenError(err, &te) || te.Status != 0 || te.Err != nil && !strings.Contains(name, "no key") {
			t.Errorf("%s: %v (a request was sent, or it failed for another reason)", name, err)
		}
		if _, err := ts.Token(); strings.Contains(name, "no ") && !strings.Contains(err.Error(), "required") && !strings.Contains(err.Error(), "there is none") && !strings.Contains(err.Error(), "not given") {
			t.Errorf("%s: %v does not say what is missing", name, err)
		}
	}
}

func asTokenError(err error, te **pingone.TokenError) bool {
	e, ok := err.(*pingone.TokenError)
	if ok {
		*te = e
	}
	return ok
}
