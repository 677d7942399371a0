package tui

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
)

func TestTheWizardPreparesThenAsksThenRunsEachStep(t *testing.T) {
	api := newFakeAPI()
	m := New(Options{Env: flows.Env{API: api, Identity: identity()}})
	if m.phase != phasePreparing || m.steps[m.idx].ID != flows.StepEnvironment {
		t.Fatalf("a new wizard should be preparing the environment step, is at %s phase %d", m.steps[m.idx].ID, m.phase)
	}
	if api.count("ListEnvironments") != 0 {
		t.Fatal("New must not call the API: calls belong in commands")
	}

	h := newHarness(t)
	if h.step() != flows.StepEnvironment || h.m.phase != phaseInput {
		t.Fatalf("after Prepare the environment question should be open, at %s phase %d", h.step(), h.m.phase)
	}
	h.wantScreen("Target environment", "Production (PRODUCTION, NA)", "Sandbox")
	h.key("enter") // Production
	h.key("enter") // stackone
	if h.step() != flows.StepReview || h.m.phase != phaseInput {
		t.Fatalf("after the environment step ran, the preset's review (its name included) should be asked; at %s phase %d", h.step(), h.m.phase)
	}
	if h.m.state.Target.ID != prodEnvID || h.m.state.Plan.Preset != "stackone" {
		t.Errorf("the answers were not applied: target %q preset %q", h.m.state.Target.ID, h.m.state.Plan.Preset)
	}
	if h.m.status[0] != statusDone || h.m.status[1] != statusCurrent {
		t.Errorf("the step list should show the first step done and the second current: %v", h.m.status)
	}
	h.wantScreen("Step 2 of", "Review the preset", "name: StackOne Integration", "environment Production", "> Use these settings")
	// The preset's settings and the step list do not fit side by side in 24 lines: a taller
	// terminal shows both.
	h.send(tea.WindowSizeMsg{Width: 80, Height: 40})
	h.wantScreen("✓ Choose environment", "› Review the preset", "name: StackOne Integration", "> Use these settings")
}

func TestTheWholeStackOneSetupReachesTheHandOffWithTheSecretMasked(t *testing.T) {
	h := newHarness(t)
	h.toDone()
	st, err := h.m.Result()
	if err != nil {
		t.Fatalf("Result() error = %v", err)
	}
	if st.Credentials == nil || st.Credentials.ClientSecret != secret {
		t.Fatalf("the hand-off should hold the secret read from PingOne, got %v", st.Credentials)
	}
	// The fake tenant cannot sign jdoe in, so no live proof: ready, said to be unverified.
	if st.Verified == nil || st.Verified.Outcome != flows.OutcomeUnverified || !st.Succeeded() {
		t.Errorf("after the role fix every check passes, unproven: %+v", st.Verified)
	}
	if got := h.api.count("CreateApplication"); got != 1 {
		t.Errorf("CreateApplication called %d times, want 1", got)
	}
	h.wantScreen("Your Worker app is ready, but not verified by a live call", prodEnvID, st.Credentials.ClientID, mask, "every capability is covered by jdoe's")
	if strings.Contains(h.screen(), secret) {
		t.Fatal("the secret is on screen before v was pressed")
	}
	var objects []string
	for _, c := range h.m.Created() {
		objects = append(objects, c.Object)
	}
	if !strings.Contains(strings.Join(objects, "\n"), `application "StackOne Integration"`) || !strings.Contains(strings.Join(objects, "\n"), "user jdoe") {
		t.Errorf("Created() should list the app and the role assignment, got %v", objects)
	}
}

func TestVRevealsTheSecretAndHidesItAgain(t *testing.T) {
	h := newHarness(t)
	h.toDone()
	h.key("v")
	if !strings.Contains(h.screen(), secret) {
		t.Fatalf("v should reveal the secret:\n%s", h.screen())
	}
	h.key("v")
	if strings.Contains(h.screen(), secret) {
		t.Fatal("a second v should hide the secret again")
	}
	h.key("v")
	h.key("enter")
	if !h.quit {
		t.Fatal("enter on the hand-off should finish")
	}
	if v := h.m.View(); strings.Contains(v, secret) {
		t.Errorf("the last frame left on the terminal shows the secret: %q", v)
	}
	if _, err := h.m.Result(); err != nil || h.m.Interrupted() {
		t.Errorf("a finished wizard should report no error and no interruption, got %v, %v", err, h.m.Interrupted())
	}
}

