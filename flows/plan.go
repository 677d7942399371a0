package flows

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/pingone-setup/pingone-setup/pingone"
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
	Name                                   string    `yaml:"name" json:"name"`
	Description                            string    `yaml:"description,omitempty" json:"description,omitempty"`
	Enabled                                *bool     `yaml:"enabled,omitempty" json:"enabled,omitempty"`
	GrantTypes                             []string  `yaml:"grantTypes,omitempty" json:"grantTypes,omitempty"`
	ResponseTypes                          []string  `yaml:"responseTypes,omitempty" json:"responseTypes,omitempty"`
	PKCEEnforcement                        string    `yaml:"pkceEnforcement,omitempty" json:"pkceEnforcement,omitempty"`
	TokenEndpointAuthMethod                string    `yaml:"tokenEndpointAuthMethod,omitempty" json:"tokenEndpointAuthMethod,omitempty"`
	RedirectURIs                           []string  `yaml:"redirectUris,omitempty" json:"redirectUris,omitempty"`
	RefreshTokenDuration                   *Duration `yaml:"refreshTokenDuration,omitempty" json:"refreshTokenDuration,omitempty"`
	RefreshTokenRollingDuration            *Duration `yaml:"refreshTokenRollingDuration,omitempty" json:"refreshTokenRollingDuration,omitempty"`
	RefreshTokenRollingGracePeriodDuration *Duration `yaml:"refreshTokenRollingGracePeriodDuration,omitempty" json:"refreshTokenRollingGracePeriodDuration,omitempty"`
	AdminOnly                              *bool     `yaml:"adminOnly,omitempty" json:"adminOnly,omitempty"`
	// GroupAccess admits only members of the named groups (the console's Access tab, group
	// membership policy: accessControl.group, the names resolved to IDs before anything is
	// written).
	GroupAccess *GroupAccess `yaml:"groupAccess,omitempty" json:"groupAccess,omitempty"`
	// SignOnPolicies are the app's sign-on policies by name, first evaluated first (the console's
	// Policies tab; priority 1, 2, ...). Unset leaves the app's as they are; PingOne's default
	// policy applies to an app that has none.
	SignOnPolicies  []string         `yaml:"signOnPolicies,omitempty" json:"signOnPolicies,omitempty"`
	Scopes          []string         `yaml:"scopes,omitempty" json:"scopes,omitempty"`
	RoleAssignments []RoleAssignment `yaml:"roleAssignments,omitempty" json:"roleAssignments,omitempty"`
	// AssignActorRoles lets the new worker inherit its creator's roles. Off unless asked: least
	// privilege.
	AssignActorRoles bool `yaml:"assignActorRoles,omitempty" json:"assignActorRoles,omitempty"`
	// More holds the settings of the field table (fieldtable.go) the plan sets, by their API
	// names, beside the keys above: string, bool, int or []string values.
	More map[string]any `yaml:",inline" json:"-"`
}

