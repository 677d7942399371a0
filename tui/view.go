package tui

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/pingone-setup/pingone-setup/flows"
)

// Layout: a header line, the step list beside the panel, a short log of changes, the help line.
const (
	listWidth   = 28 // the step list column, gap included
	logLines    = 3
	sideBySideW = 72           // narrower terminals show the step list as one line
	chrome      = 4 + logLines // header and blank line, blank line and help, the log
	mask        = "••••••••••••"
	// readableWidth bounds the text's width on wide terminals: lines of 200 columns are hard to
	// read, and the eye loses the next line.
	readableWidth = 100
)

// preparing says what a step's Prepare does: the step's Doing when Prepare is all it does (the
// review before writing works out what will change), else reading what its questions need.
func preparing(st flows.Step) string {
	if st.Run == nil && st.Doing != "" {
		return st.Doing
	}
	return "Reading from PingOne"
}

func (m Model) sideBySide() bool { return m.width >= sideBySideW }

// wide reports whether the current screen takes the full width: on narrow terminals, for the
// hand-off, and for the role verdict, whose lines need it.
func (m Model) wide() bool {
	if !m.sideBySide() || m.handoffShown() {
		return true
	}
	if m.phase == phaseSignIn {
		// The device code's QR code and the console steps need the width.
		return m.sign != nil && ((m.sign.page == signWaiting && m.sign.prompt != nil) || (m.sign.page == signApp && m.sign.showSteps))
	}
	if m.phase != phaseInput {
		return false
	}
	if m.idx < len(m.steps) && m.steps[m.idx].ID == flows.StepRoleFix && m.state.Report != nil {
		return true
	}
	// Options that would wrap beside the list (environment names with their IDs) get the width.
	side := m.width - listWidth - 1
	for _, in := range m.inputs {
		for _, o := range in.Options {
			if ansi.StringWidth(o.Label)+6 > side {
				return true
			}
		}
	}
	return false
}

// textWidth is the width full-width text wraps to.
func (m Model) textWidth() int { return min(max(m.width-2, 20), readableWidth) }

// panelSize is the room the current step's panel has.
func (m Model) panelSize() (w, h int) {
	if m.wide() {
		return m.textWidth(), max(m.height-6, 3)
	}
	return min(max(m.width-listWidth-1, 20), readableWidth), max(m.height-chrome-2, 3)
}

// View renders the screen: the step list beside the current step's panel and a short log of
// changes; when the panel needs more room than that (the role verdict, the hand-off) it takes
// the full width. The client secret appears only while revealed, and never in the last frame
// left on the terminal when the wizard quits.
func (m Model) View() string {
	if m.quitting {
		return m.finalView()
	}
	help := m.help.ShortHelpView(m.bindings())
	if m.handoffShown() {
		// Taller than the terminal: the hand-off scrolls (pgup/pgdown), its top first.
		body, dialogEnd := m.handoffView(m.textWidth())
		room, off := m.height-4, m.hand.scroll
		if m.hand.dialog != nil {
			// The open dialog is always in view: scrolled down to it if need be.
			off = max(off, dialogEnd-(room-1))
		}
		return m.layout(scroll(body, room, off, m.styles), "", help)
	}
	if m.phase == phaseDone {
		return m.layout(m.doneView(m.textWidth()), "", help)
	}
	if !m.wide() {
		pw, _ := m.panelSize()
		title, pre, main := m.panel(pw)
		panel := joinLines(title, pre, main)
		if bodyH := m.height - chrome; lipgloss.Height(panel) <= bodyH {
			list := lipgloss.NewStyle().Width(listWidth).Render(m.stepList(bodyH))
			body := lipgloss.JoinHorizontal(lipgloss.Top, list, lipgloss.NewStyle().MaxWidth(pw).Render(panel))
			return m.layout(body, m.logView(), help)
		}
	}
	// Full width (or a side panel too tall to fit): the progress as one line, the panel under it.
	l := m.fullWidth()
	return m.layout(joinLines(l.title, l.above, m.scrolled(l.text, l.room), l.below, l.main), "", help)
}

// panelLayout is a full-width panel: its title, what stays above the text that scrolls, that
// text and the lines it has, what stays below it, and the form.
type panelLayout struct {
	title, above, text, below, main string
	room                            int
}

