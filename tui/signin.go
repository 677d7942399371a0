package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/ansi"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/signin"
)

// StepSignIn is the ID of the Sign in step, the first of the step list when the command line
// gave no sign-in (Options.SignIn).
const StepSignIn = "sign-in"

// SignIn is the Sign in step of a run whose command line gave no sign-in: what the step offers,
// and the functions that do its I/O. The command provides them; the wizard calls each from a
// tea.Cmd and applies what it returns in Update.
type SignIn struct {
	// Profile, when not empty, labels a saved sign-in offered as the first, default choice:
	// "admin@example.com (NA, environment 3f8a…)".
	Profile string
	// Resume signs in as the saved profile without asking anything (its cached token, refreshed
	// when expired).
	Resume func(ctx context.Context) (SignedIn, error)
	// Discover finds the region of an environment known by its ID only.
	Discover func(ctx context.Context, envID string) (pingone.Region, error)
	// Login signs in the way req says, telling show what the admin must do meanwhile: the URL to
	// open in a browser, or the device code to enter. It returns when the sign-in is done,
	// refused, or ctx is cancelled.
	Login func(ctx context.Context, req Login, show func(Prompt)) (SignedIn, error)
	// Open opens a URL in a browser; nil when none can be opened here (an SSH session, no
	// display).
	Open func(url string) error
	// AuthURL, when not empty, is the auth server the command line named (--auth-url): the region
	// is then neither asked nor looked for.
	AuthURL string
	// Environment prefills the environment question (an ID or a console URL); Region the region.
	Environment string
	Region      pingone.Region
	// RedirectURI is the browser sign-in's loopback callback, which the sign-in app must list.
	RedirectURI string
}

// Login methods: how the admin signs in.
const (
	LoginBrowser = "browser" // authorization code + PKCE through a loopback redirect
	LoginDevice  = "device"  // device authorization: a code entered on any device
	LoginWorker  = "worker"  // client credentials of an existing worker app
	LoginToken   = "token"   // an access token pasted
)

// Login is how to sign in, as the admin answered the Sign in step.
type Login struct {
	Method        string
	EnvironmentID string
	Region        pingone.Region
	// ClientID is the sign-in app's (browser, device) or the worker's.
	ClientID string
	// Secret is the worker's secret as typed; SecretFile, a file that holds it.
	Secret, SecretFile string
	// Token is the access token pasted; TokenFile, a file that holds one.
	Token, TokenFile string
}

// Prompt is what the admin must do while a sign-in waits for them: open URL in a browser, or
// enter a device code.
type Prompt struct {
	URL    string
	Device *DeviceCode
}

// DeviceCode is a device sign-in's code and where to enter it.
type DeviceCode struct {
	UserCode, VerificationURI, VerificationURIComplete string
	ExpiresAt                                          time.Time
	// QR draws VerificationURIComplete as a QR code in text, for a phone to scan.
	QR string
}

// SignedIn is a finished sign-in: the environment the steps run in, and what to tell the admin.
type SignedIn struct {
	Env flows.Env
	// Who says who signed in, where, and until when: "Ada Admin (admin@example.com) in
	// environment Production, region NA; the token expires at 15:04".
	Who string
	// Note is anything else worth saying (a saved profile).
	Note string
}

// signPage is the page of the Sign in step on screen.
type signPage int

const (
	signProfile signPage = iota // continue as the saved profile, or sign in another way
	signWhere                   // the environment: ID or console URL, and the region
	signFinding                 // looking for the environment's region
	signRegion                  // the region, picked from the list (discovery could not tell)
	signHow                     // browser, device code, worker, access token
	signApp                     // the sign-in app's client ID (how to create one, when there is none)
	signWorker                  // the worker's client ID and secret
	signToken                   // the access token
	signWaiting                 // the sign-in in flight: the URL to open, the device code
)

