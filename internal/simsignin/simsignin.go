// Package simsignin signs a user in to the simulated PingOne through an application as a person
// at a browser would: the authorization request with PKCE, the sign-on form with the user's
// password, the code from the redirect, the code exchange with the app's own client
// authentication. The demo (--demo) and the tests give it to flows as Env.SignInAs, so the
// verify step proves a user grant with a real sign-in that the simulator's gates can refuse.
package simsignin

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// Hook returns an Env.SignInAs for the simulator sim served at authBase (its auth server) and
// apiBase (the Management API, ending in /v1). The users' passwords come from the simulator,
// as a person would type theirs. hc sends every request (nil = http.DefaultClient).
func Hook(sim *pingonetest.Server, authBase, apiBase string, hc *http.Client) func(context.Context, flows.SignInRequest) (flows.API, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	return func(ctx context.Context, req flows.SignInRequest) (flows.API, error) {
		tok, err := SignIn(ctx, sim, hc, authBase, req)
		if err != nil {
			return nil, err
		}
		ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)
		return pingone.NewClient(ctx, apiBase, pingone.StaticToken(tok.AccessToken)), nil
	}
}

// SignIn signs req.Username in through req.App and returns the tokens. A refusal at the
// sign-on (access_denied) wraps flows.ErrSignInRefused.
func SignIn(ctx context.Context, sim *pingonetest.Server, hc *http.Client, authBase string, req flows.SignInRequest) (*oauth2.Token, error) {
	app, cred := req.App, req.Credentials
	if !slices.Contains(app.GrantTypes, pingone.GrantAuthorizationCode) || len(app.RedirectURIs) == 0 {
		return nil, fmt.Errorf("%w: the app has no authorization code grant with a redirect URI", flows.ErrNoLiveSignIn)
	}
	password, ok := sim.UserPassword(cred.EnvironmentID, req.Username)
	if !ok {
		return nil, fmt.Errorf("%w: the simulator knows no password for %s", flows.ErrNoLiveSignIn, req.Username)
	}
	scopes := append([]string{"openid"}, slices.DeleteFunc(slices.Clone(req.Scopes), func(s string) bool { return s == "openid" })...)
	verifier := oauth2.GenerateVerifier()
	conf := oauth2.Config{
		ClientID: cred.ClientID, ClientSecret: cred.ClientSecret, RedirectURL: app.RedirectURIs[0], Scopes: scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:  strings.TrimRight(authBase, "/") + "/" + cred.EnvironmentID + "/as/authorize",
			TokenURL: strings.TrimRight(authBase, "/") + "/" + cred.EnvironmentID + "/as/token",
		},
	}
	exchangeOpts := []oauth2.AuthCodeOption{oauth2.VerifierOption(verifier)}
	switch app.TokenEndpointAuthMethod {
	case pingone.AuthMethodClientSecretBasic:
		conf.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
	case pingone.AuthMethodClientSecretPost:
		conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	case pingone.AuthMethodNone:
		conf.ClientSecret, conf.Endpoint.AuthStyle = "", oauth2.AuthStyleInParams
	case pingone.AuthMethodClientSecretJWT:
		// The code exchange carries a client assertion signed with the secret instead of it.
		conf.ClientSecret, conf.Endpoint.AuthStyle = "", oauth2.AuthStyleInParams
		assertion, err := pingone.ClientAssertion(conf.Endpoint.TokenURL, cred.ClientID, cred.ClientSecret, pingone.ClientKey{})
		if err != nil {
			return nil, err
		}
		exchangeOpts = append(exchangeOpts, oauth2.SetAuthURLParam("client_assertion_type", pingone.ClientAssertionType), oauth2.SetAuthURLParam("client_assertion", assertion))
	default:
		return nil, fmt.Errorf("%w: token endpoint auth method %s is not supported here", flows.ErrNoLiveSignIn, app.TokenEndpointAuthMethod)
	}
	code, err := pingonetest.SignOn(ctx, hc, authBase, cred.EnvironmentID, pingonetest.SignOnParams{
		ClientID: cred.ClientID, RedirectURI: conf.RedirectURL, Scope: strings.Join(scopes, " "), State: rand.Text(),
		CodeChallenge: oauth2.S256ChallengeFromVerifier(verifier), Username: req.Username, Password: password,
	})
	var se *pingonetest.SignOnError
	if errors.As(err, &se) && se.Code == "access_denied" {
		return nil, fmt.Errorf("%w: %s: %s", flows.ErrSignInRefused, se.Code, se.Description)
	}
	if err != nil {
		return nil, fmt.Errorf("sign-on as %s: %w", req.Username, err)
	}
	tok, err := conf.Exchange(context.WithValue(ctx, oauth2.HTTPClient, hc), code, exchangeOpts...)
	if err != nil {
		return nil, fmt.Errorf("exchange the code: %w", err)
	}
	return tok, nil
}
