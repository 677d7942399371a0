package pingonetest

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/pingone-setup/pingone-setup/internal/spec"
)

// signInParams are SignOn parameters for the seeded sign-in app.
func (b *browserTest) signInParams(username, password string) SignOnParams {
	return SignOnParams{ClientID: b.seed.SignInApp.ClientID, RedirectURI: SignInRedirectURI, Scope: "openid profile",
		State: "st4te", CodeChallenge: challengeOf(b.verifier), Username: username, Password: password}
}

func TestSignOnReturnsACodeTheTokenEndpointRedeems(t *testing.T) {
	b := newBrowserTest(t)
	code, err := SignOn(context.Background(), b.srv.Client(), b.srv.URL, b.prod(), b.signInParams("admin", b.seed.Admin.Password))
	if err != nil {
		t.Fatal(err)
	}
	r := b.exchange(code, b.verifier, b.redirect)
	b.expect(r, 200)
	if c := jwtClaims(t, r.body["access_token"].(string)); c["sub"] != b.seed.Admin.ID {
		t.Fatalf("claims %v", c)
	}
}

func TestSignOnReportsRefusalsAsSignOnErrors(t *testing.T) {
	b := newBrowserTest(t)
	ctx := context.Background()
	signOn := func(p SignOnParams) *SignOnError {
		t.Helper()
		code, err := SignOn(ctx, b.srv.Client(), b.srv.URL, b.prod(), p)
		var se *SignOnError
		if !errors.As(err, &se) || code != "" {
			t.Fatalf("code %q err %v, want a *SignOnError", code, err)
		}
		return se
	}
	if e := signOn(b.signInParams("admin", "wrong")); e.Code != SignOnInvalidCredentials || e.Description != "Incorrect username or password." {
		t.Fatalf("wrong password: %+v", e)
	}
	if e := signOn(b.signInParams("jdoe", b.seed.JDoe.Password)); e.Code != "access_denied" || e.Description == "" {
		t.Fatalf("jdoe on an admin-only app: %+v", e)
	}
	b.setAccessControl(groupPolicy("ANY_GROUP", b.sim.AddGroup(b.prod(), "Ops")))
	if e := signOn(b.signInParams("groupadmin", b.seed.GroupAdmin.Password)); e.Code != "access_denied" {
		t.Fatalf("group policy: %+v", e)
	}
	p := b.signInParams("admin", b.seed.Admin.Password)
	p.RedirectURI = "https://evil.example/callback"
	if e := signOn(p); e.Code != "invalid_request" {
		t.Fatalf("redirect URI mismatch: %+v", e)
	}
	p = b.signInParams("admin", b.seed.Admin.Password)
	p.CodeChallenge = ""
	if e := signOn(p); e.Code != "invalid_request" {
		t.Fatalf("missing PKCE: %+v", e)
	}
}

// TestAConfidentialClientSignsUsersOnAtANonLoopbackRedirectURI is the
// StackOne connector's path: a WORKER with a client secret and an https
// redirect URI on another host. A scripted user agent signs the user on,
// reads the code from the redirect without following it, and the client
// redeems it with its secret; the user's token then acts with the user's
// effective roles.
func TestAConfidentialClientSignsUsersOnAtANonLoopbackRedirectURI(t *testing.T) {
	const redirect = "https://api.stackone.com/connect/oauth2/pingone/callback"
	for _, method := range []string{"CLIENT_SECRET_POST", "CLIENT_SECRET_BASIC"} {
		t.Run(method, func(t *testing.T) {
			f := newFixture(t)
			f.client = &http.Client{Transport: spec.Load(t).Transport(t, f.srv.Client().Transport)}
			r := f.do(f.admin(), "POST", f.appsPath(f.prod()), map[string]any{
				"name": "StackOne", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
				"grantTypes": []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "responseTypes": []string{"CODE"},
				"pkceEnforcement": "OPTIONAL", "tokenEndpointAuthMethod": method, "redirectUris": []string{redirect},
				"accessControl": map[string]any{"role": map[string]any{"type": "ADMIN_USERS_ONLY"}}, "assignActorRoles": false})
			f.expect(r, 201)
			clientID := r.body["id"].(string)
			secret := f.sim.ApplicationSecret(f.prod(), clientID)
			params := func(user, pass string) SignOnParams {
				return SignOnParams{ClientID: clientID, RedirectURI: redirect, Scope: "openid", State: "s1",
					Username: user, Password: pass}
			}

			code, err := SignOn(context.Background(), f.srv.Client(), f.srv.URL, f.prod(), params("groupadmin", f.seed.GroupAdmin.Password))
			if err != nil {
				t.Fatal(err)
			}
			form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}
			var tok resp
			if method == "CLIENT_SECRET_POST" {
				form.Set("client_id", clientID)
				form.Set("client_secret", secret)
				tok = f.form("/"+f.prod()+"/as/token", form, "", "")
			} else {
				tok = f.form("/"+f.prod()+"/as/token", form, clientID, secret)
			}
			f.expect(tok, 200)
			at := tok.body["access_token"].(string)
			if tok.body["refresh_token"] == nil || tok.body["id_token"] == nil {
				t.Fatalf("token response %s", tok.raw)
			}

			// The token acts with groupadmin's roles, all held through its group.
			ep := "/v1/environments/" + f.prod()
			f.expect(f.do(at, "GET", ep+"/users", nil), 200)
			f.expect(f.do(at, "GET", ep+"/applications", nil), 200)
			f.expect(f.do(at, "GET", ep+"/users/"+f.seed.GroupAdmin.ID+"?include=memberOfGroupIDs", nil), 200)
			f.expectError(f.do(at, "GET", "/v1/environments/"+f.seed.Sandbox.ID+"/users", nil), 403, "ACCESS_FAILED", "", "")

			// The same code is not redeemable without the secret.
			code, err = SignOn(context.Background(), f.srv.Client(), f.srv.URL, f.prod(), params("groupadmin", f.seed.GroupAdmin.Password))
			if err != nil {
				t.Fatal(err)
			}
			r = f.form("/"+f.prod()+"/as/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
				"redirect_uri": {redirect}, "client_id": {clientID}}, "", "")
			if r.status != 401 || r.body["error"] != "invalid_client" {
				t.Fatalf("code redeemed without the secret: %s", r.raw)
			}

			// Non-admins are refused at the gate.
			for _, u := range []SeedUser{f.seed.JDoe, f.seed.Auditor} {
				_, err := SignOn(context.Background(), f.srv.Client(), f.srv.URL, f.prod(), params(u.Username, u.Password))
				var se *SignOnError
				if !errors.As(err, &se) || se.Code != "access_denied" {
					t.Fatalf("%s: %v", u.Username, err)
				}
			}
		})
	}
}
