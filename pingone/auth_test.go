package pingone_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/pingone"
)

const (
	clientID     = "44444444-4444-4444-4444-444444444444"
	clientSecret = "super-secret-client-value"
)

// tokenServer is a fake PingOne authorization server for one environment.
func tokenServer(t *testing.T, check func(r *http.Request), status int, body string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Method != http.MethodPost || r.URL.Path != "/"+envID+"/as/token" {
			t.Errorf("token request %s %s, want POST /%s/as/token", r.Method, r.URL.Path, envID)
		}
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		if got := r.PostForm.Get("grant_type"); got != "client_credentials" {
			t.Errorf("grant_type = %q", got)
		}
		check(r)
		writeJSON(w, status, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestClientCredentialsWithBasicAuthSendsTheSecretInTheHeaderOnly(t *testing.T) {
	srv, calls := tokenServer(t, func(r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok || id != clientID || secret != clientSecret {
			t.Errorf("basic auth = %q, %q, %v", id, secret, ok)
		}
		if r.PostForm.Has("client_secret") {
			t.Error("client_secret also sent in the form")
		}
	}, 200, `{"access_token":"at-1","token_type":"Bearer","expires_in":3600}`)
	for _, method := range []string{"", pingone.AuthMethodClientSecretBasic} {
		ts := pingone.ClientCredentials(context.Background(), srv.URL+"/", envID, clientID, clientSecret, method)
		tok, err := ts.Token()
		if err != nil || tok.AccessToken != "at-1" {
			t.Fatalf("method %q: token = %v, err = %v", method, tok, err)
		}
		if _, err := ts.Token(); err != nil { // cached: no second request
			t.Fatal(err)
		}
	}
	if calls.Load() != 2 {
		t.Fatalf("token endpoint called %d times, want once per source", calls.Load())
	}
}

func TestClientCredentialsWithPostAuthSendsTheSecretInTheForm(t *testing.T) {
	srv, _ := tokenServer(t, func(r *http.Request) {
		if _, _, ok := r.BasicAuth(); ok {
			t.Error("Authorization header sent for CLIENT_SECRET_POST")
		}
		if r.PostForm.Get("client_id") != clientID || r.PostForm.Get("client_secret") != clientSecret {
			t.Errorf("form = %v", r.PostForm)
		}
	}, 200, `{"access_token":"at-2","token_type":"Bearer","expires_in":3600}`)
	tok, err := pingone.ClientCredentials(context.Background(), srv.URL, envID, clientID, clientSecret, pingone.AuthMethodClientSecretPost).Token()
	if err != nil || tok.AccessToken != "at-2" {
		t.Fatalf("token = %v, err = %v", tok, err)
	}
}

func TestTokenErrorsAreTypedExplainedAndFreeOfTheSecret(t *testing.T) {
	tests := []struct {
		code, hint string
	}{
		{"invalid_client", "disabled"},
		{"unauthorized_client", "grant type"},
		{"invalid_grant", "sign in again"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			srv, _ := tokenServer(t, func(*http.Request) {}, 401, `{"error":"`+tt.code+`","error_description":"Request denied: `+clientSecret+` is wrong"}`)
			_, err := pingone.ClientCredentials(context.Background(), srv.URL, envID, clientID, clientSecret, "").Token()
			var te *pingone.TokenError
			if !errors.As(err, &te) || te.Code != tt.code || te.Status != 401 {
				t.Fatalf("err = %#v", err)
			}
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tt.hint)) {
				t.Errorf("error %q lacks hint %q", err, tt.hint)
			}
			_ = clientSecret // PingOne never echoes it; our own text must not add it:
			if strings.Count(err.Error(), clientSecret) > strings.Count(te.Description, clientSecret) {
				t.Errorf("error adds the secret: %q", err)
			}
		})
	}
}

func TestTokenErrorsStopAnAPICallWithoutRetryOrUnknownOutcome(t *testing.T) {
	tsrv, tcalls := tokenServer(t, func(*http.Request) {}, 401, `{"error":"invalid_client","error_description":"Invalid client credentials"}`)
	var apiCalls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { apiCalls.Add(1) }))
	defer api.Close()
	c := pingone.NewClient(context.Background(), api.URL+"/v1", pingone.ClientCredentials(context.Background(), tsrv.URL, envID, clientID, clientSecret, ""))
	c.Retry.Sleep = func(context.Context, time.Duration) error { return nil }
	_, err := c.CreateApplication(context.Background(), envID, pingone.Application{Name: "x"})
	var te *pingone.TokenError
	if !errors.As(err, &te) || errors.Is(err, pingone.ErrOutcomeUnknown) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), clientSecret) {
		t.Fatalf("error contains the secret: %v", err)
	}
	if apiCalls.Load() != 0 || tcalls.Load() != 1 {
		t.Fatalf("api calls = %d, token calls = %d", apiCalls.Load(), tcalls.Load())
	}
}

