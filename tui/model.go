// Package tui is the interactive wizard: a Bubble Tea root model that drives the steps of package
// flows through one generic loop. Each step is skipped, prepared, asked (one fresh huh form built
// from the step's Inputs) and run; every API call is a tea.Cmd whose Result is applied in Update.
// The model shows the step list, the changes made, the role verdict, an API failure screen with
// retry / back / quit, and the hand-off of the new app's credentials (secret masked until revealed).
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/pingone-setup/pingone-setup/flows"
)

// ErrInterrupted is what Result returns when the wizard was quit before it finished.
var ErrInterrupted = errors.New("interrupted before the setup finished")

// Options configure the wizard.
type Options struct {
	// Env is what the steps need: the API, who signed in, the region. The wizard always runs with
	// Env.Interactive set.
	Env flows.Env
	// Plan prefills the answers (from flags or a plan file); it may be zero.
	Plan flows.Plan
	// Steps are the steps to drive; nil means flows.Steps().
	Steps []flows.Step
	// Stdout receives the OSC 52 clipboard sequence; nil means os.Stdout.
	Stdout io.Writer
	// SignIn, when set, makes Sign in the first step: the command line gave no sign-in, so Env
	// has no API yet and the admin signs in on screen.
	SignIn *SignIn
}

// phase is where the current step is: one enum, no boolean soup.
type phase int

const (
	phasePreparing phase = iota // the step's Prepare is in flight
	phaseInput                  // the step's form is open
	phaseRunning                // the step's Run is in flight
	phaseFailed                 // Prepare or Run failed: retry, back or quit
	phaseDone                   // every step is done: the hand-off
	phaseSignIn                 // the Sign in step: its own pages (signState)
)

// stepStatus is what the step list shows for a step.
type stepStatus int

const (
	statusTodo stepStatus = iota
	statusCurrent
	statusDone
	statusSkipped
)

// snapshot is an entry of the Back stack: a step with inputs, the state from before its answers
// were applied and, once the step was submitted, those answers (by input key), so going back to
// the step shows what the admin typed rather than what the state held before.
type snapshot struct {
	idx     int
	state   flows.State
	status  []stepStatus
	answers map[string]value
}

// stepMsg carries a Prepare or Run result back to Update. At most one call is in flight, and
// nothing but its result leaves a busy phase (Back and retry work only when nothing is in
// flight), so a result always belongs to the current step.
type stepMsg struct {
	res flows.Result
	err error
}

// progressMsg is what a step in flight says it is waiting for (Env.Progress), e.g. "waiting for
// PingOne to apply the new roles (18 s)". ch tells which call said it.
type progressMsg struct {
	ch   chan string
	text string
}

// Model is the wizard's root Bubble Tea model. Create it with New.
type Model struct {
	env    flows.Env
	steps  []flows.Step
	stdout io.Writer
	ctx    context.Context
	cancel context.CancelFunc

	state   flows.State
	idx     int
	phase   phase
	retry   phase // the phase to re-run on retry (preparing or running)
	err     error // the failure shown in phaseFailed, as a *flows.StepError
	status  []stepStatus
	history []snapshot
	initCmd tea.Cmd

	form    *huh.Form
	inputs  []flows.Input
	values  []*value
	formErr error
	// preScroll is how many lines of the text above the form (the verdict, a long question) are
	// scrolled off the top: pgdown and pgup move it when the text does not fit.
	preScroll int
	// settled are the inputs of the open form whose options were scrolled into view (settleFocused).
	settled map[string]bool
	// formRoom is the room the open form was built for; a resize that changes it builds it again.
	formRoom room

	created []flows.Change
	log     []string
	// typed remembers what the admin typed in text inputs, by step and input key, so answers
	// survive going Back past their step and coming forward again.
	typed map[string]string

	hand handoff

	// progress is the latest word of the call in flight, from progressCh.
	progress   string
	progressCh chan string

	spinner spinner.Model
	help    help.Model
	keys    keyMap
	styles  styles
	width   int
	height  int

	// signIn is how the Sign in step signs in (Options.SignIn); sign is that step's state while
	// it is on screen; signedInAs says who signed in there (and signedInNote anything else, such as
	// a saved profile), shown above the question of the step after it (greetAt).
	signIn       *SignIn
	sign         *signState
	signedInAs   string
	signedInNote string
	greetAt      int

	interrupted bool
	quitting    bool
	// finishWhenDone is set by enter or q on the hand-off while verification still runs: the
	// wizard ends as soon as it answers.
	finishWhenDone bool
}

