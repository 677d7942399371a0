package flows

import (
	"bytes"
	"errors"
	"strings"
	"testing"
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
