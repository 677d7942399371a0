package flows_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
)

func jwtPlan(t *testing.T, preset, lines string) flows.Plan {
	t.Helper()
	p, err := flows.ParsePlan([]byte("preset: " + preset + "\nroles: fix\nsignInUser: admin\napplication:\n  name: JWT app\n" + lines))
	if err != nil {
		t.Fatal(err)
	}
	if preset == "sync-worker" {
		p.Application.RoleAssignments = []flows.RoleAssignment{{Role: "Identity Data Admin", Scope: "environment"}}
	}
	return p
}

// TestACLIENT_SECRET_JWTAppIsVerifiedByASignedAssertion: both ways a connector gets tokens, the
// client assertion signed with the secret proves the app (it used to fail verification).
func TestACLIENT_SECRET_JWTAppIsVerifiedByASignedAssertion(t *testing.T) {
	for _, preset := range []string{"sync-worker", "stackone"} {
		t.Run(preset, func(t *testing.T) {
			tn := newTenant(t)
			s, err := flows.Run(context.Background(), tn.admin(), flows.Steps(), flows.State{Plan: jwtPlan(t, preset, "  tokenEndpointAuthMethod: CLIENT_SECRET_JWT\n")})
			if err != nil {
				t.Fatal(err)
			}
			if s.Verified == nil || s.Verified.Outcome != flows.OutcomeVerified || !s.Succeeded() {
				t.Fatalf("verification %+v", s.Verified)
			}
		})
	}
}

// TestAPRIVATE_KEY_JWTAppIsVerifiedWithTheKeyAndSaysSoWithoutIt: with the connector's private key
// the app is proven; without it the run says what it could not prove instead of failing, and a
// key that is not the app's fails.
func TestAPRIVATE_KEY_JWTAppIsVerifiedWithTheKeyAndSaysSoWithoutIt(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	set, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"}}})
	lines := "  tokenEndpointAuthMethod: PRIVATE_KEY_JWT\n  jwks: '" + string(set) + "'\n"

	tn := newTenant(t)
	s, err := flows.Run(context.Background(), tn.admin(), flows.Steps(), flows.State{Plan: jwtPlan(t, "sync-worker", lines)})
	if err != nil {
		t.Fatal(err)
	}
	if v := s.Verified; v == nil || v.Outcome != flows.OutcomeUnverified || !strings.Contains(v.Message, "--private-key-file") {
		t.Fatalf("without the key: %+v", s.Verified)
	}

	withKey := func(k *ecdsa.PrivateKey) flows.Env {
		env := tn.admin()
		env.AppClient = func(ctx context.Context, c flows.Credentials) (flows.API, error) {
			ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: tn.spec.Transport(tn.t, nil)})
			ts := pingone.ClientCredentialsJWT(ctx, tn.srv.URL, c.EnvironmentID, c.ClientID, "", pingone.ClientKey{Signer: k, KeyID: "k1"})
			if _, err := ts.Token(); err != nil {
				return nil, err
			}
			return pingone.NewClient(ctx, tn.srv.URL+"/v1", ts), nil
		}
		return env
	}
	s, err = flows.Run(context.Background(), withKey(key), flows.Steps(), flows.State{Plan: jwtPlan(t, "sync-worker", lines)})
	if err != nil {
		t.Fatal(err)
	}
	if v := s.Verified; v == nil || v.Outcome != flows.OutcomeVerified {
		t.Fatalf("with the key: %+v", s.Verified)
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	s, err = flows.Run(context.Background(), withKey(other), flows.Steps(), flows.State{Plan: jwtPlan(t, "sync-worker", lines)})
	if err != nil {
		t.Fatal(err)
	}
	if v := s.Verified; v == nil || v.Outcome != flows.OutcomeFailed || s.Succeeded() {
		t.Fatalf("with another key: %+v", s.Verified)
	}
}
