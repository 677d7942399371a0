package flows

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Plan is what a setup must reach: the plan file of product.md, whose keys mirror the PingOne API.
// The wizard builds one from the admin's answers; `apply` reads one from YAML.
type Plan struct {
	// Preset fills every field the plan does not set itself.
	Preset string `yaml:"preset,omitempty" json:"preset,omitempty"`
	// EnvironmentID is the target environment; empty means the sign-in environment.
	EnvironmentID string `yaml:"environmentId,omitempty" json:"environmentId,omitempty"`
	// Application is the Worker application to create or update.
	Application AppSpec `yaml:"application" json:"application"`
	// UserRoleAssignments are roles the user who will sign in must hold.
	UserRoleAssignments []UserRoleAssignment `yaml:"userRoleAssignments,omitempty" json:"userRoleAssignments,omitempty"`
	// Capabilities lists what the connector calls (ids of the capability catalogue); empty means
	// the preset's list.
	Capabilities []string `yaml:"capabilities,omitempty" json:"capabilities,omitempty"`
	// SignInUser is the username or email of the user who will sign in through the app, for
	// presets whose roles go to the signing-in user; empty means the admin running the setup.
	SignInUser string `yaml:"signInUser,omitempty" json:"signInUser,omitempty"`
	// Roles says what apply does when the role check proposes a fix: "check" (the default) only
	// reports it; "fix" assigns the proposed roles, as the wizard's "Assign them" does.
	Roles string `yaml:"roles,omitempty" json:"roles,omitempty"`
}

// Values of Plan.Roles.
const (
	RolesCheck = "check"
	RolesFix   = "fix"
)

// AppSpec is the desired Worker application. Nil pointers and empty lists mean "not set": the
// preset (or PingOne's default) applies.
type AppSpec struct {
	Name                                   string           `yaml:"name" json:"name"`
	Description                            string           `yaml:"description,omitempty" json:"description,omitempty"`
	Enabled                                *bool            `yaml:"enabled,omitempty" json:"enabled,omitempty"`
	GrantTypes                             []string         `yaml:"grantTypes,omitempty" json:"grantTypes,omitempty"`
	ResponseTypes                          []string         `yaml:"responseTypes,omitempty" json:"responseTypes,omitempty"`
	PKCEEnforcement                        string           `yaml:"pkceEnforcement,omitempty" json:"pkceEnforcement,omitempty"`
	TokenEndpointAuthMethod                string           `yaml:"tokenEndpointAuthMethod,omitempty" json:"tokenEndpointAuthMethod,omitempty"`
	RedirectURIs                           []string         `yaml:"redirectUris,omitempty" json:"redirectUris,omitempty"`
	RefreshTokenDuration                   *Duration        `yaml:"refreshTokenDuration,omitempty" json:"refreshTokenDuration,omitempty"`
	RefreshTokenRollingDuration            *Duration        `yaml:"refreshTokenRollingDuration,omitempty" json:"refreshTokenRollingDuration,omitempty"`
	RefreshTokenRollingGracePeriodDuration *Duration        `yaml:"refreshTokenRollingGracePeriodDuration,omitempty" json:"refreshTokenRollingGracePeriodDuration,omitempty"`
	AdminOnly                              *bool            `yaml:"adminOnly,omitempty" json:"adminOnly,omitempty"`
	Scopes                                 []string         `yaml:"scopes,omitempty" json:"scopes,omitempty"`
	RoleAssignments                        []RoleAssignment `yaml:"roleAssignments,omitempty" json:"roleAssignments,omitempty"`
	// AssignActorRoles lets the new worker inherit its creator's roles. Off unless asked: least
	// privilege.
	AssignActorRoles bool `yaml:"assignActorRoles,omitempty" json:"assignActorRoles,omitempty"`
}

// RoleAssignment names a role and where it applies: "environment" (the target environment),
// "organization", or "population:<id>".
type RoleAssignment struct {
	Role  string `yaml:"role" json:"role"`
	Scope string `yaml:"scope" json:"scope"`
}

// UserRoleAssignment is a role the named user (username or email) must hold.
type UserRoleAssignment struct {
	User  string `yaml:"user" json:"user"`
	Role  string `yaml:"role" json:"role"`
	Scope string `yaml:"scope" json:"scope"`
}

// Duration is a number of seconds, written in a plan either as an integer or as "30d", "12h",
// "90m" or "45s".
type Duration int