// MarshalJSON writes the table-held settings beside the typed ones, as a plan file has them.
func (a AppSpec) MarshalJSON() ([]byte, error) {
	type plain AppSpec
	b, err := json.Marshal(plain(a))
	if err != nil || len(a.More) == 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range a.More {
		if m[k], err = json.Marshal(v); err != nil {
			return nil, err
		}
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads what MarshalJSON writes; a key that is neither typed nor in the table is
// an error, as in a plan file.
func (a *AppSpec) UnmarshalJSON(b []byte) error {
	type plain AppSpec
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	typed := planFields(reflect.TypeFor[AppSpec]()).index
	for k, raw := range m {
		if _, ok := typed[k]; ok {
			continue
		}
		s, ok := settingIndex[k]
		if !ok {
			return fmt.Errorf("application: unknown key %q", k)
		}
		var v any
		var err error
		switch s.Kind {
		case KindBool:
			var x bool
			err, v = json.Unmarshal(raw, &x), x
		case KindInt:
			var x int
			err, v = json.Unmarshal(raw, &x), x
		case KindURLs, KindEnums:
			var x []string
			err, v = json.Unmarshal(raw, &x), x
		case KindCORS:
			var x CORSSettings
			err, v = json.Unmarshal(raw, &x), x
		default:
			var x string
			err, v = json.Unmarshal(raw, &x), x
		}
		if err != nil {
			return fmt.Errorf("application.%s: %w", k, err)
		}
		if p.More == nil {
			p.More = map[string]any{}
		}
		p.More[k] = v
	}
	*a = AppSpec(p)
	return nil
}

// GroupAccess is a group membership policy: Type ANY_GROUP (a member of one of the groups may
// sign in; the default) or ALL_GROUPS (of every one), Groups by name (or ID).
type GroupAccess struct {
	Type   string   `yaml:"type,omitempty" json:"type,omitempty"`
	Groups []string `yaml:"groups" json:"groups"`
}

// policyType is Type, or ANY_GROUP when left out.
func (g GroupAccess) policyType() string {
	if g.Type == "" {
		return pingone.GroupPolicyAnyGroup
	}
	return g.Type
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

// maxShownProblems caps the lines of PlanError.Error: past that, a plan is not what it should be
// and a screenful says so as well as a million lines would.
const maxShownProblems = 50

func (e *PlanError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the plan has %d problem(s):", len(e.Problems))
	for i, p := range e.Problems {
		if i == maxShownProblems {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Problems)-i)
			break
		}
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// ParsePlan reads a YAML plan, applies its preset, and validates it, reporting every problem with
// its line and field in a *PlanError. Unknown keys are problems too: a misspelt key must not be
// silently ignored. It drops the plan's warnings: ParsePlanWarnings returns them.
func ParsePlan(data []byte) (Plan, error) {
	p, _, err := ParsePlanWarnings(data)
	return p, err
}

// ParsePlanWarnings is ParsePlan that also returns the plan's warnings (see Plan.Warnings), each
// with its line. Problems come in two rounds: first the file's shape (YAML syntax, unknown or
// repeated keys, a value of the wrong type), then, once the shape is right, the values.
//
// The work is linear in the size of the file: keys are checked against the Plan type as the
// YAML tree is walked once, and an alias (*name) may not make that walk more than twice as long
// as the file, so an alias bomb is refused at once.
func ParsePlanWarnings(data []byte) (Plan, []Problem, error) {
	root, problems := parseYAML(data)
	if len(problems) > 0 {
		return Plan{}, nil, &PlanError{Problems: problems}
	}
	d := planDecoder{lines: map[string]int{}, budget: 2*len(data) + 1000}
	var p Plan
	d.decode(root, "", reflect.ValueOf(&p).Elem())
	if len(d.problems) > 0 {
		return p, nil, &PlanError{Problems: d.problems}
	}
	// An empty name must not quietly become the preset's.
	_, named := d.lines["application.name"]
	emptyName := named && p.Application.Name == ""
	if emptyName {
		problems = append(problems, Problem{Line: d.lines["application.name"], Field: "application.name",
			Message: "the name is empty: give the application a name, or remove the key to use the preset's"})
	}
	p, err := p.WithPreset()
	if err != nil {
		return p, nil, &PlanError{Problems: []Problem{{Line: d.lines["preset"], Field: "preset", Message: err.Error()}}}
	}
	for _, pr := range d.atLines(p.Validate()) {
		if !(emptyName && pr.Field == "application.name") {
			problems = append(problems, pr)
		}
	}
	if len(problems) > 0 {
		return p, nil, &PlanError{Problems: problems}
	}
	return p, d.atLines(p.Warnings()), nil
}

// parseYAML reads the one YAML document of a plan file into a tree, without decoding it.
func parseYAML(data []byte) (*yaml.Node, []Problem) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	err := dec.Decode(&root)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, []Problem{syntaxProblem(err, data)}
	}
	if errors.Is(err, io.EOF) || isNull(&root) {
		return nil, []Problem{{Field: "plan", Message: fmt.Sprintf(
			"the plan is empty: it needs at least a preset (preset: one of %s) or an application: section", strings.Join(PresetNames(), ", "))}}
	}
	for {
		var next yaml.Node
		switch err := dec.Decode(&next); {
		case errors.Is(err, io.EOF):
			return &root, nil
		case err != nil:
			return nil, []Problem{syntaxProblem(err, data)}
		case !isNull(&next):
			return nil, []Problem{{Line: next.Line, Field: "plan", Message: "a second YAML document starts here (after ---): a plan file holds one"}}
		}
	}
}

// syntaxProblem turns a yaml.v3 parse error ("yaml: line 3: did not find expected key") into a
// Problem at that line.
func syntaxProblem(err error, data []byte) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ": "); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line, msg = n, rest[i+2:]
			}
		}
	}
	// yaml.v3 (v3.0.1, parser.fail) adds 1 to the 0-based line of scanner errors only; its parser
	// errors ("did not find expected key", ...) come 0-based.
	if line > 0 && yamlParserErrors[msg] {
		line++
	}
	switch {
	case strings.Contains(msg, "cannot start any token") && bytes.ContainsRune(data, '\t'):
		msg += " (YAML indents with spaces, not tabs)"
	case msg == "did not find expected key" || msg == "did not find expected '-' indicator":
		msg += " (check the indentation)"
	}
	return Problem{Line: line, Field: "plan", Message: "not valid YAML: " + msg}
}