// fullWidth lays the panel out across the screen. The question and the form stay on screen;
// what comes before them (the verdict, the review), and the question's explanation when even
// that does not fit, scroll above them.
func (m Model) fullWidth() panelLayout {
	title, pre, ask, more, main := m.panelParts(m.textWidth())
	l := panelLayout{title: m.styles.Faint.Render(m.progressLine()+"  ·  ") + title, main: main}
	room := m.height - 4 - lipgloss.Height(l.title) - lipgloss.Height(main)
	fixed := joinLines(ask, more)
	if fixed == "" || lipgloss.Height(fixed)+4 <= room {
		if pre != "" && fixed != "" {
			fixed = "\n" + fixed
		}
		l.text, l.below, l.room = pre, fixed, room-lipgloss.Height(fixed)
		return l
	}
	// Too long: the explanation scrolls too, after the verdict; the question stays, above the
	// verdict when there is none (the preset's review: its title, then the settings).
	l.room = room - lipgloss.Height(ask)
	if pre == "" {
		l.above, l.text = ask, more
	} else {
		l.text, l.below = joinLines(pre, more), ask
	}
	return l
}

// maxScroll is the largest useful offset of text shown in room lines (one says what is cut).
func maxScroll(text string, room int) int {
	return max(strings.Count(text, "\n")+1-(room-1), 0)
}

// scrolled is the text above the form cut to room lines, from line preScroll on, with a line
// saying what is cut and how to see it (pgup/pgdown).
func (m Model) scrolled(pre string, room int) string {
	return scroll(pre, room, m.preScroll, m.styles)
}

// scroll is text cut to room lines from line off on, the last line saying what is cut.
func scroll(pre string, room, off int, s styles) string {
	lines := strings.Split(pre, "\n")
	if pre == "" || len(lines) <= room {
		return pre
	}
	if room < 2 {
		return ""
	}
	shown := room - 1
	off = min(off, len(lines)-shown)
	var more []string
	if off > 0 {
		more = append(more, fmt.Sprintf("↑ %d more (pgup)", off))
	}
	if rest := len(lines) - off - shown; rest > 0 {
		more = append(more, fmt.Sprintf("↓ %d more (pgdown)", rest))
	}
	return strings.Join(lines[off:off+shown], "\n") + "\n" + s.Faint.Render("… "+strings.Join(more, "  "))
}

// layout stacks the header, the body (padded or cut to the room left), the log and the help.
func (m Model) layout(body, log, help string) string {
	bodyH := m.height - 4
	if log != "" {
		bodyH -= logLines
	}
	bodyH = max(bodyH, 1)
	body = clip(body, bodyH)
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteString("\n\n")
	b.WriteString(body)
	b.WriteString(strings.Repeat("\n", bodyH-lipgloss.Height(body)))
	if log != "" {
		b.WriteString("\n" + log)
	}
	b.WriteString("\n\n")
	b.WriteString(ansi.Truncate(help, m.width, "…"))
	return b.String()
}

func joinLines(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n")
}

// finalView is what stays on the terminal after quitting: the outcome, never the secret.
func (m Model) finalView() string {
	s := m.styles
	switch {
	case m.phase == phaseDone && m.state.Credentials != nil:
		c := m.state.Credentials
		return fmt.Sprintf("%s Environment %s, client ID %s (secret not shown).\n", s.OK.Render("✓"), c.EnvironmentID, c.ClientID)
	case m.phase == phaseDone && m.env.DryRun:
		return s.OK.Render("✓") + " Dry run finished: nothing was changed.\n"
	case m.phase == phaseDone:
		return s.OK.Render("✓") + " Setup finished.\n"
	}
	return ""
}

func (m Model) header() string {
	s := m.styles
	who := m.env.Identity.Username
	if who == "" {
		who = m.env.Identity.ClientID
	}
	parts := []string{s.Brand.Render("pingone-setup")}
	if who != "" {
		parts = append(parts, s.Faint.Render("signed in as ")+who)
	}
	if t := m.state.Target; t.Name != "" {
		parts = append(parts, s.Faint.Render("environment ")+t.Name)
	}
	if m.env.DryRun {
		parts = append(parts, s.Warn.Render("dry run"))
	}
	return ansi.Truncate(strings.Join(parts, s.Faint.Render("  ·  ")), m.width, "…")
}

