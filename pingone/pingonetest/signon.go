package pingonetest

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// SignOnParams is the authorization request and the credentials SignOn uses.
type SignOnParams struct {
	// ClientID and RedirectURI identify the application; RedirectURI must be
	// one of its redirect URIs. It is never fetched.
	ClientID, RedirectURI string
	// Scope is the space-separated scope parameter, e.g. "openid profile".
	Scope string
	// State, when set, is sent and must come back unchanged.
	State string
	// CodeChallenge, when set, is sent as a PKCE S256 challenge
	// (base64url(SHA-256(verifier))); the caller keeps the verifier for the
	// token request.
	CodeChallenge string
	// Username and Password are typed into the sign-on form.
	Username, Password string
}

// SignOnInvalidCredentials is the SignOnError code for a sign-on form that
// refused the username or password. It is the simulator's own, not an OAuth
// error code: a browser would stay on the form.
const SignOnInvalidCredentials = "invalid_credentials"

// SignOnError is a sign-on that ended without an authorization code: an OAuth
// error redirected to the client (Code "access_denied" when the user is not
// admitted by the app's access policies, "invalid_request", "invalid_scope",
// "unauthorized_client", …), an error page that is not redirected
// (Code "invalid_client" or "invalid_request", for an unknown client or a
// redirect URI mismatch), or a refused password (SignOnInvalidCredentials).
type SignOnError struct {
	Code, Description string
}

func (e *SignOnError) Error() string {
	if e.Description == "" {
		return "sign-on: " + e.Code
	}
	return "sign-on: " + e.Code + ": " + e.Description
}

var (
	signOnFlowRe   = regexp.MustCompile(`name="flowId" value="([^"]*)"`)
	signOnActionRe = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
	pageErrorRe    = regexp.MustCompile(`id="error"[^>]*>([^<]*)<`)
	pageCodeRe     = regexp.MustCompile(`<code>([^<]*)</code>`)
)

// SignOn signs a user on at the simulator's authorization server the way a
// scripted browser would, and returns the authorization code. It GETs
// {authBaseURL}/{envID}/as/authorize with response_type=code and p's
// parameters (PKCE S256 when p.CodeChallenge is set), posts the sign-on form
// with p.Username and p.Password, and reads the code from the 302 Location
// without following it, so the redirect URI may be any URI, reachable or not.
// The caller redeems the code at /as/token.
//
// A sign-on that ends without a code returns a *SignOnError. hc's redirect
// policy is not used (hc nil means http.DefaultClient); its transport,
// cookies and timeout are.
//
// SignOn drives the simulator's own HTML pages; PingOne's sign-on UI is a
// JavaScript application, so SignOn does not work against PingOne.
func SignOn(ctx context.Context, hc *http.Client, authBaseURL, envID string, p SignOnParams) (code string, err error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	nav := *hc
	nav.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	q := url.Values{"response_type": {"code"}, "client_id": {p.ClientID}, "redirect_uri": {p.RedirectURI}}
	if p.Scope != "" {
		q.Set("scope", p.Scope)
	}
	if p.State != "" {
		q.Set("state", p.State)
	}
	if p.CodeChallenge != "" {
		q.Set("code_challenge", p.CodeChallenge)
		q.Set("code_challenge_method", "S256")
	}
	authorize, err := url.Parse(strings.TrimRight(authBaseURL, "/") + "/" + url.PathEscape(envID) + "/as/authorize")
	if err != nil {
		return "", fmt.Errorf("sign-on: authorization URL: %w", err)
	}
	authorize.RawQuery = q.Encode()

	res, body, err := signOnDo(ctx, &nav, http.MethodGet, authorize.String(), nil)
	if err != nil {
		return "", err
	}
	if res.StatusCode == http.StatusFound {
		return signOnRedirect(res, p)
	}
	flow, action := signOnFlowRe.FindStringSubmatch(body), signOnActionRe.FindStringSubmatch(body)
	if res.StatusCode != http.StatusOK || flow == nil || action == nil {
		return "", signOnPageError(res, body)
	}
	target, err := authorize.Parse(html.UnescapeString(action[1]))
	if err != nil {
		return "", fmt.Errorf("sign-on: form action %q: %w", action[1], err)
	}
	form := url.Values{"flowId": {html.UnescapeString(flow[1])}, "username": {p.Username}, "password": {p.Password}, "action": {"signon"}}
	res, body, err = signOnDo(ctx, &nav, http.MethodPost, target.String(), form)
	if err != nil {
		return "", err
	}
	switch {
	case res.StatusCode == http.StatusFound:
		return signOnRedirect(res, p)
	case res.StatusCode == http.StatusOK && signOnFlowRe.MatchString(body):
		desc := "The username or password was refused."
		if m := pageErrorRe.FindStringSubmatch(body); m != nil {
			desc = html.UnescapeString(m[1])
		}
		return "", &SignOnError{Code: SignOnInvalidCredentials, Description: desc}
	}
	return "", signOnPageError(res, body)
}

// signOnDo sends one request of the sign-on and reads at most 1 MiB of the
// response.
func signOnDo(ctx context.Context, hc *http.Client, method, u string, form url.Values) (*http.Response, string, error) {
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, "", fmt.Errorf("sign-on: %w", err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("sign-on: %s %s: %w", method, req.URL.Path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, "", fmt.Errorf("sign-on: %s %s: %w", method, req.URL.Path, err)
	}
	return res, string(raw), nil
}

// signOnRedirect reads the code, or the OAuth error, from a redirect to the
// client.
func signOnRedirect(res *http.Response, p SignOnParams) (string, error) {
	loc, err := res.Location()
	if err != nil {
		return "", fmt.Errorf("sign-on: redirect without a usable Location: %w", err)
	}
	want, err := url.Parse(p.RedirectURI)
	if err != nil {
		return "", fmt.Errorf("sign-on: redirect URI %q: %w", p.RedirectURI, err)
	}
	if loc.Scheme != want.Scheme || loc.Host != want.Host || loc.Path != want.Path {
		return "", fmt.Errorf("sign-on: redirected to %s, not to the redirect URI %s", loc.Redacted(), p.RedirectURI)
	}
	got := loc.Query()
	if e := got.Get("error"); e != "" {
		return "", &SignOnError{Code: e, Description: got.Get("error_description")}
	}
	if got.Get("state") != p.State {
		return "", fmt.Errorf("sign-on: state %q came back as %q", p.State, got.Get("state"))
	}
	code := got.Get("code")
	if code == "" {
		return "", errors.New("sign-on: the redirect carries neither a code nor an error")
	}
	return code, nil
}

// signOnPageError turns an HTML error page (or any other unexpected answer) into
// an error.
func signOnPageError(res *http.Response, body string) error {
	m, c := pageErrorRe.FindStringSubmatch(body), pageCodeRe.FindStringSubmatch(body)
	if m == nil {
		return fmt.Errorf("sign-on: unexpected answer HTTP %d from %s", res.StatusCode, res.Request.URL.Path)
	}
	e := &SignOnError{Description: html.UnescapeString(m[1])}
	if c != nil {
		e.Code = html.UnescapeString(c[1])
	}
	return e
}
