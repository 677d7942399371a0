package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tmux drives a real terminal: a session running bash in dir, 100x32.
type tmux struct {
	t    testing.TB
	name string
}

// testPrompt is the shell's prompt in the test sessions: seeing it alone on the last line means
// the shell waits for a command.
const testPrompt = "tmux-test$ "

// How long a terminal test waits for a screen: long enough for a loaded machine (the flake check
// runs these tests with every CPU busy), and still a failure, not a hang.
const (
	screenTimeout = 30 * time.Second
	// resendAfter: a key the screen has not reacted to at all by then was dropped.
	resendAfter = 3 * time.Second
)

func startTmux(t testing.TB, dir string, command string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("PINGONE_TMUX_REQUIRED") == "1" {
			t.Fatal("tmux is required here (PINGONE_TMUX_REQUIRED=1) but not installed")
		}
		t.Skip("tmux not installed: the real-terminal test needs it (apt-get install tmux)")
	}
	name := fmt.Sprintf("pingone-setup-test-%d", time.Now().UnixNano())
	args := []string{"new-session", "-d", "-s", name, "-x", "100", "-y", "32", "-c", dir}
	if command != "" {
		// Set here, not in the client's environment: a tmux server already running gives new
		// sessions its own environment. What a CI runner sets that turns colour off is dropped:
		// NO_COLOR, and CI (termenv takes any CI variable to mean "not a terminal" and renders
		// no styles, so a faint completion looks accepted). A test that wants a plain terminal
		// sets them on its own command line.
		args = append(args, "env -u NO_COLOR -u CLICOLOR -u CLICOLOR_FORCE -u CI 'PS1="+testPrompt+"' PINGONE_SETUP_DEBUG= PINGONE_SETUP_DEBUG_FILE= "+command)
	}
	cmd := exec.Command("tmux", args...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "PS1="+testPrompt)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	tm := &tmux{t: t, name: name}
	t.Cleanup(func() { _ = exec.Command("tmux", "kill-session", "-t", name).Run() })
	return tm
}

// send sends keys as they are: only the helpers below, which wait for the screen first and
// check it after, call it.
func (tm *tmux) send(keys ...string) {
	tm.t.Helper()
	if out, err := exec.Command("tmux", append([]string{"send-keys", "-t", tm.name}, keys...)...).CombinedOutput(); err != nil {
		tm.t.Fatalf("send-keys %v: %v %s", keys, err, out)
	}
}

// sendUntil sends keys to a screen at rest and waits until done(screen) holds on a screen that
// reacted to them. Keys the screen did not react to at all (unchanged, colours included,
// resendAfter later: a form still taking focus ignores keys) are sent again, up to three times in
// all; a screen that changed but is not done yet is waited for. When done already holds on the
// text before the keys (a completion shown faint, then accepted), the screen must also change.
// A terminal test waits on screen state, never on time.
func (tm *tmux) sendUntil(keys []string, done func(string) bool, what string) {
	tm.t.Helper()
	deadline := time.Now().Add(screenTimeout)
	for try := 1; ; try++ {
		before := tm.stable()
		already := done(plain(before))
		tm.send(keys...)
		resend := time.Now().Add(resendAfter)
		for {
			raw := tm.rawScreen()
			if done(plain(raw)) && (!already || raw != before) {
				return
			}
			if time.Now().After(deadline) {
				tm.t.Fatalf("sent %q %d time(s); the screen never showed %s:\n%s", keys, try, what, plain(raw))
			}
			if try < 3 && raw == before && time.Now().After(resend) {
				tm.t.Logf("the screen did not react to %q in %v: sending it again", keys, resendAfter)
				break // dropped
			}
			time.Sleep(30 * time.Millisecond)
		}
	}
}

// press sends a key (tmux's name for it) and waits for the screen to match next.
func (tm *tmux) press(key string, next *regexp.Regexp) {
	tm.t.Helper()
	tm.sendUntil([]string{key}, next.MatchString, "/"+next.String()+"/")
}

