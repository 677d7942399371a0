package flows

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func options(values ...string) []Option {
	out := make([]Option, len(values))
	for i, v := range values {
		out[i] = Option{Label: v, Value: v}
	}
	return out
}

// Summary lists the settings of an app spec, one "name: value" line each, for review screens.
func Summary(a AppSpec) []string {
	app := NewApplication(a)
	var out []string
	for _, f := range allFields {
		if v := f.Get(app); v != "" && f.InPlan(a) {
			out = append(out, fmt.Sprintf("%s: %s", f.Name, v))
		}
	}
	if ga := a.GroupAccess; ga != nil {
		out = append(out, fmt.Sprintf("groupAccess: %s of %s", ga.policyType(), strings.Join(ga.Groups, ", ")))
	}
	if len(a.SignOnPolicies) > 0 {
		out = append(out, "signOnPolicies: "+strings.Join(a.SignOnPolicies, ", "))
	}
	if len(a.Scopes) > 0 {
		out = append(out, "scopes: "+strings.Join(a.Scopes, ", "))
	}
	return out
}

// reviewInputs show the preset's settings and ask whether to keep them.
func reviewInputs(s *State) []Input {
	return []Input{{
		Key: "review", Kind: Select,
		Title: fmt.Sprintf("The %s preset sets:", s.Plan.Preset),
		Help:  strings.Join(append([]string{"name: " + s.Plan.Application.Name}, Summary(s.Plan.Application)...), "\n"),
		Options: []Option{
			{Label: "Use these settings", Value: "use"},
			{Label: "Change them one by one (the name too)", Value: "edit"},
		},
		Get: func(s *State) string {
			if s.EditSettings {
				return "edit"
			}
			return "use"
		},
		Set: func(s *State, v string) error { s.EditSettings = v == "edit"; return nil },
	}}
}

