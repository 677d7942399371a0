package tui

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
)

// updating reports whether -update was given. The flag is registered by
// github.com/charmbracelet/x/exp/golden, which teatest imports; registering it here too would
// panic.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func TestMain(m *testing.M) {
	// Goldens and assertions must not depend on the terminal running the tests.
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Unsetenv("TMUX")
	os.Exit(m.Run())
}

// harness drives a Model by calling Update directly and running the commands it returns,
// synchronously and in order, the way the Bubble Tea runtime would. Timers (cursor blink,
// spinner ticks) are not run: they only animate.
type harness struct {
	t    testing.TB
	m    Model
	api  *fakeAPI
	out  *bytes.Buffer
	quit bool
	// hold keeps each step call (a Prepare or Run) in held instead of running it, so a test can
	// act while the call is in flight; release runs them.
	hold bool
	held []tea.Cmd
}

func newHarness(t testing.TB, mutate ...func(*Options)) *harness {
	t.Helper()
	return newHarnessAt(t, 80, 24, mutate...)
}

// newHarnessAt is newHarness in a terminal of w x h from the start.
func newHarnessAt(t testing.TB, w, ht int, mutate ...func(*Options)) *harness {
	t.Helper()
	api := newFakeAPI()
	out := &bytes.Buffer{}
	o := Options{
		Env:    flows.Env{API: api, Identity: identity(), Region: "NA"},
		Stdout: out,
	}
	for _, f := range mutate {
		f(&o)
	}
	h := &harness{t: t, m: New(o), api: api, out: out}
	h.send(tea.WindowSizeMsg{Width: w, Height: ht})
	h.run(h.m.Init())
	return h
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	next, cmd := h.m.Update(msg)
	h.m = next.(Model)
	h.run(cmd)
}

// key sends one key: "enter", "esc", "shift+tab", "down", "up", "ctrl+c", "ctrl+u", or runes.
func (h *harness) key(k string) {
	h.t.Helper()
	types := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "shift+tab": tea.KeyShiftTab, "tab": tea.KeyTab,
		"down": tea.KeyDown, "up": tea.KeyUp, "left": tea.KeyLeft, "right": tea.KeyRight,
		"ctrl+c": tea.KeyCtrlC, "ctrl+u": tea.KeyCtrlU, "pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp,
	}
	if t, ok := types[k]; ok {
		h.send(tea.KeyMsg{Type: t})
		return
	}
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
}

// typeText replaces the focused text input's content.
func (h *harness) typeText(s string) {
	h.t.Helper()
	h.key("ctrl+u")
	for _, r := range s {
		h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil || timer(c) {
			continue
		}
		if h.hold && isStepCall(c) {
			h.held = append(h.held, c)
			continue
		}
		msg := h.call(c)
		if cmds, ok := asCmds(msg); ok {
			queue = append(cmds, queue...)
			continue
		}
		switch msg.(type) {
		case nil, spinner.TickMsg, cursor.BlinkMsg:
			continue
		case tea.QuitMsg:
			h.quit = true
			continue
		}
		next, more := h.m.Update(msg)
		h.m = next.(Model)
		queue = append([]tea.Cmd{more}, queue...)
	}
}

func (h *harness) call(c tea.Cmd) tea.Msg {
	h.t.Helper()
	done := make(chan tea.Msg, 1)
	go func() { done <- c() }()
	select {
	case msg := <-done:
		return msg
	case <-time.After(5 * time.Second):
		h.t.Fatalf("command %s did not return", funcName(c))
		return nil
	}
}

// isStepCall reports whether a command is a step's Prepare or Run (see Model.dispatch).
// isStepCall matches a step call and the listener for its progress words, which only answers
// once the call has returned.
func isStepCall(c tea.Cmd) bool {
	n := funcName(c)
	return strings.Contains(n, "tui.stepCall.run") || strings.Contains(n, "waitProgress")
}

// release runs the step calls held back, delivering their results.
func (h *harness) release() {
	h.t.Helper()
	held := h.held
	h.held = nil
	for _, c := range held {
		msg := h.call(c)
		if msg == nil {
			continue
		}
		next, more := h.m.Update(msg)
		h.m = next.(Model)
		h.run(more)
	}
}