// New returns the wizard's model, positioned on the first step that applies.
func New(o Options) Model {
	steps := o.Steps
	if steps == nil {
		steps = flows.Steps()
	}
	out := o.Stdout
	if out == nil {
		out = os.Stdout
	}
	if o.SignIn != nil {
		steps = append([]flows.Step{{ID: StepSignIn, Title: "Sign in", Interactive: true}}, steps...)
	}
	env := o.Env
	env.Interactive = true
	// Reads are remembered for the wizard's run and started ahead of the steps (prefetch).
	env.API = flows.Cached(env.API)
	ctx, cancel := context.WithCancel(context.Background())
	m := Model{
		env:     env,
		steps:   steps,
		stdout:  out,
		ctx:     ctx,
		cancel:  cancel,
		state:   flows.State{Plan: o.Plan},
		status:  make([]stepStatus, len(steps)),
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		help:    help.New(),
		keys:    newKeyMap(),
		styles:  newStyles(),
		width:   80,
		height:  24,
		signIn:  o.SignIn,
	}
	m.hand.tmux = os.Getenv("TMUX") != ""
	m.initCmd = m.enter(0)
	return m
}

// Init starts the first step.
func (m Model) Init() tea.Cmd { return m.initCmd }

// Result returns the state reached and why the wizard stopped: nil when every step is done, the
// failure (a *flows.StepError) when the admin quit from the failure screen, ErrInterrupted when
// quit before the end.
func (m Model) Result() (flows.State, error) {
	switch {
	case m.phase == phaseDone:
		return m.state, nil
	case m.phase == phaseFailed && !m.interrupted:
		return m.state, m.err
	}
	return m.state, ErrInterrupted
}

// Created lists every change PingOne applied during this run, in order, including changes whose
// step was later undone with Back (what was written stays written).
func (m Model) Created() []flows.Change { return slices.Clone(m.created) }

// Interrupted reports whether the admin pressed Ctrl-C before the setup finished.
func (m Model) Interrupted() bool { return m.interrupted }

// Update applies a message: keys, window sizes, step results, spinner ticks.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.Width = msg.Width
		cmd := m.resizeForms()
		return m, cmd
	case tea.KeyMsg:
		if msg.String() == "ctrl+c" {
			m.interrupted = m.phase != phaseDone
			return m.quit()
		}
		return m.handleKey(msg)
	case progressMsg:
		if !(m.busy() || m.hand.proving) || msg.ch != m.progressCh {
			return m, nil
		}
		m.progress = msg.text
		return m, waitProgress(msg.ch)
	case stepMsg:
		if !m.busy() {
			return m, nil // no call in flight: nothing to answer
		}
		return m.stepDone(msg)
	case regionMsg, promptMsg, signedInMsg, signTickMsg, openedMsg, urlCopiedMsg:
		return m.signResult(msg)
	case spinner.TickMsg:
		if !m.busy() && !m.hand.proving && !m.signBusy() {
			return m, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case copiedMsg, envWrittenMsg, proveMsg, gitCheckMsg, gitAddedMsg, rotatedMsg:
		return m.handoffResult(msg)
	}
	// Anything else (focus, blink, huh's own navigation messages) belongs to the open form.
	return m.updateForms(msg)
}