// typeText types text and waits until the screen shows it once more than before.
func (tm *tmux) typeText(text string) {
	tm.t.Helper()
	n := strings.Count(plain(tm.stable()), text)
	tm.sendUntil([]string{"-l", text}, func(sc string) bool { return strings.Count(sc, text) > n }, fmt.Sprintf("%q typed", text))
}

// shell runs a command line in the session's shell, once the shell shows its prompt.
func (tm *tmux) shell(cmdline string) {
	tm.t.Helper()
	tm.waitFor(promptLine, screenTimeout)
	tm.typeText(cmdline)
	tm.sendUntil([]string{"Enter"}, func(sc string) bool { return !strings.HasSuffix(lastLine(sc), cmdline) }, "the command line taken")
}

// promptLine matches a screen whose last line is the shell's prompt, alone.
var promptLine = regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(strings.TrimSpace(testPrompt)) + `\s*\z`)

func lastLine(sc string) string {
	lines := strings.Split(strings.TrimRight(sc, "\n "), "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

// screen is the text on the screen.
func (tm *tmux) screen() string { return plain(tm.rawScreen()) }

// rawScreen is the screen with its colours and styles (escape sequences): a faint completion
// and the accepted text differ only there.
func (tm *tmux) rawScreen() string {
	// -J joins a line the terminal wrapped, so a long command line is found whole.
	out, _ := exec.Command("tmux", "capture-pane", "-p", "-J", "-e", "-t", tm.name).Output()
	return string(out)
}

var escapeSeq = regexp.MustCompile(`\x1b\[[0-9;:?]*[ -/]*[@-~]`)

// plain drops the escape sequences of a raw screen.
func plain(raw string) string { return escapeSeq.ReplaceAllString(raw, "") }

// stable returns the raw screen once two captures 100 ms apart agree (or after two seconds of
// change, as a spinner makes): what a key is sent to, and compared with after.
func (tm *tmux) stable() string {
	prev := tm.rawScreen()
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); {
		time.Sleep(100 * time.Millisecond)
		sc := tm.rawScreen()
		if sc == prev {
			return sc
		}
		prev = sc
	}
	return prev
}

// waitFor polls the screen until re matches, as vhs's Wait+Screen does.
func (tm *tmux) waitFor(re *regexp.Regexp, timeout time.Duration) {
	tm.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if re.MatchString(tm.screen()) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tm.t.Fatalf("timed out waiting for /%s/; screen:\n%s", re, tm.screen())
}

func buildBinary(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin", "pingone-setup")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

var tapeString = regexp.MustCompile(`^"(.*)"$`)

// replayTape runs demo.tape's visible part (after Show) in tm: every Type and key is sent, every
// Wait+Screen must come true. before, if set, runs before the tape's last keystroke.
func replayTape(t testing.TB, tm *tmux, before func()) (waits int) {
	waits, _ = replayTapeCounting(t, tm, before)
	return waits
}

// replayTapeCounting replays demo.tape and also counts the keystrokes (each typed character,
// each key) sent before the screen first showed a verified hand-off.
func replayTapeCounting(t testing.TB, tm *tmux, before func()) (waits, keystrokes int) {
	t.Helper()
	data, err := os.ReadFile("../../demo.tape")
	if err != nil {
		t.Fatal(err)
	}
	type step struct{ cmd, arg string }
	var steps []step
	shown := false
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cmd, arg, _ := strings.Cut(line, " ")
		if cmd == "Show" {
			shown = true
			continue
		}
		if shown {
			// Before Show: Set, Output and the hidden build are vhs's business, not the program's.
			steps = append(steps, step{cmd, arg})
		}
	}
	last := -1
	for i, st := range steps {
		if st.cmd != "Wait+Screen" && st.cmd != "Sleep" {
			last = i
		}
	}
	launched, verified := false, false // counting starts once the program shows its first screen
	for i, st := range steps {
		if i == last && before != nil {
			before()
		}
		if launched && !verified {
			switch st.cmd {
			case "Type":
				keystrokes += len([]rune(strings.Trim(st.arg, `"`)))
			case "Enter", "Escape", "Tab", "Up", "Down", "Space", "Ctrl+E":
				n := 1
				if st.arg != "" {
					n, _ = strconv.Atoi(st.arg)
				}
				keystrokes += n
			case "Wait+Screen":
				verified = strings.Contains(st.arg, "Verified")
			}
		}
		// A key is sent to a screen at rest and checked: when the tape waits for a screen right
		// after it, for that screen; a text typed before another key, for the text shown.
		var next *regexp.Regexp
		for _, later := range steps[i+1:] {
			if later.cmd == "Wait+Screen" {
				next = regexp.MustCompile(strings.Trim(later.arg, "/"))
			}
			if later.cmd != "Sleep" {
				break
			}
		}
		var keys []string
		switch st.cmd {
		case "Type":
			m := tapeString.FindStringSubmatch(st.arg)
			if m == nil {
				t.Fatalf("cannot read Type %s", st.arg)
			}
			if !launched {
				tm.waitFor(promptLine, screenTimeout) // typed at the shell: once it is ready
			}
			keys = []string{"-l", m[1]}
		case "Enter", "Escape", "Tab", "Up", "Down", "Space":
			n := 1
			if st.arg != "" {
				n, _ = strconv.Atoi(st.arg)
			}
			for range n {
				keys = append(keys, st.cmd)
			}
		case "Ctrl+E":
			keys = []string{"C-e"}
		case "Wait+Screen":
			tm.waitFor(regexp.MustCompile(strings.Trim(st.arg, "/")), screenTimeout)
			waits++
		case "Sleep":
			// Pauses are for the viewer; Wait+Screen keeps the replay in step. A recording for
			// viewers (make demo) keeps them.
			if tapeSleeps {
				if d, err := time.ParseDuration(st.arg); err == nil {
					time.Sleep(d)
				}
			}
		default:
			t.Fatalf("demo.tape uses %q, which the replay does not understand: teach it or change the tape", st.cmd)
		}
		switch {
		case keys == nil:
		case next != nil:
			tm.sendUntil(keys, next.MatchString, "/"+next.String()+"/")
		case st.cmd == "Type":
			tm.typeText(keys[1])
		default:
			t.Fatalf("demo.tape: %s %s is followed by neither a Wait+Screen nor a Type: the replay cannot tell it arrived", st.cmd, st.arg)
		}
		launched = launched || st.cmd == "Wait+Screen"
	}
	return waits, keystrokes
}

// TestDemoTapeReplaysAgainstTheRealBinaryInTmux keeps demo.tape true: its keystrokes, sent to the
// real binary in a real terminal, must produce every screen its Wait lines expect.
func TestDemoTapeReplaysAgainstTheRealBinaryInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("real terminal test")
	}
	tm := startTmux(t, buildBinary(t), "bash --norc --noprofile")
	waits, keys := replayTapeCounting(t, tm, nil)
	if waits < 5 {
		t.Fatalf("only %d Wait+Screen lines replayed", waits)
	}
	// From launch to a verified hand-off on the stackone path, without flags.
	if keys > 8 {
		t.Errorf("the demo takes %d keystrokes to a verified hand-off, target 8", keys)
	}
	t.Logf("%d keystrokes from launch to a verified hand-off", keys)
	// The demo ends verified by a real sign-in as jdoe, so the wizard exits 0.
	tm.shell("echo EXIT=$?")
	tm.waitFor(regexp.MustCompile(`EXIT=0`), screenTimeout)
}