// releaseUntil runs held step calls until the call of step id is the one in flight.
func (h *harness) releaseUntil(id string) {
	h.t.Helper()
	for i := 0; i < 30; i++ {
		if len(h.held) > 0 && h.step() == id && h.m.busy() {
			return
		}
		if len(h.held) == 0 {
			break
		}
		h.release()
	}
	h.t.Fatalf("step %s never got in flight; at %s phase %d", id, h.step(), h.m.phase)
}

// timer reports whether a command only waits to animate something.
func timer(c tea.Cmd) bool {
	n := funcName(c)
	return strings.Contains(n, "BlinkCmd") || strings.Contains(n, "bubbletea.Tick") || strings.Contains(n, "bubbletea.Every")
}

func funcName(c tea.Cmd) string {
	return runtime.FuncForPC(reflect.ValueOf(c).Pointer()).Name()
}

// asCmds unpacks tea.Batch and tea.Sequence messages.
func asCmds(msg tea.Msg) ([]tea.Cmd, bool) {
	if msg == nil {
		return nil, false
	}
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeOf(tea.Cmd(nil)) {
		return nil, false
	}
	out := make([]tea.Cmd, v.Len())
	for i := range out {
		out[i], _ = v.Index(i).Interface().(tea.Cmd)
	}
	return out, true
}

// screen is the view without styling.
func (h *harness) screen() string { return ansi.Strip(h.m.View()) }

func (h *harness) step() string {
	if h.m.idx >= len(h.m.steps) {
		return "(done)"
	}
	return h.m.steps[h.m.idx].ID
}

// enterUntil presses enter until the wizard reaches step id in phase p (or fails the test).
func (h *harness) enterUntil(id string, p phase) {
	h.t.Helper()
	for i := 0; i < 60; i++ {
		if h.step() == id && h.m.phase == p {
			return
		}
		if h.m.phase == phaseFailed {
			h.t.Fatalf("step %s failed: %v", h.step(), h.m.err)
		}
		h.key("enter")
	}
	h.t.Fatalf("never reached %s in phase %d; at %s phase %d\n%s", id, p, h.step(), h.m.phase, h.screen())
}

func (h *harness) toDone() {
	h.t.Helper()
	h.enterUntil("(done)", phaseDone)
}

func (h *harness) wantScreen(substrs ...string) {
	h.t.Helper()
	s := h.screen()
	for _, sub := range substrs {
		if !strings.Contains(s, sub) {
			h.t.Errorf("screen lacks %q:\n%s", sub, s)
		}
	}
}

func (h *harness) golden(name string) { h.t.Helper(); h.goldenOf(name, h.screen()) }

// goldenIDs compares the screen with every generated ID (the simulator's, which depend on how
// many it drew before) written as the same placeholder.
func (h *harness) goldenIDs(name string) {
	h.t.Helper()
	got := generatedID.ReplaceAllString(h.screen(), "00000000-0000-4000-8000-000000000000")
	h.goldenOf(name, fingerprint.ReplaceAllString(got, "sha256:00000000"))
}

var fingerprint = regexp.MustCompile(`sha256:[0-9a-f]{8}`)

var generatedID = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func (h *harness) goldenOf(name, got string) {
	h.t.Helper()
	if strings.Contains(got, secret) && !h.m.hand.reveal {
		h.t.Fatalf("the secret is on a masked screen")
	}
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			h.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			h.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		h.t.Fatalf("%v (run go test ./tui -update to create it)", err)
	}
	if got != string(want) {
		h.t.Errorf("%s differs from %s (run go test ./tui -update after checking):\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

// invalidRedirectError is PingOne's refusal of a create with a bad redirect URI, as the failure
// screen tests show it.
func invalidRedirectError() *pingone.Error {
	return &pingone.Error{
		Status: 400, Code: pingone.CodeInvalidData, ID: "0d4ab9a4-6b52-4e8a-9a3e-2f2ad1f0e7c1",
		Message: "Validation Error : [redirectUris must be a valid URI]",
		Method:  "POST", Path: "/v1/environments/" + prodEnvID + "/applications",
		Details: []pingone.ErrorDetail{{Code: "INVALID_VALUE", Target: "redirectUris", Message: "must be a valid URI"}},
	}
}

// heldCalls counts the step calls held back (not their progress listeners).
func (h *harness) heldCalls() int {
	n := 0
	for _, c := range h.held {
		if strings.Contains(funcName(c), "tui.stepCall.run") {
			n++
		}
	}
	return n
}