// yamlParserErrors are the messages of yaml.v3's parser (parserc.go), as opposed to its scanner.
var yamlParserErrors = map[string]bool{
	"did not find expected key": true, "did not find expected '-' indicator": true,
	"did not find expected node content": true, "did not find expected ',' or ']'": true,
	"did not find expected ',' or '}'": true, "did not find expected <document start>": true,
	"did not find expected <stream-start>": true, "found duplicate %YAML directive": true,
	"found duplicate %TAG directive": true, "found incompatible YAML document": true,
	"found undefined tag handle": true,
}

// planDecoder fills a Plan from a YAML tree, checking each key against the Plan type (its yaml
// tags are the schema) and each value against the field's type.
type planDecoder struct {
	problems  []Problem
	lines     map[string]int // field path -> line, for every known key and list item of the file
	budget    int            // nodes left to visit: bounds what aliases can make of a small file
	exhausted bool
	walked    map[*yaml.Node]bool // mappings whose keys were checked: an alias to one is not re-reported
	suggested int                 // unknown keys given a "did you mean"
}

func (d *planDecoder) add(line int, field, format string, args ...any) {
	if field == "" {
		field = "plan"
	}
	d.problems = append(d.problems, Problem{Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// atLines gives each problem the line of its field in the file, when the file has that field.
func (d *planDecoder) atLines(ps []Problem) []Problem {
	for i := range ps {
		ps[i].Line = d.lines[ps[i].Field]
	}
	return ps
}

// visit follows an alias to its anchored node and spends one node of the budget. It returns nil
// once the budget is spent.
func (d *planDecoder) visit(n *yaml.Node) *yaml.Node {
	alias := n
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	if d.exhausted {
		return nil
	}
	if d.budget--; d.budget < 0 {
		d.exhausted = true
		d.add(alias.Line, "plan", "the aliases (*name) expand to far more than the file holds: write the values out")
		return nil
	}
	if n.Kind == yaml.AliasNode {
		d.add(alias.Line, "plan", "the alias *%s leads nowhere", alias.Value)
		return nil
	}
	return n
}

// decode fills v, a Plan or a part of one, from n; field is v's path in the plan ("" for the plan).
// A null value leaves v unset.
func (d *planDecoder) decode(n *yaml.Node, field string, v reflect.Value) {
	at := n.Line // where the value is written: for an alias, the alias, not its anchor
	if n = d.visit(n); n == nil || isNull(n) {
		return
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 1 {
			d.decode(n.Content[0], field, v)
		}
		return
	}
	t := v.Type()
	switch {
	case t == durationType:
		dur, err := ParseDuration(n.Value)
		if n.Kind != yaml.ScalarNode {
			d.add(at, field, "expected %s, got %s", describeType(t), describeNode(n))
		} else if err != nil {
			d.add(at, field, "%v", err)
		} else {
			v.Set(reflect.ValueOf(dur))
		}
	case t.Kind() == reflect.Pointer:
		e := reflect.New(t.Elem())
		before := len(d.problems)
		d.decode(n, field, e.Elem())
		if len(d.problems) == before {
			v.Set(e)
		}
	case t.Kind() == reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.add(at, field, "expected %s, got %s", describeType(t), describeNode(n))
			return
		}
		s := n.Value
		if n.ShortTag() == "!!binary" { // what yaml.v3 writes for a string that is not UTF-8
			b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
			if err != nil {
				d.add(at, field, "the !!binary value is not base64")
				return
			}
			s = string(b)
		}
		if !utf8.ValidString(s) {
			d.add(at, field, "expected %s, got bytes that are not UTF-8 text", describeType(t))
			return
		}
		v.SetString(s)
	case t.Kind() == reflect.Bool:
		b, ok := parseBool(n)
		if !ok {
			d.add(at, field, "expected %s, got %s", describeType(t), describeNode(n))
			return
		}
		v.SetBool(b)
	case t.Kind() == reflect.Slice:
		d.list(n, at, field, v)
	case t.Kind() == reflect.Struct:
		d.mapping(n, at, field, v)
	default:
		panic("flows: plan field of unexpected type " + t.String())
	}
}

func (d *planDecoder) list(n *yaml.Node, at int, field string, v reflect.Value) {
	if n.Kind != yaml.SequenceNode {
		d.add(at, field, "expected %s, got %s", describeType(v.Type()), describeNode(n))
		return
	}
	if len(n.Content) == 0 {
		return // an empty list means not set, as a missing one
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		path := field + "[" + strconv.Itoa(i) + "]"
		d.lines[path] = item.Line
		d.decode(item, path, s.Index(i))
	}
	v.Set(s)
}

func (d *planDecoder) mapping(n *yaml.Node, at int, field string, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.add(at, field, "expected %s, got %s", describeType(v.Type()), describeNode(n))
		return
	}
	fields := planFields(v.Type())
	report := !d.walked[n] // the keys of an aliased mapping are reported once, at its anchor
	if d.walked == nil {
		d.walked = map[*yaml.Node]bool{}
	}
	d.walked[n] = true
	seen := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := d.visit(n.Content[i])
		if k == nil {
			return
		}
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			if report && k.Kind != yaml.ScalarNode {
				d.add(k.Line, field, "a key must be a plain word, not %s", describeNode(k))
			} else if report {
				d.add(k.Line, field, "merge keys (<<) are not supported in a plan: write the keys out")
			}
			continue
		}
		path := joinPath(field, k.Value)
		if first, dup := seen[k.Value]; dup {
			if report {
				d.add(k.Line, path, "given twice (first at line %d): keep one", first)
			}
			continue
		}
		seen[k.Value] = k.Line
		f, ok := fields.index[k.Value]
		if !ok && v.Type() == appSpecType {
			if st, ok := settingIndex[k.Value]; ok {
				d.lines[path] = k.Line
				d.setting(n.Content[i+1], path, st, v)
				continue
			}
		}
		if !ok {
			if report {
				names := fields.names
				if v.Type() == appSpecType {
					names = appSpecKeys()
				}
				hint := ""
				if d.suggested < maxShownProblems { // a suggestion costs: only for what is shown
					d.suggested++
					hint = suggest(k.Value, names)
				}
				d.add(k.Line, path, "unknown key%s", hint)
			}
			continue
		}
		d.lines[path] = k.Line
		d.decode(n.Content[i+1], path, v.Field(f))
	}
}