func TestCCopiesTheSecretWithOSC52(t *testing.T) {
	h := newHarness(t)
	h.toDone()
	h.key("c")
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(secret)) + "\a"
	if h.out.String() != want {
		t.Errorf("stdout = %q, want the OSC 52 sequence %q", h.out.String(), want)
	}
	h.wantScreen("Copied the client secret")
	if strings.Contains(h.screen(), secret) {
		t.Error("copying must not reveal the secret")
	}
}

func TestEscGoesBackAndRestoresTheStateFromBeforeThatStep(t *testing.T) {
	h := newHarness(t)
	h.key("enter") // Production
	h.key("enter") // stackone
	h.changeSettings()
	if h.step() != flows.StepApplication {
		t.Fatalf("at %s, want the application step", h.step())
	}
	h.typeText("Renamed App")
	h.key("enter") // name
	h.key("enter") // description → lookup → the settings
	if h.step() != flows.StepSettings {
		t.Fatalf("at %s, want the settings step", h.step())
	}
	if h.m.state.Plan.Application.Name != "Renamed App" {
		t.Fatalf("name not applied: %q", h.m.state.Plan.Application.Name)
	}

	h.key("esc")
	if h.step() != flows.StepApplication || h.m.phase != phaseInput {
		t.Fatalf("esc should go back to the application step, at %s phase %d", h.step(), h.m.phase)
	}
	if got := h.m.state.Plan.Application.Name; got != "StackOne Integration" {
		t.Errorf("going back should restore the state from before the step's answers: name %q", got)
	}
	if i := stepIndex(h, flows.StepAdopt); h.m.status[i] != statusTodo {
		t.Errorf("steps after the one gone back to should be to do again, adopt is %v", h.m.status[i])
	}
	h.wantScreen("› Name the Worker app", "Renamed App")
	if strings.Contains(h.screen(), "StackOne Integration") {
		t.Errorf("going back should show the name typed, not the preset's:\n%s", h.screen())
	}
	h.key("enter")
	h.key("enter")
	if h.step() != flows.StepSettings || h.m.state.Plan.Application.Name != "Renamed App" {
		t.Fatalf("going on again should apply the kept name: at %s, name %q", h.step(), h.m.state.Plan.Application.Name)
	}
	h.key("esc") // the application step
	h.key("esc") // the review

	h.key("shift+tab") // at the form's first field: back once more
	if h.step() != flows.StepEnvironment {
		t.Fatalf("shift+tab on the first field should go back to the environment step, at %s", h.step())
	}
	if h.m.state.Plan.Preset != "" {
		t.Errorf("the preset answer should be undone, got %q", h.m.state.Plan.Preset)
	}
	h.key("esc") // nothing before the first step
	if h.step() != flows.StepEnvironment || h.m.phase != phaseInput {
		t.Errorf("esc on the first step should stay there, at %s phase %d", h.step(), h.m.phase)
	}
}

func TestGoingBackTwiceAfterTheAppWasCreatedAdoptsItInsteadOfCreatingASecond(t *testing.T) {
	h := newHarness(t)
	h.enterUntil(flows.StepRoleFix, phaseInput)
	if h.api.count("CreateApplication") != 1 {
		t.Fatal("the app should have been created once")
	}
	h.key("esc") // back to the review before writing
	if h.step() != flows.StepPreview {
		t.Fatalf("at %s, want the review before writing", h.step())
	}
	h.key("esc") // back to "Who will sign in"
	if h.step() != flows.StepSignInUser {
		t.Fatalf("at %s, want the sign-in user step", h.step())
	}
	if h.m.state.App != nil {
		t.Error("the restored state should be from before the app was created")
	}
	h.key("esc") // and to the preset's review
	if h.step() != flows.StepReview || h.m.state.App != nil {
		t.Fatalf("at %s (app %v), want the review step from before the app existed", h.step(), h.m.state.App)
	}
	h.toDone()
	if got := h.api.count("CreateApplication"); got != 1 {
		t.Errorf("CreateApplication called %d times after going back, want 1 (adopt the created app)", got)
	}
	if len(h.api.apps) != 1 {
		t.Errorf("the tenant holds %d apps, want 1", len(h.api.apps))
	}
	st, _ := h.m.Result()
	if st.Credentials == nil || st.Credentials.ClientID != "aaaaaaaa-aaaa-4aaa-8aaa-000000000001" {
		t.Errorf("the hand-off should be for the first app, got %v", st.Credentials)
	}
}

