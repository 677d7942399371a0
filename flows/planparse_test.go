package flows

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// parseProblems parses a plan that must fail and returns its problems as "line N: field: message".
func parseProblems(t *testing.T, plan string) []string {
	t.Helper()
	_, err := ParsePlan([]byte(plan))
	var pe *PlanError
	if !errors.As(err, &pe) {
		t.Fatalf("ParsePlan(%q) = %v; want a *PlanError", plan, err)
	}
	out := make([]string, len(pe.Problems))
	for i, p := range pe.Problems {
		out[i] = p.String()
	}
	return out
}

func TestBadPlanInputGetsOneClearProblemWithItsLineAndField(t *testing.T) {
	tests := []struct {
		name, plan string
		want       []string
	}{
		{"an empty file", "", []string{
			"plan: the plan is empty: it needs at least a preset (preset: one of stackone, sync-worker, cli-login, custom) or an application: section"}},
		{"only comments", "# nothing yet\n", []string{
			"plan: the plan is empty: it needs at least a preset (preset: one of stackone, sync-worker, cli-login, custom) or an application: section"}},
		{"a list instead of a mapping", "- preset: stackone\n", []string{
			"line 1: plan: expected a mapping of plan keys (preset:, application:, …), got a list"}},
		{"text for a bool", "preset: stackone\napplication:\n  enabled: maybe\n", []string{
			`line 3: application.enabled: expected true or false, got "maybe"`}},
		{"one value for a list", "preset: stackone\napplication:\n  redirectUris: https://example.com/cb\n", []string{
			`line 3: application.redirectUris: expected a list (e.g. [a, b]; [a] for one), got "https://example.com/cb"`}},
		{"a list for a duration", "preset: stackone\napplication:\n  refreshTokenDuration: [30d]\n", []string{
			"line 3: application.refreshTokenDuration: expected a number of seconds or a duration such as 30d, got a list"}},
		{"a mapping for text", "preset: stackone\nsignInUser: {name: jdoe}\n", []string{
			"line 2: signInUser: expected text, got a mapping (key: value lines)"}},
		{"text for the application", "preset: stackone\napplication: My App\n", []string{
			`line 2: application: expected a mapping of the application's settings (name:, grantTypes:, …), got "My App"`}},
		{"text for a role entry", "preset: stackone\nuserRoleAssignments: [jdoe]\n", []string{
			`line 2: userRoleAssignments[0]: expected a mapping with the keys role, scope, user, got "jdoe"`}},
		{"a bad duration", "preset: stackone\napplication:\n  refreshTokenDuration: 30 days\n", []string{
			`line 3: application.refreshTokenDuration: duration "30 days": use seconds or a number followed by d, h, m or s (e.g. 30d)`}},
		{"a duration past PingOne's limit", "preset: stackone\napplication:\n  refreshTokenRollingDuration: 213503982334602d\n", []string{
			`line 3: application.refreshTokenRollingDuration: duration "213503982334602d" is too long: PingOne accepts at most 2147483647 seconds (about 68 years)`}},
		{"a duration under PingOne's minimum", "preset: stackone\napplication:\n  refreshTokenDuration: 59\n", []string{
			"line 3: application.refreshTokenDuration: refreshTokenDuration must be between 60 seconds and 2147483647 seconds (68 years); got 59"}},
		{"a grace period over a day", "preset: stackone\napplication:\n  refreshTokenRollingGracePeriodDuration: 2d\n", []string{
			"line 3: application.refreshTokenRollingGracePeriodDuration: the grace period must be between 0 and 86400 seconds (1 day); got 172800"}},
		{"an empty name", "preset: stackone\napplication:\n  name: \"\"\n", []string{
			"line 3: application.name: the name is empty: give the application a name, or remove the key to use the preset's"}},
		{"a null name", "preset: stackone\napplication:\n  name:\n", []string{
			"line 3: application.name: the name is empty: give the application a name, or remove the key to use the preset's"}},
		{"a name with a trailing space", "preset: stackone\napplication:\n  name: 'My App '\n", []string{
			`line 3: application.name: "My App " has a leading or trailing space: the app is found by its exact name, so remove the space`}},
		{"a name with a leading space", "preset: stackone\napplication:\n  name: \" My App\"\n", []string{
			`line 3: application.name: " My App" has a leading or trailing space: the app is found by its exact name, so remove the space`}},
		{"an unknown roles value", "preset: stackone\nroles: always\n", []string{
			`line 2: roles: "always" is not a choice: use "check" (only report a missing role) or "fix" (assign the proposed roles)`}},
		{"a redirect URI with a space", "preset: stackone\napplication:\n  redirectUris: [\"https://example.com/call back\"]\n", []string{
			`line 3: application.redirectUris[0]: "https://example.com/call back" contains a space: the callback must match byte for byte, so remove it (or write it as %20 if the connector's callback really has one)`}},
		{"a key given twice", "preset: stackone\napplication:\n  name: A\n  name: B\n", []string{
			"line 4: application.name: given twice (first at line 3): keep one"}},
		{"a misspelt key", "preset: stackone\napplication:\n  Scope: [openid]\n", []string{
			`line 3: application.Scope: unknown key (did you mean "scopes"?)`}},
		{"an unknown key in a role entry", "preset: stackone\nuserRoleAssignments:\n  - {user: jdoe, role: Environment Admin, env: x}\n", []string{
			"line 3: userRoleAssignments[0].env: unknown key"}},
		{"a second document", "preset: stackone\n---\npreset: custom\n", []string{
			"line 2: plan: a second YAML document starts here (after ---): a plan file holds one"}},
		{"tab indentation", "application:\n\tname: x\n", []string{
			"line 2: plan: not valid YAML: found character that cannot start any token (YAML indents with spaces, not tabs)"}},
		{"broken YAML", "application:\n  name: x\n description: y\n", []string{
			"line 3: plan: not valid YAML: did not find expected key (check the indentation)"}},
		{"a list item among keys", "preset: stackone\napplication:\n  name: x\n- y\n", []string{
			"line 4: plan: not valid YAML: did not find expected key (check the indentation)"}},
		{"an unclosed list", "preset: stackone\nscopes: [openid\n", []string{
			"line 2: plan: not valid YAML: did not find expected ',' or ']'"}},
		{"a merge key", "base: &b {name: x}\napplication:\n  <<: *b\n", []string{
			"line 1: base: unknown key", "line 3: application: merge keys (<<) are not supported in a plan: write the keys out"}},
		{"an alias to the wrong type", "application: &a\n  name: x\nsignInUser: *a\n", []string{
			"line 3: signInUser: expected text, got a mapping (key: value lines)"}},
		{"binary that is not text", "preset: stackone\napplication:\n  description: !!binary gA==\n", []string{
			"line 3: application.description: expected text, got bytes that are not UTF-8 text"}},
		{"an unknown preset", "preset: stackon\n", []string{
			`line 1: preset: unknown preset "stackon" (choose one of stackone, sync-worker, cli-login, custom)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseProblems(t, tt.plan)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
			for _, p := range got {
				for _, jargon := range []string{"unmarshal", "!!", "yaml:", "reflect", "EOF", "*flows", "[]string", "*bool"} {
					if strings.Contains(p, jargon) {
						t.Errorf("%q speaks Go: %q", p, jargon)
					}
				}
			}
		})
	}
}

func TestAnEmptyDocumentAfterThePlanIsHarmless(t *testing.T) {
	for _, plan := range []string{"preset: stackone\n---\n", "---\npreset: stackone\n...\n", "preset: stackone\n---\n# nothing\n---\n"} {
		if _, err := ParsePlan([]byte(plan)); err != nil {
			t.Errorf("%q: %v", plan, err)
		}
	}
}

func TestATrailingSlashRedirectURIIsAWarningWithItsLine(t *testing.T) {
	p, warnings, err := ParsePlanWarnings([]byte("preset: stackone\napplication:\n  redirectUris:\n    - https://example.com/cb\n    - https://example.com/cb/\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{Line: 5, Field: "application.redirectUris[1]",
		Message: `"https://example.com/cb/" ends in a slash: the connector's callback must match exactly, so check it really has one`}}
	if !reflect.DeepEqual(warnings, want) {
		t.Errorf("warnings %+v; want %+v", warnings, want)
	}
	if len(p.Application.RedirectURIs) != 2 {
		t.Errorf("redirect URIs %v", p.Application.RedirectURIs)
	}
	if _, err := ParsePlan([]byte("preset: stackone\napplication:\n  redirectUris: [https://example.com/cb/]\n")); err != nil {
		t.Errorf("a warning stopped the plan: %v", err)
	}
}

func TestTextWrittenAsBinaryIsRead(t *testing.T) {
	p, err := ParsePlan([]byte("preset: stackone\napplication:\n  name: !!binary TXkgQXBw\n"))
	if err != nil || p.Application.Name != "My App" {
		t.Errorf("name %q, %v", p.Application.Name, err)
	}
}

func TestAnchorsAndAliasesWork(t *testing.T) {
	p, err := ParsePlan([]byte(`preset: stackone
application:
  redirectUris: &uris [https://example.com/a, https://example.com/b]
  roleAssignments:
    - &ro {role: Identity Data Read Only, scope: environment}
userRoleAssignments:
  - {user: jdoe, role: Identity Data Read Only, scope: environment}
  - {user: jdoe, role: &cfg Configuration Read Only, scope: environment}
  - {user: asmith, role: *cfg, scope: environment}
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.UserRoleAssignments[2].Role; got != "Configuration Read Only" {
		t.Errorf("aliased role %q", got)
	}
	if len(p.Application.RedirectURIs) != 2 || len(p.Application.RoleAssignments) != 1 {
		t.Errorf("plan %+v", p.Application)
	}
}

func TestAnAliasBombIsRefusedFast(t *testing.T) {
	// The classic: nine levels of nine aliases, 9^9 values if expanded.
	var laughs strings.Builder
	laughs.WriteString("lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&laughs, "lol%d: &l%d [*l%[3]d, *l%[3]d, *l%[3]d, *l%[3]d, *l%[3]d, *l%[3]d, *l%[3]d, *l%[3]d, *l%[3]d]\n", i, i, i-1)
	}
	laughs.WriteString("preset: stackone\napplication:\n  redirectUris: *l8\n  scopes: [*l8, *l8]\n")
	// The one that fits a plan's shape: many aliases to one entry with many keys.
	var wide strings.Builder
	wide.WriteString("preset: stackone\nuserRoleAssignments:\n  - &e {user: u")
	for i := range 3000 {
		fmt.Fprintf(&wide, ", k%d: v", i)
	}
	wide.WriteString("}\n")
	for range 3000 {
		wide.WriteString("  - *e\n")
	}
	for name, plan := range map[string]string{"billion laughs": laughs.String(), "wide entry": wide.String()} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := ParsePlan([]byte(plan))
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %v", took)
			}
			var pe *PlanError
			if !errors.As(err, &pe) {
				t.Fatalf("err %v", err)
			}
			if len(pe.Problems) > len(plan)/10 {
				t.Errorf("%d problems from %d bytes", len(pe.Problems), len(plan))
			}
			if last := pe.Problems[len(pe.Problems)-1]; name == "wide entry" && last.Message != "the aliases (*name) expand to far more than the file holds: write the values out" {
				t.Errorf("last problem %v", last)
			}
		})
	}
}

// manyKeys is a plan whose top level holds n unknown keys besides a valid application.
func manyKeys(n int) []byte {
	var b strings.Builder
	b.WriteString("preset: stackone\napplication:\n  name: X\n")
	for i := range n {
		fmt.Fprintf(&b, "key%d: %d\n", i, i)
	}
	return []byte(b.String())
}

// manyEntries is a valid plan with n user role assignments (3 keys each).
func manyEntries(n int) []byte {
	var b strings.Builder
	b.WriteString("preset: stackone\nuserRoleAssignments:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {user: user%d, role: Identity Data Read Only, scope: environment}\n", i)
	}
	return []byte(b.String())
}

func TestParsingIsLinearA100kKeyPlanParsesWellUnderASecond(t *testing.T) {
	for name, plan := range map[string][]byte{"100k unknown keys": manyKeys(100_000), "100k keys in entries": manyEntries(100_000 / 3)} {
		start := time.Now()
		_, err := ParsePlan(plan)
		took := time.Since(start)
		t.Logf("%s: %v", name, took)
		// Well under a second on a laptop; 5 s leaves room for -race and a busy CI machine.
		if took > 5*time.Second {
			t.Errorf("%s: %v", name, took)
		}
		if name == "100k unknown keys" {
			var pe *PlanError
			if !errors.As(err, &pe) || len(pe.Problems) != 100_000 {
				t.Fatalf("%s: %v", name, err)
			}
			if lines := strings.Count(err.Error(), "\n"); lines > maxShownProblems+1 {
				t.Errorf("the error has %d lines", lines)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}

func BenchmarkParsePlan(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		for name, plan := range map[string][]byte{"unknown-keys": manyKeys(n), "entries": manyEntries(n / 3)} {
			b.Run(fmt.Sprintf("%s/%dk", name, n/1000), func(b *testing.B) {
				b.SetBytes(int64(len(plan)))
				for b.Loop() {
					_, _ = ParsePlan(plan)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
			})
		}
	}
}

func TestAParsedPlanMarshalsAndParsesBackEqual(t *testing.T) {
	for _, plan := range []string{examplePlan, "preset: cli-login\n", "preset: sync-worker\nroles: fix\n", "preset: custom\napplication:\n  name: \"x: y # z\"\n  grantTypes: [CLIENT_CREDENTIALS]\n  tokenEndpointAuthMethod: CLIENT_SECRET_BASIC\n"} {
		checkRoundTrip(t, []byte(plan))
	}
}

// checkRoundTrip parses plan and, when it is accepted, checks that the plan marshals to YAML that
// parses back to an equal plan.
func checkRoundTrip(t *testing.T, plan []byte) {
	t.Helper()
	p, err := ParsePlan(plan)
	if err != nil {
		return
	}
	out, err := yaml.Marshal(p)
	if err != nil {
		t.Fatalf("marshal %+v: %v", p, err)
	}
	back, err := ParsePlan(out)
	if err != nil {
		t.Fatalf("re-marshalled plan refused: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(p, back) {
		t.Fatalf("round trip changed the plan:\n%+v\n%+v\n%s", p, back, out)
	}
}
