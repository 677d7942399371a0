package tui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/pingone-setup/pingone-setup/flows"
)

// ErrInputEnded is what RunAccessible returns when its input ended (EOF) before the setup
// finished.
var ErrInputEnded = errors.New("the input ended before the setup finished")

// accessibleWidth is the width the line-by-line wizard wraps its text to.
const accessibleWidth = 80

// LineResult is the outcome of RunAccessible: the state reached, every change PingOne applied
// (as Model.Created), and the .env files written.
type LineResult struct {
	State    flows.State
	Created  []flows.Change
	EnvFiles []string
}

// RunAccessible runs the wizard as line-by-line prompts on in and out, for screen readers and
// terminals that cannot move a cursor: huh's accessible mode asks each question (numbered
// choices, typed answers), and everything else is printed as plain lines, without colour. It
// walks the same steps as the screen wizard (flows.Next, Prepare, Inputs, Run), shows the role
// verdict before the fix question, a failure with its cause, fix and PingOne's error id (then
// retry or quit), and ends on the hand-off with the secret masked unless asked for.
//
// The error is nil when every step is done, the failure (a *flows.StepError) when the admin
// quit after it, ErrInputEnded when in ended and ErrInterrupted when ctx was cancelled.
func RunAccessible(ctx context.Context, o Options, in io.Reader, out io.Writer) (LineResult, error) {
	// No colour anywhere, huh's own prompts included (they style with the default renderer).
	lipgloss.SetColorProfile(termenv.Ascii)
	steps := o.Steps
	if steps == nil {
		steps = flows.Steps()
	}
	if o.SignIn != nil {
		steps = append([]flows.Step{{ID: StepSignIn, Title: "Sign in", Interactive: true}}, steps...)
	}
	env := o.Env
	env.Interactive = true
	env.API = flows.Cached(env.API)
	r := &lineRun{
		ctx: ctx, env: env, steps: steps, out: out, signIn: o.SignIn,
		in: newLineReader(in),
		m:  Model{styles: newStyles(), env: env, steps: steps, width: accessibleWidth, height: 1000, status: make([]stepStatus, len(steps))},
	}
	defer r.in.close()
	r.m.state = flows.State{Plan: o.Plan}
	r.env.Progress = r.progress
	err := r.walk()
	return LineResult{State: r.m.state, Created: r.m.created, EnvFiles: r.envFiles}, err
}

// lineRun is one line-by-line run. Its Model is used for its state, the changes it recorded and
// its views (the verdict, a failure, the hand-off's checks), never as a Bubble Tea program.
type lineRun struct {
	ctx      context.Context
	env      flows.Env
	steps    []flows.Step
	in       *lineReader
	out      io.Writer
	m        Model
	envFiles []string
	// signIn, when set, is how the Sign in step signs in (Options.SignIn).
	signIn *SignIn

	mu       sync.Mutex
	lastSaid string
}

// printf writes to the output; progress words may come from a step's goroutines meanwhile.
func (r *lineRun) printf(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.out, format, a...)
}

// walk is the loop: each step that applies is prepared, asked and run; a failure is shown and
// retried or ends the run.
func (r *lineRun) walk() error {
	i := flows.Next(r.steps, 0, r.env, &r.m.state)
	for i < len(r.steps) {
		st := r.steps[i]
		r.m.idx = i
		r.printf("\n%s\n", r.m.styles.Title.Render(r.m.progressLine()+": "+st.Title))
		if st.ID == StepSignIn && r.signIn != nil {
			if err := r.signInLines(r.signIn); err != nil {
				return err
			}
			i = flows.Next(r.steps, i+1, r.env, &r.m.state)
			continue
		}
		if st.Prepare != nil {
			if err := r.call(st, preparing(st), st.Prepare); err != nil {
				return err
			}
		}
		if st.ID == flows.StepPreview && r.m.state.Preview != nil {
			r.printf("%s\n", strings.TrimRight(r.m.previewView(*r.m.state.Preview, accessibleWidth), "\n"))
		}
		if st.Inputs != nil {
			if ins := st.Inputs(&r.m.state); len(ins) > 0 {
				if err := r.askAll(ins); err != nil {
					return err
				}
			}
		}
		if st.Run != nil {
			label := cmp.Or(st.Doing, st.Title)
			report := r.m.state.Report
			if err := r.call(st, label, st.Run); err != nil {
				return err
			}
			if rep := r.m.state.Report; rep != nil && rep != report {
				r.printf("%s\n", strings.TrimRight(r.m.reportView(*rep, accessibleWidth)+r.m.askAdminView(accessibleWidth), "\n"))
			}
		}
		i = flows.Next(r.steps, i+1, r.env, &r.m.state)
	}
	r.m.idx, r.m.phase = len(r.steps), phaseDone
	return r.handoff()
}

