package tui

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/pingone-setup/pingone-setup/flows"
)

// DefaultEnvFile is the path the hand-off offers for the .env file.
const DefaultEnvFile = "./.env"

// handoff is the hand-off screen's own state: whether the secret is revealed, and the .env
// dialog (a path, then a confirmation when the file exists).
type handoff struct {
	reveal bool
	tmux   bool
	note   string // the last action's outcome, e.g. "Wrote ./.env (mode 0600)"
	noteOK bool

	dialog *envDialog // the open .env dialog, if any

	// proving is true while a person signs in as the user through the app (p).
	proving bool
	// scroll is how many lines of the hand-off are scrolled off the top (pgdown, pgup).
	scroll int
}

// proveMsg is the answer of the proof started with p.
type proveMsg struct {
	res flows.Result
	err error
}

// envDialog asks where to write the .env file and, when it exists, whether to overwrite it. It
// lives on the heap: its form is bound to its fields.
type envDialog struct {
	form      *huh.Form
	path      string
	overwrite bool
	confirm   bool // asking whether to overwrite path
	// ignore, when set, asks whether to add the written file to the work tree's .gitignore.
	ignore *flows.GitIgnore
	add    bool
	// rotate asks how long the previous secret stays valid, then rotates the secret (r).
	rotate bool
	keep   time.Duration
}

// height is the dialog's room: its question and explanation, and every option of the rotation.
func (d *envDialog) height() int {
	if d.rotate {
		return 4 + len(rotateGrace)
	}
	return 6
}

// rotatedMsg is the answer of a secret rotation started with r.
type rotatedMsg struct {
	r   flows.Rotation
	err error
}

// rotateGrace are the choices of how long the previous secret keeps working after a rotation.
var rotateGrace = []huh.Option[time.Duration]{
	huh.NewOption("1 hour", time.Hour),
	huh.NewOption("24 hours: time to update every connector", 24*time.Hour),
	huh.NewOption("7 days", 7*24*time.Hour),
	huh.NewOption("30 days (PingOne's longest)", flows.MaxPreviousValid),
	huh.NewOption("Not at all: it stops working now", time.Duration(0)),
}

// gitCheckMsg says whether the .env file just written lies in a git work tree unignored.
type gitCheckMsg struct {
	path   string
	ignore flows.GitIgnore
	need   bool
}

type gitAddedMsg struct {
	path   string
	ignore flows.GitIgnore
	err    error
}

type copiedMsg struct{ err error }

type envWrittenMsg struct {
	path string
	err  error
}

// handoffShown reports whether the hand-off screen is up: credentials exist and only the
// verification is left (or done).
func (m Model) handoffShown() bool {
	if m.state.Credentials == nil {
		return false
	}
	if m.phase == phaseDone {
		return true
	}
	return m.idx < len(m.steps) && m.steps[m.idx].ID == flows.StepVerify && m.busy()
}

// handoffKey handles the hand-off's keys; ok is false for keys it leaves to the loop.
func (m Model) handoffKey(msg tea.KeyMsg) (tea.Model, tea.Cmd, bool) {
	if m.hand.dialog != nil {
		if msg.String() == "esc" {
			m.hand.dialog, m.hand.note = nil, ""
			return m, nil, true
		}
		mm, cmd := m.updateEnvForm(msg)
		return mm, cmd, true
	}
	c := *m.state.Credentials
	switch msg.String() {
	case "pgdown", "pgup":
		view, _ := m.handoffView(m.textWidth())
		m.hand.scroll = pageScroll(m.hand.scroll, msg.String() == "pgdown", m.height, maxScroll(view, m.height-4))
		return m, nil, true
	case "v":
		if c.ClientSecret != "" {
			m.hand.reveal = !m.hand.reveal
		}
		return m, nil, true
	case "c":
		if c.ClientSecret == "" {
			m.hand.note, m.hand.noteOK = "This app has no client secret (a public client).", false
			return m, nil, true
		}
		return m, copyCmd(m.stdout, c.ClientSecret, m.hand.tmux), true
	case "w":
		m.hand.note = ""
		return m, m.openEnvForm(&envDialog{path: DefaultEnvFile}), true
	case "p":
		if !m.canProve() {
			return m, nil, false
		}
		return m, m.prove(), true
	case "r":
		if !m.canRotate() {
			return m, nil, false
		}
		m.hand.note = ""
		return m, m.openEnvForm(&envDialog{rotate: true, keep: 24 * time.Hour}), true
	}
	return m, nil, false
}

// canRotate reports whether r may rotate the secret: the setup is done, the app existed before
// this run (adopted: connectors may use its secret), and it has a secret.
func (m Model) canRotate() bool {
	return m.phase == phaseDone && !m.hand.proving && m.state.App != nil && !m.state.AppCreated &&
		m.state.Credentials != nil && m.state.Credentials.ClientSecret != ""
}