// signState is the Sign in step's own state: the page, its form, the answers so far.
type signState struct {
	opts *SignIn
	page signPage
	form *huh.Form

	choice     string // the profile page's answer
	where      string // what was pasted
	pick       string // the region picked ("" = find it)
	envID      string
	region     pingone.Region
	how        string
	clientID   string
	showSteps  bool // the console steps to create a sign-in app are shown
	workerID   string
	secretFrom string
	secret     string
	secretFile string
	token      string

	// note says why the page is shown (the region found, the last failure); bad marks a failure.
	note string
	bad  bool

	prompt  *Prompt
	copied  string
	cancel  context.CancelFunc
	attempt int       // the sign-in in flight; a result of an earlier one is dropped
	now     time.Time // for the device code's countdown
}

// Messages of the Sign in step. attempt tells which call answered.
type (
	regionMsg struct {
		attempt int
		region  pingone.Region
		err     error
	}
	promptMsg struct {
		attempt int
		ch      chan Prompt
		prompt  Prompt
	}
	signedInMsg struct {
		attempt int
		res     SignedIn
		err     error
	}
	signTickMsg struct {
		attempt int
		now     time.Time
	}
	openedMsg struct{ err error }
)

// consoleURL is the PingOne console of envID in region r.
func consoleURL(r pingone.Region, envID string) string {
	tld := r.TLD()
	if tld == "" {
		tld = pingone.RegionNA.TLD()
	}
	return "https://console.pingone." + tld + "/?env=" + envID
}

// signInAppSteps are the console steps that create a sign-in app with the cli-login preset's
// settings; redirect is the loopback callback the browser sign-in listens on.
func signInAppSteps(redirect string) []string {
	p, _ := flows.PresetByName("cli-login")
	a := p.App
	if redirect == "" && len(a.RedirectURIs) > 0 {
		redirect = a.RedirectURIs[0]
	}
	return []string{
		"Sign in to the console of your environment (the link above) as an administrator.",
		fmt.Sprintf("Applications → Applications → + : name %q, type Worker; Save.", a.Name),
		fmt.Sprintf("Configuration → edit: response type %s; grant types %s (add DEVICE_CODE to sign in with a device code); PKCE enforcement %s; redirect URI %s (exactly); token endpoint authentication method %s; Save.",
			strings.Join(a.ResponseTypes, ", "), strings.Join(a.GrantTypes, " and "), a.PKCEEnforcement, redirect, a.TokenEndpointAuthMethod),
		"Resources: allow the scopes " + strings.Join(a.Scopes, " and ") + ".",
		"Access: Admin Only Access (admin users only); Save.",
		"Turn the app on (the toggle at the top right) and copy its Client ID from Overview.",
	}
}

// signMethods are the ways to sign in, each saying in one line when to pick it.
var signMethods = []struct{ label, value string }{
	{"Browser: at this computer, with a browser", LoginBrowser},
	{"Device code: over SSH, or on your phone", LoginDevice},
	{"Worker: an existing worker's ID and secret", LoginWorker},
	{"Access token: you hold a Management API one", LoginToken},
}

// startSignIn opens the Sign in step's first page.
func (m *Model) startSignIn() tea.Cmd {
	m.phase = phaseSignIn
	s := &signState{opts: m.signIn, pick: string(m.signIn.Region), how: LoginBrowser, secretFrom: "type"}
	s.where = m.signIn.Environment
	m.sign = s
	if m.signIn.Profile != "" && m.signIn.Resume != nil {
		s.choice = "profile"
		return m.signForm(signProfile)
	}
	return m.signForm(signWhere)
}