// settingsInputs are the OIDC, refresh token, access and scope questions, prefilled by the preset
// and all editable. Each says what the setting does and what PingOne does by default.
func settingsInputs(s *State) []Input {
	a := func(s *State) *AppSpec { return &s.Plan.Application }
	in := []Input{
		{
			Key: "grantTypes", Title: settingTitle("grantTypes"), Kind: MultiSelect, Options: options(GrantTypes...),
			Help: settingHelp("grantTypes"),
			Get:  func(s *State) string { return strings.Join(a(s).GrantTypes, ",") },
			Set: func(s *State, v string) error {
				g := Split(v)
				if len(g) == 0 {
					return fmt.Errorf("choose at least one grant type")
				}
				a(s).GrantTypes = g
				return nil
			},
		},
		{
			Key: "responseTypes", Title: settingTitle("responseTypes"), Kind: MultiSelect, Options: options(ResponseTypes...),
			Help: settingHelp("responseTypes"),
			Get:  func(s *State) string { return strings.Join(a(s).ResponseTypes, ",") },
			Set:  func(s *State, v string) error { a(s).ResponseTypes = Split(v); return nil },
		},
		{
			Key: "pkceEnforcement", Title: settingTitle("pkceEnforcement"), Kind: Select, Options: options(PKCEOptions...),
			Help: settingHelp("pkceEnforcement"),
			Get:  func(s *State) string { return a(s).PKCEEnforcement },
			Set:  func(s *State, v string) error { a(s).PKCEEnforcement = v; return nil },
		},
		{
			Key: "tokenEndpointAuthMethod", Title: settingTitle("tokenEndpointAuthMethod"), Kind: Select, Options: options(AuthMethods...),
			Help: settingHelp("tokenEndpointAuthMethod"),
			Get:  func(s *State) string { return a(s).TokenEndpointAuthMethod },
			Set:  func(s *State, v string) error { a(s).TokenEndpointAuthMethod = v; return nil },
		},
		{
			Key: "redirectUris", Title: settingTitle("redirectUris"), Kind: Text,
			Help: settingHelp("redirectUris"),
			Get:  func(s *State) string { return strings.Join(a(s).RedirectURIs, ", ") },
			Validate: func(v string) error {
				for _, u := range Split(v) {
					if _, err := ValidateRedirectURI(u); err != nil {
						return err
					}
				}
				return nil
			},
			Warn: func(v string) string {
				for _, u := range Split(v) {
					if w, _ := ValidateRedirectURI(u); w != "" {
						return w
					}
				}
				return ""
			},
			Set: func(s *State, v string) error { a(s).RedirectURIs = Split(v); return nil },
		},
	}
	in = append(in, durationInput("refreshTokenDuration", settingTitle("refreshTokenDuration"), settingHelp("refreshTokenDuration"),
		func(s *AppSpec) **Duration { return &s.RefreshTokenDuration }, func(d Duration) error { return ValidateRefreshDuration("the refresh token lifetime", d) }))
	in = append(in, durationInput("refreshTokenRollingDuration", settingTitle("refreshTokenRollingDuration"), settingHelp("refreshTokenRollingDuration"),
		func(s *AppSpec) **Duration { return &s.RefreshTokenRollingDuration }, func(d Duration) error { return ValidateRefreshDuration("the rolling lifetime", d) }))
	in = append(in, durationInput("refreshTokenRollingGracePeriodDuration", settingTitle("refreshTokenRollingGracePeriodDuration"), settingHelp("refreshTokenRollingGracePeriodDuration"),
		func(s *AppSpec) **Duration { return &s.RefreshTokenRollingGracePeriodDuration }, ValidateGracePeriod))
	in = append(in,
		Input{
			Key: "adminOnly", Title: settingTitle("adminOnly"), Kind: Confirm,
			Help: settingHelp("adminOnly"),
			Get:  func(s *State) string { return strconv.FormatBool(a(s).AdminOnly != nil && *a(s).AdminOnly) },
			Set:  func(s *State, v string) error { b := v == "true"; a(s).AdminOnly = &b; return nil },
		},
		Input{
			Key: "scopes", Title: settingTitle("scopes"), Kind: MultiSelect, Options: options(OpenIDScopes...),
			Help: settingHelp("scopes"),
			Get:  func(s *State) string { return strings.Join(a(s).Scopes, ",") },
			Set:  func(s *State, v string) error { a(s).Scopes = Split(v); return nil },
		},
		Input{
			Key: "review", Title: "Use these settings?", Kind: Confirm,
			Get: func(s *State) string { return "true" },
			Set: func(s *State, v string) error {
				if v != "true" {
					return fmt.Errorf("change the settings above (shift+tab goes back through them), then confirm")
				}
				if errs := consistency(s.Plan.Application); len(errs) > 0 {
					return fmt.Errorf("%s", errs[0].Message)
				}
				if d, r := a(s).RefreshTokenDuration, a(s).RefreshTokenRollingDuration; d != nil && r != nil && *d > *r {
					return fmt.Errorf("the refresh token lifetime (%s) is longer than the rolling lifetime (%s)", d, r)
				}
				return nil
			},
		},
	)
	// Settings the grant types make irrelevant are not asked.
	user := RolesGoToFor(s.Plan.Application.GrantTypes) == RolesToUser
	refresh := slices.Contains(s.Plan.Application.GrantTypes, pingone.GrantRefreshToken)
	return slices.DeleteFunc(in, func(i Input) bool {
		switch i.Key {
		case "responseTypes", "pkceEnforcement", "redirectUris", "scopes":
			return !user
		case "refreshTokenDuration", "refreshTokenRollingDuration", "refreshTokenRollingGracePeriodDuration":
			return !refresh
		}
		return false
	})
}

func durationInput(key, title, help string, field func(*AppSpec) **Duration, check func(Duration) error) Input {
	return Input{
		Key: key, Title: title, Help: help, Kind: Text,
		Get: func(s *State) string {
			if d := *field(&s.Plan.Application); d != nil {
				return d.String()
			}
			return ""
		},
		Validate: func(v string) error {
			if strings.TrimSpace(v) == "" {
				return nil
			}
			d, err := ParseDuration(v)
			if err != nil {
				return err
			}
			return check(d)
		},
		Set: func(s *State, v string) error {
			if strings.TrimSpace(v) == "" {
				*field(&s.Plan.Application) = nil
				return nil
			}
			d, err := ParseDuration(v)
			if err == nil {
				err = check(d)
			}
			if err != nil {
				return err
			}
			*field(&s.Plan.Application) = &d
			return nil
		},
	}
}