func TestASetErrorFocusesTheRejectedField(t *testing.T) {
	text := func(key string, set func(s *flows.State, v string) error) flows.Input {
		return flows.Input{Key: key, Title: strings.ToUpper(key), Kind: flows.Text, Set: set}
	}
	var got string
	steps := []flows.Step{{
		ID: "three", Title: "Three answers",
		Inputs: func(s *flows.State) []flows.Input {
			return []flows.Input{
				text("first", func(*flows.State, string) error { return nil }),
				text("second", func(*flows.State, string) error { return nil }),
				text("third", func(s *flows.State, v string) error {
					if v == "bad" {
						return errors.New("not that one")
					}
					got = v
					return nil
				}),
			}
		},
	}}
	h := newHarness(t, func(o *Options) { o.Steps = steps })
	h.typeText("one")
	h.key("enter")
	h.typeText("two")
	h.key("enter")
	h.typeText("bad")
	h.key("enter")
	if h.m.phase != phaseInput || h.focusedKey() != "third" {
		t.Fatalf("the rejected answer's field should have the focus, phase %d field %q", h.m.phase, h.focusedKey())
	}
	h.wantScreen("THIRD: not that one", "3 of 3")
	if h.m.values[0].text != "one" || h.m.values[1].text != "two" {
		t.Errorf("the other answers should be kept: %q %q", h.m.values[0].text, h.m.values[1].text)
	}
	h.typeText("good")
	h.key("enter")
	if h.m.phase != phaseDone || got != "good" {
		t.Errorf("fixing the answer should finish the step: phase %d, answer %q", h.m.phase, got)
	}
}

func TestASetErrorKeepsTheStepOpenWithTheErrorShown(t *testing.T) {
	var ran bool
	steps := []flows.Step{{
		ID: "pick", Title: "Pick a colour",
		Inputs: func(s *flows.State) []flows.Input {
			return []flows.Input{{
				Key: "colour", Title: "Colour", Kind: flows.Select,
				Options: []flows.Option{{Label: "red", Value: "red"}, {Label: "blue", Value: "blue"}},
				Get:     func(s *flows.State) string { return s.Plan.Preset },
				Set: func(s *flows.State, v string) error {
					if v == "red" {
						return errors.New("red is sold out")
					}
					s.Plan.Preset = v
					return nil
				},
			}}
		},
		Run: func(context.Context, flows.Env, flows.State) (flows.Result, error) { ran = true; return nil, nil },
	}}
	h := newHarness(t, func(o *Options) { o.Steps = steps })
	h.key("enter") // red
	if h.m.phase != phaseInput || h.step() != "pick" || ran {
		t.Fatalf("a Set error should keep the step open, at %s phase %d ran %v", h.step(), h.m.phase, ran)
	}
	if h.m.state.Plan.Preset != "" {
		t.Errorf("a failed Set must not change the state, preset %q", h.m.state.Plan.Preset)
	}
	h.wantScreen("✗ red is sold out")
	h.key("down")
	h.key("enter") // blue
	if h.m.phase != phaseDone || !ran || h.m.state.Plan.Preset != "blue" {
		t.Errorf("a valid answer should run the step: phase %d ran %v preset %q", h.m.phase, ran, h.m.state.Plan.Preset)
	}
}

func TestDecliningToAdoptAnExistingAppKeepsTheQuestionOpen(t *testing.T) {
	h := newHarness(t)
	existing := pingone.Application{ID: "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", Name: "StackOne Integration", Environment: &pingone.Ref{ID: prodEnvID}}
	h.api.apps[existing.ID] = existing
	h.enterUntil(flows.StepAdopt, phaseInput)
	h.wantScreen("already", "exists (bbbbbbbb-bbbb")
	h.wantScreen("> No", "  Yes") // No is the default; Yes is still in view above it
	h.key("n")
	h.key("enter")
	if h.step() != flows.StepAdopt || h.m.phase != phaseInput {
		t.Fatalf("No should keep the adopt step open, at %s phase %d", h.step(), h.m.phase)
	}
	h.wantScreen("choose another name")
}

