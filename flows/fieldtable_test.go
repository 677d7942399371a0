package flows_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/flows"
)

// settingExamples gives each setting of the field table a plan that uses it: the preset, the
// lines that make it apply, and the setting's line. A new row of the table needs one here:
// TestEveryTableSettingHasAnExample says so.
var settingExamples = map[string]struct{ preset, context, line string }{
	"homePageUrl":                  {"stackone", "", "homePageUrl: https://connector.example.com/home"},
	"loginPageUrl":                 {"stackone", "", "loginPageUrl: https://connector.example.com/login"},
	"hiddenFromAppPortal":          {"stackone", "", "hiddenFromAppPortal: true"},
	"tags":                         {"sync-worker", "", "tags: [PING_FED_CONNECTION_INTEGRATION]"},
	"allowWildcardInRedirectUris":  {"stackone", "", "allowWildcardInRedirectUris: true"},
	"postLogoutRedirectUris":       {"stackone", "", "postLogoutRedirectUris: [https://connector.example.com/bye]"},
	"jwksUrl":                      {"sync-worker", "tokenEndpointAuthMethod: PRIVATE_KEY_JWT", "jwksUrl: https://connector.example.com/jwks.json"},
	"jwks":                         {"sync-worker", "tokenEndpointAuthMethod: PRIVATE_KEY_JWT", `jwks: '{"keys":[{"kty":"RSA","kid":"k1","n":"sXch","e":"AQAB"}]}'`},
	"refreshTokenType":             {"stackone", "", "refreshTokenType: JSON_WEB_TOKEN"},
	"parRequirement":               {"stackone", "", "parRequirement: REQUIRED"},
	"parTimeout":                   {"stackone", "", "parTimeout: 120"},
	"requireSignedRequestObject":   {"stackone", "", "requireSignedRequestObject: true"},
	"supportUnsignedRequestObject": {"stackone", "", "supportUnsignedRequestObject: true"},
	"initiateLoginUri":             {"stackone", "", "initiateLoginUri: https://connector.example.com/start"},
	"targetLinkUri":                {"stackone", "", "targetLinkUri: https://connector.example.com/after"},
	"idpSignoff":                   {"stackone", "", "idpSignoff: true"},
	"opSessionCheckEnabled":        {"stackone", "", "opSessionCheckEnabled: true"},
	"includeX5t":                   {"stackone", "", "includeX5t: true"},
	"additionalRefreshTokenReplayProtectionEnabled": {"stackone", "", "additionalRefreshTokenReplayProtectionEnabled: false"},
	"requestScopesForMultipleResourcesEnabled":      {"stackone", "", "requestScopesForMultipleResourcesEnabled: true"},
	"corsSettings":                {"stackone", "", "corsSettings: {behavior: ALLOW_SPECIFIC_ORIGINS, origins: ['https://app.example.com']}"},
	"devicePathId":                {"cli-login", "grantTypes: [AUTHORIZATION_CODE, DEVICE_CODE, REFRESH_TOKEN]", "devicePathId: my-cli"},
	"deviceCustomVerificationUri": {"cli-login", "grantTypes: [AUTHORIZATION_CODE, DEVICE_CODE, REFRESH_TOKEN]", "deviceCustomVerificationUri: https://connector.example.com/device"},
	"deviceTimeout":               {"cli-login", "grantTypes: [AUTHORIZATION_CODE, DEVICE_CODE, REFRESH_TOKEN]", "deviceTimeout: 900"},
	"devicePollingInterval":       {"cli-login", "grantTypes: [AUTHORIZATION_CODE, DEVICE_CODE, REFRESH_TOKEN]", "devicePollingInterval: 10"},
}

func TestEveryTableSettingHasAnExample(t *testing.T) {
	for _, s := range flows.Settings {
		if _, ok := settingExamples[s.Key]; !ok && !s.Typed {
			t.Errorf("the field table's %s has no example in settingExamples: add one, and it is tested end to end", s.Key)
		}
	}
	for k := range settingExamples {
		if _, ok := flows.SettingByKey(k); !ok {
			t.Errorf("settingExamples has %s, which the field table does not", k)
		}
	}
}

func examplePlan(key, name string) string {
	ex := settingExamples[key]
	var b strings.Builder
	fmt.Fprintf(&b, "preset: %s\nsignInUser: admin\nroles: fix\napplication:\n  name: %s\n", ex.preset, name)
	for _, l := range []string{ex.context, ex.line} {
		if l != "" {
			b.WriteString("  " + l + "\n")
		}
	}
	return b.String()
}

