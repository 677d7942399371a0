package main

import (
	"encoding/json"
	"fmt"
	"html"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tapeSleeps makes the tape's replay keep its Sleep lines: set while recording for viewers.
var tapeSleeps bool

// TestRecordDemo records demo.tape's replay in tmux with asciinema into the asciicast file named
// by PINGONE_RECORD_DEMO (make demo renders it as docs/demo.svg). Skipped unless asked for.
func TestRecordDemo(t *testing.T) {
	cast := os.Getenv("PINGONE_RECORD_DEMO")
	if cast == "" {
		t.Skip("set PINGONE_RECORD_DEMO=FILE.cast to record the demo (make demo)")
	}
	if _, err := exec.LookPath("asciinema"); err != nil {
		t.Fatal("recording the demo needs asciinema (apt-get install asciinema)")
	}
	cast, _ = filepath.Abs(cast)
	_ = os.Remove(cast)
	tapeSleeps = true
	defer func() { tapeSleeps = false }()
	tm := startTmux(t, buildBinary(t), "asciinema rec -q --overwrite -i 2 -c 'bash --norc --noprofile' "+cast)
	replayTape(t, tm, nil)
	tm.shell("exit")
	// asciinema writes the file as the shell ends; the pane closes with it.
	for end := time.Now().Add(screenTimeout); ; time.Sleep(100 * time.Millisecond) {
		if exec.Command("tmux", "has-session", "-t", tm.name).Run() != nil {
			break
		}
		if time.Now().After(end) {
			t.Fatal("the recording did not end")
		}
	}
	if fi, err := os.Stat(cast); err != nil || fi.Size() == 0 {
		t.Fatalf("no recording in %s: %v", cast, err)
	}
	if err := mergeBursts(cast, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
}

// mergeBursts joins each output event of an asciicast (v2) to the one before it when it came
// less than gap later. A frame is often written in two pieces a fraction of a millisecond apart,
// and svg-term shows the screen after the first piece for the whole frame.
func mergeBursts(path string, gap time.Duration) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	out := []string{lines[0]} // the header
	var last []any
	flush := func() error {
		if last == nil {
			return nil
		}
		b, err := json.Marshal(last)
		out = append(out, string(b))
		return err
	}
	for _, l := range lines[1:] {
		var ev []any
		if err := json.Unmarshal([]byte(l), &ev); err != nil || len(ev) != 3 {
			return fmt.Errorf("%s: not an asciicast event: %q", path, l)
		}
		if last != nil && ev[1] == "o" && last[1] == "o" && ev[0].(float64)-last[0].(float64) < gap.Seconds() {
			last[2] = last[2].(string) + ev[2].(string)
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		last = ev
	}
	if err := flush(); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(strings.Join(out, "\n")+"\n"), 0o644)
}

// svgText is the text of an SVG rendered by svg-term, a line per terminal line. svg-term writes
// each word as a text element at x = column × 1.002 (its cell width) and y = its row; a line used
// in several frames is a symbol of its own. The words are put back at their columns; a new line
// starts where the row changes or the column goes back.
func svgText(svg string) string {
	var lines []string
	var line []rune
	lastX, lastY := -1.0, ""
	for _, w := range svgWord.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.ParseFloat(w[1], 64) // no x: column 0
		if w[2] != lastY || x <= lastX {
			lines = append(lines, string(line))
			line = nil
		}
		lastX, lastY = x, w[2]
		col := int(math.Round(x / 1.002))
		for len(line) < col {
			line = append(line, ' ')
		}
		line = append(line[:col], []rune(html.UnescapeString(w[3]))...)
	}
	return strings.Join(append(lines, string(line)), "\n")
}

var svgWord = regexp.MustCompile(`<text(?: x="([0-9.]+)")?(?: y="([0-9.]+)")?[^>]*>([^<]*)</text>`)

// TestTheCommittedDemoSVGShowsTheTapesScreens keeps docs/demo.svg (rendered by make demo from a
// recording of demo.tape) in step with the tape: every screen the tape waits for is in it.
// Neither asciinema nor svg-term is needed to check it.
func TestTheCommittedDemoSVGShowsTheTapesScreens(t *testing.T) {
	data, err := os.ReadFile("../../docs/demo.svg")
	if err != nil {
		t.Fatalf("%v: run make demo", err)
	}
	text := svgText(string(data))
	tape, err := os.ReadFile("../../demo.tape")
	if err != nil {
		t.Fatal(err)
	}
	waits := 0
	for _, line := range strings.Split(string(tape), "\n") {
		arg, ok := strings.CutPrefix(strings.TrimSpace(line), "Wait+Screen ")
		if !ok {
			continue
		}
		waits++
		re := regexp.MustCompile(strings.Trim(arg, "/"))
		if !re.MatchString(text) {
			t.Errorf("docs/demo.svg never shows /%s/: record it again with make demo", re)
		}
	}
	if waits < 5 {
		t.Fatalf("only %d Wait+Screen lines in demo.tape", waits)
	}
	if strings.Contains(text, "\x1b") {
		t.Error("escape sequences in the SVG's text")
	}
}