func TestTheFailureScreenShowsPingOnesErrorIDDetailsAndFix(t *testing.T) {
	h := newHarness(t)
	h.api.failNext("CreateApplication", invalidRedirectError())
	h.enterUntil(flows.StepCreate, phaseFailed)
	h.wantScreen(
		"✗ Create the Worker app",
		"PingOne rejected the request as invalid",
		"redirectUris: must be a valid URI",
		"0d4ab9a4-6b52-4e8a-9a3e-2f2ad1f0e7c1",
		"Fix:",
		"r retry", "b back", "q quit",
	)
	st, err := h.m.Result()
	var se *flows.StepError
	if !errors.As(err, &se) || se.Step != "Create the Worker app" || st.App != nil {
		t.Errorf("Result() on the failure screen = %v, want the step's error", err)
	}

	h.key("r")
	if h.m.phase == phaseFailed {
		t.Fatalf("retry should re-run the step:\n%s", h.screen())
	}
	if h.api.count("CreateApplication") != 2 || h.step() == flows.StepCreate {
		t.Errorf("retry should call CreateApplication again and move on; calls %d, at %s", h.api.count("CreateApplication"), h.step())
	}
}

func TestBFromTheFailureScreenGoesBackToTheLastQuestion(t *testing.T) {
	h := newHarness(t)
	h.api.failUntilCleared("ListApplications", &pingone.Error{Status: 403, Code: pingone.CodeAccessFailed, ID: "forbidden-1", Message: "You do not have access to this resource."})
	h.key("enter")
	h.key("enter")
	h.key("enter") // use the preset's settings → lookup fails
	if h.m.phase != phaseFailed || h.step() != flows.StepReview {
		t.Fatalf("the lookup should have failed, at %s phase %d", h.step(), h.m.phase)
	}
	h.wantScreen("PingOne refused", "forbidden-1", "list applications")
	h.key("b")
	if h.m.phase != phaseInput || h.step() != flows.StepReview {
		t.Fatalf("b should reopen the last questions, at %s phase %d", h.step(), h.m.phase)
	}
	h.api.clearFailure("ListApplications")
	h.key("enter")
	if h.step() != flows.StepSignInUser {
		t.Errorf("answering again should move on, at %s", h.step())
	}
}

func TestAFailedPrepareOffersRetryButNoBackOnTheFirstStep(t *testing.T) {
	api := newFakeAPI()
	api.failUntilCleared("ListRoles", &pingone.Error{Status: 503, Message: "Service Unavailable"})
	h := &harness{t: t, api: api, out: nil}
	h.m = New(Options{Env: flows.Env{API: api, Identity: identity()}})
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(h.m.Init())
	if h.m.phase != phaseFailed {
		t.Fatalf("phase %d, want failed", h.m.phase)
	}
	h.wantScreen("PingOne had a problem of its own", "r retry")
	if strings.Contains(h.screen(), "b back") {
		t.Error("there is no earlier step to go back to")
	}
	api.clearFailure("ListRoles")
	h.key("r")
	if h.m.phase != phaseInput || h.step() != flows.StepEnvironment {
		t.Errorf("retry should re-run Prepare and open the question, at %s phase %d", h.step(), h.m.phase)
	}
}

func TestCtrlCQuitsAndRecordsTheInterruptionAndWhatWasCreated(t *testing.T) {
	h := newHarness(t)
	h.enterUntil(flows.StepRoleFix, phaseInput)
	h.key("ctrl+c")
	if !h.quit || !h.m.Interrupted() {
		t.Fatalf("ctrl+c should quit and record the interruption (quit %v, interrupted %v)", h.quit, h.m.Interrupted())
	}
	if _, err := h.m.Result(); !errors.Is(err, ErrInterrupted) {
		t.Errorf("Result() error = %v, want ErrInterrupted", err)
	}
	created := h.m.Created()
	if len(created) == 0 || created[0].Action != flows.Created || !strings.Contains(created[0].Object, "StackOne Integration") {
		t.Errorf("Created() should start with the app, got %v", created)
	}
	if h.m.ctx.Err() == nil {
		t.Error("quitting should cancel the context of calls in flight")
	}
}