// signForm opens page p with a fresh form (or none, for pages that wait).
func (m *Model) signForm(p signPage) tea.Cmd {
	s := m.sign
	s.page = p
	m.preScroll = 0
	// The page's size: an option that wraps would push the chosen one out of view, so each
	// fits one line.
	w, h := m.panelSize()
	r := room{w: w - 2, h: h}
	opt := func(label, value string) huh.Option[string] { return huh.NewOption(optionLabel(label, r), value) }
	var groups []*huh.Group
	switch p {
	case signProfile:
		groups = append(groups, huh.NewGroup(huh.NewSelect[string]().Title("Sign in").
			Description("You signed in before; the saved sign-in is renewed without asking.").
			Options(opt("Continue as "+s.opts.Profile, "profile"), opt("Sign in another way", "other")).
			Value(&s.choice)))
	case signWhere:
		in := huh.NewInput().Title("Which environment do you sign in to?").
			Description("Paste its ID, or the PingOne console's URL from your browser's address bar (it holds the ID and the region).").
			Value(&s.where).Validate(func(v string) error {
			_, err := pingone.ParseEnvironmentRef(v)
			return err
		})
		fields := []huh.Field{in}
		if s.opts.AuthURL == "" {
			opts := []huh.Option[string]{opt("Find it from the environment (or the URL)", "")}
			for _, rg := range pingone.Regions {
				opts = append(opts, opt(string(rg)+" ("+rg.AuthURL()+")", string(rg)))
			}
			fields = append(fields, huh.NewSelect[string]().Title("Region").Options(opts...).Value(&s.pick))
		}
		for _, f := range fields {
			groups = append(groups, huh.NewGroup(f))
		}
		if len(groups) > 1 {
			// A console URL names its region: it is not asked then.
			groups[1].WithHideFunc(func() bool {
				ref, err := pingone.ParseEnvironmentRef(s.where)
				return err == nil && ref.Region != ""
			})
		}
	case signRegion:
		var opts []huh.Option[string]
		for _, rg := range pingone.Regions {
			opts = append(opts, opt(string(rg)+" ("+rg.AuthURL()+")", string(rg)))
		}
		if s.pick == "" {
			s.pick = string(pingone.RegionNA)
		}
		groups = append(groups, huh.NewGroup(huh.NewSelect[string]().Title("Which region is environment "+s.envID+" in?").Options(opts...).Value(&s.pick)))
	case signHow:
		var opts []huh.Option[string]
		for _, o := range signMethods {
			opts = append(opts, opt(o.label, o.value))
		}
		groups = append(groups, huh.NewGroup(huh.NewSelect[string]().Title("How do you sign in?").Options(opts...).Value(&s.how)))
	case signApp:
		desc := "The client ID of the sign-in app in this environment (browser and device sign-ins go through one). No sign-in app yet? Leave this empty and press enter: the steps to create one are shown."
		if s.showSteps {
			desc = "The client ID of the sign-in app you created (its Overview shows it)."
		}
		groups = append(groups, huh.NewGroup(huh.NewInput().Title("Sign-in app's client ID").Description(desc).
			Value(&s.clientID).Validate(func(v string) error { return checkClientID(v, s.showSteps) })))
	case signWorker:
		groups = append(groups,
			huh.NewGroup(
				huh.NewInput().Title("Worker's client ID").Description("A worker app of this environment, whose roles let it manage applications and roles.").
					Value(&s.workerID).Validate(func(v string) error { return checkClientID(v, true) }),
				huh.NewSelect[string]().Title("Its client secret").
					Options(opt("Type or paste it (hidden as you type)", "type"), opt("Read it from a file", "file")).Value(&s.secretFrom)),
			huh.NewGroup(huh.NewInput().Title("Client secret").EchoMode(huh.EchoModePassword).Value(&s.secret).
				Validate(nonEmpty("paste the worker's client secret"))).
				WithHideFunc(func() bool { return s.secretFrom != "type" }),
			huh.NewGroup(huh.NewInput().Title("File holding the secret").Description("The secret alone, on one line; it is read, never kept.").
				Value(&s.secretFile).Validate(nonEmpty("the path of the file that holds the secret"))).
				WithHideFunc(func() bool { return s.secretFrom != "file" }))
	case signToken:
		groups = append(groups, huh.NewGroup(huh.NewInput().Title("Access token").
			Description("A PingOne Management API access token (hidden as you paste it). It is used for this run only, and never saved.").
			EchoMode(huh.EchoModePassword).Value(&s.token).Validate(nonEmpty("paste the access token"))))
	default:
		s.form = nil
		return nil
	}
	s.form = huh.NewForm(groups...).WithShowHelp(false).WithTheme(huh.ThemeCharm())
	s.form.WithWidth(w)
	s.form.Update(tea.WindowSizeMsg{Width: w, Height: h})
	init := s.form.Init()
	if p == signProfile && s.choice == "other" {
		showOptionsAbove(s.form, 1) // "Continue as" stays in view above the choice
	}
	return init
}