// rotate starts the rotation of the app's secret, the previous one kept for keep.
func (m *Model) rotate(keep time.Duration) tea.Cmd {
	// One call at a time on the hand-off; the spinner runs while it does.
	m.hand.proving, m.progress, m.hand.note = true, "Rotating the client secret", ""
	ctx, env, envID, appID := m.ctx, m.env, m.state.Credentials.EnvironmentID, m.state.App.ID
	return tea.Batch(m.spinner.Tick, func() tea.Msg {
		r, err := flows.RotateSecret(ctx, env, envID, appID, keep)
		return rotatedMsg{r: r, err: err}
	})
}

// canProve reports whether p may start a person's sign-in as the user: the setup is done but
// unproven, the app's redirect comes back here, and no proof is running.
func (m Model) canProve() bool {
	return m.phase == phaseDone && !m.hand.proving && flows.CanProve(m.env, m.state)
}

// prove starts the sign-in as the user through the new app, with its progress words.
func (m *Model) prove() tea.Cmd {
	m.hand.proving, m.hand.note, m.progress = true, "", ""
	ch := make(chan string, 8)
	m.progressCh = ch
	env := m.env
	env.Progress = func(text string) {
		select {
		case ch <- text:
		default:
		}
	}
	ctx, state := m.ctx, m.state
	run := func() tea.Msg {
		res, err := flows.Prove(ctx, env, state)
		close(ch)
		return proveMsg{res: res, err: err}
	}
	return tea.Batch(run, m.spinner.Tick, waitProgress(ch))
}

// openEnvForm opens the dialog: the .env path, or whether to overwrite it.
func (m *Model) openEnvForm(d *envDialog) tea.Cmd {
	var f huh.Field
	switch {
	case d.ignore != nil:
		d.add = true
		f = huh.NewSelect[bool]().Key("gitignore").
			Title(fmt.Sprintf("Add %s to %s?", d.ignore.Entry, d.ignore.File)).
			Description(d.path+" is in a git work tree and git does not ignore it: a commit would publish the client secret.").
			Options(huh.NewOption("Yes, add it", true), huh.NewOption("No, leave .gitignore alone", false)).Value(&d.add)
	case d.rotate:
		f = huh.NewSelect[time.Duration]().Key("keep").
			Title("Rotate the client secret: how long does the previous one keep working?").
			Description("Connectors using it keep signing in until then; write the new secret to them before (w writes a .env). esc: cancel.").
			Options(rotateGrace...).Value(&d.keep)
	case d.confirm:
		// A list with a cursor: the answer is marked by "> ", not by colour alone.
		f = huh.NewSelect[bool]().Key("overwrite").
			Title(fmt.Sprintf("%s already exists. Overwrite it?", d.path)).
			Description("Its content is replaced; the file is written with mode 0600.").
			Options(huh.NewOption("Overwrite", true), huh.NewOption("Keep it", false)).Value(&d.overwrite)
	default:
		f = huh.NewInput().Key("path").Title("Write the credentials to").
			Description("A .env file with PINGONE_ENVIRONMENT_ID, PINGONE_CLIENT_ID, PINGONE_CLIENT_SECRET and PINGONE_REGION_CODE, mode 0600.").
			Value(&d.path).
			Validate(func(s string) error {
				if strings.TrimSpace(s) == "" {
					return errors.New("a path is required")
				}
				return nil
			})
	}
	d.form = huh.NewForm(huh.NewGroup(f)).WithShowHelp(false).WithTheme(huh.ThemeCharm())
	m.hand.dialog = d
	init := d.form.Init()
	w := max(m.width-4, 20)
	d.form.WithWidth(w)
	d.form.Update(tea.WindowSizeMsg{Width: w, Height: d.height()})
	switch {
	case d.rotate:
		showOptionsAbove(d.form, 1) // 24 hours is chosen: 1 hour stays in view above it
	case d.ignore != nil:
		showOptionsAbove(d.form, 0) // "Yes, add it", in view with the option under it
	case d.confirm && !d.overwrite:
		showOptionsAbove(d.form, 1) // "Keep it" is chosen: "Overwrite" stays in view above it
	}
	return init
}

