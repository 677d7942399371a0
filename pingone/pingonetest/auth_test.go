package pingonetest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func ccForm() url.Values { return url.Values{"grant_type": {"client_credentials"}} }

// verifyWithJWKS checks an RS256 JWT against the JWKS the server publishes.
func verifyWithJWKS(t *testing.T, f *fixture, tok string) map[string]any {
	t.Helper()
	r := f.do("", "GET", "/"+f.prod()+"/as/jwks", nil)
	f.expect(r, 200)
	keys := r.body["keys"].([]any)
	k := keys[0].(map[string]any)
	nb, _ := base64.RawURLEncoding.DecodeString(k["n"].(string))
	eb, _ := base64.RawURLEncoding.DecodeString(k["e"].(string))
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: int(new(big.Int).SetBytes(eb).Int64())}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token is not a JWT")
	}
	var hdr map[string]any
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	_ = json.Unmarshal(hb, &hdr)
	if hdr["alg"] != "RS256" || hdr["kid"] != k["kid"] {
		t.Fatalf("header %v does not match JWKS key %v", hdr, k["kid"])
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("signature does not verify with the JWKS: %v", err)
	}
	var claims map[string]any
	cb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	_ = json.Unmarshal(cb, &claims)
	return claims
}

func TestClientCredentialsTokenVerifiesWithJWKSAndCallsTheAPI(t *testing.T) {
	f := newFixture(t)
	w := f.seed.AdminWorker
	r := f.form("/"+f.prod()+"/as/token", ccForm(), w.ClientID, w.ClientSecret)
	f.expect(r, 200)
	if r.body["token_type"] != "Bearer" || r.body["expires_in"] != float64(3600) {
		t.Fatalf("token response %s", r.raw)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("token response is cacheable")
	}
	tok := r.body["access_token"].(string)
	claims := verifyWithJWKS(t, f, tok)
	if claims["iss"] != f.srv.URL+"/"+f.prod()+"/as" {
		t.Errorf("iss = %v", claims["iss"])
	}
	if claims["client_id"] != w.ClientID || claims["env"] != f.prod() || claims["org"] != f.seed.OrganizationID {
		t.Errorf("claims %v", claims)
	}
	if _, ok := claims["sub"]; ok {
		t.Errorf("client-credentials token has sub")
	}
	if aud, _ := claims["aud"].([]any); len(aud) == 0 || aud[0] != apiAudience {
		t.Errorf("aud = %v", claims["aud"])
	}
	f.expect(f.do(tok, "GET", "/v1/environments", nil), 200)
}

