package tui

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// The verdict screens, against the simulated PingOne: each golden is a screen a person sees when
// the verdict is covered, missing, cannot tell or pending.

// simHarness drives the wizard against a fresh simulator, for the stackone preset and signInUser.
func simHarness(t *testing.T, signInUser string, opts ...func(*pingonetest.Server, *flows.Env)) (*harness, *pingonetest.Server) {
	t.Helper()
	sim := pingonetest.New()
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	env := simEnv(sim, srv.URL)
	for _, o := range opts {
		o(sim, &env)
	}
	plan, _ := flows.Plan{Preset: "stackone", SignInUser: signInUser}.WithPreset()
	h := newHarness(t, func(o *Options) { o.Env, o.Plan = env, plan })
	h.send(tea.WindowSizeMsg{Width: 100, Height: 34})
	return h, sim
}

func TestGoldenVerdictJDoeWithoutRolesGetsAFixThatPassesAdminOnly(t *testing.T) {
	h, _ := simHarness(t, "jdoe")
	h.enterUntil(flows.StepRoleFix, phaseInput)
	h.wantScreen("✗ Admin-only access", "Identity Data Read Only + Client Application Developer", "Turn admin-only access off instead")
	h.goldenIDs("verdict-jdoe-fix")
	h.toDone()
	h.wantScreen("✓ Your Worker app is ready (verified)", "Verified: signed in as jdoe through the app")
	h.goldenIDs("verdict-jdoe-verified")
}

func TestGoldenVerdictRolesHeldThroughAGroup(t *testing.T) {
	h, _ := simHarness(t, "groupadmin")
	h.toDone() // no fix to offer: the role-fix step is skipped
	h.wantScreen("✓ Your Worker app is ready (verified)", "via group Connector Admins")
	h.goldenIDs("verdict-groupadmin")
}

func TestGoldenVerdictReadOnlyRolesFailTheAdminOnlyGate(t *testing.T) {
	h, _ := simHarness(t, "auditor")
	h.enterUntil(flows.StepRoleFix, phaseInput)
	h.wantScreen("✗ Admin-only access", "auditor holds none of", "✓ Read users")
	h.goldenIDs("verdict-auditor-fix")
}

func TestGoldenVerdictCannotTell(t *testing.T) {
	h, _ := simHarness(t, "groupadmin", func(sim *pingonetest.Server, env *flows.Env) {
		// An admin who reads users, groups and apps but no role assignments, and no live sign-in
		// (as against a tenant whose redirect belongs to the connector).
		sd := sim.Seed()
		id := sim.AddUser(sd.Production.ID, "desk", "")
		for _, r := range []string{"Help Desk Admin", "Client Application Developer"} {
			if err := sim.AssignUserRole(sd.Production.ID, id, r, "ENVIRONMENT", sd.Production.ID); err != nil {
				t.Fatal(err)
			}
		}
		api := env.API.(*pingone.Client)
		env.API = pingone.NewClient(context.Background(), api.BaseURL, pingone.StaticToken(sim.IssueUserToken(sd.Production.ID, id, time.Hour)))
		env.Identity = flows.Identity{UserID: id, Username: "desk", EnvironmentID: sd.Production.ID}
		env.SignInAs = nil
	})
	h.toDone()
	h.wantScreen("whether it works cannot be told", "permissions:read:userRoleAssignments", "? Admin-only access")
	h.goldenIDs("verdict-cannot-tell")
	if st, _ := h.m.Result(); st.Succeeded() {
		t.Error("cannot tell is not success")
	}
}

func TestGoldenVerdictWaitsForRolesToPropagate(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	sim := pingonetest.New(pingonetest.WithClock(clock))
	sim.SetPropagationDelay(20 * time.Second)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	env := simEnv(sim, srv.URL)
	env.Sleep = func(ctx context.Context, d time.Duration) error { mu.Lock(); now = now.Add(d); mu.Unlock(); return nil }
	plan, _ := flows.Plan{Preset: "stackone", SignInUser: "jdoe"}.WithPreset()
	h := newHarness(t, func(o *Options) { o.Env, o.Plan = env, plan })
	h.send(tea.WindowSizeMsg{Width: 100, Height: 34})
	h.enterUntil(flows.StepRoleFix, phaseInput)
	h.hold = true
	h.key("enter") // assign the fix
	h.releaseUntil(flows.StepVerify)
	// Run the verification to its end, then show its progress words one by one.
	var call tea.Cmd
	for _, c := range h.held {
		if isStepCall(c) && !strings.Contains(funcName(c), "waitProgress") {
			call = c
		}
	}
	h.held = nil
	done := call()
	ch := h.m.progressCh
	for i := 0; i < 5; i++ {
		msg := waitProgress(ch)()
		if msg == nil {
			t.Fatalf("only %d progress words", i)
		}
		next, _ := h.m.Update(msg)
		h.m = next.(Model)
	}
	h.wantScreen("waiting for PingOne to apply the new roles (7 s)")
	h.goldenIDs("verdict-propagation-wait")
	next, cmd := h.m.Update(done)
	h.m = next.(Model)
	h.run(cmd)
	h.wantScreen("✓ Your Worker app is ready (verified)", "after waiting")
}

func TestPOnTheHandOffProvesTheSetupWithAPersonsSignIn(t *testing.T) {
	sim := pingonetest.New()
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	env := simEnv(sim, srv.URL)
	// Against a real tenant no sign-in happens by itself; a person may sign in when asked.
	env.PersonSignIn, env.SignInAs = env.SignInAs, nil
	plan, _ := flows.Plan{Preset: "cli-login", SignInUser: "jdoe"}.WithPreset()
	h := newHarness(t, func(o *Options) { o.Env, o.Plan = env, plan })
	h.send(tea.WindowSizeMsg{Width: 100, Height: 34})
	h.toDone()
	h.wantScreen("⚠ Your Worker app is ready, but not verified by a live call", "Press p to prove it now", "p prove it")
	h.key("p")
	h.wantScreen("✓ Your Worker app is ready (verified)", "Verified: signed in as jdoe through the app")
	if strings.Contains(h.screen(), "Press p") {
		t.Errorf("nothing left to prove:\n%s", h.screen())
	}
	if st, _ := h.m.Result(); !st.Succeeded() || st.Verified.Outcome != flows.OutcomeVerified {
		t.Errorf("verification %+v", st.Verified)
	}
}
