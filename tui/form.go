package tui

import (
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/ansi"

	"github.com/pingone-setup/pingone-setup/flows"
)

// value holds one answer while its form is open; the huh field is bound to it.
type value struct {
	text string
	list []string
	on   bool
}

// answer is the value as flows expects it: MultiSelect values joined with commas.
func (v *value) answer(k flows.InputKind) string {
	switch k {
	case flows.MultiSelect:
		return strings.Join(v.list, ",")
	case flows.Confirm:
		return strconv.FormatBool(v.on)
	}
	return v.text
}

func initialValue(in flows.Input, s *flows.State) *value {
	var cur string
	if in.Get != nil {
		cur = in.Get(s)
	}
	v := &value{text: cur}
	switch in.Kind {
	case flows.MultiSelect:
		v.list = flows.Split(cur)
	case flows.Confirm:
		v.on, _ = strconv.ParseBool(cur)
	}
	return v
}

// openForm builds a fresh form for the current step's inputs with the field of input focus
// focused. keep carries answers over (after a Set error, or going back to a step answered
// before); a nil keep, or a nil entry in it, reads the answer from the state with Get.
func (m *Model) openForm(ins []flows.Input, keep []*value, focus int) tea.Cmd {
	m.inputs = ins
	m.values = make([]*value, len(ins))
	for i, in := range ins {
		if i < len(keep) && keep[i] != nil {
			m.values[i] = keep[i]
		} else {
			m.values[i] = initialValue(in, &m.state)
		}
	}
	groups := make([]*huh.Group, len(ins))
	m.phase = phaseInput // the panel's size depends on it (wide)
	room := m.fieldRoom()
	m.formRoom = room
	for i, in := range ins {
		if questionAbove(ins) {
			// The question and its explanation are drawn above the form, where they scroll: the
			// form keeps only the options, so they are always on screen.
			in.Title, in.Help = "", ""
		}
		groups[i] = huh.NewGroup(field(in, m.values[i], room))
	}
	m.preScroll = 0
	m.form = huh.NewForm(groups...).
		WithShowHelp(false).
		WithTheme(huh.ThemeCharm())
	m.phase = phaseInput
	cmds := []tea.Cmd{m.form.Init()}
	// Each input is a group of its own: moving group by group reaches input focus. The answers
	// before it were valid when submitted, so no validation holds the form back.
	for range min(max(focus, 0), len(ins)-1) {
		if f := m.form.GetFocusedField(); f != nil {
			cmds = append(cmds, f.Blur())
		}
		cmds = append(cmds, m.form.NextGroup())
	}
	m.sizeForm()
	m.settled = map[string]bool{}
	m.settleFocused()
	return tea.Sequence(cmds...)
}

// settleFocused shows every option of the focused choice. huh scrolls a select's options so the
// chosen one is on top, and a select given its options before its value scrolls to the option
// of the zero value: with a default other than the first (No, Keep it), or a Yes built as No,
// options are off screen, and without colour nothing says there are any. Going to the first
// option and down to the default again scrolls them back. Each input is settled once, when it
// gets focus.
func (m Model) settleFocused() {
	i := m.focusedIndex()
	if i < 0 || m.settled == nil || m.settled[m.inputs[i].Key] {
		return
	}
	m.settled[m.inputs[i].Key] = true
	if k := m.inputs[i].Kind; k == flows.Select || k == flows.Confirm {
		showOptionsAbove(m.form, defaultIndex(m.inputs[i], m.values[i]))
	}
}

// defaultIndex is the option a choice input starts on.
func defaultIndex(in flows.Input, v *value) int {
	switch in.Kind {
	case flows.Confirm:
		if v.on {
			return 0
		}
		return 1
	case flows.Select:
		for i, o := range in.Options {
			if o.Value == v.text {
				return i
			}
		}
	}
	return 0
}

// showOptionsAbove moves the focused select of f to its first option and back down to option k.
func showOptionsAbove(f *huh.Form, k int) {
	f.Update(tea.KeyMsg{Type: tea.KeyHome})
	for range k {
		f.Update(tea.KeyMsg{Type: tea.KeyDown})
	}
}

func hasOptions(ins []flows.Input) bool {
	for _, in := range ins {
		if len(in.Options) > 0 {
			return true
		}
	}
	return false
}

// questionAbove reports whether a step's question and its explanation are drawn above its form
// rather than in it: a step with a single choice (the preset's review, the role fix, adopting an
// app), whose explanation can be longer than a small screen.
func questionAbove(ins []flows.Input) bool {
	return len(ins) == 1 && (ins[0].Kind == flows.Confirm || ins[0].Kind == flows.Select && len(ins[0].Options) > 0)
}

// room is the space a field has on screen; zero means no limit (the line-by-line wizard).
type room struct{ w, h int }

// fieldRoom is the room the current panel gives a field: the panel, less the form's border.
func (m Model) fieldRoom() room {
	w, h := m.panelSize()
	return room{w: w - 2, h: h}
}

// optionLabel fits an option on one line of the room: huh scrolls a list by options, so an
// option that wraps would push the chosen one out of view.
func optionLabel(label string, r room) string {
	if r.w <= 0 {
		return label
	}
	return ansi.Truncate(label, max(r.w-2, 10), "…") // "> " goes in front
}

// listHeight is the height of a long list's field (title and explanation included): the
// room, at most 16 lines, at least 6.
func listHeight(r room) int {
	if r.h <= 0 {
		return 16
	}
	return max(min(r.h, 16), 6)
}