func nonEmpty(what string) func(string) error {
	return func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New("empty: " + what)
		}
		return nil
	}
}

// checkClientID accepts a client ID (a UUID), or nothing when empty is allowed (the sign-in app
// page, whose empty answer shows how to create one).
func checkClientID(v string, required bool) error {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			return errors.New("empty: paste the client ID (such as 3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b)")
		}
		return nil
	}
	if ref, err := pingone.ParseEnvironmentRef(v); err != nil || ref.From != "environment ID" {
		return fmt.Errorf("%q is not a client ID: one looks like 3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b (the app's Overview shows it)", clipText(v, 40))
	}
	return nil
}

func clipText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// signKey handles a key on the Sign in step: esc goes back a page (and cancels a sign-in in
// flight); on the browser page o opens the browser and c copies the URL; anything else goes to
// the page's form.
func (m Model) signKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	s := m.sign
	k := msg.String()
	if k == "pgdown" || k == "pgup" {
		m.scrollText(k == "pgdown")
		return m, nil
	}
	switch s.page {
	case signWaiting, signFinding:
		switch {
		case key.Matches(msg, m.keys.Cancel):
			if s.cancel != nil {
				s.cancel()
				s.cancel = nil
			}
			s.attempt++
			s.note, s.bad = "Cancelled.", false
			if s.page == signFinding {
				return m, m.signForm(signWhere)
			}
			return m, m.signForm(m.signBackFromWaiting())
		case key.Matches(msg, m.keys.OpenURL) && s.prompt != nil && s.prompt.URL != "" && s.opts.Open != nil:
			open, url := s.opts.Open, s.prompt.URL
			return m, func() tea.Msg { return openedMsg{err: open(url)} }
		case key.Matches(msg, m.keys.CopyURL) && s.prompt != nil && s.prompt.URL != "":
			s.copied = ""
			return m, copyURLCmd(m.stdout, s.prompt.URL, m.hand.tmux)
		}
		return m, nil
	}
	if key.Matches(msg, m.keys.Back) {
		if p, ok := m.signPrevious(); ok {
			s.note, s.bad = "", false
			return m, m.signForm(p)
		}
		return m, nil
	}
	return m.updateSignForm(msg)
}

// signBackFromWaiting is the page a cancelled or failed sign-in returns to: the choice of how.
func (m Model) signBackFromWaiting() signPage {
	if m.sign.envID == "" {
		m.sign.choice = "other" // the saved profile's sign-in failed: another way is next
		return signProfile
	}
	return signHow
}

// signPrevious is the page before the one on screen.
func (m Model) signPrevious() (signPage, bool) {
	s := m.sign
	switch s.page {
	case signWhere:
		if s.opts.Profile != "" && s.opts.Resume != nil {
			return signProfile, true
		}
	case signRegion, signHow:
		return signWhere, true
	case signApp, signWorker, signToken:
		return signHow, true
	}
	return 0, false
}

// updateSignForm hands a message to the page's form and acts on its completion.
func (m Model) updateSignForm(msg tea.Msg) (tea.Model, tea.Cmd) {
	s := m.sign
	if s.form == nil {
		return m, nil
	}
	f, cmd := s.form.Update(msg)
	if ff, ok := f.(*huh.Form); ok {
		s.form = ff
	}
	if s.form.State == huh.StateCompleted {
		return m, m.signSubmit()
	}
	return m, cmd
}

