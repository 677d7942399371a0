package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
)

// signInLines is the Sign in step line by line: where (an environment ID or console URL, the region
// found or picked), how (browser, device code, a worker's secret from a file, an access token
// from a file: nothing secret is typed where the screen cannot hide it), then the sign-in, its
// URL or device code printed. A failure is said with its fix and asked again; only the end of
// the input or an interrupt ends it.
func (r *lineRun) signInLines(si *SignIn) error {
	if si.Profile != "" && si.Resume != nil {
		choice := "profile"
		if err := r.askAll([]flows.Input{{Key: "profile", Title: "Sign in", Kind: flows.Select,
			Help:    "You signed in before; the saved sign-in is renewed without asking.",
			Options: []flows.Option{{Label: "Continue as " + si.Profile, Value: "profile"}, {Label: "Sign in another way", Value: "other"}},
			Get:     func(*flows.State) string { return "profile" },
			Set:     func(_ *flows.State, v string) error { choice = v; return nil }}}); err != nil {
			return err
		}
		if choice == "profile" {
			r.printf("Signing in as %s…\n", si.Profile)
			res, err := si.Resume(r.ctx)
			if err == nil {
				return r.signedIn(res)
			}
			r.printf("%s\n", wrap("✗ "+err.Error()+" The saved sign-in cannot be used: sign in another way.", accessibleWidth))
		}
	}
	where := si.Environment
	var ref pingone.EnvironmentRef
	if err := r.askAll([]flows.Input{{Key: "where", Title: "Which environment do you sign in to?", Kind: flows.Text,
		Help: "Paste its ID, or the PingOne console's URL from your browser's address bar (it holds the ID and the region).",
		Get:  func(*flows.State) string { return where },
		Validate: func(v string) error {
			_, err := pingone.ParseEnvironmentRef(v)
			return err
		},
		Set: func(_ *flows.State, v string) (err error) { ref, err = pingone.ParseEnvironmentRef(v); return err }}}); err != nil {
		return err
	}
	region := ref.Region
	if region == "" && si.AuthURL == "" {
		region = si.Region
	}
	if region == "" && si.AuthURL == "" {
		if err := r.findRegion(si, ref.ID, &region); err != nil {
			return err
		}
	}
	how := LoginDevice // line by line, often over SSH or without a browser at hand
	for {
		opts := make([]flows.Option, len(signMethods))
		for i, m := range signMethods {
			opts[i] = flows.Option{Label: m.label, Value: m.value}
		}
		opts[2].Label = "Worker: an existing worker's ID, its secret from a file"
		opts[3].Label = "Access token: from a file"
		if err := r.askAll([]flows.Input{{Key: "how", Title: "How do you sign in?", Kind: flows.Select, Options: opts,
			Get: func(*flows.State) string { return how },
			Set: func(_ *flows.State, v string) error { how = v; return nil }}}); err != nil {
			return err
		}
		req, err := r.loginRequest(si, how, ref.ID, region)
		if err != nil {
			return err
		}
		req.EnvironmentID, req.Region = ref.ID, region
		r.printf("Signing in…\n")
		res, err := si.Login(r.ctx, req, r.showPrompt)
		if err == nil {
			return r.signedIn(res)
		}
		if errors.Is(err, context.Canceled) || r.ctx.Err() != nil {
			return ErrInterrupted
		}
		r.printf("%s\n", wrap("✗ "+err.Error(), accessibleWidth))
	}
}

// findRegion looks for the region of envID, and asks for it when it cannot be found.
func (r *lineRun) findRegion(si *SignIn, envID string, region *pingone.Region) error {
	if si.Discover != nil {
		r.printf("Finding the region of environment %s…\n", envID)
		found, err := si.Discover(r.ctx, envID)
		if err == nil {
			*region = found
			r.printf("Environment %s is in region %s.\n", envID, found)
			return nil
		}
		r.printf("%s\n", wrap(fmt.Sprintf("Could not find environment %s in any region (%v).", envID, err), accessibleWidth))
	}
	opts := make([]flows.Option, len(pingone.Regions))
	for i, rg := range pingone.Regions {
		opts[i] = flows.Option{Label: string(rg) + " (" + rg.AuthURL() + ")", Value: string(rg)}
	}
	return r.askAll([]flows.Input{{Key: "region", Title: "Which region is it in?", Kind: flows.Select, Options: opts,
		Set: func(_ *flows.State, v string) error { *region = pingone.Region(v); return nil }}})
}

