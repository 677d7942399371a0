package pingone

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// TokenURL returns the token endpoint of an environment: {authURL}/{envID}/as/token.
func TokenURL(authURL, envID string) string {
	return strings.TrimRight(authURL, "/") + pathOf(envID, "as", "token")
}

// ClientCredentials returns a token source for the client credentials grant against
// {authURL}/{envID}/as/token, caching tokens until they expire. authMethod is the
// application's tokenEndpointAuthMethod: CLIENT_SECRET_BASIC (also "") sends the
// credentials in an Authorization: Basic header, CLIENT_SECRET_POST in the form body.
// The HTTP client for token requests comes from ctx (oauth2.HTTPClient), as in
// golang.org/x/oauth2. Errors are *TokenError and never contain the secret.
func ClientCredentials(ctx context.Context, authURL, envID, clientID, clientSecret, authMethod string) oauth2.TokenSource {
	var style oauth2.AuthStyle
	switch strings.ToUpper(authMethod) {
	case "", AuthMethodClientSecretBasic:
		style = oauth2.AuthStyleInHeader
	case AuthMethodClientSecretPost:
		style = oauth2.AuthStyleInParams
	case AuthMethodClientSecretJWT:
		return ClientCredentialsJWT(ctx, authURL, envID, clientID, clientSecret, ClientKey{})
	case AuthMethodPrivateKeyJWT:
		return errSource{&TokenError{Description: ErrNoClientKey.Error(), Err: ErrNoClientKey}}
	default:
		return errSource{&TokenError{Description: fmt.Sprintf("token endpoint auth method %q is not supported for client credentials; use %s or %s", authMethod, AuthMethodClientSecretBasic, AuthMethodClientSecretPost)}}
	}
	if envID == "" || clientID == "" {
		return errSource{&TokenError{Description: "environment ID and client ID are required for client credentials"}}
	}
	cfg := clientcredentials.Config{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		TokenURL:     TokenURL(authURL, envID),
		AuthStyle:    style,
	}
	return tokenErrorSource{src: cfg.TokenSource(ctx)}
}

// ErrNoClientKey: a PRIVATE_KEY_JWT app's token request is signed with the connector's private
// key, which ClientCredentials does not have (ClientCredentialsJWT takes it).
var ErrNoClientKey = errors.New("PRIVATE_KEY_JWT signs the token request with the connector's private key, which was not given")

// StaticToken returns a token source for an access token obtained elsewhere (pasted,
// or from PINGONE_API_ACCESS_TOKEN). If the token is a JWT whose exp has passed, the
// source fails with a *TokenError instead of letting every API call return 401.
func StaticToken(accessToken string) oauth2.TokenSource {
	return staticSource{tok: strings.TrimSpace(accessToken)}
}

type staticSource struct{ tok string }

func (s staticSource) Token() (*oauth2.Token, error) {
	if s.tok == "" {
		return nil, &TokenError{Description: "no access token given"}
	}
	t := &oauth2.Token{AccessToken: s.tok, TokenType: "Bearer"}
	if c, err := ParseTokenClaims(s.tok); err == nil && !c.ExpiresAt.IsZero() {
		if c.Expired(time.Now()) {
			return nil, &TokenError{Code: "expired_token", Description: "the access token expired at " + c.ExpiresAt.UTC().Format(time.RFC3339) + "; get a new one"}
		}
		t.Expiry = c.ExpiresAt
	}
	return t, nil
}

// HTTPClient returns an *http.Client that authenticates every request with a token
// from ts (caching it until it expires). The base transport comes from ctx
// (oauth2.HTTPClient), else http.DefaultTransport.
func HTTPClient(ctx context.Context, ts oauth2.TokenSource) *http.Client {
	return oauth2.NewClient(ctx, ts)
}

// NewClient returns a Client for the API base URL (including /v1) authenticated with
// ts and with a random TransactionID. It is New(baseURL, HTTPClient(ctx, ts)).
func NewClient(ctx context.Context, baseURL string, ts oauth2.TokenSource) *Client {
	return New(baseURL, HTTPClient(ctx, ts))
}

// TokenError is a failed token request. Code and Description come from the RFC 6749
// error response ({"error", "error_description"}); Status is the HTTP status (0 if no
// response). It never contains the client secret.
type TokenError struct {
	Code        string // e.g. invalid_client
	Description string
	Status      int
	Err         error // underlying network error, if any
}

// Error returns the code, the description, the status and a plain-words hint.
func (e *TokenError) Error() string {
	var b strings.Builder
	b.WriteString("token request failed")
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if h := e.Hint(); h != "" {
		b.WriteString(". " + h)
	}
	return b.String()
}

// Unwrap returns the underlying network error, if any.
func (e *TokenError) Unwrap() error { return e.Err }

// Hint explains the likely cause of common token errors in plain words, or returns "".
func (e *TokenError) Hint() string {
	switch e.Code {
	case "invalid_client":
		return "PingOne did not accept the client: the application may be disabled, the client ID or secret may be wrong, or the token endpoint auth method (Basic vs Post) may not match the application's setting"
	case "unauthorized_client":
		return "The application is not allowed to use this grant type: enable it in the application's grant types"
	case "invalid_grant":
		return "The code, refresh token or device code is invalid, expired or already used, or was issued to another client; sign in again"
	case "invalid_scope":
		return "A requested scope is unknown or not granted to the application"
	case "expired_token":
		return "Sign in again to get a fresh token"
	}
	return ""
}