// call runs a Prepare or Run and applies its result, printing the changes it made. A failure is
// shown as the failure screen shows it, then retried or, on quit, returned.
func (r *lineRun) call(st flows.Step, label string, fn func(context.Context, flows.Env, flows.State) (flows.Result, error)) error {
	for {
		r.printf("%s…\n", label)
		res, err := fn(r.ctx, r.env, r.m.state)
		if r.ctx.Err() != nil {
			return ErrInterrupted
		}
		if err == nil {
			before := len(r.m.log)
			r.m.apply(res)
			for _, l := range r.m.log[before:] {
				if !strings.HasPrefix(l, "✓ roles:") && !strings.HasPrefix(l, "✗ roles:") {
					r.printf("  %s\n", l)
				}
			}
			return nil
		}
		r.m.err, r.m.phase = &flows.StepError{Step: st.Title, Err: err}, phaseFailed
		r.printf("\n%s\n", r.m.failureView(accessibleWidth))
		retry := true
		if err := r.ask(huh.NewSelect[bool]().Title("Retry this step?").
			Options(huh.NewOption("Retry", true), huh.NewOption("Quit", false)).Value(&retry)); err != nil {
			return err
		}
		if !retry {
			return r.m.err
		}
		r.m.err, r.m.phase = nil, phaseRunning
	}
}

// askAll asks a step's questions one by one and applies the answers with Set, in order, on a
// copy of the state; an answer Set refuses is shown and asked again.
func (r *lineRun) askAll(ins []flows.Input) error {
	s := r.m.state
	if questionAbove(ins) {
		// One choice with a long explanation (the preset's settings, the role fix): the
		// question, its explanation, then the numbered options.
		r.printf("%s\n", wrap(r.m.styles.Title.Render(ins[0].Title), accessibleWidth))
		ins = []flows.Input{ins[0]}
		ins[0].Title = "Your answer"
	}
	for _, in := range ins {
		v := initialValue(in, &s)
		for {
			if err := r.askOne(in, v); err != nil {
				return err
			}
			if in.Set == nil {
				break
			}
			err := in.Set(&s, v.answer(in.Kind))
			if err == nil {
				break
			}
			r.printf("%s\n", wrap("✗ "+err.Error(), accessibleWidth))
		}
		if in.Warn != nil {
			if w := in.Warn(v.answer(in.Kind)); w != "" {
				r.printf("%s\n", wrap("⚠ "+w, accessibleWidth))
			}
		}
	}
	r.m.state = s
	return nil
}

// askOne asks one question: its explanation first (huh's accessible prompts show only the
// title), the default in the title, and suggestions named.
func (r *lineRun) askOne(in flows.Input, v *value) error {
	if in.Help != "" {
		r.printf("%s\n", wrap(in.Help, accessibleWidth))
	}
	if in.Kind == flows.Text && len(in.Suggestions) > 0 {
		r.printf("%s\n", wrap("Suggestions: "+strings.Join(in.Suggestions, ", "), accessibleWidth))
	}
	q := in
	q.Help = ""
	switch in.Kind {
	case flows.Text:
		if v.text != "" {
			q.Title = fmt.Sprintf("%s [Enter keeps %s]", in.Title, v.text)
		}
		// huh validates what was typed, before an empty answer takes the default: validate the
		// answer it becomes.
		if in.Validate != nil {
			def := v.text
			q.Validate = func(s string) error {
				if strings.TrimSpace(s) == "" {
					s = def
				}
				return in.Validate(s)
			}
		}
	case flows.Select, flows.Confirm:
		k := defaultIndex(in, v)
		if in.Kind == flows.Select && len(in.Options) == 0 {
			break
		}
		q.Title = strings.TrimSpace(fmt.Sprintf("%s [Enter chooses %d]", in.Title, k+1))
	case flows.MultiSelect:
		q.Title = strings.TrimSpace(in.Title + " (type a number to choose or unchoose it; Enter when done)")
		done := "0"
		r.in.empty.Store(&done)
		defer r.in.empty.Store(nil)
	}
	if q.Title == "" {
		q.Title = "Choose"
	}
	return r.ask(field(q, v, room{}))
}

