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
		args = append(args, command)
	}
	cmd := exec.Command("tmux", args...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "PS1=$ ")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	tm := &tmux{t: t, name: name}
	t.Cleanup(func() { _ = exec.Command("tmux", "kill-session", "-t", name).Run() })
	return tm
}

func (tm *tmux) send(keys ...string) {
	tm.t.Helper()
	if out, err := exec.Command("tmux", append([]string{"send-keys", "-t", tm.name}, keys...)...).CombinedOutput(); err != nil {
		tm.t.Fatalf("send-keys %v: %v %s", keys, err, out)
	}
}

// sendUntilShown types text and waits for it to appear on the screen, typing it again (up to
// three times) when it does not: a terminal test waits on screen state, never on time.
func (tm *tmux) sendUntilShown(text string) {
	tm.t.Helper()
	for try := 0; try < 3; try++ {
		tm.send("-l", text)
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			if strings.Contains(tm.screen(), text) {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	tm.t.Fatalf("typed %q three times and the screen never showed it:\n%s", text, tm.screen())
}

func (tm *tmux) screen() string {
	out, _ := exec.Command("tmux", "capture-pane", "-p", "-t", tm.name).Output()
	return string(out)
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
		launched = launched || st.cmd == "Wait+Screen"
		switch st.cmd {
		case "Type":
			m := tapeString.FindStringSubmatch(st.arg)
			if m == nil {
				t.Fatalf("cannot read Type %s", st.arg)
			}
			// A key sent while the form is still taking focus can be dropped: wait until the
			// screen shows what was typed, and type it again if it never did.
			tm.sendUntilShown(m[1])
		case "Enter", "Escape", "Tab", "Up", "Down", "Space":
			n := 1
			if st.arg != "" {
				n, _ = strconv.Atoi(st.arg)
			}
			for j := 0; j < n; j++ {
				tm.send(st.cmd)
			}
		case "Ctrl+E":
			tm.send("C-e")
		case "Wait+Screen":
			tm.waitFor(regexp.MustCompile(strings.Trim(st.arg, "/")), 15*time.Second)
			waits++
		case "Sleep":
			// Pauses are for the viewer; Wait+Screen keeps the replay in step.
		default:
			t.Fatalf("demo.tape uses %q, which the replay does not understand: teach it or change the tape", st.cmd)
		}
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
	tm.send("-l", "echo EXIT=$?")
	tm.send("Enter")
	tm.waitFor(regexp.MustCompile(`EXIT=0`), 10*time.Second)
}

// TestTheWizardExitsOneWhenTheAppDoesNotWork skips the role fix: jdoe would be refused at sign-in,
// the hand-off says so in its title, and the exit code is 1.
func TestTheWizardExitsOneWhenTheAppDoesNotWork(t *testing.T) {
	if testing.Short() {
		t.Skip("real terminal test")
	}
	tm := startTmux(t, buildBinary(t), "bash --norc --noprofile")
	tm.send("-l", "bin/pingone-setup --demo --preset stackone --user jdoe; echo EXIT=$?")
	tm.send("Enter")
	for _, want := range []string{"Target environment", "What are you connecting", "Use these settings", "Who will sign in through the app"} {
		tm.waitFor(regexp.MustCompile(want), 15*time.Second)
		tm.send("Enter")
	}
	tm.waitFor(regexp.MustCompile(`Skip: I will fix roles myself`), 15*time.Second)
	tm.send("Up") // from the first option, Up wraps to Skip [huh's Select wraps]
	tm.waitFor(regexp.MustCompile(`> Skip: I will fix roles myself`), 5*time.Second)
	tm.send("Enter")
	tm.waitFor(regexp.MustCompile(`✗ Your Worker app is not working yet`), 15*time.Second)
	if sc := tm.screen(); !strings.Contains(sc, "access_denied") {
		t.Errorf("the hand-off must say why, in full:\n%s", sc)
	}
	tm.send("Enter")
	tm.waitFor(regexp.MustCompile(`EXIT=1`), 10*time.Second)
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
	tm.send("-l", "bin/pingone-setup --demo --preset sync-worker; echo EXIT=$?")
	tm.send("Enter")
	tm.waitFor(regexp.MustCompile(`Target environment`), 15*time.Second)
	tm.send("C-c")
	tm.waitFor(regexp.MustCompile(`EXIT=130`), 10*time.Second)
	if !strings.Contains(tm.screen(), "nothing was changed") {
		t.Errorf("screen after Ctrl-C:\n%s", tm.screen())
	}

	// Interrupted after the app exists: it says what was already done.
	tm.send("-l", "clear; bin/pingone-setup --demo --preset stackone --user jdoe; echo EXIT=$?")
	tm.send("Enter")
	for _, want := range []string{"Target environment", "What are you connecting", "Use these settings", "Who will sign in through the app"} {
		tm.waitFor(regexp.MustCompile(want), 15*time.Second)
		tm.send("Enter")
	}
	tm.waitFor(regexp.MustCompile(`will return HTTP 403`), 15*time.Second)
	tm.send("C-c")
	tm.waitFor(regexp.MustCompile(`EXIT=130`), 10*time.Second)
	if sc := tm.screen(); !strings.Contains(sc, "Already done in PingOne") || !strings.Contains(sc, `application "StackOne Integration"`) {
		t.Errorf("screen after Ctrl-C:\n%s", sc)
	}
}