func TestEscWhileACallIsInFlightWaitsForItsAnswer(t *testing.T) {
	h := newHarness(t)
	h.hold = true
	h.key("enter")
	h.key("enter") // the environment step's Run is in flight
	if !h.m.busy() || h.heldCalls() != 1 {
		t.Fatalf("the environment step should be running, phase %d, %d calls held", h.m.phase, h.heldCalls())
	}
	h.key("esc")
	h.key("b")
	if h.step() != flows.StepEnvironment || h.m.phase != phaseRunning {
		t.Fatalf("Back must wait for the call in flight, at %s phase %d", h.step(), h.m.phase)
	}
	h.hold = false
	h.release()
	if h.step() != flows.StepReview || h.m.phase != phaseInput || h.m.state.Target.ID != prodEnvID {
		t.Errorf("the call's answer should move the wizard on, at %s phase %d", h.step(), h.m.phase)
	}
}

func TestAResultWithNoCallInFlightChangesNothing(t *testing.T) {
	h := newHarness(t)
	h.send(stepMsg{err: errors.New("late failure")})
	if h.m.phase != phaseInput || h.m.err != nil {
		t.Errorf("only the call in flight may answer, phase %d err %v", h.m.phase, h.m.err)
	}
}

func TestAWarningIsShownUnderTheFieldWithoutBlocking(t *testing.T) {
	steps := []flows.Step{{
		ID: "uri", Title: "Callback",
		Inputs: func(s *flows.State) []flows.Input {
			return []flows.Input{{
				Key: "uri", Title: "Redirect URI", Kind: flows.Text,
				Get: func(s *flows.State) string { return "https://example.com/cb/" },
				Warn: func(v string) string {
					w, _ := flows.ValidateRedirectURI(v)
					return w
				},
				Set: func(s *flows.State, v string) error { s.Plan.SignInUser = v; return nil },
			}}
		},
	}}
	h := newHarness(t, func(o *Options) { o.Steps = steps })
	h.wantScreen("⚠", "ends in a slash")
	h.typeText("https://example.com/cb")
	if strings.Contains(h.screen(), "ends in a slash") {
		t.Error("the warning should go once the answer is fixed")
	}
	h.key("enter")
	if h.m.phase != phaseDone || h.m.state.Plan.SignInUser != "https://example.com/cb" {
		t.Errorf("phase %d, answer %q", h.m.phase, h.m.state.Plan.SignInUser)
	}
}

func TestInlineValidationKeepsTheFormOnTheField(t *testing.T) {
	h := newHarness(t)
	h.key("enter")
	h.key("enter")
	h.changeSettings()
	h.typeText("  ")
	h.key("enter")
	if h.step() != flows.StepApplication || h.focusedKey() != "name" {
		t.Fatalf("an invalid name should keep the name field, at %s field %s", h.step(), h.focusedKey())
	}
	h.wantScreen("a name is required")
}

func (h *harness) focusedKey() string {
	if i := h.m.focusedIndex(); i >= 0 {
		return h.m.inputs[i].Key
	}
	return ""
}

func TestTheScreenFollowsTheWindowSize(t *testing.T) {
	h := newHarness(t)
	h.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	s := h.screen()
	lines := strings.Split(s, "\n")
	if len(lines) > 20 {
		t.Errorf("%d lines on a 20-line terminal", len(lines))
	}
	for _, l := range lines {
		if w := len([]rune(l)); w > 60 {
			t.Errorf("line wider than 60 columns (%d): %q", w, l)
		}
	}
	h.wantScreen("Step 1 of", "Target environment")
	if strings.Contains(s, "· Name the Worker app") {
		t.Error("a narrow terminal should show the progress line, not the step list")
	}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.wantScreen("· Name the Worker app")
}