// errSource is a token source that always fails.
type errSource struct{ err error }

func (s errSource) Token() (*oauth2.Token, error) { return nil, s.err }

// tokenErrorSource converts oauth2 errors into *TokenError.
type tokenErrorSource struct{ src oauth2.TokenSource }

func (s tokenErrorSource) Token() (*oauth2.Token, error) {
	t, err := s.src.Token()
	if err != nil {
		return nil, toTokenError(err)
	}
	return t, nil
}

// toTokenError maps an oauth2 error to *TokenError without keeping the response body.
func toTokenError(err error) error {
	var te *TokenError
	if errors.As(err, &te) {
		return te
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		out := &TokenError{Code: sanitize(re.ErrorCode, 100), Description: sanitize(re.ErrorDescription, 300)}
		if re.Response != nil {
			out.Status = re.Response.StatusCode
		}
		if out.Code == "" && out.Description == "" {
			out.Description = snippet(re.Body, out.Status)
		}
		return out
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// url.Error names the token URL, which holds no secret.
		return &TokenError{Err: ue}
	}
	return &TokenError{Err: err}
}

// TokenClaims are the claims of a PingOne access token that pingone-setup uses.
type TokenClaims struct {
	Subject   string    // sub: the signed-in user's ID; empty for client credentials
	ClientID  string    // client_id
	Env       string    // env: environment ID (only when the audience is the PingOne API)
	Org       string    // org: organization ID
	Scope     string    // scope, space-separated
	Issuer    string    // iss: https://auth.pingone.{tld}/{envID}/as
	Audience  []string  // aud, a string or an array in the token
	ExpiresAt time.Time // exp
	IssuedAt  time.Time // iat
}

// Expired reports whether the token has expired at now (a missing exp never expires).
func (c TokenClaims) Expired(now time.Time) bool {
	return !c.ExpiresAt.IsZero() && !now.Before(c.ExpiresAt)
}

// Environment returns the env claim, or else the environment ID in the issuer's path.
func (c TokenClaims) Environment() string {
	if c.Env != "" {
		return c.Env
	}
	if u, err := url.Parse(c.Issuer); err == nil {
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		if len(parts) == 2 && parts[1] == "as" {
			return parts[0]
		}
	}
	return ""
}

// ParseTokenClaims decodes, without verifying, the payload of a JWT access token. Use
// it to learn who signed in and to fail early on an expired token, never to trust it.
func ParseTokenClaims(accessToken string) (TokenClaims, error) {
	parts := strings.Split(strings.TrimSpace(accessToken), ".")
	if len(parts) != 3 {
		return TokenClaims{}, errors.New("access token is not a JWT (expected three dot-separated parts)")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return TokenClaims{}, errors.New("access token payload is not base64url")
	}
	var raw struct {
		Sub      string          `json:"sub"`
		ClientID string          `json:"client_id"`
		Env      string          `json:"env"`
		Org      string          `json:"org"`
		Scope    string          `json:"scope"`
		Iss      string          `json:"iss"`
		Aud      json.RawMessage `json:"aud"`
		Exp      *json.Number    `json:"exp"`
		Iat      *json.Number    `json:"iat"`
	}
	if p := bytes.TrimLeft(payload, " \t\r\n"); len(p) == 0 || p[0] != '{' || json.Unmarshal(payload, &raw) != nil {
		return TokenClaims{}, errors.New("access token payload is not a JSON object")
	}
	c := TokenClaims{Subject: raw.Sub, ClientID: raw.ClientID, Env: raw.Env, Org: raw.Org, Scope: raw.Scope, Issuer: raw.Iss}
	if len(raw.Aud) > 0 && !isNull(raw.Aud) {
		var one string
		if json.Unmarshal(raw.Aud, &one) == nil {
			c.Audience = []string{one}
		} else if err := json.Unmarshal(raw.Aud, &c.Audience); err != nil {
			return TokenClaims{}, errors.New("access token aud is neither a string nor an array of strings")
		}
		if len(c.Audience) == 0 {
			c.Audience = nil
		}
	}
	if c.ExpiresAt, err = numericDate(raw.Exp); err != nil {
		return TokenClaims{}, fmt.Errorf("access token exp: %w", err)
	}
	if c.IssuedAt, err = numericDate(raw.Iat); err != nil {
		return TokenClaims{}, fmt.Errorf("access token iat: %w", err)
	}
	return c, nil
}

// maxNumericDate is 10000-01-01T00:00:00Z in seconds: no token expires later.
const maxNumericDate = 253402300800

// numericDate converts a JWT NumericDate (seconds, possibly fractional) to a time, to the
// millisecond. It refuses dates before 1970 or after 9999, which no real token carries and which
// float-to-int conversion would turn into nonsense.
func numericDate(n *json.Number) (time.Time, error) {
	if n == nil {
		return time.Time{}, nil
	}
	f, err := n.Float64()
	if err != nil {
		return time.Time{}, errors.New("not a number")
	}
	ms := math.Round(f * 1000)
	if !(ms >= 0 && ms < maxNumericDate*1000) {
		return time.Time{}, errors.New("not a date between 1970 and 9999")
	}
	return time.UnixMilli(int64(ms)).UTC(), nil
}