// loginRequest asks what the chosen way of signing in needs.
func (r *lineRun) loginRequest(si *SignIn, how, envID string, region pingone.Region) (Login, error) {
	req := Login{Method: how}
	switch how {
	case LoginBrowser, LoginDevice:
		steps := false
		for {
			help := "The client ID of the sign-in app in this environment. No sign-in app yet? Press Enter: the steps to create one are shown."
			if steps {
				help = "The client ID of the sign-in app you created (its Overview shows it)."
			}
			if err := r.askAll([]flows.Input{{Key: "app", Title: "Sign-in app's client ID", Kind: flows.Text, Help: help,
				Validate: func(v string) error { return checkClientID(v, steps) },
				Set:      func(_ *flows.State, v string) error { req.ClientID = strings.TrimSpace(v); return nil }}}); err != nil {
				return req, err
			}
			if req.ClientID != "" {
				return req, nil
			}
			steps = true
			r.printf("%s\n\n  %s\n\n", wrap("Create a sign-in app first: browser and device sign-ins go through an app of your environment, and PingOne has none until you make one. This is a one-time step PingOne requires; the console takes about a minute:", accessibleWidth), consoleURL(region, envID))
			for i, step := range signInAppSteps(si.RedirectURI) {
				r.printf("%s\n", indent(hang(fmt.Sprintf("%d. %s", i+1, step), accessibleWidth-2), 2))
			}
		}
	case LoginWorker:
		return req, r.askAll([]flows.Input{
			{Key: "worker", Title: "Worker's client ID", Kind: flows.Text,
				Validate: func(v string) error { return checkClientID(v, true) },
				Set:      func(_ *flows.State, v string) error { req.ClientID = strings.TrimSpace(v); return nil }},
			{Key: "secretFile", Title: "File holding its client secret", Kind: flows.Text,
				Help:     "The secret alone, on one line; it is read, never kept.",
				Validate: nonEmpty("the path of the file that holds the secret"),
				Set:      func(_ *flows.State, v string) error { req.SecretFile = expandHome(strings.TrimSpace(v)); return nil }},
		})
	case LoginToken:
		return req, r.askAll([]flows.Input{{Key: "tokenFile", Title: "File holding the access token", Kind: flows.Text,
			Help:     "A PingOne Management API access token alone in a file; it is used for this run only.",
			Validate: nonEmpty("the path of the file that holds the token"),
			Set:      func(_ *flows.State, v string) error { req.TokenFile = expandHome(strings.TrimSpace(v)); return nil }}})
	}
	return req, nil
}

// showPrompt prints what the admin must do while the sign-in waits: the URL to open, or the
// device code, its page and when it expires.
func (r *lineRun) showPrompt(p Prompt) {
	if d := p.Device; d != nil {
		r.printf("On any device, open %s and enter the code %s (it expires at %s).\n", d.VerificationURI, d.UserCode, d.ExpiresAt.Local().Format("15:04"))
		if d.VerificationURIComplete != "" {
			r.printf("Or open %s, which has the code filled in.\n", d.VerificationURIComplete)
		}
		r.printf("Waiting for you to sign in…\n")
		return
	}
	r.printf("Sign in to PingOne in a browser on this computer: open %s\nWaiting for the sign-in…\n", p.URL)
}

// signedIn takes the signed-in environment for the steps ahead and says who signed in.
func (r *lineRun) signedIn(res SignedIn) error {
	env := res.Env
	env.Interactive = true
	env.API = flows.Cached(env.API)
	env.Progress = r.progress
	r.env, r.m.env = env, env
	r.printf("%s\n", wrap("✓ Signed in: "+res.Who, accessibleWidth))
	if res.Note != "" {
		r.printf("%s\n", wrap(res.Note, accessibleWidth))
	}
	return nil
}