func TestWOnTheHandOffWritesTheEnvFileAndAsksBeforeOverwriting(t *testing.T) {
	t.Chdir(t.TempDir())
	path := "creds.env"
	h := newHarness(t)
	h.toDone()

	h.key("w")
	h.wantScreen("Write the credentials to", "./.env")
	h.typeText(path)
	h.key("enter")
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the .env file should exist with mode 0600: %v %v", fi, err)
	}
	h.wantScreen("Wrote " + path)
	first, _ := os.ReadFile(path)
	if !strings.Contains(string(first), "PINGONE_CLIENT_SECRET="+secret) {
		t.Errorf("the file lacks the secret: %q", first)
	}

	if err := os.WriteFile(path, []byte("KEEP=me\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.key("w")
	h.typeText(path)
	h.key("enter")
	h.wantScreen("already exists. Overwrite it?")
	h.key("enter") // the default is No
	if now, _ := os.ReadFile(path); string(now) != "KEEP=me\n" {
		t.Fatalf("the file was overwritten without confirmation: %q", now)
	}
	h.wantScreen("Left " + path + " as it was")

	h.key("w")
	h.typeText(path)
	h.key("enter")
	h.key("up") // from "Keep it" to "Overwrite"
	h.key("enter")
	if now, _ := os.ReadFile(path); !strings.Contains(string(now), "PINGONE_CLIENT_ID=") {
		t.Errorf("confirmed overwrite did not write: %q", now)
	}
	if strings.Contains(h.screen(), secret) {
		t.Error("writing the file must not reveal the secret")
	}
	if h.quit {
		t.Error("keys typed into the dialog must not finish the wizard")
	}
}

// verifyInFlight drives the setup up to the hand-off with the verification call in flight (held).
func (h *harness) verifyInFlight() {
	h.t.Helper()
	h.enterUntil(flows.StepRoleFix, phaseInput)
	h.hold = true
	h.key("enter")
	h.releaseUntil(flows.StepVerify)
	if !h.m.handoffShown() || h.m.state.Credentials == nil || h.m.state.Credentials.ClientSecret != secret {
		h.t.Fatalf("the hand-off should be up with the secret read:\n%s", h.screen())
	}
}

func TestTheSecretNeverReachesTheLogOrTheFailureScreen(t *testing.T) {
	h := newHarness(t)
	h.verifyInFlight()
	h.key("v")
	if !strings.Contains(h.screen(), secret) {
		t.Fatal("v should reveal the secret while verification runs")
	}
	h.api.failNext("ListUserRoleAssignments", &pingone.Error{Status: 500, ID: "boom", Message: "Internal Server Error"})
	h.release()
	if h.m.phase != phaseFailed || h.step() != flows.StepVerify {
		t.Fatalf("verification should have failed, at %s phase %d", h.step(), h.m.phase)
	}
	h.wantScreen("✗ Verify", "boom")
	if strings.Contains(h.screen(), secret) {
		t.Errorf("the failure screen shows the secret:\n%s", h.screen())
	}
	if _, err := h.m.Result(); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("Result() error = %v: want the failure, without the secret", err)
	}

	h.key("r") // the hand-off is back while verification runs again: masked
	if !h.m.handoffShown() || strings.Contains(h.screen(), secret) || !strings.Contains(h.screen(), mask) {
		t.Errorf("after a failure the hand-off should show the secret masked again:\n%s", h.screen())
	}
	h.hold = false
	h.release()
	if h.m.phase != phaseDone || strings.Contains(h.screen(), secret) {
		t.Errorf("phase %d; the secret should stay masked:\n%s", h.m.phase, h.screen())
	}
	for _, l := range h.m.log {
		if strings.Contains(l, secret) {
			t.Errorf("log line holds the secret: %q", l)
		}
	}
}

func TestAFailedVerificationClosesTheEnvDialog(t *testing.T) {
	h := newHarness(t)
	h.verifyInFlight()
	h.key("w")
	h.wantScreen("Write the credentials to")
	h.api.failNext("ListUserRoleAssignments", &pingone.Error{Status: 500, ID: "boom"})
	h.release()
	if h.m.phase != phaseFailed {
		t.Fatalf("verification should have failed, phase %d", h.m.phase)
	}
	if h.m.hand.dialog != nil {
		t.Error("the .env dialog is still open behind the failure screen")
	}
	h.wantScreen("r retry", "b back", "q quit")
	h.key("r")
	if strings.Contains(h.screen(), "Write the credentials to") {
		t.Errorf("the dialog came back with the hand-off:\n%s", h.screen())
	}
}

func TestBackAndForwardAfterAFailedVerificationShowsTheSecretMasked(t *testing.T) {
	h := newHarness(t)
	h.verifyInFlight()
	h.key("v")
	h.api.failNext("ListUserRoleAssignments", &pingone.Error{Status: 500, ID: "boom"})
	h.release()
	h.key("b")
	if h.step() != flows.StepRoleFix || h.m.phase != phaseInput {
		t.Fatalf("b should go back to the role question, at %s phase %d", h.step(), h.m.phase)
	}
	h.hold = false
	h.toDone()
	if s := h.screen(); strings.Contains(s, secret) || !strings.Contains(s, mask) {
		t.Errorf("the new hand-off should start masked:\n%s", s)
	}
}

