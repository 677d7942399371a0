package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/pingone-setup/pingone-setup/internal/outwait"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
	"github.com/pingone-setup/pingone-setup/pingone/signin"
)

// signInRun is a wizard at its Sign in step, the sign-ins answered by the simulator.
type signInRun struct {
	t   *testing.T
	tm  *teatest.TestModel
	out outwait.Output
}

func (r *signInRun) waitFor(text string) { r.t.Helper(); r.out.WaitFor(r.t, text) }

func (r *signInRun) send(keys ...tea.KeyType) {
	for _, k := range keys {
		r.tm.Send(tea.KeyMsg{Type: k})
	}
}

func (r *signInRun) typeText(s string) { r.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}) }

func TestABareEnvironmentIDHasItsRegionFoundWithASpinnerAndPickedFromTheListWhenItCannotBe(t *testing.T) {
	sim := pingonetest.New()
	srv := httptest.NewServer(sim)
	defer srv.Close()
	const envID = "3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b"
	release := make(chan struct{})
	var mu sync.Mutex
	var got []Login
	si := &SignIn{
		Discover: func(ctx context.Context, id string) (pingone.Region, error) {
			<-release
			return "", errors.New("no region's discovery document knows it")
		},
		Login: func(ctx context.Context, req Login, show func(Prompt)) (SignedIn, error) {
			mu.Lock()
			got = append(got, req)
			mu.Unlock()
			return SignedIn{Env: simEnv(sim, srv.URL), Who: "Ada Admin (admin@example.com), environment Example Production, region EU"}, nil
		},
	}
	tm := teatest.NewTestModel(t, New(Options{SignIn: si, Stdout: &bytes.Buffer{}}), teatest.WithInitialTermSize(100, 30))
	r := &signInRun{t: t, tm: tm, out: outwait.Output{R: tm.Output()}}
	r.waitFor("Which environment do you sign in to?")
	r.typeText(envID)
	r.send(tea.KeyEnter) // to the region: "Find it" is the default
	r.waitFor("Region")
	r.send(tea.KeyEnter)
	r.waitFor("Finding the region of environment")
	close(release)
	r.waitFor("Could not find environment")
	r.waitFor("discovery document knows it") // why, in the words of the lookup
	r.waitFor("Which region is environment " + envID + " in?")
	r.send(tea.KeyDown, tea.KeyEnter) // EU
	r.waitFor("How do you sign in?")
	r.send(tea.KeyDown, tea.KeyDown, tea.KeyDown, tea.KeyEnter) // access token
	r.waitFor("hidden as you paste it")
	const token = "eyJhbGciOiJSUzI1NiJ9.not-a-real-token-but-secret"
	r.typeText(token)
	r.send(tea.KeyEnter)
	r.waitFor("Target environment")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	rest := make([]byte, 1<<20)
	n, _ := tm.FinalOutput(t).Read(rest)
	all := append(r.out.Seen, rest[:n]...)

	if len(got) != 1 || got[0].Method != LoginToken || got[0].Region != pingone.RegionEU || got[0].EnvironmentID != envID || got[0].Token != token {
		t.Errorf("the sign-in asked for %+v", got)
	}
	if !bytes.Contains(all, []byte("Signed in: Ada Admin")) {
		t.Error("the wizard should say who signed in")
	}
	if bytes.Contains(all, []byte("not-a-real-token")) {
		t.Error("the pasted token was shown on the screen")
	}
	if final.sign.token != "" {
		t.Error("the step kept the token after handing it over")
	}
	if final.env.API == nil || final.env.Identity.Username != "admin" && final.env.Identity.Username == "" {
		t.Errorf("the wizard should go on signed in: %+v", final.env.Identity)
	}
}

