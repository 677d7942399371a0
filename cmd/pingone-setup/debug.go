package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/mattn/go-isatty"

	"github.com/pingone-setup/pingone-setup/internal/securefile"
	"github.com/pingone-setup/pingone-setup/pingone"
)

// The debug switch, as GH_DEBUG=api is gh's: PINGONE_SETUP_DEBUG=api prints one line per PingOne
// API call, as it happens, from the same redacted pingone.Call records --transcript writes.
// PINGONE_SETUP_DEBUG_FILE=PATH sends the lines to PATH instead (and turns them on).
const (
	envDebug     = "PINGONE_SETUP_DEBUG"
	envDebugFile = "PINGONE_SETUP_DEBUG_FILE"
)

// maxHeldDebugLines bounds what the wizard keeps while it owns the terminal.
const maxHeldDebugLines = 5000

// debugLog writes the debug lines. While the wizard owns the terminal that stderr also writes to,
// lines are held (a line written under the alt screen would garble it, and vanish with it) and
// printed once the wizard has left the terminal.
type debugLog struct {
	mu      sync.Mutex
	w       io.Writer // nil while holding
	held    []string
	dropped int
	file    *os.File
}

// debugOn reads PINGONE_SETUP_DEBUG: any value but empty, 0, false, no or off turns it on (api is
// the one kind of line there is).
func debugOn(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}

// openDebug returns the debug log the environment asks for, or nil. wizard says the caller is
// about to hand the terminal on stdout to the full-screen wizard.
func openDebug(stdout, stderr io.Writer, wizard bool) (*debugLog, error) {
	path := os.Getenv(envDebugFile)
	if !debugOn(os.Getenv(envDebug)) && path == "" {
		return nil, nil
	}
	if path != "" {
		// Appended to, not replaced, so a tail -f follows it across runs; 0600, never through a link.
		f, err := securefile.OpenAppend(path)
		if err != nil {
			return nil, badUsage("%s=%s: %v", envDebugFile, path, unwrapPath(err))
		}
		return &debugLog{w: f, file: f}, nil
	}
	if wizard && sameTerminal(stdout, stderr) {
		return &debugLog{}, nil
	}
	return &debugLog{w: stderr}, nil
}

// sameTerminal says whether stderr is a terminal and the very one stdout is.
func sameTerminal(stdout, stderr io.Writer) bool {
	o, ok1 := stdout.(*os.File)
	e, ok2 := stderr.(*os.File)
	if !ok1 || !ok2 || !isatty.IsTerminal(e.Fd()) {
		return false
	}
	so, err1 := o.Stat()
	se, err2 := e.Stat()
	return err1 == nil && err2 == nil && os.SameFile(so, se)
}

// record writes (or holds) the line of one call.
func (d *debugLog) record(c pingone.Call) {
	line := debugLine(c)
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.w != nil:
		fmt.Fprintln(d.w, line)
	case len(d.held) < maxHeldDebugLines:
		d.held = append(d.held, line)
	default:
		d.dropped++
	}
}

// release prints the held lines to w and writes to w from now on; a log that was not holding is
// left as it is.
func (d *debugLog) release(w io.Writer) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.w != nil {
		return
	}
	for _, l := range d.held {
		fmt.Fprintln(w, l)
	}
	if d.dropped > 0 {
		fmt.Fprintf(w, "debug: %d more lines not kept (set %s=PATH to keep them all)\n", d.dropped, envDebugFile)
	}
	d.held, d.dropped, d.w = nil, 0, w
}

func (d *debugLog) close() {
	if d == nil || d.file == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	_ = d.file.Close()
	d.w = io.Discard
}

// debugLine is one call on one line: method, path, status, duration, and where there is one,
// the attempt, PingOne's error id and the error. Bodies stay in the transcript.
func debugLine(c pingone.Call) string {
	var b strings.Builder
	b.WriteString("debug api: ")
	b.WriteString(c.Method)
	b.WriteByte(' ')
	b.WriteString(c.Path)
	if c.Query != "" {
		b.WriteString("?" + c.Query)
	}
	if c.Status != 0 {
		fmt.Fprintf(&b, " %d", c.Status)
	} else {
		b.WriteString(" ---")
	}
	fmt.Fprintf(&b, " %dms", c.Duration.Milliseconds())
	if c.Attempt > 1 {
		fmt.Fprintf(&b, " attempt=%d", c.Attempt)
	}
	if c.ErrorID != "" {
		fmt.Fprintf(&b, " errorId=%s", c.ErrorID)
	}
	if c.Err != "" {
		fmt.Fprintf(&b, " error=%q", oneLine(c.Err))
	}
	return b.String()
}

// unwrapPath drops the operation and path of a *fs.PathError, which the message names already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