// field turns one flows.Input into a huh field bound to v, sized to r. A Select with no options
// (e.g. a sign-in that may not list environments) becomes a text input, so the step can still be
// answered: its value travels as text either way.
func field(in flows.Input, v *value, r room) huh.Field {
	kind := in.Kind
	if kind == flows.Select && len(in.Options) == 0 {
		kind = flows.Text
	}
	switch kind {
	case flows.Select:
		opts := make([]huh.Option[string], len(in.Options))
		for i, o := range in.Options {
			opts[i] = huh.NewOption(optionLabel(o.Label, r), o.Value)
		}
		f := huh.NewSelect[string]().Key(in.Key).Title(in.Title).Description(in.Help).
			Options(opts...).Value(&v.text)
		if len(opts) > 8 {
			f.Height(listHeight(r))
		}
		if in.Validate != nil {
			f.Validate(in.Validate)
		}
		return f
	case flows.MultiSelect:
		opts := make([]huh.Option[string], len(in.Options))
		for i, o := range in.Options {
			opts[i] = huh.NewOption(optionLabel(o.Label, r), o.Value)
		}
		f := huh.NewMultiSelect[string]().Key(in.Key).Title(in.Title).Description(in.Help).
			Options(opts...).Value(&v.list)
		if len(opts) > 8 {
			f.Height(listHeight(r))
		}
		if in.Validate != nil {
			f.Validate(func(l []string) error { return in.Validate(strings.Join(l, ",")) })
		}
		return f
	case flows.Confirm:
		// A list with a cursor, not two buttons: without colour (NO_COLOR, a screen reader) the
		// chosen answer is still marked by the "> " in front of it.
		f := huh.NewSelect[bool]().Key(in.Key).Title(in.Title).Description(in.Help).
			Options(huh.NewOption("Yes", true), huh.NewOption("No", false)).Value(&v.on)
		if in.Validate != nil {
			f.Validate(func(b bool) error { return in.Validate(strconv.FormatBool(b)) })
		}
		return f
	}
	f := huh.NewInput().Key(in.Key).Title(in.Title).Description(in.Help).Value(&v.text)
	if in.Validate != nil {
		f.Validate(in.Validate)
	}
	if len(in.Suggestions) > 0 {
		f.Suggestions(in.Suggestions)
	}
	return f
}

// focusedIndex is the index of the input whose field has focus, -1 when no form is open.
func (m Model) focusedIndex() int {
	if m.form == nil {
		return -1
	}
	f := m.form.GetFocusedField()
	if f == nil {
		return -1
	}
	for i, in := range m.inputs {
		if in.Key == f.GetKey() {
			return i
		}
	}
	return -1
}

// filtering reports whether the focused select is filtering, so Esc belongs to it.
func (m Model) filtering() bool {
	if m.form == nil {
		return false
	}
	if f, ok := m.form.GetFocusedField().(interface{ GetFiltering() bool }); ok {
		return f.GetFiltering()
	}
	return false
}

// warning is the focused input's non-blocking warning for its current answer.
func (m Model) warning() string {
	i := m.focusedIndex()
	if i < 0 || m.inputs[i].Warn == nil {
		return ""
	}
	v, _ := m.form.GetFocusedField().GetValue().(string)
	return m.inputs[i].Warn(v)
}

// suggestionHint names the completion ctrl+e would accept in the focused text input, in words.
// The input shows it too, as faint text after the cursor; without colour (NO_COLOR, a dumb
// terminal, a screen reader) faint text looks typed, so the hint says it apart. It is empty when
// nothing is typed, nothing matches, or the answer is already complete.
func (m Model) suggestionHint() string {
	i := m.focusedIndex()
	if i < 0 || m.inputs[i].Kind != flows.Text || len(m.inputs[i].Suggestions) == 0 {
		return ""
	}
	v, _ := m.form.GetFocusedField().GetValue().(string)
	if match := suggestionFor(m.inputs[i].Suggestions, v); match != "" {
		return "ctrl+e completes it: " + match
	}
	return ""
}

// suggestionFor is the suggestion the text input offers for v (the first that starts with it,
// case aside, as bubbles' textinput matches), or "" when v is empty or already that suggestion.
func suggestionFor(suggestions []string, v string) string {
	if v == "" {
		return ""
	}
	for _, s := range suggestions {
		if strings.HasPrefix(strings.ToLower(s), strings.ToLower(v)) {
			if s == v {
				return ""
			}
			return s
		}
	}
	return ""
}

// sizeForm gives the step's form the panel's size. The width is set explicitly: huh fixes a
// form's width under TERM=dumb and then ignores window sizes.
func (m Model) sizeForm() {
	if m.form == nil {
		return
	}
	w, h := m.panelSize()
	m.form.WithWidth(w)
	m.form.Update(tea.WindowSizeMsg{Width: w, Height: h})
}

// resizeForms gives the open forms the room they have after a resize.
func (m *Model) resizeForms() tea.Cmd {
	if m.phase == phaseInput && m.form != nil && m.fieldRoom() != m.formRoom && hasOptions(m.inputs) {
		// Options were cut to the old width: build the form again for the new one, answers and
		// focus kept.
		return m.openForm(m.inputs, m.values, max(m.focusedIndex(), 0))
	}
	m.sizeForm()
	if m.phase == phaseSignIn && m.sign != nil && m.sign.form != nil {
		w, h := m.panelSize()
		m.sign.form.WithWidth(w)
		m.sign.form.Update(tea.WindowSizeMsg{Width: w, Height: h})
	}
	if d := m.hand.dialog; d != nil {
		w := max(m.width-4, 20)
		d.form.WithWidth(w)
		d.form.Update(tea.WindowSizeMsg{Width: w, Height: d.height()})
	}
	return nil
}