// TestTheWizardExitsOneWhenTheAppDoesNotWork skips the role fix: jdoe would be refused at sign-in,
// the hand-off says so in its title, and the exit code is 1.
func TestTheWizardExitsOneWhenTheAppDoesNotWork(t *testing.T) {
	if testing.Short() {
		t.Skip("real terminal test")
	}
	tm := startTmux(t, buildBinary(t), "bash --norc --noprofile")
	tm.shell("bin/pingone-setup --demo --preset stackone --user jdoe; echo EXIT=$?")
	tm.throughToRoles()
	tm.waitFor(regexp.MustCompile(`Skip: I will fix roles myself`), screenTimeout)
	tm.press("Up", regexp.MustCompile(`> Skip: I will fix roles myself`)) // from the first option, Up wraps to Skip [huh's Select wraps]
	tm.press("Enter", regexp.MustCompile(`✗ Your Worker app is not working yet`))
	if sc := tm.screen(); !strings.Contains(sc, "access_denied") {
		t.Errorf("the hand-off must say why, in full:\n%s", sc)
	}
	tm.press("Enter", regexp.MustCompile(`EXIT=1`))
}

// wizardSteps are the screens, in order, of the stackone preset with a user given, up to the
// role check; Enter takes each to the next.
var wizardSteps = []*regexp.Regexp{
	regexp.MustCompile(`Target environment`),
	regexp.MustCompile(`What are you connecting`),
	regexp.MustCompile(`Use these settings`),
	regexp.MustCompile(`Who will sign in through the app`),
	regexp.MustCompile(`Make these changes in PingOne`),
	regexp.MustCompile(`Skip: I will fix roles myself`),
}

