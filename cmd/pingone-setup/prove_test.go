package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// browserAs is a person at a browser: it opens the authorization URL, signs on as username, and
// follows PingOne's redirect back to the loopback callback, as a browser would.
func browserAs(t *testing.T, sim *pingonetest.Server, authBase, envID, username string) func(string) error {
	return func(raw string) error {
		u, err := url.Parse(raw)
		if err != nil {
			return err
		}
		q := u.Query()
		password, _ := sim.UserPassword(envID, username)
		code, err := pingonetest.SignOn(context.Background(), http.DefaultClient, authBase, envID, pingonetest.SignOnParams{
			ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"), Scope: q.Get("scope"), State: q.Get("state"),
			CodeChallenge: q.Get("code_challenge"), Username: username, Password: password,
		})
		back := url.Values{"state": {q.Get("state")}}
		var se *pingonetest.SignOnError
		switch {
		case errors.As(err, &se):
			back.Set("error", se.Code)
			back.Set("error_description", se.Description)
		case err != nil:
			return err
		default:
			back.Set("code", code)
		}
		resp, err := http.Get(q.Get("redirect_uri") + "?" + back.Encode())
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestProvingSignsInAsTheUserThroughTheAppsLoopbackRedirect(t *testing.T) {
	e := newEnv(t)
	prod := e.seed.Production.ID
	redirect := fmt.Sprintf("http://127.0.0.1:%d/callback", freePort(t))
	app := pingone.Application{GrantTypes: []string{"AUTHORIZATION_CODE"}, TokenEndpointAuthMethod: "NONE", RedirectURIs: []string{redirect}}
	id := e.sim.AddApplication(prod, map[string]any{"name": "CLI Probe", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"AUTHORIZATION_CODE"}, "responseTypes": []string{"CODE"}, "pkceEnforcement": "S256_REQUIRED",
		"tokenEndpointAuthMethod": "NONE", "redirectUris": []string{redirect},
		"accessControl": map[string]any{"role": map[string]any{"type": "ADMIN_USERS_ONLY"}}})
	s := &session{endpoints: pingone.Endpoints{APIURL: e.srv.URL + "/v1", AuthURL: e.srv.URL}}
	req := func(user pingonetest.SeedUser) flows.SignInRequest {
		return flows.SignInRequest{Credentials: flows.Credentials{EnvironmentID: prod, ClientID: id}, App: app, Username: user.Username, UserID: user.ID}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	api, err := s.personSignIn(browserAs(t, e.sim, e.srv.URL, prod, "admin"))(ctx, req(e.seed.Admin))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.GetEnvironment(ctx, prod); err != nil {
		t.Errorf("a call with the admin's token through the app: %v", err)
	}
	// The person signed in as someone else: it proves nothing about the admin.
	if _, err := s.personSignIn(browserAs(t, e.sim, e.srv.URL, prod, "groupadmin"))(ctx, req(e.seed.Admin)); err == nil {
		t.Error("a sign-in as another user was taken as the admin's")
	}
	// jdoe holds no admin role: the admin-only gate refuses him, and the error says so.
	_, err = s.personSignIn(browserAs(t, e.sim, e.srv.URL, prod, "jdoe"))(ctx, req(e.seed.JDoe))
	if !errors.Is(err, flows.ErrSignInRefused) {
		t.Errorf("jdoe's refused sign-in: %v, want ErrSignInRefused", err)
	}
	// The app's redirect belongs to the connector: no proof can be made here.
	app.RedirectURIs = []string{"https://api.stackone.com/connect/oauth2/pingone/callback"}
	if _, err := s.personSignIn(nil)(ctx, req(e.seed.Admin)); !errors.Is(err, flows.ErrNoLiveSignIn) {
		t.Errorf("a third-party redirect: %v, want ErrNoLiveSignIn", err)
	}
}