var appSpecType = reflect.TypeFor[AppSpec]()

// appSpecKeys are the keys an application: mapping takes: its typed fields and the field table's.
func appSpecKeys() []string {
	names := slices.Concat(planFields(appSpecType).names, moreKeys())
	sort.Strings(names)
	return names
}

// setting decodes the value of a field-table setting into the AppSpec v's More.
func (d *planDecoder) setting(n *yaml.Node, field string, st *Setting, v reflect.Value) {
	at := n.Line
	if n = d.visit(n); n == nil || isNull(n) {
		return
	}
	before := len(d.problems)
	var val any
	switch st.Kind {
	case KindBool:
		var b bool
		d.decode(n, field, reflect.ValueOf(&b).Elem())
		val = b
	case KindInt:
		if n.Kind != yaml.ScalarNode {
			d.add(at, field, "expected a whole number, got %s", describeNode(n))
			return
		}
		i, err := strconv.Atoi(n.Value)
		if err != nil {
			d.add(at, field, "expected a whole number, got %s", describeNode(n))
			return
		}
		val = i
	case KindURLs, KindEnums:
		var l []string
		d.decode(n, field, reflect.ValueOf(&l).Elem())
		if len(l) == 0 {
			return // an empty list means not set
		}
		val = l
	case KindCORS:
		var c CORSSettings
		d.decode(n, field, reflect.ValueOf(&c).Elem())
		val = c
	default:
		var str string
		d.decode(n, field, reflect.ValueOf(&str).Elem())
		val = str
	}
	if len(d.problems) > before {
		return
	}
	more := v.FieldByName("More")
	if more.IsNil() {
		more.Set(reflect.MakeMap(more.Type()))
	}
	more.SetMapIndex(reflect.ValueOf(st.Key), reflect.ValueOf(val))
}