// Seconds returns d as a plain int of seconds.
func (d Duration) Seconds() int { return int(d) }

// String renders d the short way when it is a whole number of days or hours.
func (d Duration) String() string {
	switch {
	case d != 0 && d%86400 == 0:
		return fmt.Sprintf("%dd", int(d)/86400)
	case d != 0 && d%3600 == 0:
		return fmt.Sprintf("%dh", int(d)/3600)
	default:
		return strconv.Itoa(int(d))
	}
}

// ParseDuration reads "2592000", "30d", "12h", "90m" or "45s": digits only, then at most one unit.
// It refuses anything longer than MaxRefreshDuration (2147483647 seconds, about 68 years), the
// most PingOne accepts for any refresh token duration, so no value overflows on its way there.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("the duration is empty: give seconds or a number followed by d, h, m or s (e.g. 30d)")
	}
	num, unit := s, uint64(1)
	if u, ok := durationUnits[s[len(s)-1]]; ok {
		num, unit = s[:len(s)-1], u
	}
	if strings.HasPrefix(num, "-") {
		return 0, fmt.Errorf("duration %q is negative", s)
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("duration %q: use seconds or a number followed by d, h, m or s (e.g. 30d)", s)
	}
	if err != nil || n > MaxRefreshDuration/unit {
		return 0, fmt.Errorf("duration %q is too long: PingOne accepts at most %d seconds (about 68 years)", s, MaxRefreshDuration)
	}
	return Duration(n * unit), nil
}

// durationUnits are the seconds of each unit letter ParseDuration accepts.
var durationUnits = map[byte]uint64{'d': 86400, 'h': 3600, 'm': 60, 's': 1}

// UnmarshalYAML accepts an integer or a "30d"-style string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalYAML writes the short form.
func (d Duration) MarshalYAML() (any, error) {
	if s := d.String(); strings.ContainsAny(s, "dh") {
		return s, nil
	}
	return int(d), nil
}

// Problem is one thing wrong with a plan, at a line of its file when it came from one.
type Problem struct {
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", p.Line, p.Field, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.Field, p.Message)
}

// PlanError lists every problem of a plan at once.
type PlanError struct{ Problems []Problem }

func (e *PlanError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "  " + p.String()
	}
	return fmt.Sprintf("the plan has %d problem(s):\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// ParsePlan reads a YAML plan, applies its preset, and validates it, reporting every problem with
// its line. Unknown keys are problems too: a misspelt key must not be silently ignored.
func ParsePlan(data []byte) (Plan, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return Plan{}, &PlanError{Problems: []Problem{{Field: "plan", Message: yamlMessage(err), Line: yamlLine(err)}}}
	}
	lines := map[string]int{}
	var problems []Problem
	if len(root.Content) > 0 {
		collectLines(root.Content[0], "", lines)
		problems = append(problems, unknownKeys(root.Content[0], "", planKeys)...)
	}
	var p Plan
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&p); err != nil {
		problems = append(problems, decodeProblems(err)...)
	}
	if len(problems) > 0 {
		return p, &PlanError{Problems: problems}
	}
	p, err := p.WithPreset()
	if err != nil {
		line := lines["preset"]
		return p, &PlanError{Problems: []Problem{{Line: line, Field: "preset", Message: err.Error()}}}
	}
	if errs := p.Validate(); len(errs) > 0 {
		for i := range errs {
			errs[i].Line = lines[errs[i].Field]
		}
		return p, &PlanError{Problems: errs}
	}
	return p, nil
}

// planKeys is the schema of keys a plan may hold, for the unknown-key check.
var planKeys = map[string]any{
	"preset": nil, "environmentId": nil, "capabilities": nil, "signInUser": nil, "roles": nil,
	"application": map[string]any{
		"name": nil, "description": nil, "enabled": nil, "grantTypes": nil, "responseTypes": nil,
		"pkceEnforcement": nil, "tokenEndpointAuthMethod": nil, "redirectUris": nil,
		"refreshTokenDuration": nil, "refreshTokenRollingDuration": nil,
		"refreshTokenRollingGracePeriodDuration": nil, "adminOnly": nil, "scopes": nil,
		"assignActorRoles": nil,
		"roleAssignments":  []any{map[string]any{"role": nil, "scope": nil}},
	},
	"userRoleAssignments": []any{map[string]any{"user": nil, "role": nil, "scope": nil}},
}

