package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/mdp/qrterminal/v3"
	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/signin"
)

// interactiveLogin signs the admin in with the browser (authorization code + PKCE) or the device
// flow, reusing a cached token for the same auth host, environment and client when there is one.
func interactiveLogin(ctx context.Context, c *common, ep pingone.Endpoints, stderr io.Writer) (oauth2.TokenSource, flows.Identity, error) {
	if c.loginClientID == "" {
		return nil, flows.Identity{}, usagef("--login %s needs --login-client-id: the client ID of a sign-in app (authorization code or device grant, token auth NONE)", c.login)
	}
	if c.environmentID == "" {
		return nil, flows.Identity{}, usagef("--login %s needs --environment-id: the environment you sign in to", c.login)
	}
	cfg := signin.Config{AuthURL: ep.AuthURL, EnvironmentID: c.environmentID, ClientID: c.loginClientID, RedirectPort: c.loginPort}
	fresh := func(ctx context.Context) (*oauth2.Token, error) {
		if c.login == "device" {
			// The countdown stops when the sign-in ends, not when the program does.
			dctx, cancel := context.WithCancel(ctx)
			defer cancel()
			if c.showDevice != nil {
				return signin.Device(dctx, cfg, c.showDevice)
			}
			return signin.Device(dctx, cfg, func(dc signin.DeviceCode) { showDeviceCode(dctx, stderr, dc) })
		}
		show := func(url string) {
			fmt.Fprintf(stderr, "Sign in to PingOne in your browser. If it does not open, open this URL:\n\n  %s\n\nWaiting for the sign-in to finish (Ctrl-C to cancel)...\n", url)
		}
		if c.showURL != nil {
			show = c.showURL
		}
		open := signin.OpenBrowser
		if !signin.CanOpenBrowser() {
			open = nil // over SSH or without a display: the URL shown is the way
		}
		if c.showURL != nil {
			open = c.openURL // the wizard's: nil where no browser can be opened
		}
		return signin.Browser(ctx, cfg, show, open)
	}
	var ts oauth2.TokenSource
	var notice string
	var err error
	if c.cachedOnly {
		ts, _, notice, err = signin.NewCache().Cached(ctx, cfg)
	} else {
		ts, notice, err = signin.NewCache().TokenSource(ctx, cfg, fresh)
	}
	if notice != "" {
		fmt.Fprintln(stderr, notice)
	}
	if err != nil {
		return nil, flows.Identity{}, err
	}
	tok, err := ts.Token()
	if err != nil {
		return nil, flows.Identity{}, err
	}
	id, err := signin.IdentityFromToken(tok)
	if err != nil {
		return nil, flows.Identity{}, fmt.Errorf("read the signed-in identity: %w", err)
	}
	ident := flows.Identity{UserID: id.UserID, Username: id.Username, EnvironmentID: id.EnvironmentID, ClientID: id.ClientID}
	if ident.EnvironmentID == "" {
		ident.EnvironmentID = c.environmentID
	}
	if ident.Username == "" {
		// The access token carries no username; userinfo does (best effort, for messages only).
		if ui, err := signin.UserInfo(ctx, cfg, tok); err == nil {
			ident.Username = ui.Username
		}
	}
	return ts, ident, nil
}

// showDeviceCode prints the user code large, the verification URL, and a countdown to expiry that
// stops when the sign-in ends.
func showDeviceCode(ctx context.Context, w io.Writer, dc signin.DeviceCode) {
	spaced := strings.Join(strings.Split(dc.UserCode, ""), " ")
	fmt.Fprintf(w, "\nOn any device, open\n\n  %s\n\nand enter the code\n\n      ┌─%s─┐\n      │ %s │\n      └─%s─┘\n\n", dc.VerificationURI, strings.Repeat("─", len([]rune(spaced))), spaced, strings.Repeat("─", len([]rune(spaced))))
	if dc.VerificationURIComplete != "" {
		fmt.Fprintf(w, "(or open %s)\n", dc.VerificationURIComplete)
	}
	f, ok := w.(*os.File)
	if !ok || !isatty.IsTerminal(f.Fd()) {
		fmt.Fprintf(w, "The code expires at %s.\n", dc.ExpiresAt.Format("15:04:05"))
		return
	}
	if dc.VerificationURIComplete != "" {
		fmt.Fprintf(w, "\nOr scan this with a phone: it opens the page with the code filled in.\n\n%s\n", qrText(dc.VerificationURIComplete))
	}
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			left := time.Until(dc.ExpiresAt).Round(time.Second)
			if left < 0 {
				left = 0
			}
			fmt.Fprintf(w, "\rWaiting for you to sign in... code expires in %d:%02d ", int(left.Minutes()), int(left.Seconds())%60)
			select {
			case <-ctx.Done():
				fmt.Fprintln(w)
				return
			case <-t.C:
			}
		}
	}()
}

// qrText draws url as a QR code in half-block characters (two modules a line), with a quiet
// zone, dark on light as phones read it. Encoding is the qr library's (error correction L, the
// smallest code for a URL a phone reads off a screen).
func qrText(url string) string {
	var b strings.Builder
	qrterminal.GenerateHalfBlock(url, qrterminal.L, &b)
	return b.String()
}

// discoverRegion finds the region of envID by asking each region's OIDC discovery document, when
// neither a region nor explicit URLs were given.
func discoverRegion(ctx context.Context, envID string, stderr io.Writer) pingone.Region {
	ctx, cancel := context.WithTimeout(ctx, signin.DiscoveryTimeout)
	defer cancel()
	r, err := signin.DiscoverRegion(ctx, envID, nil, nil)
	if err != nil {
		fmt.Fprintf(stderr, "Could not find environment %s in any region (%v); using NA. Pass --region if it lives elsewhere.\n", envID, err)
		return pingone.RegionNA
	}
	if r != pingone.RegionNA {
		fmt.Fprintf(stderr, "Environment %s is in region %s.\n", envID, r)
	}
	return r
}

func newLogoutCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Forget cached browser and device sign-ins",
		Long: `logout removes every PingOne sign-in that --login browser or --login device cached, from the OS
keyring and from the file used where there is no keyring. The next --login signs in afresh.
Worker secrets and access tokens are never cached, so there is nothing of theirs to forget.`,
		Example: `  pingone-setup logout`,
		Annotations: map[string]string{annFooter: `Exit codes:
  0    forgotten
  1    a cached sign-in could not be removed`},
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error { return runLogout(s.out, s.err) },
	}
}

func runLogout(stdout, stderr io.Writer) error {
	note, err := signin.Logout()
	if note != "" {
		fmt.Fprintln(stderr, note)
	}
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	fmt.Fprintln(stdout, "Removed every cached PingOne sign-in (keyring and file).")
	return nil
}
