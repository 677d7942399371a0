package flows

import (
	"errors"
	"strings"
	"testing"
)

const examplePlan = `preset: stackone
environmentId: 00000000-0000-0000-0000-000000000000
application:
  name: StackOne Integration
  description: StackOne delegated admin integration
  enabled: true
  grantTypes: [AUTHORIZATION_CODE, REFRESH_TOKEN]
  responseTypes: [CODE]
  pkceEnforcement: OPTIONAL
  tokenEndpointAuthMethod: CLIENT_SECRET_POST
  redirectUris: [https://api.stackone.com/connect/oauth2/pingone/callback]
  refreshTokenDuration: 2592000
  refreshTokenRollingDuration: 180d
  refreshTokenRollingGracePeriodDuration: 0
  adminOnly: true
  scopes: [openid, offline_access]
  roleAssignments:
    - {role: Identity Data Admin, scope: environment}
userRoleAssignments:
  - {user: jdoe@example.com, role: Environment Admin, scope: environment}
`

func TestTheProductsExamplePlanParses(t *testing.T) {
	p, err := ParsePlan([]byte(examplePlan))
	if err != nil {
		t.Fatal(err)
	}
	a := p.Application
	if a.RefreshTokenDuration.Seconds() != 2592000 || a.RefreshTokenRollingDuration.Seconds() != 15552000 {
		t.Errorf("durations %v %v", a.RefreshTokenDuration, a.RefreshTokenRollingDuration)
	}
	if len(p.UserRoleAssignments) != 1 || p.UserRoleAssignments[0].User != "jdoe@example.com" {
		t.Errorf("user roles %+v", p.UserRoleAssignments)
	}
}

func TestAPresetFillsWhatThePlanLeavesOutAndThePlanWins(t *testing.T) {
	p, err := ParsePlan([]byte("preset: stackone\napplication:\n  name: Mine\n  pkceEnforcement: S256_REQUIRED\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Application.Name != "Mine" || p.Application.PKCEEnforcement != "S256_REQUIRED" {
		t.Errorf("plan values lost: %+v", p.Application)
	}
	if p.Application.TokenEndpointAuthMethod != "CLIENT_SECRET_POST" || len(p.Application.RedirectURIs) != 1 {
		t.Errorf("preset values missing: %+v", p.Application)
	}
}

func TestEveryProblemOfAPlanIsReportedAtOnceWithItsLine(t *testing.T) {
	plan := `application:
  name: ""
  grantTypes: [AUTHORIZATION_CODE, CLIENT_CREDENTIAL]
  tokenEndpointAuthMethod: CLIENT_SECRET_POST
  redirectUris: [http://example.com/cb#frag]
  refreshTokenDuration: 10
`
	_, err := ParsePlan([]byte(plan))
	var pe *PlanError
	if !errors.As(err, &pe) {
		t.Fatalf("err %v", err)
	}
	want := map[string]int{
		"application.name":                 2,
		"application.grantTypes[1]":        3,
		"application.redirectUris[0]":      5,
		"application.refreshTokenDuration": 6,
		"application.responseTypes":        0,
	}
	got := map[string]int{}
	for _, p := range pe.Problems {
		got[p.Field] = p.Line
	}
	for f, line := range want {
		l, ok := got[f]
		if !ok {
			t.Errorf("no problem reported for %s (got %v)", f, pe.Problems)
		} else if line != 0 && l != line {
			t.Errorf("%s reported at line %d, want %d", f, l, line)
		}
	}
}

func TestAMisspeltKeyIsAProblemNotSilentlyIgnored(t *testing.T) {
	_, err := ParsePlan([]byte("application:\n  name: X\n  grantType: [CLIENT_CREDENTIALS]\n  tokenEndpointAuthMethod: CLIENT_SECRET_BASIC\n"))
	if err == nil || !strings.Contains(err.Error(), `line 3: application.grantType: unknown key (did you mean "grantTypes"?)`) {
		t.Errorf("err %v", err)
	}
}

func TestDurationsAcceptSecondsAndShortForms(t *testing.T) {
	for in, want := range map[string]int{"60": 60, "30d": 2592000, "12h": 43200, "90m": 5400, "45s": 45} {
		d, err := ParseDuration(in)
		if err != nil || d.Seconds() != want {
			t.Errorf("ParseDuration(%q) = %d, %v; want %d", in, d, err, want)
		}
	}
	for _, bad := range []string{"", "30x", "d", "-5", "1.5d"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) accepted", bad)
		}
	}
}

