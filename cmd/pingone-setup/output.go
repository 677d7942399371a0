package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/internal/securefile"
	"github.com/pingone-setup/pingone-setup/pingone"
)

var timeNow = time.Now

// transcriptFile writes every API call as one JSON line, already redacted by the client.
type transcriptFile struct {
	mu  sync.Mutex
	f   *os.File
	enc *json.Encoder
}

// openRecorders makes the session's clients report every call to the --transcript file (path)
// and to the debug lines (dbg), where either is wanted.
func (s *session) openRecorders(path string, dbg *debugLog) error {
	s.debug = dbg
	if path != "" {
		// A new 0600 file replaces the old one in one rename: an existing transcript is never
		// reopened (its mode may be 0644, it may be a link), and readers never see it half cut.
		f, err := securefile.OpenReplace(path)
		if err != nil {
			return fmt.Errorf("open transcript: %w", err)
		}
		t := &transcriptFile{f: f, enc: json.NewEncoder(f)}
		s.transcript = t
		s.closers = append(s.closers, func() { t.mu.Lock(); defer t.mu.Unlock(); t.f.Close() })
	}
	s.instrument(s.client)
	return nil
}

// record hears one API call of any of the session's clients. Calls made in parallel reach the
// transcript and the debug lines in one order, so line n of each is the same call.
func (s *session) record(c pingone.Call) {
	s.recordMu.Lock()
	defer s.recordMu.Unlock()
	if s.transcript != nil {
		s.transcript.record(c)
	}
	if s.debug != nil {
		s.debug.record(c)
	}
}

func (t *transcriptFile) record(c pingone.Call) {
	t.mu.Lock()
	defer t.mu.Unlock()
	_ = t.enc.Encode(c)
}

// report is the one JSON document every command prints with --output json.
type report struct {
	Command     string            `json:"command"`
	SignIn      *signInInfo       `json:"signIn,omitempty"`
	Application *appSummary       `json:"application,omitempty"`
	Environment *envSummary       `json:"environment,omitempty"`
	Changes     []flows.Change    `json:"changes"`
	Findings    []flows.Finding   `json:"findings"`
	Roles       *flows.RoleReport `json:"roles,omitempty"`
	// AskAdmin is what to send to an admin who may grant the roles the fix needs, when the
	// signed-in admin may not.
	AskAdmin     *flows.AdminRequest `json:"askAdmin,omitempty"`
	Verification *flows.Verification `json:"verification,omitempty"`
	Credentials  *flows.Credentials  `json:"credentials,omitempty"`
	Plan         *flows.Plan         `json:"plan,omitempty"`
	Error        *errorSummary       `json:"error,omitempty"`
	DryRun       bool                `json:"dryRun,omitempty"`
	Transaction  string              `json:"transactionId,omitempty"`
}

type appSummary struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
}

type envSummary struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// errorSummary is an error in the JSON document: the step, the cause, PingOne's details and
// error id, the fix, and a plan's problems.
type errorSummary struct {
	flows.Explanation
	Message string `json:"message"`
}

func summarize(cmd string, s flows.State, err error) report {
	r := report{Command: cmd, Changes: s.Changes, Findings: s.Findings, Roles: s.Report, Verification: s.Verified}
	if r.Changes == nil {
		r.Changes = []flows.Change{}
	}
	if r.Findings == nil {
		r.Findings = []flows.Finding{}
	}
	if s.App != nil {
		r.Application = &appSummary{ID: s.App.ID, Name: s.App.Name, Enabled: s.App.Enabled}
	}
	if s.Target.ID != "" {
		r.Environment = &envSummary{ID: s.Target.ID, Name: s.Target.Name}
	}
	if s.Report != nil {
		if req, ok := flows.AskAdmin(*s.Report, s.Target, ""); ok {
			r.AskAdmin = &req
		}
	}
	if err != nil {
		r.Error = &errorSummary{Explanation: flows.Explain(err), Message: err.Error()}
	}
	return r
}

// failJSON prints the one JSON document for a failed command and returns err marked as
// reported (exit code unchanged, not printed again). In text mode it returns err as is.
func failJSON(c *common, stdout io.Writer, cmd string, s flows.State, err error) error {
	if c.output != "json" || err == nil {
		return err
	}
	rep := summarize(cmd, s, err)
	rep.SignIn = c.signedIn
	if werr := writeJSON(stdout, rep); werr != nil {
		return werr
	}
	return reported{err}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printChanges writes the human form of a change list.
func printChanges(w io.Writer, changes []flows.Change) {
	if writes(changes) == 0 {
		fmt.Fprintln(w, "No change: PingOne already matches the plan.")
		return
	}
	for _, c := range changes {
		if c.Action == flows.Adopted {
			continue
		}
		verb := string(c.Action)
		if !c.Applied && c.Action != flows.Adopted {
			verb = "would be " + verb
		}
		switch {
		case c.Field == "":
			fmt.Fprintf(w, "  %s %s\n", c.Object, verb)
		case c.Action == flows.Updated:
			fmt.Fprintf(w, "  %s %s: %s: %s -> %s\n", c.Object, verb, c.Field, c.From, c.To)
		default:
			fmt.Fprintf(w, "  %s %s: %s = %s\n", c.Object, verb, c.Field, c.To)
		}
	}
}

func printFindings(w io.Writer, fs []flows.Finding) {
	for _, f := range fs {
		fmt.Fprintf(w, "  [%s] %s: %s\n", f.Severity, f.Code, f.Message)
		if f.Fix != "" {
			fmt.Fprintf(w, "      fix: %s\n", f.Fix)
		}
	}
}