func (m Model) busy() bool { return m.phase == phasePreparing || m.phase == phaseRunning }

// signBusy reports whether the Sign in step waits on a call (the region, a sign-in).
func (m Model) signBusy() bool {
	return m.phase == phaseSignIn && m.sign != nil && (m.sign.page == signFinding || m.sign.page == signWaiting)
}

func (m Model) quit() (tea.Model, tea.Cmd) {
	m.quitting = true
	m.cancel()
	return m, tea.Quit
}

func (m Model) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if m.handoffShown() {
		if mm, cmd, ok := m.handoffKey(msg); ok {
			return mm, cmd
		}
		if k := msg.String(); m.busy() && (k == "enter" || k == "q") {
			m.finishWhenDone = true
			m.hand.note, m.hand.noteOK = "Finishing as soon as verification answers…", true
			return m, nil
		}
	}
	switch m.phase {
	case phaseSignIn:
		return m.signKey(msg)
	case phaseInput:
		return m.inputKey(msg)
	case phaseFailed:
		switch msg.String() {
		case "pgdown", "pgup":
			m.scrollText(msg.String() == "pgdown")
		case "r":
			return m.retryStep()
		case "b", "esc":
			if m.canBack() {
				return m.back()
			}
		case "q":
			return m.quit()
		}
	case phaseDone:
		switch msg.String() {
		case "enter", "q", "esc":
			return m.quit()
		}
	}
	return m, nil
}

// --- the loop --------------------------------------------------------------------------------

// enter starts step i, or the first step after it that applies.
func (m *Model) enter(i int) tea.Cmd {
	next := flows.Next(m.steps, i, m.env, &m.state)
	for ; i < next; i++ {
		m.status[i] = statusSkipped
	}
	m.idx = i
	if i >= len(m.steps) {
		m.phase = phaseDone
		if m.finishWhenDone {
			m.quitting = true
			m.cancel()
			return tea.Quit
		}
		return nil
	}
	m.status[i] = statusCurrent
	if m.steps[i].ID == StepSignIn && m.signIn != nil {
		return m.startSignIn() // nothing to read ahead before signing in
	}
	// What the steps ahead will read starts now, while the admin answers this one.
	ahead := m.prefetch(i)
	if m.steps[i].Prepare != nil {
		return tea.Batch(ahead, m.dispatch(phasePreparing, m.steps[i].Prepare))
	}
	return tea.Batch(ahead, m.ask())
}

// prefetch is the command that starts the reads the steps from i on will make, as far as the
// state already tells them; it ends when they are done and says nothing.
func (m *Model) prefetch(i int) tea.Cmd {
	ctx, env, steps, state := m.ctx, m.env, m.steps[i:], m.state
	return func() tea.Msg {
		flows.Prefetch(ctx, env, steps, state)()
		return nil
	}
}

// ask opens the step's form, or runs the step when it has no questions.
func (m *Model) ask() tea.Cmd {
	st := m.steps[m.idx]
	if st.Inputs != nil {
		if ins := st.Inputs(&m.state); len(ins) > 0 {
			m.history = append(m.history, snapshot{idx: m.idx, state: m.state, status: slices.Clone(m.status)})
			m.formErr = nil
			keep := make([]*value, len(ins))
			for i, in := range ins {
				if t, ok := m.typed[st.ID+"/"+in.Key]; ok && in.Kind == flows.Text {
					keep[i] = &value{text: t}
				}
			}
			return m.openForm(ins, keep, 0)
		}
	}
	return m.run()
}

// run starts the step's Run, or finishes the step when it has none.
func (m *Model) run() tea.Cmd {
	if run := m.steps[m.idx].Run; run != nil {
		return m.dispatch(phaseRunning, run)
	}
	return m.finish()
}

func (m *Model) finish() tea.Cmd {
	m.status[m.idx] = statusDone
	return m.enter(m.idx + 1)
}