func TestUnsupportedAuthMethodFailsWithoutARequest(t *testing.T) {
	_, err := pingone.ClientCredentials(context.Background(), "http://127.0.0.1:1", envID, clientID, clientSecret, pingone.AuthMethodPrivateKeyJWT).Token()
	var te *pingone.TokenError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "PRIVATE_KEY_JWT") {
		t.Fatalf("err = %v", err)
	}
}

// jwt builds an unsigned token with the given claims (the client never verifies).
func jwt(t *testing.T, claims map[string]any) string {
	t.Helper()
	enc := base64.RawURLEncoding
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return enc.EncodeToString([]byte(`{"alg":"RS256","typ":"at+jwt"}`)) + "." + enc.EncodeToString(b) + ".c2ln"
}

func TestParseTokenClaimsReadsWhoSignedInAndWhenTheTokenExpires(t *testing.T) {
	tok := jwt(t, map[string]any{
		"sub": userID, "client_id": clientID, "env": envID, "org": "org-1", "scope": "openid p1:read:user",
		"iss": "https://auth.pingone.eu/" + envID + "/as", "aud": []string{"https://api.pingone.eu", "x"},
		"exp": 1900000000, "iat": 1899996400.5,
	})
	c, err := pingone.ParseTokenClaims(tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != userID || c.ClientID != clientID || c.Env != envID || c.Org != "org-1" || c.Scope != "openid p1:read:user" ||
		len(c.Audience) != 2 || c.Audience[0] != "https://api.pingone.eu" || !c.ExpiresAt.Equal(time.Unix(1900000000, 0)) ||
		!c.IssuedAt.Equal(time.Unix(1899996400, 5e8)) {
		t.Fatalf("claims = %+v", c)
	}
	if c.Expired(time.Unix(1899999999, 0)) || !c.Expired(time.Unix(1900000000, 0)) {
		t.Error("Expired is wrong around exp")
	}
}

func TestParseTokenClaimsAcceptsAStringAudienceAndFindsTheEnvironmentInTheIssuer(t *testing.T) {
	c, err := pingone.ParseTokenClaims(jwt(t, map[string]any{"client_id": clientID, "aud": "https://api.pingone.com", "iss": "https://auth.pingone.com/" + envID + "/as"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Audience) != 1 || c.Audience[0] != "https://api.pingone.com" || c.Subject != "" || c.Environment() != envID || !c.ExpiresAt.IsZero() {
		t.Fatalf("claims = %+v", c)
	}
}

func TestParseTokenClaimsRejectsTokensThatAreNotJWTs(t *testing.T) {
	for _, tok := range []string{"", "opaque-token", "a.b", "a.!!!.c", "a." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".c",
		"a." + base64.RawURLEncoding.EncodeToString([]byte(`{"aud":5}`)) + ".c", "a." + base64.RawURLEncoding.EncodeToString([]byte(`{"exp":"soon"}`)) + ".c"} {
		if _, err := pingone.ParseTokenClaims(tok); err == nil {
			t.Errorf("ParseTokenClaims(%q) succeeded", tok)
		}
	}
}

func TestStaticTokenFailsEarlyWhenThePastedJWTHasExpired(t *testing.T) {
	_, err := pingone.StaticToken(jwt(t, map[string]any{"exp": time.Now().Add(-time.Minute).Unix()})).Token()
	var te *pingone.TokenError
	if !errors.As(err, &te) || te.Code != "expired_token" {
		t.Fatalf("err = %v", err)
	}
	live := jwt(t, map[string]any{"exp": time.Now().Add(time.Hour).Unix()})
	tok, err := pingone.StaticToken(" " + live + "\n").Token()
	if err != nil || tok.AccessToken != live || tok.Expiry.IsZero() {
		t.Fatalf("tok = %v, err = %v", tok, err)
	}
	tok, err = pingone.StaticToken("opaque").Token()
	if err != nil || tok.AccessToken != "opaque" {
		t.Fatalf("opaque token: %v, %v", tok, err)
	}
	if _, err := pingone.StaticToken("").Token(); err == nil {
		t.Fatal("empty token accepted")
	}
}

func TestTokenURLIsPerEnvironment(t *testing.T) {
	if got := pingone.TokenURL("https://auth.pingone.eu/", envID); got != "https://auth.pingone.eu/"+envID+"/as/token" {
		t.Fatal(got)
	}
}

var _ oauth2.TokenSource = pingone.StaticToken("x")
