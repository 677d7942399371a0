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
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// questions are the screens each preset shows, in order, when every default is accepted. Bubble
// Tea redraws only changed lines, so each is a text only its own question draws.
var questions = map[string][]string{
	"stackone":    {"Target environment", "What are you connecting?", "Application name", "Description", "The stackone preset sets", "Who will sign in through the app?", "Skip: I will fix roles myself"},
	"sync-worker": {"Target environment", "What are you connecting?", "Application name", "Description", "The sync-worker preset sets", "Skip: I will fix roles myself"},
	"cli-login":   {"Target environment", "What are you connecting?", "Application name", "Description", "The cli-login preset sets", "Who will sign in through the app?", "Skip: I will fix roles myself"},
	"custom":      {"Target environment", "What are you connecting?", "Application name", "Description", "Grant types", "Token endpoint authentication", "Admin-only access", "Use these settings?", "Skip: I will fix roles myself"},
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
			api := pingone.NewClient(context.Background(), srv.URL+"/v1", pingone.StaticToken(sim.IssueUserToken(sd.Production.ID, sd.Admin.ID, time.Hour)))
			env := flows.Env{
				API: api, Region: "NA",
				Identity: flows.Identity{UserID: sd.Admin.ID, Username: sd.Admin.Username, EnvironmentID: sd.Production.ID},
				AppClient: func(ctx context.Context, c flows.Credentials) (flows.API, error) {
					ts := pingone.ClientCredentials(ctx, srv.URL, c.EnvironmentID, c.ClientID, c.ClientSecret, c.AuthMethod)
					if _, err := ts.Token(); err != nil {
						return nil, err
					}
					return pingone.NewClient(ctx, srv.URL+"/v1", ts), nil
				},
			}
			plan, _ := flows.Plan{Preset: preset, SignInUser: "jdoe"}.WithPreset()
			m := New(Options{Env: env, Plan: plan, Stdout: &bytes.Buffer{}})
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 32))

			waitFor := func(text string) {
				t.Helper()
				var seen []byte
				teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
					seen = append(seen, b...)
					return bytes.Contains(seen, []byte(text))
				}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
			}
			for _, q := range questions[preset] {
				waitFor(q)
				tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			}
			waitFor("Your Worker app is ready")
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
			if st.Verified == nil || !st.Verified.OK {
				t.Errorf("verification %+v: the proposed fix was accepted, so it must pass", st.Verified)
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