// dispatch runs a Prepare or Run as a command on copies of the state and environment.
func (m *Model) dispatch(p phase, fn func(context.Context, flows.Env, flows.State) (flows.Result, error)) tea.Cmd {
	m.phase = p
	m.form = nil
	m.progress = ""
	ch := make(chan string, 8)
	m.progressCh = ch
	env := m.env
	env.Progress = func(text string) {
		select {
		case ch <- text:
		default: // the screen shows the latest word; a missed one is not worth blocking for
		}
	}
	call := stepCall{fn: fn, ctx: m.ctx, env: env, state: m.state, progress: ch}
	return tea.Batch(call.run, m.spinner.Tick, waitProgress(ch))
}

// waitProgress is the command that delivers the next progress word of a call in flight; it ends
// when the call does.
func waitProgress(ch chan string) tea.Cmd {
	return func() tea.Msg {
		text, ok := <-ch
		if !ok {
			return nil
		}
		return progressMsg{ch: ch, text: text}
	}
}

// stepCall is a Prepare or Run with what it runs on; its run method is the command.
type stepCall struct {
	fn       func(context.Context, flows.Env, flows.State) (flows.Result, error)
	ctx      context.Context
	env      flows.Env
	state    flows.State
	progress chan string
}

func (c stepCall) run() tea.Msg {
	res, err := c.fn(c.ctx, c.env, c.state)
	close(c.progress) // nothing sends on it once fn returned
	return stepMsg{res: res, err: err}
}

func (m Model) stepDone(msg stepMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.retry = m.phase
		m.phase = phaseFailed
		m.preScroll = 0
		m.err = &flows.StepError{Step: m.steps[m.idx].Title, Err: msg.err}
		m.leaveHandoff()
		return m, nil
	}
	m.apply(msg.res)
	if m.phase == phasePreparing {
		return m, m.ask()
	}
	return m, m.finish()
}

// apply applies a Result to the state and records what it changed.
func (m *Model) apply(res flows.Result) {
	if res == nil {
		return
	}
	before := len(m.state.Changes)
	report := m.state.Report
	res(&m.state)
	if len(m.state.Changes) > before {
		fresh := m.state.Changes[before:]
		for _, c := range fresh {
			if c.Applied && c.Action != flows.Unchanged {
				m.created = append(m.created, c)
			}
		}
		m.logLine(changeLines(fresh)...)
	}
	if r := m.state.Report; r != nil && r != report {
		m.logLine(reportLine(*r))
	}
}

// logLine adds lines to the log, skipping a repeat of the last one.
func (m *Model) logLine(lines ...string) {
	for _, l := range lines {
		if n := len(m.log); n > 0 && m.log[n-1] == l {
			continue
		}
		m.log = append(m.log, l)
	}
}

func (m Model) retryStep() (tea.Model, tea.Cmd) {
	st := m.steps[m.idx]
	m.err = nil
	if m.retry == phasePreparing {
		return m, m.dispatch(phasePreparing, st.Prepare)
	}
	return m, m.dispatch(phaseRunning, st.Run)
}

// canBack reports whether there is an earlier step with inputs to go back to.
func (m Model) canBack() bool {
	if m.phase == phaseInput {
		return len(m.history) > 1
	}
	return len(m.history) > 0 && (m.phase == phaseFailed)
}