func TestADryRunEndsWithWhatWouldChangeAndNoCredentials(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Env.DryRun = true })
	h.toDone()
	if h.api.count("CreateApplication") != 0 || h.api.count("CreateUserRoleAssignment") != 0 {
		t.Fatal("a dry run wrote to PingOne")
	}
	h.wantScreen("dry run", "Dry run finished: nothing was changed", "~ would be created application")
	if len(h.m.Created()) != 0 {
		t.Errorf("Created() = %v, want nothing in a dry run", h.m.Created())
	}
}

func TestTheSpinnerSaysWhatTheStepIsDoing(t *testing.T) {
	m := New(Options{Env: flows.Env{API: newFakeAPI(), Identity: identity()}})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "Reading from PingOne…") {
		t.Errorf("while Prepare runs the screen should say so:\n%s", v)
	}
	h := newHarness(t)
	h.key("enter")
	// The last answer dispatches the step's Run; do not run it, look at the screen meanwhile.
	next, cmd := h.m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	h.m = next.(Model)
	for h.m.phase == phaseInput && cmd != nil {
		msg := cmd()
		if cmds, ok := asCmds(msg); ok && len(cmds) > 0 {
			cmd = cmds[0]
			continue
		}
		next, cmd = h.m.Update(msg)
		h.m = next.(Model)
	}
	if h.m.phase != phaseRunning {
		t.Fatalf("phase %d, want running", h.m.phase)
	}
	h.wantScreen("Choosing the environment…", "ctrl+c quit")
}

func TestThePlanFromFlagsPrefillsTheAnswers(t *testing.T) {
	plan := flows.Plan{Preset: "stackone", EnvironmentID: sandEnvID, Application: flows.AppSpec{Name: "From Flags"}}
	h := newHarness(t, func(o *Options) { o.Plan = plan })
	h.key("enter")
	h.key("enter")
	if h.m.state.Target.ID != sandEnvID {
		t.Errorf("the environment from the plan should be preselected, got %s", h.m.state.Target.ID)
	}
	if h.step() != flows.StepReview {
		t.Fatalf("at %s", h.step())
	}
	h.wantScreen("name: From Flags")
}

// environ is a fixed set of environment variables for a termenv output.
type environ map[string]string

func (e environ) Getenv(k string) string { return e[k] }
func (e environ) Environ() []string {
	var out []string
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	return out
}

func TestWithNoColorTheScreenIsPlainText(t *testing.T) {
	view := func(env environ) string {
		// The wizard styles with lipgloss's default renderer, which reads the environment of the
		// terminal it writes to: give it a colour terminal with or without NO_COLOR.
		old := lipgloss.DefaultRenderer()
		t.Cleanup(func() { lipgloss.SetDefaultRenderer(old) })
		r := lipgloss.NewRenderer(io.Discard, termenv.WithEnvironment(env), termenv.WithTTY(true))
		r.SetHasDarkBackground(true)
		lipgloss.SetDefaultRenderer(r)
		defer lipgloss.SetDefaultRenderer(old)
		h := newHarness(t)
		h.enterUntil(flows.StepRoleFix, phaseInput)
		h.wantScreen("✗ Read users")
		return h.m.View()
	}
	colour := environ{"TERM": "xterm-256color", "COLORTERM": "truecolor"}
	if v := view(colour); v == ansi.Strip(v) {
		t.Fatal("on a colour terminal the view should be styled; the test cannot tell NO_COLOR apart")
	}
	noColour := environ{"TERM": "xterm-256color", "COLORTERM": "truecolor", "NO_COLOR": "1"}
	if v := view(noColour); v != ansi.Strip(v) {
		t.Errorf("with NO_COLOR the view should carry no escape sequences:\n%q", v)
	}
}

func TestGoingBackAndRenamingTheCreatedAppRenamesItInsteadOfMakingASecond(t *testing.T) {
	h := newHarness(t)
	h.enterUntil(flows.StepRoleFix, phaseInput)
	for h.step() != flows.StepReview {
		h.key("esc")
		if h.m.phase != phaseInput {
			t.Fatalf("at %s phase %d", h.step(), h.m.phase)
		}
	}
	h.changeSettings()
	h.typeText("Renamed Integration")
	h.toDone()
	if got := h.api.count("CreateApplication"); got != 1 {
		t.Errorf("CreateApplication called %d times, want 1", got)
	}
	if len(h.api.apps) != 1 {
		t.Fatalf("the tenant holds %d apps, want 1 (the first, renamed)", len(h.api.apps))
	}
	for _, a := range h.api.apps {
		if a.Name != "Renamed Integration" {
			t.Errorf("the app is named %q", a.Name)
		}
	}
	st, _ := h.m.Result()
	renamed := false
	for _, c := range st.Changes {
		renamed = renamed || (c.Field == "name" && c.From == "StackOne Integration" && c.To == "Renamed Integration")
	}
	if !renamed {
		t.Errorf("changes %+v: want the rename recorded", st.Changes)
	}
}

