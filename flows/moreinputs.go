package flows

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// The wizard's custom path sets the field table's settings (fieldtable.go) too: a "More
// settings" choice of those that apply to the app as it stands, then one question per chosen
// setting, each built from its row (kind, values, range, title, help, PingOne's default) and
// checked as a plan's value is.

// Steps of the custom path for the field table's settings.
const (
	StepMore       = "more-settings"
	StepMoreValues = "more-values"
)

// askable reports whether the wizard asks a setting as one question: the table-held settings,
// but CORS, whose behaviour and origins are two answers (a plan sets it).
func askable(st *Setting) bool { return !st.Typed && st.Kind != KindCORS }

// moreChoices are the settings the "More settings" question offers: askable, and applying to
// the app (Setting.Applies), in the table's order.
func moreChoices(a AppSpec) []*Setting {
	var out []*Setting
	for i := range Settings {
		st := &Settings[i]
		if askable(st) && (st.Applies == nil || st.Applies(a)) {
			out = append(out, st)
		}
	}
	return out
}

// moreChoiceInputs asks which of the field table's settings to set: those the plan already sets
// are chosen. A setting chosen afresh starts at PingOne's default, which its question shows.
func moreChoiceInputs(s *State) []Input {
	choices := moreChoices(s.Plan.Application)
	if len(choices) == 0 {
		return nil
	}
	opts := make([]Option, len(choices))
	for i, st := range choices {
		opts[i] = Option{Label: st.Title, Value: st.Key}
	}
	return []Input{{
		Key: "more", Title: "More settings", Kind: MultiSelect, Options: opts,
		Help: "Settings beyond the usual ones, for this app: choose any to set, each is asked next; choose none to leave them to PingOne's defaults.",
		Get: func(s *State) string {
			var on []string
			for _, st := range choices {
				if _, ok := s.Plan.Application.More[st.Key]; ok {
					on = append(on, st.Key)
				}
			}
			return strings.Join(on, ",")
		},
		Set: func(s *State, v string) error {
			chosen := Split(v)
			a := &s.Plan.Application
			more := make(map[string]any, len(a.More)+len(chosen))
			for k, x := range a.More {
				more[k] = x
			}
			for _, st := range choices {
				_, had := more[st.Key]
				switch on := slices.Contains(chosen, st.Key); {
				case on && !had:
					more[st.Key] = startValue(st)
				case !on && had:
					delete(more, st.Key)
				}
			}
			a.More = more
			return nil
		},
	}}
}

// startValue is a setting's value before its question is answered: PingOne's default when the
// table knows it, else empty.
func startValue(st *Setting) any {
	if st.Default != "" {
		if v, err := st.parseText(st.Default); err == nil {
			return v
		}
	}
	switch st.Kind {
	case KindBool:
		return false
	case KindInt:
		return st.Min
	case KindURLs, KindEnums:
		return []string{}
	}
	return ""
}

// moreValueInputs ask the value of each askable field-table setting the plan holds, in the
// table's order.
func moreValueInputs(s *State) []Input {
	var out []Input
	for i := range Settings {
		st := &Settings[i]
		if _, ok := s.Plan.Application.More[st.Key]; ok && askable(st) {
			out = append(out, moreInput(st))
		}
	}
	return out
}

// moreInput is the question of one field-table setting, built from its row.
func moreInput(st *Setting) Input {
	help := st.Help
	switch {
	case st.Kind == KindInt:
		help = strings.TrimSpace(fmt.Sprintf("%s (%d to %d)", help, st.Min, st.Max))
	case st.Kind == KindURLs:
		help = strings.TrimSpace(help + " Several: separate them with commas.")
	}
	if st.Default != "" {
		help = strings.TrimSpace(help + " PingOne's default: " + st.Default + ".")
	}
	parse := func(v string) (any, error) {
		x, err := st.parseText(v)
		if err != nil {
			return nil, err
		}
		if l, ok := x.([]string); ok && len(l) == 0 {
			return nil, fmt.Errorf("empty: give at least one, or leave %s out of More settings", st.Title)
		}
		if str, ok := x.(string); ok && strings.TrimSpace(str) == "" {
			return nil, fmt.Errorf("empty: give a value, or leave %s out of More settings", st.Title)
		}
		if str, ok := x.(string); ok {
			x = strings.TrimSpace(str)
		}
		return x, st.checkValue(x)
	}
	in := Input{
		Key: "more." + st.Key, Title: st.Title, Help: help,
		Get: func(s *State) string {
			switch x := s.Plan.Application.More[st.Key].(type) {
			case []string:
				return strings.Join(x, ",")
			case bool:
				return strconv.FormatBool(x)
			case int:
				return strconv.Itoa(x)
			case string:
				return x
			}
			return ""
		},
		Validate: func(v string) error { _, err := parse(v); return err },
		Set: func(s *State, v string) error {
			x, err := parse(v)
			if err != nil {
				return err
			}
			more := maps.Clone(s.Plan.Application.More) // the Back stack's states share the old map
			more[st.Key] = x
			s.Plan.Application.More = more
			return nil
		},
	}
	switch st.Kind {
	case KindBool:
		in.Kind, in.Validate = Confirm, nil
	case KindEnum:
		in.Kind, in.Options = Select, options(st.Enum...)
	case KindEnums:
		in.Kind, in.Options = MultiSelect, options(st.Enum...)
	default:
		in.Kind = Text
	}
	return in
}