// ask runs one field in huh's accessible mode. huh's prompts read in with a fresh scanner each
// and have no way to stop at the end of the input: they run on a goroutine, and the end of the
// input (or ctx) ends the wait for them.
func (r *lineRun) ask(f huh.Field) error {
	form := huh.NewForm(huh.NewGroup(f)).WithShowHelp(false).WithAccessible(true).
		WithInput(r.in).WithOutput(r.out)
	done := make(chan error, 1)
	go func() { done <- form.Run() }()
	select {
	case err := <-done:
		if errors.Is(err, huh.ErrUserAborted) {
			return ErrInterrupted
		}
		return err
	case <-r.in.eof:
		r.printf("\n")
		return ErrInputEnded
	case <-r.ctx.Done():
		return ErrInterrupted
	}
}

// progress prints what a step in flight waits for, once per kind of message: a countdown
// ("18 s", "17 s") is printed once, not every second.
func (r *lineRun) progress(text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	kind := digits.ReplaceAllString(text, "#")
	if kind == r.lastSaid {
		return
	}
	r.lastSaid = kind
	fmt.Fprintf(r.out, "  %s…\n", text)
}

var digits = regexp.MustCompile(`[0-9]+`)

// handoff prints the hand-off and offers its actions until the admin finishes: show the
// secret, write a .env file, prove the setup with a person's sign-in.
func (r *lineRun) handoff() error {
	c := r.m.state.Credentials
	if c == nil {
		r.printf("\n%s\n", r.m.doneView(accessibleWidth))
		return nil
	}
	r.printf("\n%s\n", r.handoffText())
	for {
		const (
			finish = "finish"
			show   = "show"
			write  = "write"
			prove  = "prove"
		)
		opts := []huh.Option[string]{huh.NewOption("Finish", finish)}
		if c.ClientSecret != "" {
			opts = append(opts, huh.NewOption("Show the client secret", show))
		}
		opts = append(opts, huh.NewOption("Write the credentials to a .env file", write))
		if r.m.canProve() {
			opts = append(opts, huh.NewOption("Prove it: sign in as "+r.m.state.SignInUser.Username+" through the app in your browser", prove))
		}
		choice := finish
		if err := r.ask(huh.NewSelect[string]().Title("What next? [Enter chooses 1]").Options(opts...).Value(&choice)); err != nil {
			return err
		}
		switch choice {
		case finish:
			return nil
		case show:
			r.printf("Client secret: %s\n", c.ClientSecret)
		case write:
			if err := r.writeEnv(); err != nil {
				return err
			}
		case prove:
			r.printf("Signing in as %s through the app…\n", r.m.state.SignInUser.Username)
			res, err := flows.Prove(r.ctx, r.env, r.m.state)
			if err != nil {
				r.printf("%s\n", wrap("⚠ Could not check: "+err.Error(), accessibleWidth))
				continue
			}
			r.m.apply(res)
			r.printf("\n%s\n", r.handoffText())
		}
	}
}

