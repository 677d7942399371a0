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

// SettingSource is one application setting as the setup will leave it, and where its value
// comes from (FromPreset, FromAnswer, FromExisting or FromDefault).
type SettingSource struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// Preview is what the setup would do, computed by a dry run of its writing steps before any of
// them runs.
type Preview struct {
	Settings []SettingSource `json:"settings"`
	// Unset are the settings nothing sets and whose PingOne default is none or not known.
	Unset    []string    `json:"unset,omitempty"`
	Changes  []Change    `json:"changes"`
	Report   *RoleReport `json:"roles,omitempty"`
	Findings []Finding   `json:"findings,omitempty"`
}

// previewSteps are the steps the preview runs dry: those that write, and the role check.
var previewSteps = []string{StepCreate, StepEnable, StepOIDC, StepScopes, StepAccess, StepRoles}

// SettingSources lists the application settings that apply to the plan, as the setup will leave
// them, with where each value comes from: the preset, the admin's answers (flags included), the
// existing app being updated (a setting the plan leaves alone), or PingOne's default (nothing
// sets it; the field table's Default says what that is). unset are the settings left to
// PingOne with no default known.
func SettingSources(s State) (out []SettingSource, unset []string) {
	preset, hasPreset := PresetByName(s.Plan.Preset)
	hasPreset = hasPreset && s.Plan.Preset != "custom"
	spec := s.Plan.Application
	name := SettingSource{Name: "name", Value: spec.Name, Source: FromAnswer}
	if hasPreset && spec.Name == preset.App.Name {
		name.Source = FromPreset
	}
	out = append(out, name)
	var blank pingone.Application
	for _, f := range allFields {
		row, inTable := settingRow(f.Name)
		if inTable && row.Applies != nil && !row.Applies(spec) {
			continue // e.g. jwksUrl without PRIVATE_KEY_JWT
		}
		var set SettingSource
		switch {
		case f.InPlan(spec):
			want, _ := applyFields("", blank, spec, []field{f}, false)
			set = SettingSource{Name: f.Name, Value: f.Get(want), Source: FromAnswer}
			if hasPreset && f.InPlan(preset.App) {
				if p, _ := applyFields("", blank, preset.App, []field{f}, false); f.Get(p) == set.Value {
					set.Source = FromPreset
				}
			}
		case s.App != nil && s.App.ID != "" && f.Get(*s.App) != "":
			set = SettingSource{Name: f.Name, Value: f.Get(*s.App), Source: FromExisting}
		case inTable && row.Default != "":
			set = SettingSource{Name: f.Name, Value: row.Default, Source: FromDefault}
		default:
			unset = append(unset, f.Name)
			continue
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
		out = append(out, SettingSource{Name: "scopes", Value: joinComma(spec.Scopes), Source: src})
	}
	return out, unset
}

// settingRow is the field table's row of a setting.
func settingRow(key string) (Setting, bool) {
	for _, r := range Settings {
		if r.Key == key {
			return r, true
		}
	}
	return Setting{}, false
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
	settings, unset := SettingSources(s)
	p := Preview{Settings: settings, Unset: unset, Changes: slices.Clone(dry.Changes[before:]), Report: dry.Report, Findings: dry.Findings}
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
