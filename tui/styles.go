package tui

import "github.com/charmbracelet/lipgloss"

// styles are the wizard's looks. Every state also has a glyph (✓ › · – ✗ ⚠), so nothing depends
// on colour: with NO_COLOR (or a dumb terminal) lipgloss drops the colours and the text stays.
type styles struct {
	Brand   lipgloss.Style
	Faint   lipgloss.Style
	Title   lipgloss.Style
	Done    lipgloss.Style
	Current lipgloss.Style
	Todo    lipgloss.Style
	Skipped lipgloss.Style
	OK      lipgloss.Style
	Error   lipgloss.Style
	Warn    lipgloss.Style
	Label   lipgloss.Style
	Value   lipgloss.Style
}

func newStyles() styles {
	green := lipgloss.AdaptiveColor{Light: "#027A48", Dark: "#32D583"}
	red := lipgloss.AdaptiveColor{Light: "#B42318", Dark: "#F97066"}
	amber := lipgloss.AdaptiveColor{Light: "#B54708", Dark: "#FDB022"}
	accent := lipgloss.AdaptiveColor{Light: "#B00020", Dark: "#FF6B6B"}
	faint := lipgloss.AdaptiveColor{Light: "#667085", Dark: "#98A2B3"}
	return styles{
		Brand:   lipgloss.NewStyle().Bold(true).Foreground(accent),
		Faint:   lipgloss.NewStyle().Foreground(faint),
		Title:   lipgloss.NewStyle().Bold(true),
		Done:    lipgloss.NewStyle().Foreground(green),
		Current: lipgloss.NewStyle().Bold(true),
		Todo:    lipgloss.NewStyle().Foreground(faint),
		Skipped: lipgloss.NewStyle().Foreground(faint).Strikethrough(true),
		OK:      lipgloss.NewStyle().Foreground(green),
		Error:   lipgloss.NewStyle().Foreground(red),
		Warn:    lipgloss.NewStyle().Foreground(amber),
		Label:   lipgloss.NewStyle().Foreground(faint),
		Value:   lipgloss.NewStyle().Bold(true),
	}
}