func TestWhoWillSignInSurvivesGoingBackPastItsStep(t *testing.T) {
	h := newHarness(t)
	h.enterUntil(flows.StepSignInUser, phaseInput)
	h.typeText("jdoe@example.com")
	h.key("enter")
	if h.step() != flows.StepPreview {
		t.Fatalf("at %s", h.step())
	}
	h.key("enter") // make the changes
	if h.step() != flows.StepRoleFix {
		t.Fatalf("at %s", h.step())
	}
	h.key("esc") // to the review before writing
	h.key("esc") // to "Who will sign in"
	h.key("esc") // to the preset's review, from before the answer
	if h.step() != flows.StepReview {
		t.Fatalf("at %s", h.step())
	}
	h.key("enter") // use these settings
	if h.step() != flows.StepSignInUser || h.m.values[0].text != "jdoe@example.com" {
		t.Fatalf("at %s the answer is %q: what the admin typed must survive Back", h.step(), h.m.values[0].text)
	}
	h.key("enter")
	if h.m.state.SignInUser == nil || h.m.state.SignInUser.ID != jdoeID {
		t.Errorf("the check runs on %+v, want jdoe", h.m.state.SignInUser)
	}
}

func TestTheRevealedSecretIsNeverCutAtAnyWidth(t *testing.T) {
	for _, w := range []int{40, 60, 80, 120} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			h := newHarness(t)
			h.send(tea.WindowSizeMsg{Width: w, Height: 30})
			h.toDone()
			h.key("v")
			screen := h.screen()
			if !strings.Contains(strings.Join(strings.Fields(screen), ""), secret) {
				t.Errorf("the secret is not on screen whole at %d columns:\n%s", w, screen)
			}
			if !strings.Contains(screen, "press c to copy") {
				t.Errorf("say how to copy it:\n%s", screen)
			}
			for _, l := range strings.Split(screen, "\n") {
				if ansi.StringWidth(l) > w {
					t.Errorf("line wider than %d: %q", w, l)
				}
			}
		})
	}
}

// changeSettings answers the preset's review with "Change them one by one": the name comes next.
func (h *harness) changeSettings() {
	h.t.Helper()
	if h.step() != flows.StepReview {
		h.t.Fatalf("at %s, want the review", h.step())
	}
	h.key("down")
	h.key("enter")
}

func stepIndex(h *harness, id string) int {
	for i, st := range h.m.steps {
		if st.ID == id {
			return i
		}
	}
	h.t.Fatalf("no step %s", id)
	return -1
}

func TestWExpandsATildeToTheHomeDirectory(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	h := newHarness(t)
	h.toDone()
	h.key("w")
	h.typeText("~/creds.env")
	h.key("enter")
	if fi, err := os.Stat(filepath.Join(home, "creds.env")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("~/creds.env should be written in the home directory at 0600: %v %v", fi, err)
	}
	if _, err := os.Stat("~"); err == nil {
		t.Error("a directory named ~ was made")
	}
}

func TestWithoutColourTheChosenAnswerIsMarked(t *testing.T) {
	// The tests render with no colour at all (termenv.Ascii), as NO_COLOR does.
	t.Chdir(t.TempDir())
	if err := os.WriteFile("creds.env", []byte("KEEP=me\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	h.toDone()
	h.key("w")
	h.typeText("creds.env")
	h.key("enter")
	before := h.screen()
	if !strings.Contains(before, "> Keep it") || !strings.Contains(before, "  Overwrite") {
		t.Fatalf("the default answer is not marked, or the other is not in view:\n%s", before)
	}
	h.key("up")
	after := h.screen()
	if !strings.Contains(after, "> Overwrite") || strings.Contains(after, "> Keep it") {
		t.Errorf("moving the selection must move the marker:\n%s", after)
	}
}
