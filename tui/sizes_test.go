package tui

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
)

// The key screens at a small, the usual and a large terminal. After an intended change, check
// them and run: go test ./tui -run Golden -update
func TestGoldenKeyScreensAtThreeSizes(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{60, 20}, {80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			h := newHarness(t)
			h.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
			name := func(screen string) string { return fmt.Sprintf("size-%s-%dx%d", screen, sz.w, sz.h) }
			h.goldenIDs(name("environment"))
			h.enterUntil(flows.StepReview, phaseInput)
			h.goldenIDs(name("review"))
			h.enterUntil(flows.StepPreview, phaseInput)
			h.goldenIDs(name("preview"))
			h.enterUntil(flows.StepRoleFix, phaseInput)
			h.goldenIDs(name("role-fix"))
			h.toDone()
			h.goldenIDs(name("handoff"))
		})
	}
}

var (
	optionOnScreen = regexp.MustCompile(`(?m)(?:^|┃ )> `)
	stepCounter    = regexp.MustCompile(`Step (\d+) of (\d+)`)
)

// walkAt answers every question of a setup with enter (the custom preset's settings too, when
// custom) in a terminal of w x h, calling check on every question's screen.
func walkAt(t *testing.T, w, h int, custom bool, check func(step, screen string)) *harness {
	t.Helper()
	hs := newHarness(t)
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	if custom {
		hs.key("enter")
		for range 3 {
			hs.key("down")
		}
	}
	for i := 0; i < 80 && hs.m.phase != phaseDone; i++ {
		if hs.m.phase == phaseFailed {
			t.Fatalf("step %s failed: %v", hs.step(), hs.m.err)
		}
		if hs.m.phase == phaseInput {
			check(hs.step(), hs.screen())
		}
		hs.key("enter")
	}
	if hs.m.phase != phaseDone {
		t.Fatalf("never reached the hand-off; at %s", hs.step())
	}
	check("(done)", hs.screen())
	return hs
}

func TestAt60x20EveryQuestionShowsItsAnswerAndFits(t *testing.T) {
	for _, custom := range []bool{false, true} {
		t.Run(fmt.Sprintf("custom=%v", custom), func(t *testing.T) {
			questions := 0
			walkAt(t, 60, 20, custom, func(step, screen string) {
				lines := strings.Split(screen, "\n")
				if len(lines) > 20 {
					t.Errorf("%s: %d lines on a 20-line terminal:\n%s", step, len(lines), screen)
				}
				for _, l := range lines {
					if ansi.StringWidth(l) > 60 {
						t.Errorf("%s: a line of %d columns on a 60-column terminal: %q", step, ansi.StringWidth(l), l)
					}
				}
				if step == "(done)" {
					if !strings.Contains(screen, "Client ID") {
						t.Errorf("the hand-off must show the client ID:\n%s", screen)
					}
					return
				}
				questions++
				if !optionOnScreen.MatchString(screen) {
					t.Errorf("%s: the answer (a marked option or the input) is off screen:\n%s", step, screen)
				}
			})
			if questions < 4 {
				t.Errorf("only %d questions seen", questions)
			}
		})
	}
}