// signSubmit acts on the answers of the page on screen: the next page, or a call.
func (m *Model) signSubmit() tea.Cmd {
	s := m.sign
	s.note, s.bad = "", false
	switch s.page {
	case signProfile:
		if s.choice == "profile" {
			return m.signCall(func(ctx context.Context, _ func(Prompt)) (SignedIn, error) { return s.opts.Resume(ctx) })
		}
		return m.signForm(signWhere)
	case signWhere:
		ref, err := pingone.ParseEnvironmentRef(s.where)
		if err != nil { // the field's validation already said so
			return m.signForm(signWhere)
		}
		s.envID = ref.ID
		if ref.Region != "" {
			s.note = fmt.Sprintf("Region %s, from the %s.", ref.Region, ref.From)
		}
		switch {
		case s.opts.AuthURL != "":
			s.region = ref.Region // a label only: the command line named the hosts
		case ref.Region != "":
			s.region = ref.Region
		case s.pick != "":
			s.region = pingone.Region(s.pick)
		default:
			return m.findRegion()
		}
		return m.signForm(signHow)
	case signRegion:
		s.region = pingone.Region(s.pick)
		return m.signForm(signHow)
	case signHow:
		switch s.how {
		case LoginWorker:
			return m.signForm(signWorker)
		case LoginToken:
			return m.signForm(signToken)
		}
		return m.signForm(signApp)
	case signApp:
		if strings.TrimSpace(s.clientID) == "" {
			s.showSteps = true
			return m.signForm(signApp)
		}
		return m.login(Login{Method: s.how, ClientID: strings.TrimSpace(s.clientID)})
	case signWorker:
		req := Login{Method: LoginWorker, ClientID: strings.TrimSpace(s.workerID)}
		if s.secretFrom == "file" {
			req.SecretFile = strings.TrimSpace(expandHome(strings.TrimSpace(s.secretFile)))
		} else {
			req.Secret = strings.TrimSpace(s.secret)
		}
		s.secret = "" // handed to the sign-in; not kept on the page
		return m.login(req)
	case signToken:
		req := Login{Method: LoginToken, Token: strings.TrimSpace(s.token)}
		s.token = ""
		return m.login(req)
	}
	return nil
}

// findRegion looks for the region of the environment, with a spinner.
func (m *Model) findRegion() tea.Cmd {
	s := m.sign
	s.page, s.form = signFinding, nil
	s.attempt++
	ctx, cancel := context.WithCancel(m.ctx)
	s.cancel = cancel
	attempt, envID, discover := s.attempt, s.envID, s.opts.Discover
	return tea.Batch(m.spinner.Tick, func() tea.Msg {
		defer cancel()
		if discover == nil {
			return regionMsg{attempt: attempt, err: errors.New("no way to look it up here")}
		}
		r, err := discover(ctx, envID)
		return regionMsg{attempt: attempt, region: r, err: err}
	})
}

// login starts the sign-in req describes, where the step's answers say.
func (m *Model) login(req Login) tea.Cmd {
	s := m.sign
	req.EnvironmentID, req.Region = s.envID, s.region
	login := s.opts.Login
	return m.signCall(func(ctx context.Context, show func(Prompt)) (SignedIn, error) { return login(ctx, req, show) })
}

// signCall runs a sign-in as a command; what it shows meanwhile (a URL, a device code) comes
// back as promptMsg, its outcome as signedInMsg.
func (m *Model) signCall(call func(ctx context.Context, show func(Prompt)) (SignedIn, error)) tea.Cmd {
	s := m.sign
	s.page, s.form, s.prompt, s.copied = signWaiting, nil, nil, ""
	s.attempt++
	ctx, cancel := context.WithCancel(m.ctx)
	s.cancel = cancel
	attempt := s.attempt
	ch := make(chan Prompt, 4)
	show := func(p Prompt) {
		select {
		case ch <- p:
		default:
		}
	}
	run := func() tea.Msg {
		defer cancel()
		res, err := call(ctx, show)
		close(ch)
		return signedInMsg{attempt: attempt, res: res, err: err}
	}
	return tea.Batch(run, m.spinner.Tick, waitPrompt(attempt, ch))
}

func waitPrompt(attempt int, ch chan Prompt) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-ch
		if !ok {
			return nil
		}
		return promptMsg{attempt: attempt, ch: ch, prompt: p}
	}
}

func signTick(attempt int) tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return signTickMsg{attempt: attempt, now: t} })
}

// copyURLCmd puts a URL on the clipboard (OSC 52).
func copyURLCmd(out io.Writer, url string, tmux bool) tea.Cmd {
	cp := copyCmd(out, url, tmux)
	return func() tea.Msg {
		msg := cp().(copiedMsg)
		return urlCopiedMsg(msg)
	}
}

