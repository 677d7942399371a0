package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/signin"
	"github.com/pingone-setup/pingone-setup/tui"
)

// needsSignInStep reports whether the wizard signs in on screen, at its Sign in step: the command
// line and the environment gave no sign-in, or only the default profile stands in for one (the
// step then offers it first).
func (c *common) needsSignInStep() bool {
	if c.demo {
		return false
	}
	if c.profileUsed != "" {
		return c.profile == "" // a profile named (--profile, PINGONE_PROFILE) is a sign-in given
	}
	return c.login == "" && c.clientID == "" && c.tokenFile == "" && strings.TrimSpace(os.Getenv("PINGONE_API_ACCESS_TOKEN")) == ""
}

// wizardSignIn does the I/O of the wizard's Sign in step: region discovery and the sign-ins,
// through the same connect as the flags, and keeps the sessions it opened.
type wizardSignIn struct {
	// base is the command line with its sign-in taken out; profile, when set, the command line
	// with the default profile applied (for "continue as").
	base, profile *common
	// open opens the browser; nil where none can be.
	open func(string) error

	mu       sync.Mutex
	sess     *session
	signedIn *signInInfo
	saved    string
	opened   []*session
}

func newWizardSignIn(c *common) *wizardSignIn {
	w := &wizardSignIn{}
	if signin.CanOpenBrowser() {
		w.open = signin.OpenBrowser
	}
	base := *c
	if c.profileUsed != "" {
		p := *c
		w.profile = &p
		base.login, base.loginClientID, base.profileUsed = "", "", ""
	}
	w.base = &base
	return w
}

// options are the Sign in step's, for tui.Options.SignIn.
func (w *wizardSignIn) options() *tui.SignIn {
	o := &tui.SignIn{Discover: discoverRegionOf, Login: w.login, Open: w.open, Environment: w.base.environmentID,
		RedirectURI: signin.Config{RedirectPort: w.base.loginPort}.RedirectURI()}
	if w.base.regionGiven {
		o.Region = w.base.regionCode
	}
	if w.base.apiURL != "" {
		o.AuthURL = w.base.authURL
	}
	if p := w.profile; p != nil {
		if pf, err := loadProfiles(); err == nil {
			if prof, ok := pf.Profiles[p.profileUsed]; ok {
				o.Profile = prof.label()
				o.Resume = w.resume
			}
		}
	}
	return o
}

// discoverRegionOf finds the region an environment is in, within signin.DiscoveryTimeout.
func discoverRegionOf(ctx context.Context, envID string) (pingone.Region, error) {
	ctx, cancel := context.WithTimeout(ctx, signin.DiscoveryTimeout)
	defer cancel()
	return signin.DiscoverRegion(ctx, envID, nil, nil)
}

// resume signs in as the default profile from the cache alone: its token, refreshed if need be.
func (w *wizardSignIn) resume(ctx context.Context) (tui.SignedIn, error) {
	c := *w.profile
	c.cachedOnly = true
	return w.connect(ctx, &c)
}

// login signs in as the Sign in step's answers say.
func (w *wizardSignIn) login(ctx context.Context, req tui.Login, show func(tui.Prompt)) (tui.SignedIn, error) {
	c := *w.base
	c.environmentID = req.EnvironmentID
	if req.Region != "" && c.apiURL == "" {
		c.regionCode = req.Region
	}
	switch req.Method {
	case tui.LoginBrowser, tui.LoginDevice:
		c.login, c.loginClientID = req.Method, req.ClientID
		c.showURL = func(url string) { show(tui.Prompt{URL: url}) }
		c.openURL = w.open
		c.showDevice = func(dc signin.DeviceCode) {
			d := &tui.DeviceCode{UserCode: dc.UserCode, VerificationURI: dc.VerificationURI, VerificationURIComplete: dc.VerificationURIComplete, ExpiresAt: dc.ExpiresAt}
			if dc.VerificationURIComplete != "" {
				d.QR = qrText(dc.VerificationURIComplete)
			}
			show(tui.Prompt{Device: d})
		}
	case tui.LoginWorker:
		c.clientID, c.clientSecretFile, c.typedSecret = req.ClientID, req.SecretFile, req.Secret
	case tui.LoginToken:
		c.typedToken, c.tokenFile = req.Token, req.TokenFile
	default:
		return tui.SignedIn{}, fmt.Errorf("unknown sign-in method %q", req.Method)
	}
	return w.connect(ctx, &c)
}

// connect signs in as c says, keeps the session, and says who signed in.
func (w *wizardSignIn) connect(ctx context.Context, c *common) (tui.SignedIn, error) {
	var notes bytes.Buffer
	s, err := signIn(ctx, c, strings.NewReader(""), &notes)
	if err != nil {
		return tui.SignedIn{}, err
	}
	w.mu.Lock()
	w.sess, w.signedIn, w.saved = s, c.signedIn, c.profileSaved
	w.opened = append(w.opened, s)
	w.mu.Unlock()
	res := tui.SignedIn{Env: s.env(true, false), Who: whoSignedIn(ctx, s, c.apiURL != "")}
	res.Note = strings.Join(strings.Fields(strings.ReplaceAll(notes.String(), "\n", " ")), " ")
	return res, nil
}

// session is the session the wizard signed in with last, and how; nil when it never did.
func (w *wizardSignIn) session() (*session, *signInInfo) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sess, w.signedIn
}

// close closes every session opened.
func (w *wizardSignIn) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range w.opened {
		s.close()
	}
}

// whoSignedIn says who signed in, where and until when: "Ada Admin (admin@example.com), environment
// Production, region NA; the token expires at 15:04" (with explicit hosts, "at" the auth URL
// instead of the region). What cannot be read is left out.
func whoSignedIn(ctx context.Context, s *session, explicit bool) string {
	id := s.identity
	var who, envName string
	if id.UserID != "" {
		if w, err := flows.ReadWhoAmI(ctx, s.client, id.EnvironmentID, id.UserID); err == nil {
			who, envName = w.Name, w.Environment.Name
			if w.Username != "" {
				if who != "" {
					who += " (" + w.Username + ")"
				} else {
					who = w.Username
				}
			}
		}
		if who == "" {
			who = cmpOr(id.Username, "user "+id.UserID)
		}
	} else {
		who = "worker " + id.ClientID
	}
	where := "environment " + cmpOr(envName, id.EnvironmentID)
	switch {
	case explicit:
		where += " at " + s.endpoints.AuthURL
	case s.region != "":
		where += ", region " + s.region
	}
	line := who + ", " + where
	if !s.expiry.IsZero() {
		line += "; the token expires at " + s.expiry.Local().Format("15:04")
	}
	return line
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