// trailEntry is a line of the step list: consecutive steps of the same title are one entry
// (one step to the admin, asked in pages, such as More settings: which, then their values).
type trailEntry struct {
	title    string
	from, to int // the steps it stands for, to exclusive
}

func (m Model) trail() []trailEntry {
	var out []trailEntry
	for i, st := range m.steps {
		if n := len(out); n > 0 && out[n-1].title == st.Title {
			out[n-1].to = i + 1
			continue
		}
		out = append(out, trailEntry{title: st.Title, from: i, to: i + 1})
	}
	return out
}

// status is the entry's status: current when one of its steps is, done when one is done and
// the others done or skipped, skipped when all are skipped.
func (m Model) entryStatus(e trailEntry) stepStatus {
	done, skipped := 0, 0
	for i := e.from; i < e.to; i++ {
		switch m.status[i] {
		case statusCurrent:
			return statusCurrent
		case statusDone:
			done++
		case statusSkipped:
			skipped++
		}
	}
	switch {
	case skipped == e.to-e.from:
		return statusSkipped
	case done > 0 && done+skipped == e.to-e.from:
		return statusDone
	}
	return statusTodo
}

// stepList is the step list, cut to height lines around the current step when it does not fit
// (a line says how many steps are above or below).
func (m Model) stepList(height int) string {
	s := m.styles
	entries := m.trail()
	lines := make([]string, len(entries))
	cur := 0
	for i, e := range entries {
		title := ansi.Truncate(e.title, listWidth-3, "…")
		switch m.entryStatus(e) {
		case statusDone:
			lines[i] = s.Done.Render("✓ ") + title
		case statusCurrent:
			cur = i
			mark := "› "
			if m.phase == phaseFailed {
				mark = s.Error.Render("✗ ")
			}
			lines[i] = mark + s.Current.Render(title)
		case statusSkipped:
			lines[i] = s.Skipped.Render("– " + title)
		default:
			lines[i] = s.Todo.Render("· " + title)
		}
	}
	if height < 3 || len(lines) <= height {
		return strings.Join(lines, "\n")
	}
	// A window of height lines holding the current step, its first and last lines saying what
	// is cut.
	room := height - 2
	from := min(max(cur-room/2, 0), len(lines)-room)
	if from <= 1 {
		from, room = 0, height-1
	} else if from+room >= len(lines)-1 {
		room = height - 1
		from = len(lines) - room
	}
	var b []string
	if from > 0 {
		b = append(b, s.Faint.Render(fmt.Sprintf("↑ %d more", from)))
	}
	b = append(b, lines[from:min(from+room, len(lines))]...)
	if rest := len(lines) - from - room; rest > 0 {
		b = append(b, s.Faint.Render(fmt.Sprintf("↓ %d more", rest)))
	}
	return strings.Join(b, "\n")
}

// progressLine replaces the step list on narrow terminals.
func (m Model) progressLine() string {
	if m.idx >= len(m.steps) {
		return "All steps done"
	}
	// The step's place in the whole list, which the wide layout shows beside it: skipping steps
	// never changes the count.
	entries := m.trail()
	for i, e := range entries {
		if m.idx >= e.from && m.idx < e.to {
			return fmt.Sprintf("Step %d of %d", i+1, len(entries))
		}
	}
	return fmt.Sprintf("Step %d of %d", m.idx+1, len(m.steps))
}

// panel is the current step: its title (and a blank line), what comes before its form (the role
// verdict), and its form, spinner or failure.
func (m Model) panel(w int) (title, pre, main string) {
	title, pre, ask, help, main := m.panelParts(w)
	return title, joinLines(pre, ask, help), main
}

// question is the question and explanation of a step whose question is drawn above its form
// (questionAbove), wrapped to w; both are empty for other steps.
func (m Model) question(w int) (ask, help string) {
	if m.phase != phaseInput || !questionAbove(m.inputs) {
		return "", ""
	}
	q := m.inputs[0]
	return wrap(m.styles.Title.Render(q.Title), w), wrap(q.Help, w)
}