type urlCopiedMsg copiedMsg

// signResult applies a message of the Sign in step.
func (m Model) signResult(msg tea.Msg) (tea.Model, tea.Cmd) {
	s := m.sign
	if s == nil || m.phase != phaseSignIn {
		return m, nil
	}
	switch msg := msg.(type) {
	case regionMsg:
		if msg.attempt != s.attempt || s.page != signFinding {
			return m, nil
		}
		s.cancel = nil
		if msg.err != nil {
			s.note, s.bad = fmt.Sprintf("Could not find environment %s in any region (%v). Check the ID (esc goes back), or pick its region.", s.envID, msg.err), true
			return m, m.signForm(signRegion)
		}
		s.region = msg.region
		s.note = fmt.Sprintf("Environment %s is in region %s.", s.envID, msg.region)
		return m, m.signForm(signHow)
	case promptMsg:
		if msg.attempt != s.attempt || s.page != signWaiting {
			return m, nil
		}
		p := msg.prompt
		s.prompt = &p
		cmds := []tea.Cmd{waitPrompt(msg.attempt, msg.ch)}
		if p.Device != nil {
			s.now = time.Now()
			cmds = append(cmds, signTick(msg.attempt))
		}
		return m, tea.Batch(cmds...)
	case signTickMsg:
		if msg.attempt != s.attempt || s.page != signWaiting {
			return m, nil
		}
		s.now = msg.now
		return m, signTick(msg.attempt)
	case openedMsg:
		if msg.err != nil {
			s.copied = "Could not open the browser: " + msg.err.Error()
		}
	case urlCopiedMsg:
		if msg.err != nil {
			s.copied = "Could not copy: " + msg.err.Error()
		} else {
			s.copied = "Copied the URL (OSC 52: your terminal must allow clipboard access)."
		}
	case signedInMsg:
		if msg.attempt != s.attempt || s.page != signWaiting {
			return m, nil
		}
		s.cancel = nil
		if errors.Is(msg.err, signin.ErrEnvironmentNotFound) && s.envID != "" {
			// Wrong region (or ID): back to where, the region to be picked or found again.
			s.note, s.bad = "✗ "+msg.err.Error()+"\nCheck the environment ID, and pick its region (or let it be found).", true
			s.pick = ""
			return m, m.signForm(signWhere)
		}
		if msg.err != nil {
			back := m.signBackFromWaiting()
			s.note, s.bad = signInFailure(msg.err, back == signProfile), true
			return m, m.signForm(back)
		}
		return m, m.signedIn(msg.res)
	}
	return m, nil
}

// signInFailure says why a sign-in failed and what to do, in one piece of text; profile says it
// was the saved profile's.
func signInFailure(err error, profile bool) string {
	if errors.Is(err, context.Canceled) {
		return "Cancelled."
	}
	if profile {
		return "✗ " + err.Error() + "\nThe saved sign-in cannot be used: sign in another way."
	}
	return "✗ " + err.Error() + "\nChoose how to sign in again, or esc to change the environment."
}

// signedIn takes the signed-in environment for the steps ahead, says who signed in, and goes on.
func (m *Model) signedIn(res SignedIn) tea.Cmd {
	env := res.Env
	env.Interactive = true
	env.API = flows.Cached(env.API)
	m.env = env
	m.sign.form = nil
	m.sign.note = ""
	m.signedInAs, m.signedInNote = res.Who, res.Note
	cmd := m.finish()
	m.greetAt = m.idx // the step after says who signed in, above its question
	return cmd
}

// greeting is what the first step after signing in shows above its question: who signed in.
func (m Model) greeting(w int) string {
	if m.signedInAs == "" || m.idx != m.greetAt {
		return ""
	}
	g := wrap(m.styles.OK.Render("✓ ")+"Signed in: "+m.signedInAs, w)
	if m.signedInNote != "" {
		g += "\n" + wrap(m.styles.Faint.Render(m.signedInNote), w)
	}
	return g + "\n"
}