func (m Model) updateEnvForm(msg tea.Msg) (tea.Model, tea.Cmd) {
	d := m.hand.dialog
	f, cmd := d.form.Update(msg)
	if ff, ok := f.(*huh.Form); ok {
		d.form = ff
	}
	if d.form.State != huh.StateCompleted {
		return m, cmd
	}
	m.hand.dialog = nil
	if d.rotate {
		return m, m.rotate(d.keep)
	}
	if g := d.ignore; g != nil {
		if !d.add {
			m.hand.note, m.hand.noteOK = fmt.Sprintf("Wrote %s (mode 0600). Git does not ignore it: keep it out of commits.", d.path), false
			return m, nil
		}
		path := d.path
		return m, func() tea.Msg { return gitAddedMsg{path: path, ignore: *g, err: g.Add()} }
	}
	if d.confirm && !d.overwrite {
		m.hand.note, m.hand.noteOK = fmt.Sprintf("Left %s as it was.", d.path), false
		return m, nil
	}
	path, overwrite, c := expandHome(strings.TrimSpace(d.path)), d.overwrite, *m.state.Credentials
	return m, func() tea.Msg {
		return envWrittenMsg{path: path, err: flows.WriteEnvFile(path, c, overwrite)}
	}
}

func (m Model) handoffResult(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case rotatedMsg:
		m.hand.proving, m.progress = false, ""
		if msg.err != nil {
			ex := explain(msg.err)
			m.hand.note, m.hand.noteOK = strings.TrimSpace("Could not rotate the secret: "+ex.Plain+" "+ex.Fix), false
			return m, nil
		}
		return m, m.rotated(msg.r)
	case proveMsg:
		m.hand.proving, m.progress = false, ""
		if msg.err != nil {
			m.hand.note, m.hand.noteOK = "Could not check: "+msg.err.Error(), false
			return m, nil
		}
		m.apply(msg.res)
	case copiedMsg:
		if msg.err != nil {
			m.hand.note, m.hand.noteOK = "Could not copy: "+msg.err.Error(), false
		} else {
			m.hand.note, m.hand.noteOK = "Copied the client secret (OSC 52: your terminal must allow clipboard access).", true
		}
	case envWrittenMsg:
		switch {
		case errors.Is(msg.err, fs.ErrExist):
			return m, m.openEnvForm(&envDialog{path: msg.path, confirm: true})
		case msg.err != nil:
			m.hand.note, m.hand.noteOK = "Could not write the file: "+msg.err.Error(), false
		default:
			m.hand.note, m.hand.noteOK = fmt.Sprintf("Wrote %s (mode 0600). Keep it out of version control.", msg.path), true
			path := msg.path
			return m, func() tea.Msg {
				g, need, _ := flows.GitIgnoreFor(path) // cannot tell: the note above says what to do
				return gitCheckMsg{path: path, ignore: g, need: need}
			}
		}
	case gitCheckMsg:
		if msg.need && m.hand.dialog == nil {
			g := msg.ignore
			return m, m.openEnvForm(&envDialog{path: msg.path, ignore: &g})
		}
	case gitAddedMsg:
		if msg.err != nil {
			m.hand.note, m.hand.noteOK = fmt.Sprintf("Could not add %s to %s: %v", msg.ignore.Entry, msg.ignore.File, msg.err), false
		} else {
			m.hand.note, m.hand.noteOK = fmt.Sprintf("Wrote %s (mode 0600) and added %s to %s.", msg.path, msg.ignore.Entry, msg.ignore.File), true
		}
	}
	return m, nil
}

// copyCmd puts text on the clipboard with an OSC 52 escape sequence written to out.
func copyCmd(out io.Writer, text string, tmux bool) tea.Cmd {
	return func() tea.Msg {
		seq := osc52.New(text)
		if tmux {
			seq = seq.Tmux()
		}
		_, err := seq.WriteTo(out)
		return copiedMsg{err: err}
	}
}

// expandHome turns a leading ~ (or ~/) into the home directory, as a shell would: the path is
// typed into the wizard, not a shell.
func expandHome(p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return p
	}
	return filepath.Join(home, strings.TrimPrefix(p, "~"))
}

// rotated shows the new secret (masked until revealed) in place of the old one, and says until
// when the previous one works and whether the new one was proven.
func (m *Model) rotated(r flows.Rotation) tea.Cmd {
	cr := *m.state.Credentials
	cr.ClientSecret, cr.SecretFingerprint = r.Credentials.ClientSecret, r.Credentials.SecretFingerprint
	m.state.Credentials = &cr
	m.hand.reveal = false
	for _, c := range r.Changes {
		if c.Applied {
			m.created = append(m.created, c)
		}
	}
	m.logLine(changeLines(r.Changes)...)
	note := "Rotated the client secret: the new one is below (v reveals it, w writes it)."
	if r.PreviousExpiresAt.IsZero() {
		note += " The previous one has stopped working."
	} else {
		note += " The previous one works until " + r.PreviousExpiresAt.Local().Format("2006-01-02 15:04") + "."
	}
	ok := true
	if v := r.Verified; v != nil {
		note += " " + strings.ToUpper(v.Message[:1]) + v.Message[1:] + "."
		ok = v.Outcome != flows.OutcomeFailed
	}
	m.hand.note, m.hand.noteOK = note, ok
	return nil
}