// structFields are the plan keys of a struct type: its fields' yaml names.
type structFields struct {
	index map[string]int // yaml name -> field index
	names []string       // sorted
}

var planFieldCache sync.Map // reflect.Type -> structFields

func planFields(t reflect.Type) structFields {
	if f, ok := planFieldCache.Load(t); ok {
		return f.(structFields)
	}
	f := structFields{index: map[string]int{}}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			f.index[name] = i
			f.names = append(f.names, name)
		}
	}
	sort.Strings(f.names)
	planFieldCache.Store(t, f)
	return f
}

var durationType = reflect.TypeFor[Duration]()

// describeType says in words what a plan value of type t looks like.
func describeType(t reflect.Type) string {
	switch {
	case t == durationType:
		return "a number of seconds or a duration such as 30d"
	case t.Kind() == reflect.Pointer:
		return describeType(t.Elem())
	case t.Kind() == reflect.String:
		return "text"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		return "a list of entries with the keys " + strings.Join(planFields(t.Elem()).names, ", ")
	case t.Kind() == reflect.Slice:
		return "a list (e.g. [a, b]; [a] for one)"
	case t == reflect.TypeFor[Plan]():
		return "a mapping of plan keys (preset:, application:, …)"
	case t == reflect.TypeFor[AppSpec]():
		return "a mapping of the application's settings (name:, grantTypes:, …)"
	case t.Kind() == reflect.Struct:
		return "a mapping with the keys " + strings.Join(planFields(t).names, ", ")
	}
	return t.String()
}

// describeNode says in words what a YAML value is, quoting a short scalar.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping (key: value lines)"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		v := n.Value
		if r := []rune(v); len(r) > 60 {
			v = string(r[:60]) + "…"
		}
		return fmt.Sprintf("%q", v)
	}
	return "an alias"
}

func isNull(n *yaml.Node) bool {
	if n.Kind == yaml.DocumentNode {
		return len(n.Content) == 0 || isNull(n.Content[0])
	}
	return n.Kind == 0 || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// parseBool reads true/false, and the yes/no/on/off that yaml.v3 also accepts for a bool, in any
// case, quoted or not.
func parseBool(n *yaml.Node) (value, ok bool) {
	if n.Kind != yaml.ScalarNode {
		return false, false
	}
	switch strings.ToLower(n.Value) {
	case "true", "yes", "y", "on":
		return true, true
	case "false", "no", "n", "off":
		return false, true
	}
	return false, false
}

func suggest(key string, names []string) string {
	for _, k := range names {
		if strings.EqualFold(k, key) || strings.EqualFold(k, key+"s") || strings.EqualFold(k+"s", key) {
			return fmt.Sprintf(" (did you mean %q?)", k)
		}
	}
	// A typo: within two edits of one key (behaviour for behavior), for keys long enough that
	// two edits do not make another word.
	if len(key) >= 5 && len(key) <= 64 {
		for _, k := range names {
			if EditDistance(strings.ToLower(key), strings.ToLower(k)) <= 2 {
				return fmt.Sprintf(" (did you mean %q?)", k)
			}
		}
	}
	return ""
}

// EditDistance is the Levenshtein distance of two short strings: how the plan's keys and the
// command line's flags find the name a typo meant.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
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
	if a.GroupAccess == nil {
		a.GroupAccess = d.GroupAccess
	}
	if a.SignOnPolicies == nil {
		a.SignOnPolicies = d.SignOnPolicies
	}
	if a.Scopes == nil {
		a.Scopes = d.Scopes
	}
	if len(d.More) > 0 {
		more := maps.Clone(a.More) // the caller's plan keeps its own map
		if more == nil {
			more = map[string]any{}
		}
		for k, v := range d.More {
			if _, set := more[k]; !set {
				more[k] = v
			}
		}
		a.More = more
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