// panelParts is the panel in parts: the title, the text before the question (the verdict), the
// question and its explanation (for a step whose question is above its form), and the form.
func (m Model) panelParts(w int) (title, pre, ask, help, main string) {
	s := m.styles
	if m.idx >= len(m.steps) {
		return "", "", "", "", ""
	}
	st := m.steps[m.idx]
	title = s.Title.Render(st.Title)
	if m.phase == phaseInput && len(m.inputs) > 1 {
		title += s.Faint.Render(fmt.Sprintf("  %d of %d", m.focusedIndex()+1, len(m.inputs)))
	}
	title += "\n"
	var b strings.Builder
	switch m.phase {
	case phasePreparing, phaseRunning:
		label := cmp.Or(st.Doing, st.Title)
		if m.phase == phasePreparing {
			label = preparing(st)
		}
		if m.progress != "" {
			label = m.progress
		}
		b.WriteString(m.spinner.View() + " " + label + "…")
	case phaseInput:
		if st.ID == flows.StepRoleFix && m.state.Report != nil {
			pre = m.reportView(*m.state.Report, w) + m.askAdminView(w)
		}
		if st.ID == flows.StepPreview && m.state.Preview != nil {
			pre = m.previewView(*m.state.Preview, w)
		}
		if g := m.greeting(w); g != "" {
			pre = joinLines(g, pre)
		}
		pre = strings.TrimRight(pre, "\n")
		if m.form != nil {
			b.WriteString(strings.TrimRight(m.form.View(), "\n"))
		}
		if hint := m.suggestionHint(); hint != "" {
			b.WriteString("\n" + wrap(s.Faint.Render(hint), w))
		}
		if warn := m.warning(); warn != "" {
			b.WriteString("\n" + wrap(s.Warn.Render("⚠ ")+warn, w))
		}
		if m.formErr != nil {
			b.WriteString("\n" + wrap(s.Error.Render("✗ ")+m.formErr.Error(), w))
		}
	case phaseFailed:
		pre = m.failureView(w) // scrolls on a small screen: the error id is at its end
	case phaseSignIn:
		var main string
		pre, main = m.signView(w)
		b.WriteString(main)
	}
	ask, help = m.question(w)
	return title, pre, ask, help, b.String()
}

// reportView is the role verdict, plainly: a line per gate PingOne applies at sign-in and per
// capability, saying which role covers it (and from which group) or why it fails.
func (m Model) reportView(r flows.RoleReport, w int) string {
	s := m.styles
	var b strings.Builder
	line := func(text string) { b.WriteString(hang(text, w) + "\n") }
	for _, g := range r.Gates {
		switch g.Coverage {
		case flows.Covered:
			if g.ID == flows.GateAdminOnly || g.ID == flows.GateGroupPolicy {
				line(s.OK.Render("✓ ") + g.Title + " — " + g.Detail)
			}
		case flows.Missing:
			line(s.Error.Render("✗ ") + g.Title + " — " + g.Detail)
		default:
			line(s.Warn.Render("? ") + g.Title + " — cannot tell: " + g.Detail)
		}
	}
	for _, c := range r.Capabilities {
		call := shortCall(strings.SplitN(c.Calls, ", ", 2)[0])
		switch c.Coverage {
		case flows.Covered:
			if via := viaOf(c); strings.Contains(via, " via group ") {
				line(s.OK.Render("✓ ") + c.Title + s.Faint.Render(" — "+via))
			} else {
				line(s.OK.Render("✓ ") + c.Title)
			}
		case flows.Missing:
			line(s.Error.Render("✗ ") + fmt.Sprintf("%s — %s will return HTTP 403: %s holds no role with %s", c.Title, call, r.ActorName, strings.Join(permsWith(c, flows.Missing), ", ")))
		case flows.PopulationOnly:
			line(s.Warn.Render("⚠ ") + fmt.Sprintf("%s — %s sees one population only: %s holds the role at population scope", c.Title, call, r.ActorName))
		case flows.Pending:
			line(s.Warn.Render("… ") + fmt.Sprintf("%s — assigned; PingOne has not applied it yet", c.Title))
		case flows.CannotTell:
			line(s.Warn.Render("? ") + fmt.Sprintf("%s — cannot tell: %s", c.Title, capabilityWhy(r.ActorName, c)))
		}
	}
	if r.GuideNote != "" {
		b.WriteString(wrap(s.Faint.Render("Note: ")+r.GuideNote, w) + "\n")
	}
	if len(r.Unneeded) > 0 {
		b.WriteString(wrap(s.Faint.Render("Not needed: ")+strings.Join(r.Unneeded, ", "), w) + "\n")
	}
	return b.String()
}