func TestTheStepCounterNeverChangesItsTotalAndOnlyMovesForward(t *testing.T) {
	last, total := 0, 0
	walkAt(t, 60, 20, false, func(step, screen string) {
		m := stepCounter.FindStringSubmatch(screen)
		if m == nil {
			if step != "(done)" {
				t.Errorf("%s: no step counter on a narrow screen:\n%s", step, screen)
			}
			return
		}
		at, n := atoi(t, m[1]), atoi(t, m[2])
		if total == 0 {
			total = n
		}
		if n != total || at < last {
			t.Errorf("%s: %q after step %d of %d: the total must stay and the step only grow", step, m[0], last, total)
		}
		last = at
	})
	// Consecutive steps of one title are one entry of the step list (More settings: which, then
	// their values), and one step of the count.
	entries := 0
	for i, st := range flows.Steps() {
		if i == 0 || flows.Steps()[i-1].Title != st.Title {
			entries++
		}
	}
	if total != entries {
		t.Errorf("the total is %d, want every entry of the step list (%d), skipped ones included", total, entries)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOnAWideTerminalTextKeepsAReadableWidth(t *testing.T) {
	walkAt(t, 220, 50, false, func(step, screen string) {
		for _, l := range strings.Split(screen, "\n") {
			if w := ansi.StringWidth(strings.TrimRight(l, " ")); w > listWidth+readableWidth+2 {
				t.Errorf("%s: a line of %d columns: %q", step, w, l)
			}
		}
	})
}

func TestTheHandOffScrollsOnASmallTerminal(t *testing.T) {
	h := walkAt(t, 60, 20, false, func(string, string) {})
	top := h.screen()
	if !strings.Contains(top, "(pgdown)") || strings.Contains(top, "Created") {
		t.Fatalf("at 60x20 the hand-off should be cut, with pgdown offered:\n%s", top)
	}
	for range 20 {
		h.key("pgdown")
	}
	if sc := h.screen(); !strings.Contains(sc, "created application") {
		t.Errorf("scrolled down, the hand-off shows what was created:\n%s", sc)
	}
	for range 20 {
		h.key("pgup")
	}
	if h.screen() != top {
		t.Errorf("scrolled back up, the hand-off starts again at its title:\n%s", h.screen())
	}
}

func TestWhenTheFixIsNotTheAdminsToGrantTheVerdictSaysWhatToSendAndWhatToRun(t *testing.T) {
	for _, w := range []int{60, 120} {
		h := newHarness(t)
		h.send(tea.WindowSizeMsg{Width: w, Height: 80})
		h.enterUntil(flows.StepRoleFix, phaseInput)
		sc := h.screen()
		for _, want := range []string{"Ask your admin", "Could you assign the PingOne role Environment Admin", "ROLE=role-env-admin",
			"curl -X POST", "roleAssignments", "Directory > Users > jdoe"} {
			if !strings.Contains(sc, want) {
				t.Errorf("%d columns: the verdict lacks %q:\n%s", w, want, sc)
			}
		}
		for _, l := range strings.Split(sc, "\n") {
			if ansi.StringWidth(l) > w {
				t.Errorf("%d columns: a line of %d: %q", w, ansi.StringWidth(l), l)
			}
		}
	}
}

func TestTheReviewBeforeWritingShowsSourcesChangesAndTheVerdictAndNothingIsWrittenYet(t *testing.T) {
	h := newHarness(t, func(o *Options) {
		o.Plan, _ = flows.Plan{Preset: "stackone"}.WithPreset()
		o.Plan.Application.Name = "From Flags"
	})
	h.send(tea.WindowSizeMsg{Width: 100, Height: 80})
	h.enterUntil(flows.StepPreview, phaseInput)
	if n := h.api.count("CreateApplication"); n != 0 {
		t.Fatalf("the app was created before the go-ahead (%d calls)", n)
	}
	h.wantScreen("Review before writing", "name: From Flags  (your answer)", "grantTypes: AUTHORIZATION_CODE, REFRESH_TOKEN  (preset)",
		"What will be made in PingOne:", `created application "From Flags"`, "created grant on the openid resource",
		"Roles, as they are now:", "will return HTTP 403", "> Make these changes")
	h.key("enter")
	if n := h.api.count("CreateApplication"); n != 1 {
		t.Errorf("the go-ahead should create the app once, got %d", n)
	}
}

func TestALongListKeepsTheChosenOptionOnASmallScreen(t *testing.T) {
	h := newHarnessAt(t, 60, 20, func(o *Options) {
		api := o.Env.API.(*fakeAPI)
		for i := range 30 {
			api.envs = append(api.envs, pingone.Environment{ID: fmt.Sprintf("%08d-0000-4000-8000-000000000000", i), Name: fmt.Sprintf("Env %d", i), Type: "SANDBOX"})
		}
	})
	for range 25 {
		h.key("down")
	}
	sc := h.screen()
	if got := marked(t, sc); !strings.HasPrefix(got, "Env 23 (SANDBOX") {
		t.Errorf("after 25 downs the marker should be on Env 23, is on %q:\n%s", got, sc)
	}
	for _, l := range strings.Split(sc, "\n") {
		if ansi.StringWidth(l) > 60 {
			t.Errorf("a line of %d columns: %q", ansi.StringWidth(l), l)
		}
	}
	if n := len(strings.Split(sc, "\n")); n > 20 {
		t.Errorf("%d lines on a 20-line terminal", n)
	}
}

func TestTheEnvFileDialogIsInViewOnASmallTerminal(t *testing.T) {
	t.Chdir(t.TempDir())
	h := newHarnessAt(t, 60, 20)
	h.toDone()
	h.key("w")
	sc := h.screen()
	if !regexp.MustCompile(`(?m)┃ > \./\.env`).MatchString(sc) {
		t.Fatalf("the path to write to must be on screen:\n%s", sc)
	}
	h.key("enter")
	if _, err := os.Stat(".env"); err != nil {
		t.Errorf("enter in the dialog should write ./.env: %v\n%s", err, h.screen())
	}
}

func TestAHandOffThatDoesNotWorkBecauseOfRolesTheAdminMayNotGrantSaysWhomToAsk(t *testing.T) {
	h := newHarnessAt(t, 100, 80)
	h.enterUntil(flows.StepRoleFix, phaseInput)
	h.key("down") // Skip: I will fix roles myself
	h.toDone()
	h.wantScreen("Your Worker app is not working yet", "Ask your admin", "ROLE=role-env-admin", "Directory > Users > jdoe")
}

func TestAFailureOnAVerySmallTerminalScrollsToPingOnesErrorID(t *testing.T) {
	h := newHarnessAt(t, 60, 14)
	h.api.failNext("CreateApplication", invalidRedirectError())
	h.enterUntil(flows.StepCreate, phaseFailed)
	if sc := h.screen(); strings.Contains(sc, "0d4ab9a4") || !strings.Contains(sc, "(pgdown)") || !strings.Contains(sc, "r retry") {
		t.Fatalf("at 60x14 the failure is cut, says so, and keeps its keys:\n%s", sc)
	}
	for range 5 {
		h.key("pgdown")
	}
	h.wantScreen("PingOne error id: 0d4ab9a4-6b52-4e8a-9a3e-2f2ad1f0e7c1", "r retry")
}
