package tui

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
)

func runLines(t *testing.T, api *fakeAPI, answers string) (LineResult, string, error) {
	t.Helper()
	var out bytes.Buffer
	res, err := RunAccessible(context.Background(), Options{Env: flows.Env{API: api, Identity: identity(), Region: "NA"}},
		strings.NewReader(answers), &out)
	return res, out.String(), err
}

func TestLineByLineAFailureShowsPingOnesErrorAndRetryGoesOn(t *testing.T) {
	api := newFakeAPI()
	api.failNext("CreateApplication", invalidRedirectError())
	res, out, err := runLines(t, api, strings.Repeat("\n", 12))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"✗ PingOne rejected the request as invalid.", "redirectUris: must be a valid URI",
		"PingOne error id: 0d4ab9a4-6b52-4e8a-9a3e-2f2ad1f0e7c1", "1. Retry", "2. Quit", "Your Worker app is ready"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
	if n := api.count("CreateApplication"); n != 2 {
		t.Errorf("CreateApplication called %d times, want 2 (the failure, the retry)", n)
	}
	if res.State.Credentials == nil || len(res.Created) == 0 {
		t.Errorf("the retried run should reach the hand-off: %+v", res)
	}
	if strings.Contains(out, secret) {
		t.Error("the secret was printed without being asked for")
	}
}

func TestLineByLineQuitAfterAFailureReturnsIt(t *testing.T) {
	api := newFakeAPI()
	api.failNext("CreateApplication", invalidRedirectError())
	_, out, err := runLines(t, api, "\n\n\n\n\n2\n")
	var se *flows.StepError
	if !errors.As(err, &se) || se.Step != "Create the Worker app" {
		t.Fatalf("quitting at the failure returns it, got %v\n%s", err, out)
	}
}

func TestLineByLineASetErrorAsksAgain(t *testing.T) {
	api := newFakeAPI()
	// The review: 2 changes the settings one by one; the name is asked next. An empty name
	// keeps the preset's; a name PingOne refuses (too long) is refused by Set or Validate.
	_, out, err := runLines(t, api, "\n\n2\n"+strings.Repeat("x", 300)+"\nShort Name\n"+strings.Repeat("\n", 30))
	if err != nil && !errors.Is(err, ErrInputEnded) {
		t.Fatalf("%v\n%s", err, out)
	}
	if strings.Count(out, "Application name [") != 2 || !strings.Contains(out, "longer than 256 characters") {
		t.Errorf("a refused name should be said and asked again:\n%s", out)
	}
	if strings.Contains(out, "Invalid: must be a number") {
		t.Errorf("Enter ends a multi-select's choosing, as it does everywhere else:\n%s", out)
	}
	if !strings.Contains(out, "Your Worker app is ready") {
		t.Errorf("Enter at every question of the custom settings reaches the hand-off:\n%s", out)
	}
}

func TestLineByLineTheSignInStepFindsOrAsksTheRegionAndAsksAgainAfterAFailure(t *testing.T) {
	const envID = "3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b"
	api := newFakeAPI()
	var reqs []Login
	si := &SignIn{
		Discover: func(context.Context, string) (pingone.Region, error) {
			return "", errors.New("no region's discovery document knows it")
		},
		Login: func(ctx context.Context, req Login, show func(Prompt)) (SignedIn, error) {
			reqs = append(reqs, req)
			if len(reqs) == 1 {
				return SignedIn{}, errors.New("the access token expired: get a new one")
			}
			return SignedIn{Env: flows.Env{API: api, Identity: identity(), Region: "EU"}, Who: "jdoe, environment Production, region EU"}, nil
		},
	}
	var out bytes.Buffer
	// environment, region 2 (EU), how 4 (token), its file; after the failure: how (kept), file again.
	answers := envID + "\n2\n4\n/tmp/token-one\n\n/tmp/token-two\n"
	_, err := RunAccessible(context.Background(), Options{SignIn: si}, strings.NewReader(answers), &out)
	if !errors.Is(err, ErrInputEnded) {
		t.Fatalf("Result %v\n%s", err, out.String())
	}
	for _, want := range []string{"Step 1 of 19: Sign in", "Could not find environment " + envID + " in any region", "Which region is it in?",
		"✗ the access token expired: get a new one", "✓ Signed in: jdoe", "Step 2 of 19: Choose environment"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("lacks %q:\n%s", want, out.String())
		}
	}
	if len(reqs) != 2 || reqs[1].Method != LoginToken || reqs[1].TokenFile != "/tmp/token-two" || reqs[1].Region != pingone.RegionEU || reqs[1].EnvironmentID != envID {
		t.Errorf("sign-ins %+v", reqs)
	}
}