// signView is the Sign in step's panel: the text above the form (a note, the console steps, the
// device code) and the form or the spinner.
func (m Model) signView(w int) (pre, main string) {
	s, st := m.sign, m.styles
	var b strings.Builder
	if s.note != "" {
		style := st.Faint
		if s.bad {
			style = st.Error
		}
		b.WriteString(wrap(style.Render(s.note), w) + "\n\n")
	}
	switch s.page {
	case signApp:
		if s.showSteps {
			b.WriteString(wrap(st.Title.Render("Create a sign-in app first")+": browser and device sign-ins go through an app of your environment, and PingOne has none until you make one. This is a one-time step PingOne requires; the console takes about a minute:", w) + "\n")
			b.WriteString("\n  " + consoleURL(s.region, s.envID) + "\n\n") // whole, to click or copy
			for i, step := range signInAppSteps(s.opts.RedirectURI) {
				b.WriteString(indent(hang(fmt.Sprintf("%d. %s", i+1, step), w-2), 2) + "\n")
			}
		}
	case signFinding:
		return strings.TrimRight(b.String(), "\n"), wrap(m.spinner.View()+" Finding the region of environment "+s.envID+"…", w)
	case signWaiting:
		return strings.TrimRight(b.String()+m.promptView(w), "\n"), m.spinner.View() + " " + m.waitingLabel()
	}
	if s.form != nil {
		main = strings.TrimRight(s.form.View(), "\n")
	}
	return strings.TrimRight(b.String(), "\n"), main
}

func (m Model) waitingLabel() string {
	s := m.sign
	switch {
	case s.envID == "":
		return "Signing in as " + s.opts.Profile
	case s.prompt == nil:
		return "Signing in"
	case s.prompt.Device != nil:
		left := max(time.Until(s.prompt.Device.ExpiresAt), 0)
		if !s.now.IsZero() {
			left = max(s.prompt.Device.ExpiresAt.Sub(s.now), 0)
		}
		left = left.Round(time.Second)
		return fmt.Sprintf("Waiting for you to sign in… the code expires in %d:%02d", int(left.Minutes()), int(left.Seconds())%60)
	}
	return "Waiting for the sign-in in your browser"
}

// promptView is what the admin must do: the URL to open, or the device code, large, with a QR
// code of its complete URL.
func (m Model) promptView(w int) string {
	s, st := m.sign, m.styles
	p := s.prompt
	if p == nil {
		return ""
	}
	var b strings.Builder
	if d := p.Device; d != nil {
		spaced := strings.Join(strings.Split(d.UserCode, ""), " ")
		bar := strings.Repeat("─", len([]rune(spaced))+2)
		b.WriteString("On any device, open\n\n" + indent(ansi.Hardwrap(d.VerificationURI, w-2, true), 2) + "\n\nand enter the code\n\n")
		b.WriteString("  ┌" + bar + "┐\n  │ " + st.Value.Render(spaced) + " │\n  └" + bar + "┘\n")
		if d.VerificationURIComplete != "" {
			b.WriteString("\nor open this page, which has the code filled in:\n\n" + indent(ansi.Hardwrap(d.VerificationURIComplete, w-2, true), 2) + "\n\n")
			if d.QR != "" {
				b.WriteString("or scan this with a phone to open it:\n\n" + d.QR)
			}
		}
		return b.String()
	}
	if s.opts.Open != nil {
		b.WriteString(wrap("Sign in to PingOne in your browser. If it did not open, press o to open it again, or c to copy the URL:", w) + "\n\n")
	} else {
		b.WriteString(wrap("No browser can be opened from here (an SSH session, or no display). Open this URL in a browser on this computer (c copies it); the sign-in comes back to http://127.0.0.1 here, so over SSH forward the port (ssh -L 7464:127.0.0.1:7464) or choose device code instead (esc):", w) + "\n\n")
	}
	// Whole, across lines where it is longer than one: a line cut at the screen's edge would lose
	// its end (c copies it in one piece).
	b.WriteString(ansi.Hardwrap(p.URL, w, true) + "\n")
	if s.copied != "" {
		b.WriteString("\n" + wrap(st.Faint.Render(s.copied), w) + "\n")
	}
	return b.String()
}
