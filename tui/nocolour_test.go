package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	"regexp"
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/flows"
)

// The tests render with no colour at all (termenv.Ascii, set in TestMain), as NO_COLOR does: what
// a screen shows there is all a colourless terminal shows.

// markedLine is the option the cursor is on: the line marked "> " (huh's selector), trimmed.
var markedLine = regexp.MustCompile(`(?m)(?:^|┃ )> (.+?)\s*$`)

func marked(t *testing.T, screen string) string {
	t.Helper()
	all := markedLine.FindAllStringSubmatch(screen, -1)
	if len(all) != 1 {
		t.Fatalf("want exactly one option marked with \"> \", got %d:\n%s", len(all), screen)
	}
	return all[0][1]
}

func TestWithoutColourMovingTheCursorInASelectMovesItsMarker(t *testing.T) {
	for _, tc := range []struct {
		name   string
		reach  func(h *harness)
		before string
		after  string
	}{
		{"the environment", func(h *harness) {}, "Production", "Sandbox"},
		{"the preset", func(h *harness) { h.key("enter") }, "stackone", "sync-worker"},
		{"use these settings or change them", func(h *harness) { h.enterUntil(flows.StepReview, phaseInput) }, "Use these settings", "Change them one by one"},
		{"the role fix", func(h *harness) { h.enterUntil(flows.StepRoleFix, phaseInput) }, "Try to assign them", "Skip"},
		{"a yes/no question (admin-only access, No chosen)", func(h *harness) {
			h.key("enter") // Production
			for range 3 {
				h.key("down") // to custom
			}
			h.enterUntil(flows.StepSettings, phaseInput)
			for h.m.inputs[h.m.focusedIndex()].Key != "adminOnly" {
				h.key("enter")
			}
		}, "No", "Yes"}, // down from the last option wraps to the first
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			tc.reach(h)
			if h.m.phase != phaseInput {
				t.Fatalf("at %s phase %d, want a question", h.step(), h.m.phase)
			}
			before := h.screen()
			if got := marked(t, before); !strings.Contains(got, tc.before) {
				t.Fatalf("the default answer marked is %q, want %q:\n%s", got, tc.before, before)
			}
			h.key("down")
			after := h.screen()
			if after == before {
				t.Fatalf("down changed nothing on a colourless screen:\n%s", after)
			}
			if got := marked(t, after); !strings.Contains(got, tc.after) {
				t.Errorf("after down the marker is on %q, want %q:\n%s", got, tc.after, after)
			}
		})
	}
}

func TestWithoutColourTheCompletionOnOfferIsNamedInWords(t *testing.T) {
	h := newHarness(t)
	h.enterUntil(flows.StepSignInUser, phaseInput)
	h.wantScreen("Who will sign in")
	if strings.Contains(h.screen(), "ctrl+e completes it") {
		t.Fatalf("nothing typed, nothing offered, yet:\n%s", h.screen())
	}
	h.typeText("j")
	// The input shows "j" and, faint, "doe": without colour that reads "jdoe", as if typed. The
	// hint line says it is on offer.
	h.wantScreen("ctrl+e completes it: jdoe")
	h.send(tea.KeyMsg{Type: tea.KeyCtrlE})
	if h.m.values[0].text != "jdoe" {
		t.Fatalf("ctrl+e should complete to jdoe, got %q", h.m.values[0].text)
	}
	if strings.Contains(h.screen(), "ctrl+e completes it") {
		t.Errorf("once completed, the hint goes:\n%s", h.screen())
	}
	h.typeText("zz")
	if strings.Contains(h.screen(), "ctrl+e completes it") {
		t.Errorf("nothing matches zz, yet a completion is named:\n%s", h.screen())
	}
}

func TestALongVerdictScrollsWithPgDownAndTheQuestionStays(t *testing.T) {
	h := newHarness(t)
	h.enterUntil(flows.StepRoleFix, phaseInput)
	first := h.screen()
	if !strings.Contains(first, "(pgdown)") || strings.Contains(first, "(pgup)") {
		t.Fatalf("at 80x24 the verdict should be cut, with pgdown offered:\n%s", first)
	}
	h.key("pgdown")
	second := h.screen()
	if !strings.Contains(second, "↑ 12 more (pgup)") { // half of the 24 lines
		t.Errorf("pgdown scrolls half a screen:\n%s", second)
	}
	for range 20 {
		h.key("pgdown")
	}
	if sc := h.screen(); !strings.Contains(sc, "Directory > Users > jdoe") || strings.Contains(sc, "(pgdown)") {
		t.Errorf("pgdown stops at the end, which shows the last of the verdict:\n%s", sc)
	}
	for _, sc := range []string{first, second} {
		if !strings.Contains(sc, "Environment Admin to jdoe at environment scope?") || !strings.Contains(sc, "> Try to assign them") {
			t.Errorf("the question and its options must stay on screen:\n%s", sc)
		}
	}
	for range 3 {
		h.key("pgup") // from the end: few presses are enough, however many pgdowns there were
	}
	if h.screen() != first {
		t.Errorf("pgup back to the top should show the first screen again:\n%s", h.screen())
	}
}

func TestWithoutColourTogglingAMultiSelectOptionChangesItsBox(t *testing.T) {
	h := newHarness(t)
	h.key("enter") // Production
	for range 3 {
		h.key("down") // stackone, sync-worker, cli-login, custom
	}
	h.key("enter")
	h.enterUntil(flows.StepSettings, phaseInput)
	before := h.screen()
	if got := marked(t, before); !strings.Contains(got, "AUTHORIZATION_CODE") {
		t.Fatalf("the cursor should start on the first grant type, is on %q:\n%s", got, before)
	}
	box := regexp.MustCompile(`> ([•✓]) AUTHORIZATION_CODE`) // huh's charm theme: ✓ chosen, • not
	b := box.FindStringSubmatch(before)
	if b == nil {
		t.Fatalf("no box before AUTHORIZATION_CODE:\n%s", before)
	}
	h.key("x")
	after := h.screen()
	a := box.FindStringSubmatch(after)
	if a == nil || a[1] == b[1] {
		t.Errorf("x should flip the box of AUTHORIZATION_CODE without colour: %v then %v\n%s", b, a, after)
	}
}

func TestTheHelpOffersPgDownOnlyWhenSomethingIsCut(t *testing.T) {
	h := newHarness(t)
	if strings.Contains(h.screen(), "pgdn") {
		t.Errorf("the environment step fits 80x24; no pgdn:\n%s", h.screen())
	}
	h.enterUntil(flows.StepRoleFix, phaseInput)
	h.wantScreen("pgdn/pgup more")
	h.send(tea.WindowSizeMsg{Width: 100, Height: 80})
	if strings.Contains(h.screen(), "pgdn") {
		t.Errorf("the verdict fits 100x80; no pgdn:\n%s", h.screen())
	}
}