// previewView is the look before anything is written: each setting with where its value comes
// from, what will be created or changed, and the role verdict as things stand.
func (m Model) previewView(p flows.Preview, w int) string {
	s := m.styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Settings") + s.Faint.Render(", and where each comes from:") + "\n")
	for _, set := range p.Settings {
		b.WriteString(indent(hang(set.Name+": "+set.Value+s.Faint.Render("  ("+set.Source+")"), w-2), 2) + "\n")
	}
	if len(p.Unset) > 0 {
		b.WriteString(indent(hang(s.Faint.Render("Not set (PingOne's default: none): ")+strings.Join(p.Unset, ", "), w-2), 2) + "\n")
	}
	b.WriteString("\n" + s.Title.Render("What will be made in PingOne:") + "\n")
	lines := changeLines(p.Changes)
	if len(lines) == 0 {
		lines = []string{"nothing: PingOne already matches"}
	}
	for _, l := range lines {
		b.WriteString(indent(hang(strings.Replace(l, "~ would be ", "", 1), w-2), 2) + "\n")
	}
	if p.Report != nil {
		b.WriteString("\n" + s.Title.Render("Roles, as they are now:") + "\n")
		b.WriteString(m.reportView(*p.Report, w))
		if !p.Report.OK() {
			b.WriteString(wrap(s.Faint.Render("The next step offers the fix."), w) + "\n")
		}
	}
	return b.String()
}

// askAdminView is what to send to an admin who may grant the fix when the admin running the
// setup may not: the message, the API calls, the console steps. Empty otherwise.
func (m Model) askAdminView(w int) string {
	if m.state.Report == nil {
		return ""
	}
	req, ok := flows.AskAdmin(*m.state.Report, m.state.Target, m.env.Region)
	if !ok {
		return ""
	}
	s := m.styles
	var b strings.Builder
	b.WriteString("\n" + wrap(s.Title.Render("Ask your admin")+": you may not assign these roles yourself. Send this to an admin who holds Environment Admin:", w) + "\n")
	b.WriteString(indent(wrap("“"+req.Message+"”", w-2), 2) + "\n")
	b.WriteString("They can run (with their own token in PINGONE_TOKEN):\n")
	// Each line whole where it fits, so it can be copied; cut into pieces only where it does not.
	b.WriteString(indent(ansi.Hardwrap(req.Command, w-2, true), 2) + "\n")
	b.WriteString("or, in the PingOne console:\n")
	for i, step := range req.Console {
		b.WriteString(indent(hang(fmt.Sprintf("%d. %s", i+1, step), w-2), 2) + "\n")
	}
	return b.String()
}

func (m Model) failureView(w int) string {
	s := m.styles
	ex := explain(m.err)
	var b strings.Builder
	// A value that fits on a line of its own (an ID, a path) is never broken.
	line := func(label, text string) {
		switch {
		case text == "":
		case ansi.StringWidth(label+text) <= w || ansi.StringWidth(text) > w-2 || strings.Contains(text, " "):
			b.WriteString(wrap(s.Label.Render(label)+text, w) + "\n")
		default:
			b.WriteString(s.Label.Render(strings.TrimSpace(label)) + "\n  " + text + "\n")
		}
	}
	b.WriteString(wrap(s.Error.Render("✗ ")+ex.Plain, w) + "\n")
	for _, p := range ex.Problems {
		b.WriteString(indent(wrap("• "+p.String(), w-2), 2) + "\n")
	}
	line("What failed: ", ex.Doing)
	line("Call: ", shortPath(ex.Call))
	line("PingOne said: ", ex.Said)
	for _, d := range ex.Details {
		b.WriteString(indent(wrap("• "+d, w-2), 2) + "\n")
	}
	line("Fix: ", ex.Fix)
	line("PingOne error id: ", ex.ErrorID)
	return strings.TrimRight(b.String(), "\n")
}