func unknownKeys(n *yaml.Node, path string, schema any) []Problem {
	var out []Problem
	switch s := schema.(type) {
	case map[string]any:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			sub, ok := s[k.Value]
			field := joinPath(path, k.Value)
			if !ok {
				out = append(out, Problem{Line: k.Line, Field: field, Message: "unknown key" + suggest(k.Value, s)})
				continue
			}
			out = append(out, unknownKeys(v, field, sub)...)
		}
	case []any:
		if n.Kind != yaml.SequenceNode {
			return nil
		}
		for i, item := range n.Content {
			out = append(out, unknownKeys(item, fmt.Sprintf("%s[%d]", path, i), s[0])...)
		}
	}
	return out
}

func suggest(key string, known map[string]any) string {
	names := make([]string, 0, len(known))
	for k := range known {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if strings.EqualFold(k, key) || strings.EqualFold(k, key+"s") || strings.EqualFold(k+"s", key) {
			return fmt.Sprintf(" (did you mean %q?)", k)
		}
	}
	return ""
}

func collectLines(n *yaml.Node, path string, lines map[string]int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			field := joinPath(path, n.Content[i].Value)
			lines[field] = n.Content[i].Line
			collectLines(n.Content[i+1], field, lines)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			field := fmt.Sprintf("%s[%d]", path, i)
			lines[field] = item.Line
			collectLines(item, field, lines)
		}
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func decodeProblems(err error) []Problem {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		out := make([]Problem, 0, len(te.Errors))
		for _, e := range te.Errors {
			out = append(out, Problem{Field: "plan", Message: yamlMessage(fmt.Errorf("%s", e)), Line: yamlLine(fmt.Errorf("%s", e))})
		}
		return out
	}
	return []Problem{{Field: "plan", Message: yamlMessage(err), Line: yamlLine(err)}}
}

// yamlLine pulls "line N" out of a yaml.v3 message.
func yamlLine(err error) int {
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		rest := msg[i+5:]
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		n, _ := strconv.Atoi(rest[:j])
		return n
	}
	return 0
}

func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "line ") {
		msg = msg[i+2:]
	}
	return msg
}

// WithPreset fills every field the plan leaves unset from its preset (if any). The plan's own
// values always win.
func (p Plan) WithPreset() (Plan, error) {
	if p.Preset == "" {
		return p, nil
	}
	pr, ok := PresetByName(p.Preset)
	if !ok {
		return p, fmt.Errorf("unknown preset %q (choose one of %s)", p.Preset, strings.Join(PresetNames(), ", "))
	}
	d := pr.App
	a := &p.Application
	if a.Name == "" {
		a.Name = d.Name
	}
	if a.Description == "" {
		a.Description = d.Description
	}
	if a.Enabled == nil {
		a.Enabled = d.Enabled
	}
	if a.GrantTypes == nil {
		a.GrantTypes = d.GrantTypes
	}
	if a.ResponseTypes == nil {
		a.ResponseTypes = d.ResponseTypes
	}
	if a.PKCEEnforcement == "" {
		a.PKCEEnforcement = d.PKCEEnforcement
	}
	if a.TokenEndpointAuthMethod == "" {
		a.TokenEndpointAuthMethod = d.TokenEndpointAuthMethod
	}
	if a.RedirectURIs == nil {
		a.RedirectURIs = d.RedirectURIs
	}
	if a.RefreshTokenDuration == nil {
		a.RefreshTokenDuration = d.RefreshTokenDuration
	}
	if a.RefreshTokenRollingDuration == nil {
		a.RefreshTokenRollingDuration = d.RefreshTokenRollingDuration
	}
	if a.RefreshTokenRollingGracePeriodDuration == nil {
		a.RefreshTokenRollingGracePeriodDuration = d.RefreshTokenRollingGracePeriodDuration
	}
	if a.AdminOnly == nil {
		a.AdminOnly = d.AdminOnly
	}
	if a.Scopes == nil {
		a.Scopes = d.Scopes
	}
	if len(p.Capabilities) == 0 {
		p.Capabilities = pr.Capabilities
	}
	return p, nil
}

// MarshalYAML-friendly helpers.

// Bool returns a pointer to b, for plan literals.
func Bool(b bool) *bool { return &b }

// Seconds returns a pointer to a Duration of n seconds, for plan literals.
func Seconds(n int) *Duration { d := Duration(n); return &d }

// days is a Duration of n days.
func days(n int) *Duration { return Seconds(n * int(24*time.Hour/time.Second)) }