// TestEverySettingRoundTrips takes each setting of the table from a plan file to PingOne (the
// simulator, every request and response held to the OpenAPI spec), back out by export, and
// through the exported plan into another environment, where export gives the same plan again;
// a second apply of the first plan changes nothing.
func TestEverySettingRoundTrips(t *testing.T) {
	for _, s := range flows.Settings {
		if s.Typed {
			continue
		}
		t.Run(s.Key, func(t *testing.T) {
			t.Parallel()
			tn := newTenant(t)
			env := tn.admin()
			name := "RT " + s.Key
			plan, err := flows.ParsePlan([]byte(examplePlan(s.Key, name)))
			if err != nil {
				t.Fatal(err)
			}
			want, ok := plan.Application.More[s.Key]
			if !ok {
				t.Fatalf("the plan did not carry %s: %+v", s.Key, plan.Application)
			}
			if _, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: plan}); err != nil {
				t.Fatal(err)
			}
			// PingOne holds it.
			for _, a := range tn.appsNamed(tn.seed.Production.ID, name) {
				if got, w := asJSON(a[s.Key]), asJSON(want); got != w {
					t.Errorf("PingOne holds %s = %s, want %s", s.Key, got, w)
				}
			}
			live, err := flows.ReadLive(context.Background(), env.API, tn.seed.Production.ID, name)
			if err != nil {
				t.Fatal(err)
			}
			exported := flows.Export(*live)
			if got := exported.Application.More[s.Key]; !reflect.DeepEqual(got, want) {
				t.Fatalf("export wrote %s = %#v, want %#v", s.Key, got, want)
			}
			// The export reproduces the app in another environment, and exports the same.
			exported.EnvironmentID = tn.seed.Sandbox.ID
			if _, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: exported}); err != nil {
				t.Fatalf("applying the export to the sandbox: %v", err)
			}
			live2, err := flows.ReadLive(context.Background(), env.API, tn.seed.Sandbox.ID, name)
			if err != nil {
				t.Fatal(err)
			}
			again := flows.Export(*live2)
			again.EnvironmentID = exported.EnvironmentID
			if !reflect.DeepEqual(again.Application, exported.Application) {
				t.Errorf("export of the copy differs:\n got  %+v\n want %+v", again.Application, exported.Application)
			}
			// A second apply of the plan changes nothing.
			before := tn.writes()
			s2, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: plan})
			if err != nil {
				t.Fatal(err)
			}
			if w := tn.writes() - before; w != 0 {
				t.Errorf("the second apply made %d writes: %+v", w, s2.Changes)
			}
		})
	}
}

func TestEachSettingsBadValueIsOneProblemWithItsLine(t *testing.T) {
	plan := `preset: sync-worker
application:
  homePageUrl: not a url
  hiddenFromAppPortal: maybe
  tags: [SOMETHING]
  parTimeout: 60
  deviceTimeout: ten
  jwksUrl: http://keys.example.com/jwks
  devicePathId: a b
  refreshTokenType: JSON
  jwks: '{}'
`
	_, err := flows.ParsePlan([]byte(plan))
	var pe *flows.PlanError
	if !asPlanError(err, &pe) {
		t.Fatalf("err %v", err)
	}
	// The shape first (a bool, a number): those two are all that is reported.
	wantShape := []string{"line 4: application.hiddenFromAppPortal: expected true or false", "line 7: application.deviceTimeout: expected a whole number"}
	checkProblems(t, pe, wantShape)

	plan = strings.NewReplacer("  hiddenFromAppPortal: maybe\n", "", "  deviceTimeout: ten\n", "").Replace(plan)
	_, err = flows.ParsePlan([]byte(plan))
	if !asPlanError(err, &pe) {
		t.Fatalf("err %v", err)
	}
	checkProblems(t, pe, []string{
		`line 3: application.homePageUrl: "not a url" is not an absolute http(s) URL`,
		`line 4: application.tags: "SOMETHING" is not one of PING_FED_CONNECTION_INTEGRATION`,
		"line 5: application.parTimeout: applies only with AUTHORIZATION_CODE",
		`line 6: application.jwksUrl: "http://keys.example.com/jwks": must be https`,
		`line 7: application.devicePathId: "a b": use letters, digits, _ and -`,
		`line 8: application.refreshTokenType: "JSON" is not one of JSON_WEB_TOKEN, OPAQUE_TOKEN`,
		"line 9: application.jwks: the key set has no key",
	})

	// PRIVATE_KEY_JWT without keys, and a private key given as the key set.
	_, err = flows.ParsePlan([]byte("preset: sync-worker\napplication:\n  tokenEndpointAuthMethod: PRIVATE_KEY_JWT\n"))
	if !asPlanError(err, &pe) {
		t.Fatalf("err %v", err)
	}
	checkProblems(t, pe, []string{"application.jwksUrl: PRIVATE_KEY_JWT needs the connector's public keys"})
	_, err = flows.ParsePlan([]byte("preset: sync-worker\napplication:\n  tokenEndpointAuthMethod: PRIVATE_KEY_JWT\n  jwks: '{\"keys\":[{\"kty\":\"RSA\",\"d\":\"x\"}]}'\n"))
	if !asPlanError(err, &pe) {
		t.Fatalf("err %v", err)
	}
	checkProblems(t, pe, []string{"line 4: application.jwks: key 0 is a private key"})

	// A misspelt setting is suggested.
	_, err = flows.ParsePlan([]byte("preset: stackone\napplication:\n  parTimeouts: 60\n"))
	if err == nil || !strings.Contains(err.Error(), `unknown key (did you mean "parTimeout"?)`) {
		t.Fatalf("misspelt: %v", err)
	}
}