// handoffText is the hand-off as plain lines: the verdict, the credentials (the secret masked),
// what was checked and what was created.
func (r *lineRun) handoffText() string {
	m, w := r.m, accessibleWidth
	c := *m.state.Credentials
	var b strings.Builder
	b.WriteString(m.handoffTitle(w) + "\n\n")
	row := func(label, v string) { b.WriteString(fmt.Sprintf("  %-16s%s\n", label, v)) }
	row("Environment ID", c.EnvironmentID)
	row("Client ID", c.ClientID)
	switch {
	case c.ClientSecret == "":
		row("Client secret", "none (public client: PKCE, no secret)")
	default:
		row("Client secret", "hidden (choose \"Show the client secret\" below)")
	}
	if c.SecretFingerprint != "" {
		row("Fingerprint", c.SecretFingerprint)
	}
	if c.Region != "" {
		row("Region", c.Region)
	}
	b.WriteString("\n" + m.checksView(w))
	if v := m.askAdminView(w); v != "" && !m.state.Succeeded() {
		b.WriteString(v)
	}
	if lines := summary(m.created); len(lines) > 0 {
		b.WriteString("\n  Created\n")
		for _, l := range lines {
			b.WriteString("    " + l + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// writeEnv asks for a path and writes the .env file there, asking before it replaces one, and
// offers to keep it out of git.
func (r *lineRun) writeEnv() error {
	path := DefaultEnvFile
	if err := r.ask(huh.NewInput().Title("Write the credentials to [Enter keeps " + DefaultEnvFile + "]").Value(&path)); err != nil {
		return err
	}
	path = expandHome(strings.TrimSpace(path))
	c := *r.m.state.Credentials
	err := flows.WriteEnvFile(path, c, false)
	if errors.Is(err, fs.ErrExist) {
		overwrite := false
		if err := r.ask(huh.NewSelect[bool]().Title(path+" already exists. Overwrite it? [Enter chooses 2]").
			Options(huh.NewOption("Overwrite", true), huh.NewOption("Keep it", false)).Value(&overwrite)); err != nil {
			return err
		}
		if !overwrite {
			r.printf("Left %s as it was.\n", path)
			return nil
		}
		err = flows.WriteEnvFile(path, c, true)
	}
	if err != nil {
		r.printf("%s\n", wrap("⚠ Could not write the file: "+err.Error(), accessibleWidth))
		return nil
	}
	r.envFiles = append(r.envFiles, path)
	r.printf("Wrote %s (mode 0600).\n", path)
	g, need, _ := flows.GitIgnoreFor(path)
	if !need {
		return nil
	}
	r.printf("%s\n", wrap(path+" is in a git work tree and git does not ignore it: a commit would publish the client secret.", accessibleWidth))
	add := true
	if err := r.ask(huh.NewSelect[bool]().Title(fmt.Sprintf("Add %s to %s? [Enter chooses 1]", g.Entry, g.File)).
		Options(huh.NewOption("Yes, add it", true), huh.NewOption("No, leave .gitignore alone", false)).Value(&add)); err != nil {
		return err
	}
	if !add {
		r.printf("Left .gitignore alone: keep %s out of commits.\n", path)
		return nil
	}
	if err := g.Add(); err != nil {
		r.printf("%s\n", wrap(fmt.Sprintf("⚠ Could not add %s to %s: %v", g.Entry, g.File, err), accessibleWidth))
		return nil
	}
	r.printf("Added %s to %s.\n", g.Entry, g.File)
	return nil
}

// lineReader hands its reader's bytes on one line per Read at most. huh's accessible prompts
// each read with a fresh bufio.Scanner, which would swallow the lines after the first from a
// pipe. At the end of the input it closes eof and stops the goroutine reading (a huh prompt,
// which would otherwise ask again forever).
type lineReader struct {
	r    io.Reader
	eof  chan struct{}
	stop chan struct{}
	once sync.Once
	// empty, when set, is what an empty line reads as: huh's multi-select wants 0 to finish,
	// where Enter is what people press.
	empty atomic.Pointer[string]
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: r, eof: make(chan struct{}), stop: make(chan struct{})}
}

func (l *lineReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k, err := l.r.Read(p[n : n+1])
		n += k
		if k == 1 && p[n-1] == '\n' {
			if e := l.empty.Load(); e != nil && strings.TrimSpace(string(p[:n])) == "" && len(p) > len(*e) {
				return copy(p, *e+"\n"), nil
			}
			return n, nil
		}
		if err != nil {
			if n > 0 {
				return n, nil // the last line, unterminated; the next Read ends the input
			}
			l.once.Do(func() { close(l.eof) })
			<-l.stop
			runtime.Goexit()
		}
	}
	return n, nil
}

// close lets the goroutines stopped at the end of the input exit.
func (l *lineReader) close() { close(l.stop) }
