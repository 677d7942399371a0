package flows

import (
	"context"
	"slices"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// StepPreview is the wizard's look before anything is written: every setting with where its
// value comes from, what will be created or changed, and the role verdict as things stand.
const StepPreview = "preview"

// Where a setting's value comes from.
const (
	FromPreset   = "preset"
	FromAnswer   = "your answer"
	FromExisting = "the existing app"
	FromDefault  = "PingOne's default"
)

// Setting is one application setting as the setup will leave it, and where its value comes
// from (FromPreset, FromAnswer, FromExisting or FromDefault).
type Setting struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// Preview is what the setup would do, computed by a dry run of its writing steps before any of
// them runs.
type Preview struct {
	Settings []Setting   `json:"settings"`
	Changes  []Change    `json:"changes"`
	Report   *RoleReport `json:"roles,omitempty"`
	Findings []Finding   `json:"findings,omitempty"`
}

// previewSteps are the steps the preview runs dry: those that write, and the role check.
var previewSteps = []string{StepCreate, StepEnable, StepOIDC, StepScopes, StepAccess, StepRoles}

// Settings lists every application setting the plan controls, as the setup will leave it, with
// where its value comes from: the preset, the admin's answers (flags included), the existing app
// being updated (a setting the plan leaves alone), or PingOne's default (nothing sets it).
func Settings(s State) []Setting {
	preset, hasPreset := PresetByName(s.Plan.Preset)
	hasPreset = hasPreset && s.Plan.Preset != "custom"
	spec := s.Plan.Application
	out := []Setting{{Name: "name", Value: spec.Name, Source: FromAnswer}}
	if hasPreset && spec.Name == preset.App.Name {
		out[0].Source = FromPreset
	}
	var blank pingone.Application
	for _, f := range allFields {
		var set Setting
		switch {
		case f.InPlan(spec):
			want, _ := applyFields("", blank, spec, []field{f}, false)
			set = Setting{Name: f.Name, Value: f.Get(want), Source: FromAnswer}
			if hasPreset && f.InPlan(preset.App) {
				if p, _ := applyFields("", blank, preset.App, []field{f}, false); f.Get(p) == set.Value {
					set.Source = FromPreset
				}
			}
		case s.App != nil && s.App.ID != "":
			set = Setting{Name: f.Name, Value: f.Get(*s.App), Source: FromExisting}
		default:
			set = Setting{Name: f.Name, Source: FromDefault}
		}
		if set.Value == "" {
			set.Value = "(none)"
		}
		out = append(out, set)
	}
	if len(spec.Scopes) > 0 {
		src := FromAnswer
		if hasPreset && slices.Equal(sortedCopy(spec.Scopes), sortedCopy(preset.App.Scopes)) {
			src = FromPreset
		}
		out = append(out, Setting{Name: "scopes", Value: joinComma(spec.Scopes), Source: src})
	}
	return out
}

func joinComma(l []string) string {
	out := ""
	for i, v := range l {
		if i > 0 {
			out += ", "
		}
		out += v
	}
	return out
}

// preparePreview runs the writing steps and the role check dry, on a copy of the state.
func preparePreview(ctx context.Context, env Env, s State) (Result, error) {
	var steps []Step
	for _, st := range Steps() {
		if slices.Contains(previewSteps, st.ID) {
			steps = append(steps, st)
		}
	}
	env.DryRun, env.Interactive, env.Progress = true, false, nil
	before := len(s.Changes)
	dry, err := Run(ctx, env, steps, s)
	if err != nil {
		return nil, err
	}
	p := Preview{Settings: Settings(s), Changes: slices.Clone(dry.Changes[before:]), Report: dry.Report, Findings: dry.Findings}
	return func(s *State) { s.Preview = &p }, nil
}

// previewInputs ask for the go-ahead. Going back (esc) changes the answers; quitting (ctrl+c)
// changes nothing.
func previewInputs(s *State) []Input {
	return []Input{{
		Key: "preview", Kind: Select, Title: "Make these changes in PingOne?",
		Help:    "Nothing has been written yet. Enter makes them; esc goes back to change the answers; ctrl+c quits without changing anything.",
		Options: []Option{{Label: "Make these changes", Value: "go"}},
		Get:     func(*State) string { return "go" },
	}}
}
