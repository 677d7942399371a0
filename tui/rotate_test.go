package tui

import (
	"bytes"
	"github.com/pingone-setup/pingone-setup/internal/outwait"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// TestRAtTheHandOffOfAnAdoptedAppRotatesItsSecretKeepingThePreviousForTheChosenTime adopts an
// existing Sync Worker, then rotates its secret from the hand-off: the grace period is asked, the
// new secret replaces the old one on the hand-off (masked), and PingOne holds it.
func TestRAtTheHandOffOfAnAdoptedAppRotatesItsSecretKeepingThePreviousForTheChosenTime(t *testing.T) {
	sim := pingonetest.New()
	srv := httptest.NewServer(sim)
	defer srv.Close()
	sd := sim.Seed()
	appID := sim.AddApplication(sd.Production.ID, map[string]any{
		"name": "Sync Worker", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_POST",
	})
	old := sim.ApplicationSecret(sd.Production.ID, appID)
	plan, _ := flows.Plan{Preset: "sync-worker"}.WithPreset()
	tm := teatest.NewTestModel(t, New(Options{Env: simEnv(sim, srv.URL), Plan: plan, Stdout: &bytes.Buffer{}}), teatest.WithInitialTermSize(100, 40))
	r := &signInRun{t: t, tm: tm, out: outwait.Output{R: tm.Output()}}
	for _, q := range []string{"Target environment", "What are you connecting?", "The sync-worker preset sets"} {
		r.waitFor(q)
		r.send(tea.KeyEnter)
	}
	r.waitFor("already exists")
	r.send(tea.KeyUp, tea.KeyEnter) // Yes, update it in place
	r.waitFor("Make these changes in PingOne?")
	r.send(tea.KeyEnter)
	r.waitFor("Skip: I will fix roles myself")
	r.send(tea.KeyEnter)
	r.waitFor("Your Worker app is ready")
	r.waitFor("r rotate secret")
	r.typeText("r")
	r.waitFor("how long does the previous one keep working?")
	r.send(tea.KeyDown, tea.KeyDown, tea.KeyEnter) // from 24 hours to 30 days
	r.waitFor("Rotated the client secret")
	r.waitFor("works until")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	rest := make([]byte, 1<<20)
	n, _ := tm.FinalOutput(t).Read(rest)
	all := string(r.out.Seen) + string(rest[:n])

	st, _ := final.Result()
	now := sim.ApplicationSecret(sd.Production.ID, appID)
	if now == old || st.Credentials == nil || st.Credentials.ClientSecret != now {
		t.Fatalf("the hand-off should hold the new secret PingOne has (rotated: %v)", now != old)
	}
	if st.Credentials.SecretFingerprint != flows.Fingerprint(now) {
		t.Errorf("fingerprint %s, want that of the new secret", st.Credentials.SecretFingerprint)
	}
	if strings.Contains(all, now) || strings.Contains(all, old) {
		t.Error("a secret was shown without being revealed")
	}
	if !strings.Contains(all, "token request with the new secret succeeded") {
		t.Errorf("the new secret should be proven with a token request:\n%s", all)
	}
	want := time.Now().Add(flows.MaxPreviousValid).Format("2006-01-02")
	if !strings.Contains(all, "works until "+want) {
		t.Errorf("the previous secret should work for 30 days, until %s", want)
	}
	rotated := false
	for _, c := range final.Created() {
		rotated = rotated || c.Field == "secret"
	}
	if !rotated {
		t.Error("Created() should list the rotation")
	}
}

func TestRotatingIsNotOfferedForAnAppThisRunCreated(t *testing.T) {
	h := newHarness(t)
	h.toDone()
	if h.m.canRotate() {
		t.Fatal("a new app's secret is not in use anywhere yet: nothing to rotate")
	}
	h.key("r")
	if h.m.hand.dialog != nil {
		t.Error("r opened the rotation on a new app")
	}
}

func TestTheRotationAsksTheGracePeriodWithEveryChoiceInViewAndEscCancelsIt(t *testing.T) {
	h := newHarness(t)
	h.toDone()
	h.m.state.AppCreated = false // as if adopted
	h.key("r")
	sc := h.screen()
	for _, want := range []string{"how long does the previous one keep working?", "1 hour", "> 24 hours", "7 days", "30 days", "Not at all"} {
		if !strings.Contains(sc, want) {
			t.Errorf("the rotation dialog lacks %q:\n%s", want, sc)
		}
	}
	h.key("esc")
	if h.m.hand.dialog != nil || h.m.hand.proving {
		t.Error("esc should close the dialog without rotating")
	}
}
