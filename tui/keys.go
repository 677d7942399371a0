package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
)

// keyMap is every key the wizard itself handles; the open form handles the rest.
type keyMap struct {
	Back     key.Binding
	Quit     key.Binding
	Retry    key.Binding
	BackFail key.Binding
	QuitFail key.Binding
	Reveal   key.Binding
	Hide     key.Binding
	Copy     key.Binding
	Write    key.Binding
	Prove    key.Binding
	Finish   key.Binding
	Confirm  key.Binding
	Cancel   key.Binding
	Scroll   key.Binding
	OpenURL  key.Binding
	CopyURL  key.Binding
	Rotate   key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "previous step")),
		Quit:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Retry:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		BackFail: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "back")),
		QuitFail: key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Reveal:   key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "reveal secret")),
		Hide:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "hide secret")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy secret")),
		Write:    key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "write .env")),
		Prove:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "prove it: sign in as the user")),
		Finish:   key.NewBinding(key.WithKeys("enter", "q"), key.WithHelp("enter", "finish")),
		Confirm:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "confirm")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Scroll:   key.NewBinding(key.WithKeys("pgdown", "pgup"), key.WithHelp("pgdn/pgup", "more")),
		OpenURL:  key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open the browser")),
		CopyURL:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy the URL")),
		Rotate:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "rotate secret")),
	}
}

// bindings are the keys the help line shows now.
func (m Model) bindings() []key.Binding {
	k := m.keys
	if m.hand.dialog != nil {
		return []key.Binding{k.Confirm, k.Cancel}
	}
	var out []key.Binding
	if m.scrollable() {
		out = append(out, k.Scroll) // first: on a small screen the help line is cut at its end
	}
	if m.handoffShown() && m.state.Credentials.ClientSecret != "" {
		if m.hand.reveal {
			out = append(out, k.Hide)
		} else {
			out = append(out, k.Reveal)
		}
		out = append(out, k.Copy)
	}
	if m.handoffShown() {
		out = append(out, k.Write)
		if m.canProve() {
			out = append(out, k.Prove)
		}
		if m.canRotate() {
			out = append(out, k.Rotate)
		}
	}
	switch m.phase {
	case phaseSignIn:
		if m.sign != nil && m.sign.form != nil {
			out = append(out, m.sign.form.KeyBinds()...)
		}
		if m.sign != nil && m.sign.page == signWaiting && m.sign.prompt != nil && m.sign.prompt.URL != "" {
			if m.sign.opts.Open != nil {
				out = append(out, k.OpenURL)
			}
			out = append(out, k.CopyURL)
		}
		if m.signBusy() {
			out = append(out, k.Cancel)
		} else if _, ok := m.signPrevious(); ok {
			out = append(out, k.Back)
		}
		out = append(out, k.Quit)
	case phaseInput:
		if m.form != nil {
			out = append(out, m.form.KeyBinds()...)
		}
		if m.canBack() {
			out = append(out, k.Back)
		}
		out = append(out, k.Quit)
	case phaseFailed:
		out = append(out, k.Retry)
		if m.canBack() {
			out = append(out, k.BackFail)
		}
		out = append(out, k.QuitFail)
	case phaseDone:
		out = append(out, k.Finish)
	default:
		out = append(out, k.Quit)
	}
	return out
}

// scrollable reports whether part of the screen is cut and pgdown/pgup show it.
func (m Model) scrollable() bool {
	if m.handoffShown() {
		view, _ := m.handoffView(m.textWidth())
		return maxScroll(view, m.height-4) > 0
	}
	if m.phase != phaseInput && m.phase != phaseFailed && m.phase != phaseSignIn {
		return false
	}
	if !m.wide() {
		pw, _ := m.panelSize()
		title, pre, main := m.panel(pw)
		if lipgloss.Height(joinLines(title, pre, main)) <= m.height-chrome {
			return false // side by side, whole
		}
	}
	l := m.fullWidth()
	return maxScroll(l.text, l.room) > 0
}
