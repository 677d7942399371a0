package flows

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzParsePlan: ParsePlan never panics; a refused plan gets a *PlanError whose every problem has
// a field, a message free of Go and yaml.v3 jargon, and a line within the file; an accepted plan
// is valid, has a name without surrounding spaces, and marshals to YAML that parses back equal.
func FuzzParsePlan(f *testing.F) {
	seeds := []string{
		examplePlan,
		"preset: stackone\n", "preset: sync-worker\nroles: fix\n", "preset: cli-login\nsignInUser: jdoe\n", "preset: custom\n",
		"preset: stackone\napplication:\n  name: \"\"\n",
		"preset: stackone\napplication:\n  name: ' x '\n  enabled: yes\n  refreshTokenDuration: 213503982334602d\n",
		"preset: stackone\napplication:\n  redirectUris: [\"https://x.example/a b\", https://x.example/cb/]\n",
		"application: &a\n  name: x\nroles: *a\n",
		"a: &a [x, x]\nb: &b [*a, *a]\npreset: stackone\napplication:\n  scopes: *b\n",
		"preset: stackone\nuserRoleAssignments:\n  - &e {user: u, role: r, scope: environment, k: v}\n  - *e\n  - *e\n",
		"- a\n", "x", "", "---\n...\n", "a: 1\n---\nb: 2\n", "<<: {preset: stackone}\n", "? [a]\n: b\n",
		"preset: stackone\napplication:\n  grantTypes: []\n  scopes: []\n  capabilities: []\n",
		"preset: custom\napplication:\n  name: \"\\u2028\\x85x\"\n  grantTypes: [CLIENT_CREDENTIALS]\n  tokenEndpointAuthMethod: CLIENT_SECRET_BASIC\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePlan(data)
		if err != nil {
			var pe *PlanError
			if !errors.As(err, &pe) || len(pe.Problems) == 0 {
				t.Fatalf("error %v is not a *PlanError with problems", err)
			}
			lines := 2 // YAML breaks lines at LF, CR, NEL, LS and PS
			for _, brk := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
				lines += bytes.Count(data, []byte(brk))
			}
			for _, pr := range pe.Problems {
				if pr.Field == "" || pr.Message == "" || pr.Line < 0 || pr.Line > lines {
					t.Fatalf("problem %+v (file of %d lines)", pr, lines)
				}
				for _, jargon := range []string{"unmarshal", "!!", "yaml:", "reflect", "EOF", "*flows", "[]string", "*bool", "<nil>"} {
					if strings.Contains(pr.Message, jargon) && !bytes.Contains(data, []byte(jargon)) { // not quoting the file
						t.Fatalf("problem %q speaks Go (%q)", pr, jargon)
					}
				}
			}
			return
		}
		if errs := p.Validate(); len(errs) > 0 {
			t.Fatalf("accepted an invalid plan: %v", errs)
		}
		if n := p.Application.Name; n == "" || strings.TrimSpace(n) != n {
			t.Fatalf("accepted the name %q", n)
		}
		checkRoundTrip(t, data)
	})
}

// FuzzPlanYAMLRoundTrip writes plans with any text in their string fields the way export does
// (yaml.v3, indent 2) and parses them back: a plan that Validate accepts must parse, to itself,
// and one it refuses must not parse.
func FuzzPlanYAMLRoundTrip(f *testing.F) {
	f.Add("StackOne Integration", "delegated admin", "https://api.stackone.com/cb", "jdoe@example.com", "Identity Data Read Only", "environment", "jdoe", 2592000)
	f.Add(" x", "a: b # c", "https://x.example/cb/", "", "r", "population:1", "", 59)
	f.Add("\u2028\x85", "\"'\\", "http://127.0.0.1:7464/callback", "u", "r", "organization", "~", 2147483647)
	f.Add("yes", "null", "https://x.example/a%20b", "- u", "*r", "&s", "!!str", 60)
	f.Fuzz(func(t *testing.T, name, description, redirect, user, role, scope, signInUser string, refresh int) {
		p, err := Plan{Preset: "stackone", SignInUser: signInUser, Application: AppSpec{
			Name: name, Description: description, RedirectURIs: []string{redirect}, RefreshTokenDuration: Seconds(refresh),
		}, UserRoleAssignments: []UserRoleAssignment{{User: user, Role: role, Scope: scope}}}.WithPreset()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(p); err != nil {
			t.Fatalf("encode %+v: %v", p, err)
		}
		back, err := ParsePlan(buf.Bytes())
		valid := len(p.Validate()) == 0
		switch {
		case valid && err != nil:
			t.Fatalf("a valid plan does not parse back: %v\n%s", err, buf.Bytes())
		case !valid && err == nil:
			t.Fatalf("an invalid plan (%v) parses:\n%s", p.Validate(), buf.Bytes())
		case valid && !reflect.DeepEqual(p, back):
			t.Fatalf("the plan changed on its way through YAML:\n%+v\n%+v\n%s", p, back, buf.Bytes())
		}
	})
}