// back returns to the previous step that had inputs, restoring the state from before its answers
// and reopening its form with the answers the admin gave. An app created since stays on the
// tenant and out of the restored state: the create step looks for it by name again and adopts
// it, so going forward never creates a second one.
func (m Model) back() (tea.Model, tea.Cmd) {
	if !m.canBack() {
		return m, nil
	}
	if m.phase == phaseInput {
		m.history = m.history[:len(m.history)-1]
	}
	snap := m.history[len(m.history)-1]
	created, made := m.state.CreatedApp, m.state.Created
	m.state = snap.state
	// What this run created stays created (and in the ledger's list): the create step renames
	// the app if the name changes.
	m.state.CreatedApp, m.state.Created = created, made
	m.idx = snap.idx
	m.status = slices.Clone(snap.status)
	m.status[m.idx] = statusCurrent
	m.err, m.formErr = nil, nil
	m.leaveHandoff()
	ins := m.steps[m.idx].Inputs(&m.state)
	keep := make([]*value, len(ins))
	for i, in := range ins {
		if v, ok := snap.answers[in.Key]; ok {
			v.list = slices.Clone(v.list)
			keep[i] = &v
		}
	}
	return m, m.openForm(ins, keep, 0)
}

// leaveHandoff forgets the hand-off's screen state when the wizard leaves it (a failure, Back):
// the secret is masked again, the .env dialog closed, a pending finish dropped.
func (m *Model) leaveHandoff() {
	m.hand.reveal = false
	m.hand.dialog = nil
	m.hand.note, m.hand.noteOK = "", false
	m.finishWhenDone = false
}

// --- forms -----------------------------------------------------------------------------------

func (m Model) inputKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if m.form == nil {
		return m, nil
	}
	switch msg.String() {
	case "pgdown", "pgup":
		m.scrollText(msg.String() == "pgdown")
		return m, nil
	case "esc":
		if !m.filtering() {
			return m.back()
		}
	case "shift+tab":
		if m.focusedIndex() == 0 {
			return m.back()
		}
	}
	return m.updateForms(msg)
}

// scrollText scrolls the text above the form (or the failure) half a screen down or up.
func (m *Model) scrollText(down bool) {
	l := m.fullWidth()
	m.preScroll = pageScroll(m.preScroll, down, m.height, maxScroll(l.text, l.room))
}

// pageScroll moves a scroll offset half a screen down or up, from 0 to most.
func pageScroll(off int, down bool, height, most int) int {
	page := max(height/2, 1)
	if down {
		return min(off+page, most)
	}
	return max(min(off, most)-page, 0)
}

// updateForms hands a message to whichever form is open and acts on its completion.
func (m Model) updateForms(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.hand.dialog != nil {
		return m.updateEnvForm(msg)
	}
	if m.phase == phaseSignIn {
		return m.updateSignForm(msg)
	}
	if m.phase != phaseInput || m.form == nil {
		return m, nil
	}
	f, cmd := m.form.Update(msg)
	if ff, ok := f.(*huh.Form); ok {
		m.form = ff
	}
	if m.form.State == huh.StateCompleted {
		return m, m.submit()
	}
	m.settleFocused()
	return m, cmd
}

// submit applies every answer with Set, in order, on a copy of the state. A Set error reopens
// the step with the answers kept, the error shown and the rejected field focused. Once every
// answer is applied, they are kept with the step's snapshot for Back.
func (m *Model) submit() tea.Cmd {
	s := m.state
	for i, in := range m.inputs {
		if in.Set == nil {
			continue
		}
		if err := in.Set(&s, m.values[i].answer(in.Kind)); err != nil {
			if in.Title != "" && len(m.inputs) > 1 {
				err = fmt.Errorf("%s: %w", in.Title, err)
			}
			m.formErr = err
			return m.openForm(m.inputs, m.values, i)
		}
	}
	if n := len(m.history); n > 0 && m.history[n-1].idx == m.idx {
		answers := make(map[string]value, len(m.inputs))
		for i, in := range m.inputs {
			v := *m.values[i]
			v.list = slices.Clone(v.list)
			answers[in.Key] = v
		}
		m.history[n-1].answers = answers
	}
	if m.typed == nil {
		m.typed = map[string]string{}
	}
	for i, in := range m.inputs {
		if in.Kind == flows.Text {
			m.typed[m.steps[m.idx].ID+"/"+in.Key] = m.values[i].text
		}
	}
	m.state = s
	m.formErr = nil
	m.form = nil
	return m.run()
}
