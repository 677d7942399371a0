package tui

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/pingone-setup/pingone-setup/flows"
)

// TestAStackOneSetupRunsEndToEndInARealProgram runs the wizard in a Bubble Tea program against the
// fake API, answering every question with its default (enter), up to the hand-off.
func TestAStackOneSetupRunsEndToEndInARealProgram(t *testing.T) {
	api := newFakeAPI()
	var clipboard bytes.Buffer
	m := New(Options{Env: flows.Env{API: api, Identity: identity(), Region: "NA"}, Stdout: &clipboard})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))

	var seen bytes.Buffer
	waitFor := func(texts ...string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			for _, s := range texts {
				if !bytes.Contains(b, []byte(s)) {
					return false
				}
			}
			seen.Write(b)
			return true
		}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	enter := func() { tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) }

	for _, screen := range []string{
		"Target environment",
		"What are you connecting?",
		"The stackone preset sets",
		"Who will sign in through the app?",
		"Make these changes in PingOne?",
		"Skip: I will fix roles myself",
	} {
		waitFor(screen)
		enter()
	}
	waitFor("Your Worker app is ready", "not proven by a live call")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})

	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	rest, _ := io.ReadAll(tm.FinalOutput(t))
	seen.Write(rest)

	st, err := final.Result()
	if err != nil || final.Interrupted() {
		t.Fatalf("Result() = %v, interrupted %v", err, final.Interrupted())
	}
	if st.Credentials == nil || st.Credentials.ClientSecret != secret || !st.Succeeded() {
		t.Errorf("the run should end with credentials and every check passing: %v %+v", st.Credentials, st.Verified)
	}
	if n := api.count("CreateApplication"); n != 1 {
		t.Errorf("CreateApplication called %d times", n)
	}
	if len(final.Created()) == 0 {
		t.Error("Created() is empty after a full run")
	}
	if !strings.Contains(seen.String(), mask) {
		t.Error("the hand-off should have shown the masked secret")
	}
	if strings.Contains(seen.String(), secret) {
		t.Error("the secret was written to the terminal without being revealed")
	}
	if clipboard.Len() != 0 {
		t.Error("nothing was copied, yet Stdout got output")
	}
}