func TestTheWorkersSecretIsMaskedAndAFailedSignInReturnsToTheChoiceWithoutEndingTheWizard(t *testing.T) {
	sim := pingonetest.New()
	srv := httptest.NewServer(sim)
	defer srv.Close()
	const envID = "3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b"
	const secret = "Wk3r-very-secret-value"
	calls := 0
	si := &SignIn{
		Discover: func(context.Context, string) (pingone.Region, error) { return pingone.RegionCA, nil },
		Login: func(ctx context.Context, req Login, show func(Prompt)) (SignedIn, error) {
			calls++
			if req.Secret != secret || req.Method != LoginWorker || req.Region != pingone.RegionCA {
				t.Errorf("login %+v", Login{Method: req.Method, Region: req.Region, ClientID: req.ClientID})
			}
			if calls == 1 {
				return SignedIn{}, errors.New("sign in as worker: invalid_client. Fix: check the client ID and secret")
			}
			return SignedIn{Env: simEnv(sim, srv.URL), Who: "worker x"}, nil
		},
	}
	tm := teatest.NewTestModel(t, New(Options{SignIn: si, Stdout: &bytes.Buffer{}}), teatest.WithInitialTermSize(100, 30))
	r := &signInRun{t: t, tm: tm, out: outwait.Output{R: tm.Output()}}
	r.waitFor("Which environment do you sign in to?")
	r.typeText(envID)
	r.send(tea.KeyEnter, tea.KeyEnter)
	r.waitFor("Environment " + envID + " is in region CA.")
	worker := func() {
		r.waitFor("How do you sign in?")
		r.send(tea.KeyDown, tea.KeyDown, tea.KeyEnter)
		r.waitFor("Worker's client ID")
		r.typeText("c2e3a5b7-3d4f-4a8b-8c1d-2e3f4a5b6c7d")
		r.send(tea.KeyEnter, tea.KeyEnter) // secret typed (the default)
		r.waitFor("Client secret")
		r.typeText(secret)
		r.send(tea.KeyEnter)
	}
	worker()
	r.waitFor("invalid_client")
	// Back at the choice, worker still chosen and its client ID kept; the secret is asked again.
	r.waitFor("How do you sign in?")
	r.send(tea.KeyEnter)
	r.waitFor("Worker's client ID")
	r.send(tea.KeyEnter, tea.KeyEnter)
	r.waitFor("Client secret")
	r.typeText(secret)
	r.send(tea.KeyEnter)
	r.waitFor("Target environment")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	if strings.Contains(string(r.out.Seen), secret) {
		t.Error("the secret was shown on the screen")
	}
	if calls != 2 {
		t.Errorf("%d sign-ins, want 2", calls)
	}
}