// handoffView is the hand-off: whether the app works (the title says so, never rounded up),
// where it is, its credentials, the actions on them, what was checked, what was created. The
// parts a person acts on come first, so a small terminal cuts only the summary at the end.
func (m Model) handoffView(w int) (view string, dialogEnd int) {
	s := m.styles
	c := *m.state.Credentials
	var b strings.Builder
	b.WriteString(m.handoffTitle(w) + "\n\n")
	row := func(label, v string) {
		if 18+ansi.StringWidth(v) > w {
			// Narrow: the value on a line of its own, so an ID is never cut.
			b.WriteString("  " + s.Label.Render(label) + "\n" + indent(wrap(v, max(w-4, 10)), 4) + "\n")
			return
		}
		b.WriteString("  " + s.Label.Render(fmt.Sprintf("%-16s", label)) + v + "\n")
	}
	row("Environment ID", c.EnvironmentID)
	row("Client ID", c.ClientID)
	switch {
	case c.ClientSecret == "":
		row("Client secret", s.Faint.Render("none (public client: PKCE, no secret)"))
	case m.hand.reveal:
		// Whole, on lines of its own, never cut: a copied secret must be the secret.
		row("Client secret", s.Faint.Render("(press c to copy, v to hide)"))
		b.WriteString(indent(s.Value.Render(breakEvery(c.ClientSecret, max(w-4, 20))), 4) + "\n")
	default:
		row("Client secret", mask+s.Faint.Render("  (v reveals it, c copies it)"))
	}
	if c.SecretFingerprint != "" {
		row("Fingerprint", c.SecretFingerprint+s.Faint.Render("  (names the secret; doctor shows it too)"))
	}
	if c.Region != "" {
		row("Region", c.Region)
	}
	if d := m.hand.dialog; d != nil {
		b.WriteString("\n" + indent(strings.TrimRight(d.form.View(), "\n"), 2) + "\n")
		dialogEnd = strings.Count(b.String(), "\n")
	} else if m.hand.note != "" {
		mark := s.Warn.Render("⚠ ")
		if m.hand.noteOK {
			mark = s.OK.Render("✓ ")
		}
		b.WriteString("\n" + indent(wrap(mark+m.hand.note, w-2), 2) + "\n")
	}
	b.WriteString("\n")
	switch {
	case m.phase != phaseDone || m.hand.proving:
		label := "Verifying"
		if i := slices.IndexFunc(m.steps, func(st flows.Step) bool { return st.ID == flows.StepVerify }); i >= 0 {
			label = cmp.Or(m.steps[i].Doing, label)
		}
		if m.progress != "" {
			label = m.progress
		}
		b.WriteString(indent(hang(s.Label.Render(fmt.Sprintf("%-16s", "Verify"))+m.spinner.View()+" "+label+"…", w-2), 2) + "\n")
	default:
		b.WriteString(m.checksView(w))
		if v := m.askAdminView(w - 2); v != "" && !m.state.Succeeded() {
			b.WriteString("\n" + indent(strings.Trim(v, "\n"), 2) + "\n")
		}
		if m.canProve() {
			b.WriteString(indent(hang(s.Faint.Render("Press p to prove it now: sign in as "+m.state.SignInUser.Username+" through the app in your browser."), w-2), 2) + "\n")
		}
	}
	if lines := summary(m.created); len(lines) > 0 {
		b.WriteString("\n  " + s.Label.Render("Created") + "\n")
		for _, l := range lines {
			b.WriteString("    " + ansi.Truncate(l, w-4, "…") + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n"), dialogEnd
}

// handoffTitle reflects the verdict: ✓ ready (verified by live calls), ⚠ ready but unverified
// (no live proof possible here, every check passed), ✗ not working (with the reason, in full).
func (m Model) handoffTitle(w int) string {
	s := m.styles
	v := m.state.Verified
	switch {
	case m.phase != phaseDone:
		return s.Faint.Render("… ") + s.Title.Render("Your Worker app is set up: verifying that it works")
	case v != nil && v.Outcome == flows.OutcomeVerified && m.state.Succeeded():
		return s.OK.Render("✓ ") + s.Title.Render("Your Worker app is ready") + s.Faint.Render(" (verified)")
	case m.state.Succeeded():
		return hang(s.Warn.Render("⚠ ")+s.Title.Render("Your Worker app is ready, but not verified by a live call"), w)
	}
	if r := m.state.Report; r != nil && r.OnlyCannotTell() && len(r.Unreadable) > 0 && (v == nil || v.Outcome == flows.OutcomeUnverified) {
		return hang(s.Warn.Render("? ")+s.Title.Render("Your Worker app is set up, but whether it works cannot be told from here"), w) +
			"\n" + indent(wrap("Your sign-in may not read everything the verdict needs: "+strings.Join(r.Unreadable, "; ")+".", w-2), 2)
	}
	reason := "the checks below do not pass"
	if v != nil && v.Message != "" {
		reason = v.Message
	}
	title := "Your Worker app is not working yet"
	if v != nil && v.Outcome == flows.OutcomePending {
		title = "Your Worker app is not working yet: PingOne has not applied the new roles"
	}
	return hang(s.Error.Render("✗ ")+s.Title.Render(title), w) + "\n" + indent(wrap(reason, w-2), 2)
}

// checksView says what the verdict rests on: when verified, the live proof in a line; otherwise
// each gate and capability that does not pass, and why.
func (m Model) checksView(w int) string {
	s := m.styles
	var b strings.Builder
	mark := map[flows.Coverage]string{flows.Covered: s.OK.Render("✓ "), flows.Missing: s.Error.Render("✗ "),
		flows.PopulationOnly: s.Warn.Render("⚠ "), flows.CannotTell: s.Warn.Render("? "), flows.Pending: s.Warn.Render("… ")}
	line := func(text string) { b.WriteString(indent(hang(text, w-2), 2) + "\n") }
	v, r := m.state.Verified, m.state.Report
	switch {
	case v == nil:
		line(s.Warn.Render("? ") + "Not verified.")
	case v.Outcome == flows.OutcomeVerified:
		line(s.OK.Render("✓ ") + "Verified: " + v.Message)
	case v.Outcome == flows.OutcomeUnverified:
		line(s.Warn.Render("⚠ ") + v.Message)
	}
	if r != nil {
		for _, g := range r.Gates {
			switch {
			case g.Coverage == flows.CannotTell && len(r.Unreadable) > 0:
				line(mark[g.Coverage] + g.Title + s.Faint.Render(": cannot tell: it rests on roles that could not be read (above)"))
			case g.Coverage != flows.Covered:
				line(mark[g.Coverage] + g.Title + s.Faint.Render(": "+g.Detail))
			}
		}
		for _, c := range r.Capabilities {
			if c.Coverage != flows.Covered {
				line(mark[c.Coverage] + c.Title + s.Faint.Render(": "+capabilityWhy(r.ActorName, c)))
			}
		}
		if len(r.ViaGroups) > 0 {
			line(s.Faint.Render("Roles held through groups: " + strings.Join(r.ViaGroups, "; ")))
		}
	}
	return b.String()
}

func viaOf(c flows.CapabilityVerdict) string {
	for _, p := range c.Permissions {
		if p.Via != "" {
			return p.Via
		}
	}
	return ""
}

// capabilityWhy says in a few words why a capability is not covered.
func capabilityWhy(who string, c flows.CapabilityVerdict) string {
	for _, p := range c.Permissions {
		if strings.HasPrefix(p.Reason, "could not read ") {
			return "cannot tell: it rests on roles that could not be read (above)"
		}
		if p.Reason != "" {
			return p.Reason
		}
	}
	switch c.Coverage {
	case flows.Missing:
		return fmt.Sprintf("%s will return HTTP 403: %s holds no role with %s", shortCall(strings.SplitN(c.Calls, ", ", 2)[0]), who, strings.Join(permsWith(c, flows.Missing), ", "))
	case flows.PopulationOnly:
		return "held at population scope only: " + viaOf(c)
	}
	return string(c.Coverage)
}

// breakEvery cuts s into lines of at most n characters (a secret has no spaces to wrap at).
func breakEvery(s string, n int) string {
	var lines []string
	for len(s) > n {
		lines = append(lines, s[:n])
		s = s[n:]
	}
	return strings.Join(append(lines, s), "\n")
}

// doneView ends a run without credentials: a dry run, or a setup that made no app.
func (m Model) doneView(w int) string {
	s := m.styles
	var b strings.Builder
	if m.env.DryRun {
		b.WriteString(s.OK.Render("✓ ") + s.Title.Render("Dry run finished: nothing was changed") + "\n\n")
	} else {
		b.WriteString(s.OK.Render("✓ ") + s.Title.Render("Setup finished") + "\n\n")
	}
	var lines []string
	for _, l := range changeLines(m.state.Changes) {
		lines = append(lines, ansi.Truncate(l, w-2, "…"))
	}
	if len(lines) == 0 {
		lines = []string{"No changes: PingOne already matches the plan."}
	}
	room := max(m.height-8, 1)
	if len(lines) > room {
		lines = append(lines[:room-1], fmt.Sprintf("… and %d more", len(lines)-room+1))
	}
	b.WriteString(indent(strings.Join(lines, "\n"), 2))
	return b.String()
}

func (m Model) logView() string {
	lines := m.log
	if len(lines) > logLines {
		lines = lines[len(lines)-logLines:]
	}
	out := make([]string, logLines)
	for i := range out {
		if i < len(lines) {
			out[i] = m.styles.Faint.Render(ansi.Truncate(lines[i], m.width, "…"))
		}
	}
	return strings.Join(out, "\n")
}

// changeLines are the log lines of the changes one step made.
func changeLines(cs []flows.Change) []string {
	wholes := map[string]bool{}
	for _, c := range cs {
		if c.Field == "" {
			wholes[c.Object] = true
		}
	}
	var out []string
	for _, c := range cs {
		verb := string(c.Action)
		mark := "✓ "
		if !c.Applied {
			verb, mark = "would be "+verb, "~ "
		}
		obj := shortObject(c.Object)
		switch {
		case c.Action == flows.Unchanged:
		case c.Field == "":
			out = append(out, mark+verb+" "+obj)
		case wholes[c.Object]:
			// a field set by the create itself
		case c.Action == flows.Updated:
			out = append(out, fmt.Sprintf("%s%s %s: %s → %s", mark, verb, c.Field, c.From, c.To))
		default:
			out = append(out, fmt.Sprintf("%s%s %s: %s %s", mark, verb, obj, c.Field, c.To))
		}
	}
	return out
}

// summary collapses changes to a line per object, for the hand-off.
func summary(cs []flows.Change) []string {
	const most = 5
	created := map[string]bool{}
	for _, c := range cs {
		if c.Field == "" && c.Action == flows.Created {
			created[c.Object] = true
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, c := range cs {
		obj := shortObject(c.Object)
		var l string
		switch {
		case c.Field == "":
			l = fmt.Sprintf("%s %s", c.Action, obj)
		case created[c.Object]:
			continue // set by the create itself, or changed right after it
		case c.Action == flows.Updated:
			l = "updated " + obj
		default:
			l = fmt.Sprintf("%s %s: %s %s", c.Action, obj, c.Field, c.To)
		}
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	if len(out) > most {
		n := len(out) - most + 1
		out = append(out[:most-1], fmt.Sprintf("… and %d more", n))
	}
	return out
}

func reportLine(r flows.RoleReport) string {
	if r.OK() {
		return fmt.Sprintf("✓ roles: %s holds what the connector needs", r.ActorName)
	}
	return fmt.Sprintf("✗ roles: %s lacks %s", r.ActorName, strings.Join(r.Missing, ", "))
}

func permsWith(c flows.CapabilityVerdict, cov flows.Coverage) []string {
	var out []string
	for _, p := range c.Permissions {
		if p.Coverage == cov {
			out = append(out, p.Permission)
		}
	}
	return out
}

var (
	idSuffix = regexp.MustCompile(` \([0-9a-f-]{36}\)$`)
	envPath  = regexp.MustCompile(`/environments/(\{env\}|[0-9a-f-]{36})`)
	anyID    = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f-]{27}`)
)

// shortObject drops the ID from `application "X" (id)`: the hand-off shows the ID once.
func shortObject(o string) string { return idSuffix.ReplaceAllString(o, "") }

// shortCall writes a capability's calls as "GET …/users".
func shortCall(c string) string { return envPath.ReplaceAllString(c, "…") }

// shortPath shortens the IDs of a call's path.
func shortPath(c string) string {
	return anyID.ReplaceAllStringFunc(c, func(id string) string { return id[:8] + "…" })
}

func wrap(s string, w int) string {
	if w <= 0 {
		return s
	}
	return ansi.Wrap(s, w, " ")
}

// hang wraps s to w with the lines after the first indented under the text after its mark.
func hang(s string, w int) string {
	return strings.TrimPrefix(indent(wrap(s, w-2), 2), "  ")
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

// clip keeps the first h lines of s.
func clip(s string, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	return strings.Join(lines, "\n")
}