func asPlanError(err error, pe **flows.PlanError) bool {
	e, ok := err.(*flows.PlanError)
	if ok {
		*pe = e
	}
	return ok
}

func checkProblems(t *testing.T, pe *flows.PlanError, want []string) {
	t.Helper()
	var got []string
	for _, p := range pe.Problems {
		got = append(got, p.String())
	}
	if len(got) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
			t.Errorf("no problem %q among:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

func TestATagChangeOnAnExistingAppIsRefusedBeforeAnyWrite(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	plan, err := flows.ParsePlan([]byte("preset: sync-worker\nroles: fix\napplication:\n  name: Tagged\n  roleAssignments: [{role: Identity Data Admin, scope: environment}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: plan}); err != nil {
		t.Fatal(err)
	}
	plan.Application.More = map[string]any{"tags": []string{"PING_FED_CONNECTION_INTEGRATION"}}
	before := tn.writes()
	_, err = flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: plan})
	if err == nil || !strings.Contains(err.Error(), "tags can be set only when PingOne creates the app") {
		t.Fatalf("err %v", err)
	}
	if w := tn.writes() - before; w != 0 {
		t.Errorf("%d writes", w)
	}
}

// asJSON is v as JSON with sorted keys: PingOne's copy and the plan's value compare equal.
func asJSON(v any) string {
	b, _ := json.Marshal(v)
	var x any
	_ = json.Unmarshal(b, &x)
	b, _ = json.Marshal(x)
	return string(b)
}

func TestCORSOriginsAreOriginsOnly(t *testing.T) {
	for plan, want := range map[string]string{
		"corsSettings: {behavior: ALLOW_SPECIFIC_ORIGINS, origins: ['https://a.example.com/app']}": "has a path, query or fragment",
		"corsSettings: {behavior: ALLOW_SPECIFIC_ORIGINS}":                                         "needs at least one origin",
		"corsSettings: {behavior: ALLOW_NO_ORIGINS, origins: ['https://a.example.com']}":           "origins go with behavior ALLOW_SPECIFIC_ORIGINS",
		"corsSettings: {behavior: SOME}":                                                           `behavior "SOME" is not one of`,
		"corsSettings: {behaviour: ALLOW_NO_ORIGINS}":                                              `unknown key (did you mean`,
	} {
		_, err := flows.ParsePlan([]byte("preset: stackone\napplication:\n  " + plan + "\n"))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "line 3: application.corsSettings") {
			t.Errorf("%s: %v", plan, err)
		}
	}
}

// TestSettingValuesAtTheirBoundsAndJustPast: PingOne's ranges hold at both ends; URLs need a
// host and an http(s) scheme; a list is checked item by item; CORS origins are origins.
func TestSettingValuesAtTheirBoundsAndJustPast(t *testing.T) {
	origins := func(n int) string {
		var l []string
		for i := range n {
			l = append(l, fmt.Sprintf("'https://o%d.example.com'", i))
		}
		return "corsSettings: {behavior: ALLOW_SPECIFIC_ORIGINS, origins: [" + strings.Join(l, ", ") + "]}"
	}
	for line, wantErr := range map[string]string{
		"parTimeout: 1":                          "",
		"parTimeout: 600":                        "",
		"parTimeout: 0":                          "out of range",
		"parTimeout: 601":                        "out of range",
		"homePageUrl: 'https://'":                "not an absolute http(s) URL",
		"homePageUrl: 'ftp://files.example.com'": "not an absolute http(s) URL",
		"homePageUrl: 'http://home.example.com'": "",
		"homePageUrl: 'https://%zz'":             "not an absolute http(s) URL",
		"postLogoutRedirectUris: ['https://ok.example.com', 'not a url']":                     `"not a url" is not an absolute`,
		"corsSettings: {behavior: ALLOW_NO_ORIGINS}":                                          "",
		"corsSettings: {behavior: ALLOW_SPECIFIC_ORIGINS, origins: ['http://a.example.com']}": "",
		"corsSettings: {behavior: ALLOW_SPECIFIC_ORIGINS, origins: ['https://']}":             "is not scheme://host",
		"corsSettings: {behavior: ALLOW_SPECIFIC_ORIGINS, origins: ['ftp://a.example.com']}":  "is not scheme://host",
		"corsSettings: {behavior: ALLOW_SPECIFIC_ORIGINS, origins: ['https://%zz']}":          "is not scheme://host",
		origins(20): "",
		origins(21): "21 origins: PingOne takes at most 20",
	} {
		_, err := flows.ParsePlan([]byte("preset: stackone\napplication:\n  " + line + "\n"))
		switch {
		case wantErr == "" && err != nil:
			t.Errorf("%s: refused: %v", line, err)
		case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
			t.Errorf("%s: %v, want %q", line, err, wantErr)
		}
	}
}