func TestTheBrowserPageOpensAndCopiesTheURLAndEscCancelsTheSignInBackToTheChoice(t *testing.T) {
	const envID = "3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b"
	const authURL = "https://auth.pingone.eu/" + envID + "/as/authorize?client_id=x&state=y"
	opened := make(chan string, 4)
	cancelled := make(chan struct{})
	si := &SignIn{
		Open: func(url string) error { opened <- url; return nil },
		Login: func(ctx context.Context, req Login, show func(Prompt)) (SignedIn, error) {
			show(Prompt{URL: authURL})
			<-ctx.Done()
			close(cancelled)
			return SignedIn{}, ctx.Err()
		},
	}
	var clip bytes.Buffer
	var mu sync.Mutex
	tm := teatest.NewTestModel(t, New(Options{SignIn: si, Stdout: lockedWriter{&mu, &clip}}), teatest.WithInitialTermSize(120, 30))
	r := &signInRun{t: t, tm: tm, out: outwait.Output{R: tm.Output()}}
	r.waitFor("Which environment do you sign in to?")
	r.typeText("https://console.pingone.eu/?env=" + envID)
	r.send(tea.KeyEnter)
	r.waitFor("How do you sign in?")
	r.send(tea.KeyEnter)
	r.waitFor("Sign-in app's client ID")
	r.typeText("c2e3a5b7-3d4f-4a8b-8c1d-2e3f4a5b6c7d")
	r.send(tea.KeyEnter)
	r.waitFor("Sign in to PingOne in your browser")
	r.waitFor("o open the browser")
	r.typeText("o")
	select {
	case u := <-opened:
		if u != authURL {
			t.Errorf("opened %q", u)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("o did not open the browser")
	}
	r.typeText("c")
	r.waitFor("Copied the URL")
	mu.Lock()
	if !strings.Contains(clip.String(), "\x1b]52;c;") {
		t.Errorf("c should copy the URL with OSC 52: %q", clip.String())
	}
	mu.Unlock()
	r.send(tea.KeyEsc)
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("esc did not cancel the sign-in")
	}
	r.waitFor("Cancelled.")
	r.waitFor("How do you sign in?")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// signInHarness is the wizard at its Sign in step, nothing signed in yet.
func signInHarness(t *testing.T, profile string) *harness {
	return newHarness(t, func(o *Options) {
		o.Env = flows.Env{}
		o.SignIn = &SignIn{Profile: profile, Resume: func(context.Context) (SignedIn, error) { return SignedIn{}, errors.New("not in a golden") }}
	})
}

func TestGoldenSignInStepFirstPage(t *testing.T) {
	h := signInHarness(t, "")
	if !strings.Contains(h.screen(), "› Sign in") {
		t.Error("Sign in should be the current step of the step list")
	}
	h.golden("signin-where")
}

func TestGoldenSignInOffersTheSavedProfileFirst(t *testing.T) {
	h := signInHarness(t, "admin@example.com (NA, environment 3f8a1c2e…)")
	h.golden("signin-profile")
}

func TestGoldenSignInShowsHowToCreateASignInApp(t *testing.T) {
	h := signInHarness(t, "")
	h.typeText("https://console.pingone.eu/?env=3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b")
	h.key("enter")
	h.key("enter") // browser
	h.key("enter") // no client ID: no sign-in app yet
	h.golden("signin-no-app")
}

func TestGoldenSignInShowsTheDeviceCode(t *testing.T) {
	h := signInHarness(t, "")
	s := h.m.sign
	s.envID, s.region = "3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b", pingone.RegionEU
	s.page, s.form = signWaiting, nil
	exp := time.Date(2026, 11, 27, 4, 10, 0, 0, time.UTC)
	s.now = exp.Add(-(9*time.Minute + 41*time.Second))
	complete := "https://auth.pingone.eu/3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b/device?user_code=WDJB-MJHT"
	s.prompt = &Prompt{Device: &DeviceCode{UserCode: "WDJB-MJHT", VerificationURI: "https://auth.pingone.eu/3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b/device",
		VerificationURIComplete: complete, ExpiresAt: exp, QR: "[QR code]\n"}}
	h.golden("signin-device")
	if !strings.Contains(h.screen(), "expires in 9:41") {
		t.Error("the countdown should say how long the code lasts")
	}
}

func TestASavedProfileThatCannotSignInSaysWhyAndOffersAnotherWay(t *testing.T) {
	h := newHarness(t, func(o *Options) {
		o.Env = flows.Env{}
		o.SignIn = &SignIn{Profile: "admin@example.com (NA, environment 3f8a1c2e…)", Environment: "3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b",
			Resume: func(context.Context) (SignedIn, error) {
				return SignedIn{}, errors.New("the saved sign-in has expired or was revoked")
			}}
	})
	h.key("enter") // continue as the profile
	sc := h.screen()
	if !strings.Contains(sc, "expired or was revoked") || !strings.Contains(sc, "cannot be used") {
		t.Fatalf("the failure should say why and what to do:\n%s", sc)
	}
	if !strings.Contains(sc, "> Sign in another way") {
		t.Errorf("another way should be chosen now:\n%s", sc)
	}
	h.key("enter")
	if sc := h.screen(); !strings.Contains(sc, "Which environment do you sign in to?") || !strings.Contains(sc, "3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b") {
		t.Errorf("another way asks where, the profile's environment prefilled:\n%s", sc)
	}
}

func TestAnEnvironmentNotFoundInTheRegionReturnsToWhereToPickAnother(t *testing.T) {
	const envID = "3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b"
	var regions []pingone.Region
	h := newHarness(t, func(o *Options) {
		o.Env = flows.Env{}
		o.SignIn = &SignIn{Login: func(ctx context.Context, req Login, show func(Prompt)) (SignedIn, error) {
			regions = append(regions, req.Region)
			return SignedIn{}, fmt.Errorf("sign-in failed: %w", signin.ErrEnvironmentNotFound)
		}}
	})
	h.typeText(envID)
	h.key("enter")
	h.key("down") // NA, picked by mistake
	h.key("enter")
	h.key("down") // device code
	h.key("enter")
	h.typeText("c2e3a5b7-3d4f-4a8b-8c1d-2e3f4a5b6c7d")
	h.key("enter")
	sc := h.screen()
	if len(regions) != 1 || regions[0] != pingone.RegionNA {
		t.Fatalf("signed in at %v", regions)
	}
	if !strings.Contains(sc, "Which environment do you sign in to?") || !strings.Contains(sc, "pick its region") {
		t.Errorf("a wrong region should lead back to where, saying so:\n%s", sc)
	}
}

func TestALongSignInURLIsShownWholeAcrossLines(t *testing.T) {
	h := signInHarness(t, "")
	s := h.m.sign
	s.envID, s.page, s.form = "3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b", signWaiting, nil
	url := "https://auth.pingone.com/3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b/as/authorize?client_id=c2e3a5b7-3d4f-4a8b-8c1d-2e3f4a5b6c7d&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&redirect_uri=http%3A%2F%2F127.0.0.1%3A7464%2Fcallback&response_type=code&scope=openid&state=af0ifjsldkj"
	s.prompt = &Prompt{URL: url}
	joined := strings.ReplaceAll(h.screen(), "\n", "")
	if !strings.Contains(joined, url) {
		t.Errorf("the URL should be on the screen whole:\n%s", h.screen())
	}
}
