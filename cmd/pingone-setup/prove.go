package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/signin"
)

// personSignIn is the wizard's "prove it" on the hand-off against a real tenant: a person signs
// in as the user through the new app, in a browser, on the app's own loopback redirect
// (authorization code with PKCE S256 and state, as the tool's own browser sign-in). open opens
// the browser (nil: only show the URL, e.g. over SSH).
func (s *session) personSignIn(open func(string) error) func(context.Context, flows.SignInRequest) (flows.API, error) {
	return func(ctx context.Context, req flows.SignInRequest) (flows.API, error) {
		port, path, ok := flows.LoopbackRedirect(req.App.RedirectURIs)
		if !ok {
			return nil, fmt.Errorf("%w: the app's redirect URI belongs to the connector", flows.ErrNoLiveSignIn)
		}
		scopes := append([]string{"openid"}, slices.DeleteFunc(slices.Clone(req.Scopes), func(x string) bool { return x == "openid" })...)
		cfg := signin.Config{AuthURL: s.endpoints.AuthURL, EnvironmentID: req.Credentials.EnvironmentID, ClientID: req.Credentials.ClientID,
			RedirectPort: port, RedirectPath: path, Scopes: scopes}
		switch req.App.TokenEndpointAuthMethod {
		case pingone.AuthMethodNone:
		case pingone.AuthMethodClientSecretPost:
			cfg.ClientSecret, cfg.AuthStyle = req.Credentials.ClientSecret, oauth2.AuthStyleInParams
		case pingone.AuthMethodClientSecretBasic:
			cfg.ClientSecret, cfg.AuthStyle = req.Credentials.ClientSecret, oauth2.AuthStyleInHeader
		default:
			return nil, fmt.Errorf("%w: token auth method %s", flows.ErrNoLiveSignIn, req.App.TokenEndpointAuthMethod)
		}
		show := func(url string) {
			if req.Show != nil {
				req.Show(fmt.Sprintf("sign in as %s in the browser (if it did not open: %s)", req.Username, url))
			}
		}
		tok, err := signin.Browser(ctx, cfg, show, open)
		var se *signin.Error
		if errors.As(err, &se) && se.Code == "access_denied" {
			return nil, fmt.Errorf("%w: %s: %s", flows.ErrSignInRefused, se.Code, se.Description)
		}
		if err != nil {
			return nil, err
		}
		if c, err := pingone.ParseTokenClaims(tok.AccessToken); err != nil || c.Subject != req.UserID {
			return nil, fmt.Errorf("the browser signed in as someone other than %s: sign in as %s to prove the setup", req.Username, req.Username)
		}
		c := pingone.NewClient(ctx, s.endpoints.APIURL, pingone.StaticToken(tok.AccessToken))
		s.instrument(c)
		return c, nil
	}
}