func TestTokenEndpointRefusesBadClientsWithRFC6749Errors(t *testing.T) {
	f := newFixture(t)
	w := f.seed.AdminWorker
	prod := f.prod()
	disabled := f.sim.AddApplication(prod, map[string]any{"name": "Off", "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []any{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"})
	postApp := f.sim.AddApplication(prod, map[string]any{"name": "Post", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []any{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_POST"})
	codeApp := f.sim.AddApplication(prod, map[string]any{"name": "Code", "enabled": true, "type": "WEB_APP", "protocol": "OPENID_CONNECT",
		"grantTypes": []any{"AUTHORIZATION_CODE"}, "responseTypes": []any{"CODE"}, "redirectUris": []any{"https://app.example.com/cb"},
		"tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"})
	secret := f.sim.ApplicationSecret

	withPost := func(id, sec string) url.Values {
		v := ccForm()
		v.Set("client_id", id)
		v.Set("client_secret", sec)
		return v
	}
	cases := []struct {
		name       string
		form       url.Values
		user, pass string
		status     int
		errCode    string
	}{
		{"wrong secret", ccForm(), w.ClientID, "nope", 401, "invalid_client"},
		{"unknown client", ccForm(), "00000000-0000-4000-8000-000000000000", "x", 401, "invalid_client"},
		{"POST credentials for a CLIENT_SECRET_BASIC app", withPost(w.ClientID, w.ClientSecret), "", "", 401, "invalid_client"},
		{"Basic credentials for a CLIENT_SECRET_POST app", ccForm(), postApp, secret(prod, postApp), 401, "invalid_client"},
		{"disabled app", ccForm(), disabled, secret(prod, disabled), 401, "invalid_client"},
		{"app without CLIENT_CREDENTIALS", ccForm(), codeApp, secret(prod, codeApp), 400, "unauthorized_client"},
		{"missing grant_type", url.Values{}, w.ClientID, w.ClientSecret, 400, "invalid_request"},
		{"unsupported grant_type", url.Values{"grant_type": {"password"}}, w.ClientID, w.ClientSecret, 400, "unsupported_grant_type"},
		{"ungranted scope", url.Values{"grant_type": {"client_credentials"}, "scope": {"p1:read:user"}}, w.ClientID, w.ClientSecret, 400, "invalid_scope"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := f.form("/"+prod+"/as/token", tc.form, tc.user, tc.pass)
			f.expect(r, tc.status)
			if r.body["error"] != tc.errCode || r.body["error_description"] == "" {
				t.Fatalf("body %s, want error %s", r.raw, tc.errCode)
			}
			if strings.Contains(r.raw, w.ClientSecret) {
				t.Fatalf("error leaks the secret")
			}
		})
	}
	t.Run("CLIENT_SECRET_POST app with form credentials", func(t *testing.T) {
		f.expect(f.form("/"+prod+"/as/token", withPost(postApp, secret(prod, postApp)), "", ""), 200)
	})
	t.Run("openid scope is accepted and dropped", func(t *testing.T) {
		r := f.form("/"+prod+"/as/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"openid"}}, w.ClientID, w.ClientSecret)
		f.expect(r, 200)
	})
	t.Run("client of another environment", func(t *testing.T) {
		f.expect(f.form("/"+f.seed.Sandbox.ID+"/as/token", ccForm(), w.ClientID, w.ClientSecret), 401)
	})
}

func TestDiscoveryIsServedUnderTheIssuerOnly(t *testing.T) {
	f := newFixture(t)
	r := f.do("", "GET", "/"+f.prod()+"/as/.well-known/openid-configuration", nil)
	f.expect(r, 200)
	iss := f.srv.URL + "/" + f.prod() + "/as"
	if r.body["issuer"] != iss || r.body["token_endpoint"] != iss+"/token" || r.body["jwks_uri"] != iss+"/jwks" {
		t.Fatalf("discovery %s", r.raw)
	}
	f.expect(f.do("", "GET", "/"+f.prod()+"/.well-known/openid-configuration", nil), 404)
	f.expect(f.do("", "GET", "/00000000-0000-4000-8000-000000000000/as/jwks", nil), 404)
}

func TestManagementAPIRejectsMissingInvalidAndExpiredTokens(t *testing.T) {
	f := newFixture(t)
	other, _ := rsa.GenerateKey(rand.Reader, 1024)
	foreign := New(WithSigningKey(other)).IssueUserToken(f.prod(), f.seed.Admin.ID, time.Hour)
	// A forger who copies the simulator's kid gets past the key lookup, so
	// only the RSA signature check stops it.
	forger := New(WithSigningKey(other))
	forger.kid = f.sim.kid
	forged := forger.IssueUserToken(f.prod(), f.seed.Admin.ID, time.Hour)
	// jdoe's genuine token with its payload edited to claim the admin.
	parts := strings.Split(f.sim.IssueUserToken(f.prod(), f.seed.JDoe.ID, time.Hour), ".")
	payload, err := b64.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	parts[1] = b64.EncodeToString([]byte(strings.ReplaceAll(string(payload), f.seed.JDoe.ID, f.seed.Admin.ID)))
	tampered := strings.Join(parts, ".")
	cases := map[string]string{
		"no token":                           "",
		"garbage":                            "not-a-jwt",
		"expired":                            f.sim.IssueUserToken(f.prod(), f.seed.Admin.ID, -time.Minute),
		"signed by another key":              foreign,
		"signed by another key with our kid": forged,
		"genuine signature over an edited payload": tampered,
		"user that does not exist":                 f.sim.IssueUserToken(f.prod(), "00000000-0000-4000-8000-000000000000", time.Hour),
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			r := f.do(tok, "GET", "/v1/environments", nil)
			f.expectError(r, 401, "ACCESS_FAILED", "INVALID_TOKEN", "")
		})
	}
}

func TestTokensExpireWithTheInjectedClock(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).Unix())
	f := newFixture(t, WithClock(func() time.Time { return time.Unix(now.Load(), 0) }))
	tok := f.admin()
	f.expect(f.do(tok, "GET", "/v1/environments", nil), 200)
	now.Add(int64(2 * time.Hour / time.Second))
	f.expectError(f.do(tok, "GET", "/v1/environments", nil), 401, "ACCESS_FAILED", "INVALID_TOKEN", "")
}