func TestRedirectURIRules(t *testing.T) {
	cases := []struct {
		uri      string
		ok, warn bool
	}{
		{"https://api.stackone.com/connect/oauth2/pingone/callback", true, false},
		{"http://127.0.0.1:7464/callback", true, false},
		{"http://localhost:8080/cb", true, false},
		{"https://example.com/callback/", true, true},
		{"http://example.com/callback", false, false},
		{"https://example.com/cb#x", false, false},
		{"/callback", false, false},
		{"ftp://example.com/cb", false, false},
	}
	for _, c := range cases {
		warn, err := ValidateRedirectURI(c.uri)
		if (err == nil) != c.ok || (warn != "") != c.warn {
			t.Errorf("%s: err %v warn %q; want ok=%v warn=%v", c.uri, err, warn, c.ok, c.warn)
		}
	}
}

func TestGrantTypesAndClientAuthMustFit(t *testing.T) {
	a := AppSpec{Name: "x", GrantTypes: []string{"CLIENT_CREDENTIALS"}, TokenEndpointAuthMethod: "NONE"}
	if errs := (Plan{Application: a}).Validate(); len(errs) == 0 {
		t.Error("client credentials with NONE accepted")
	}
	a = AppSpec{Name: "x", GrantTypes: []string{"AUTHORIZATION_CODE"}, ResponseTypes: []string{"CODE", "TOKEN"}, TokenEndpointAuthMethod: "NONE", RedirectURIs: []string{"https://x.example/cb"}}
	if errs := (Plan{Application: a}).Validate(); len(errs) == 0 {
		t.Error("CODE with TOKEN accepted")
	}
}

func TestEveryPresetProducesAValidPlan(t *testing.T) {
	for _, name := range PresetNames() {
		p, err := Plan{Preset: name}.WithPreset()
		if err != nil {
			t.Fatal(err)
		}
		if errs := p.Validate(); len(errs) > 0 {
			t.Errorf("preset %s: %v", name, errs)
		}
	}
}

func TestChoosingAPresetKeepsTheUserAndANameTheAdminGave(t *testing.T) {
	var env Input
	s := State{Plan: Plan{SignInUser: "jdoe", Application: AppSpec{Name: "My App"}}}
	for _, in := range environmentInputs(&s) {
		if in.Key == "preset" {
			env = in
		}
	}
	if err := env.Set(&s, "stackone"); err != nil {
		t.Fatal(err)
	}
	if s.Plan.SignInUser != "jdoe" || s.Plan.Application.Name != "My App" || s.Plan.Application.TokenEndpointAuthMethod != "CLIENT_SECRET_POST" {
		t.Errorf("plan %+v", s.Plan)
	}
	// Switching presets replaces the old preset's default name, not one the admin typed.
	s = State{}
	_ = env.Set(&s, "stackone")
	_ = env.Set(&s, "sync-worker")
	if s.Plan.Application.Name != "Sync Worker" {
		t.Errorf("name %q after switching presets", s.Plan.Application.Name)
	}
}

func TestDecliningTheSettingsReviewKeepsTheStepOpen(t *testing.T) {
	s := State{Plan: Plan{Preset: "custom"}}
	s.Plan, _ = s.Plan.WithPreset()
	for _, in := range settingsInputs(&s) {
		if in.Key == "review" {
			if err := in.Set(&s, "false"); err == nil {
				t.Error("answering no to \"Use these settings?\" went ahead")
			}
			return
		}
	}
	t.Fatal("no review question")
}