// throughToRoles takes the wizard (started with --preset stackone --user jdoe) from its first
// screen to the role check, one Enter per screen, each sent once the screen is there.
func (tm *tmux) throughToRoles() {
	tm.t.Helper()
	tm.waitFor(wizardSteps[0], screenTimeout)
	for _, next := range wizardSteps[1:] {
		tm.press("Enter", next)
	}
}

// BenchmarkDemoRunPeakMemory replays demo.tape against the real binary and reports the process's
// peak resident memory (VmHWM) just before it exits. Target: under 40 MB.
func BenchmarkDemoRunPeakMemory(b *testing.B) {
	dir := buildBinary(b)
	for i := 0; i < b.N; i++ {
		tm := startTmux(b, dir, "bash --norc --noprofile")
		var peakKB int
		replayTape(b, tm, func() { peakKB = tm.childPeakKB() })
		b.ReportMetric(float64(peakKB)/1024, "peak-MB")
	}
}

// childPeakKB reads VmHWM of the program running under the pane's shell.
func (tm *tmux) childPeakKB() int {
	tm.t.Helper()
	out, err := exec.Command("tmux", "display-message", "-p", "-t", tm.name, "#{pane_pid}").Output()
	if err != nil {
		tm.t.Fatal(err)
	}
	kids, err := os.ReadFile(fmt.Sprintf("/proc/%s/task/%s/children", strings.TrimSpace(string(out)), strings.TrimSpace(string(out))))
	if err != nil || len(strings.Fields(string(kids))) == 0 {
		tm.t.Fatalf("no child process under the shell: %v", err)
	}
	status, err := os.ReadFile("/proc/" + strings.Fields(string(kids))[0] + "/status")
	if err != nil {
		tm.t.Fatal(err)
	}
	for _, l := range strings.Split(string(status), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.Atoi(f[1])
			return kb
		}
	}
	tm.t.Fatal("no VmHWM")
	return 0
}

func TestCtrlCExits130AndSaysWhatWasCreated(t *testing.T) {
	if testing.Short() {
		t.Skip("real terminal test")
	}
	dir := buildBinary(t)
	tm := startTmux(t, dir, "bash --norc --noprofile")
	tm.shell("bin/pingone-setup --demo --preset sync-worker; echo EXIT=$?")
	tm.waitFor(wizardSteps[0], screenTimeout)
	tm.press("C-c", regexp.MustCompile(`EXIT=130`))
	if !strings.Contains(tm.screen(), "nothing was changed") {
		t.Errorf("screen after Ctrl-C:\n%s", tm.screen())
	}

	// Interrupted after the app exists: it says what was already done.
	tm.shell("clear; bin/pingone-setup --demo --preset stackone --user jdoe; echo EXIT=$?")
	tm.throughToRoles()
	tm.press("C-c", regexp.MustCompile(`EXIT=130`))
	if sc := tm.screen(); !strings.Contains(sc, "Already done in PingOne") || !strings.Contains(sc, `application "StackOne Integration"`) {
		t.Errorf("screen after Ctrl-C:\n%s", sc)
	}
}
