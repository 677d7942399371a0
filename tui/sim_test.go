package tui

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/internal/simsignin"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// questions are the screens each preset shows, in order, when every default is accepted. Bubble
// Tea redraws only changed lines, so each is a text only its own question draws.
var questions = map[string][]string{
	"stackone":    {"Target environment", "What are you connecting?", "The stackone preset sets", "Who will sign in through the app?", "Make these changes in PingOne?", "Skip: I will fix roles myself"},
	"sync-worker": {"Target environment", "What are you connecting?", "The sync-worker preset sets", "Make these changes in PingOne?", "Skip: I will fix roles myself"},
	"cli-login":   {"Target environment", "What are you connecting?", "The cli-login preset sets", "Who will sign in through the app?", "Make these changes in PingOne?", "Skip: I will fix roles myself"},
	"custom":      {"Target environment", "What are you connecting?", "Application name", "Description", "Grant types", "Token endpoint authentication", "Admin-only access", "Use these settings?", "Settings beyond the usual ones", "Make these changes in PingOne?", "Skip: I will fix roles myself"},
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// TestEveryPresetRunsToTheHandOffAgainstTheSimulatedPingOne drives a real Bubble Tea program through
// each preset against pingonetest, accepting every default (and naming jdoe, who holds no admin role,
// as the signing-in user where roles go to a user), and checks what PingOne ends up holding.
func TestEveryPresetRunsToTheHandOffAgainstTheSimulatedPingOne(t *testing.T) {
	for _, preset := range flows.PresetNames() {
		t.Run(preset, func(t *testing.T) {
			sim := pingonetest.New()
			srv := httptest.NewServer(sim)
			defer srv.Close()
			sd := sim.Seed()
			env := simEnv(sim, srv.URL)
			plan, _ := flows.Plan{Preset: preset, SignInUser: "jdoe"}.WithPreset()
			m := New(Options{Env: env, Plan: plan, Stdout: &bytes.Buffer{}})
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 32))

			// All output so far; each wait searches from where the previous match began, since
			// one frame may hold several awaited texts.
			var seen []byte
			from := 0
			buf := make([]byte, 64<<10)
			waitFor := func(text string) {
				t.Helper()
				deadline := time.Now().Add(20 * time.Second)
				for {
					if i := bytes.Index(seen[from:], []byte(text)); i >= 0 {
						from += i
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("no %q after 20 s; the end of the output:\n%s", text, tail(seen, 3000))
					}
					n, _ := tm.Output().Read(buf)
					seen = append(seen, buf[:n]...)
					if n == 0 {
						time.Sleep(10 * time.Millisecond)
					}
				}
			}
			for _, q := range questions[preset] {
				waitFor(q)
				tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			}
			// Enter finishes only once verification has answered: a real sign-in as jdoe through
			// the new app, or a token as the app.
			waitFor("Your Worker app is ready")
			if flows.RolesGoToFor(plan.Application.GrantTypes) == flows.RolesToUser {
				waitFor("Verified: signed in as jdoe through the app")
			} else {
				waitFor("Verified: the app got a token")
			}
			tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
			st, err := final.Result()
			if err != nil {
				t.Fatal(err)
			}
			named := 0
			for _, a := range sim.Applications(sd.Production.ID) {
				if st.App != nil && a["name"] == st.App.Name {
					named++
				}
			}
			if named != 1 {
				t.Fatalf("%d apps named like the new one, want 1", named)
			}
			if st.Verified == nil || st.Verified.Outcome != flows.OutcomeVerified || !st.Succeeded() {
				t.Errorf("verification %+v: the proposed fix was accepted, so the live proof must pass", st.Verified)
			}
			var holder []pingonetest.RoleAssignment
			if flows.RolesGoToFor(st.App.GrantTypes) == flows.RolesToUser {
				holder = sim.UserRoleAssignments(sd.Production.ID, sd.JDoe.ID)
			} else {
				holder = sim.ApplicationRoleAssignments(sd.Production.ID, st.App.ID)
			}
			if len(holder) == 0 {
				t.Error("the fix was not assigned")
			}
			for _, ra := range holder {
				if ra.ScopeType != "ENVIRONMENT" || strings.Contains(ra.RoleName, "Admin") && ra.RoleName != "Identity Data Admin" {
					t.Errorf("assigned %s at %s scope: want least privilege at environment scope", ra.RoleName, ra.ScopeType)
				}
			}
		})
	}
}

// TestEnterWhileVerificationRunsFinishesOnceItAnswers presses enter the moment the hand-off shows,
// while verification is still waiting on a slow PingOne: the wizard must end, verified, rather
// than drop the key.
func TestEnterWhileVerificationRunsFinishesOnceItAnswers(t *testing.T) {
	sim := pingonetest.New()
	srv := httptest.NewServer(sim)
	defer srv.Close()
	env := simEnv(sim, srv.URL)
	plan, _ := flows.Plan{Preset: "cli-login", SignInUser: "admin"}.WithPreset()
	tm := teatest.NewTestModel(t, New(Options{Env: env, Plan: plan, Stdout: &bytes.Buffer{}}), teatest.WithInitialTermSize(100, 32))
	for _, q := range []string{"Target environment", "What are you connecting?", "The cli-login preset sets", "Who will sign in through the app?", "Make these changes in PingOne?"} {
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(q)) }, teatest.WithDuration(10*time.Second))
		if q == "Make these changes in PingOne?" {
			sim.SetLatency(300 * time.Millisecond) // verification makes at least two calls: 600 ms
		}
		tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Your Worker app is ready")) }, teatest.WithDuration(20*time.Second))
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	st, err := final.Result()
	if err != nil || final.Interrupted() {
		t.Fatalf("Result() = %v, interrupted %v", err, final.Interrupted())
	}
	if st.Verified == nil || st.Verified.Outcome != flows.OutcomeVerified {
		t.Errorf("verification %+v", st.Verified)
	}
}

// simEnv signs in to the simulator at base as its seeded admin, with the app's client
// credentials and a user's real sign-in through a new app available for verification.
func simEnv(sim *pingonetest.Server, base string) flows.Env {
	sd := sim.Seed()
	return flows.Env{
		API:      pingone.NewClient(context.Background(), base+"/v1", pingone.StaticToken(sim.IssueUserToken(sd.Production.ID, sd.Admin.ID, time.Hour))),
		Region:   "NA",
		Identity: flows.Identity{UserID: sd.Admin.ID, Username: sd.Admin.Username, EnvironmentID: sd.Production.ID},
		AppClient: func(ctx context.Context, c flows.Credentials) (flows.API, error) {
			ts := pingone.ClientCredentials(ctx, base, c.EnvironmentID, c.ClientID, c.ClientSecret, c.AuthMethod)
			if _, err := ts.Token(); err != nil {
				return nil, err
			}
			return pingone.NewClient(ctx, base+"/v1", ts), nil
		},
		SignInAs: simsignin.Hook(sim, base, base+"/v1", nil),
	}
}
