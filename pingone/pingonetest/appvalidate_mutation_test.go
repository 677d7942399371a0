package pingonetest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestIntegersAreWholeNumbersWithinInt64(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want int64
		ok   bool
	}{
		{json.Number("4611686018427387905"), 4611686018427387905, true}, // above MaxInt64/2, exact
		{json.Number("60.0"), 60, true},
		{json.Number("60.5"), 0, false},
		{json.Number("-60"), -60, true},
		{json.Number("9e18"), 0, false},
		{json.Number("4611686018427387904.0"), 4611686018427387904, true}, // MaxInt64/2 as a float: still taken
		{json.Number("1e400"), 0, false},
		{float64(60), 60, true},
		{60.5, 0, false},
		{int(7), 7, true},
		{int64(8), 8, true},
		{"60", 0, false},
	} {
		got, ok := toInt(tc.v)
		if got != tc.want || ok != tc.ok {
			t.Errorf("toInt(%#v) = %d %v, want %d %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}

// appBody is a valid worker, changed by changes (nil deletes a key).
func appBody(changes map[string]any) map[string]any {
	b := map[string]any{"name": "App", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []any{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"}
	for k, v := range changes {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

func userApp(changes map[string]any) map[string]any {
	c := map[string]any{"type": "WEB_APP", "grantTypes": []any{"AUTHORIZATION_CODE"}, "responseTypes": []any{"CODE"},
		"redirectUris": []any{"https://app.example.com/cb"}}
	for k, v := range changes {
		c[k] = v
	}
	return appBody(c)
}

func TestTheSimulatorValidatesApplicationsAsPingOneDoes(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name string
		body map[string]any
		// errs lists target: message (a prefix of it) of every expected detail; none means valid.
		errs []string
	}{
		{"a worker", appBody(nil), nil},
		{"the largest grace period", appBody(map[string]any{"refreshTokenRollingGracePeriodDuration": json.Number("86400")}), nil},
		{"a grace period one over", appBody(map[string]any{"refreshTokenRollingGracePeriodDuration": json.Number("86401")}),
			[]string{"refreshTokenRollingGracePeriodDuration: refreshTokenRollingGracePeriodDuration must be between 0 and 86400."}},
		{"two problems", appBody(map[string]any{"name": nil, "enabled": "yes"}),
			[]string{"enabled: enabled must be a boolean.", "name: name is required."}},
		{"a type that cannot be created", appBody(map[string]any{"type": "PING_ONE_ADMIN_CONSOLE"}),
			[]string{"type: Applications of type PING_ONE_ADMIN_CONSOLE cannot be created or updated."}},
		{"a worker with SAML", appBody(map[string]any{"protocol": "SAML"}),
			[]string{"protocol: WORKER applications support only the OPENID_CONNECT protocol."}},
		{"a web app with SAML", userApp(map[string]any{"protocol": "SAML"}),
			[]string{"protocol: The simulator supports only OPENID_CONNECT applications."}},
		{"a web app", userApp(nil), nil},
		{"a relative redirect", userApp(map[string]any{"redirectUris": []any{"/cb"}}), []string{"redirectUris: Redirect URI /cb must be an absolute URI."}},
		{"a native app's relative redirect", userApp(map[string]any{"type": "NATIVE_APP", "tokenEndpointAuthMethod": "NONE", "redirectUris": []any{"/cb"}}),
			[]string{"redirectUris: Redirect URI /cb must be an absolute URI."}},
		{"an unparsable redirect", userApp(map[string]any{"redirectUris": []any{"https://[::1"}}), []string{"redirectUris: Redirect URI https://[::1 must be an absolute URI."}},
		{"a wildcard redirect allowed", userApp(map[string]any{"redirectUris": []any{"https://*.example.com/cb"}, "allowWildcardInRedirectUris": true}), nil},
		{"a loopback redirect", userApp(map[string]any{"redirectUris": []any{"http://127.0.0.1:7000/cb", "http://localhost/cb"}}), nil},
		{"refresh with a device code", appBody(map[string]any{"grantTypes": []any{"DEVICE_CODE", "REFRESH_TOKEN"}, "tokenEndpointAuthMethod": "NONE"}), nil},
		{"refresh with CIBA", appBody(map[string]any{"grantTypes": []any{"CIBA", "REFRESH_TOKEN"}}), nil},
		{"refresh with token exchange", appBody(map[string]any{"grantTypes": []any{"TOKEN_EXCHANGE", "REFRESH_TOKEN"}}), nil},
		{"refresh with a code", userApp(map[string]any{"grantTypes": []any{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}}), nil},
		{"refresh with client credentials", appBody(map[string]any{"grantTypes": []any{"CLIENT_CREDENTIALS", "REFRESH_TOKEN"}}),
			[]string{"grantTypes: REFRESH_TOKEN must be combined with"}},
		{"private key JWT with a JWKS URL", appBody(map[string]any{"tokenEndpointAuthMethod": "PRIVATE_KEY_JWT", "jwksUrl": "https://app.example.com/jwks"}), nil},
		{"private key JWT with a JWKS", appBody(map[string]any{"tokenEndpointAuthMethod": "PRIVATE_KEY_JWT", "jwks": `{"keys":[]}`}), nil},
		{"private key JWT without keys", appBody(map[string]any{"tokenEndpointAuthMethod": "PRIVATE_KEY_JWT"}), []string{"jwksUrl: jwksUrl is required."}},
		{"a refresh duration alone", userApp(map[string]any{"grantTypes": []any{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "refreshTokenDuration": json.Number("3600")}), nil},
		{"a rolling duration alone", userApp(map[string]any{"grantTypes": []any{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "refreshTokenRollingDuration": json.Number("3600")}), nil},
		{"equal durations", userApp(map[string]any{"grantTypes": []any{"AUTHORIZATION_CODE", "REFRESH_TOKEN"},
			"refreshTokenDuration": json.Number("3600"), "refreshTokenRollingDuration": json.Number("3600")}), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := normalizeApp(tc.body, f.sim.st, f.prod(), nil)
			var got []string
			for _, d := range errs {
				got = append(got, d.Target+": "+d.Message)
			}
			slices.Sort(got)
			if len(got) != len(tc.errs) {
				t.Fatalf("details %q, want %q", got, tc.errs)
			}
			for i, w := range tc.errs {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("detail %q, want %q", got[i], w)
				}
			}
		})
	}
}

func TestAWorkerWithoutGrantTypesGetsClientCredentialsAndOnlyAWorker(t *testing.T) {
	f := newFixture(t)
	out, errs := normalizeApp(appBody(map[string]any{"grantTypes": nil}), f.sim.st, f.prod(), nil)
	if len(errs) != 0 || !slices.Equal(out["grantTypes"].([]string), []string{"CLIENT_CREDENTIALS"}) {
		t.Errorf("worker: %v %v", out["grantTypes"], errs)
	}
	out, errs = normalizeApp(appBody(map[string]any{"type": "SERVICE", "grantTypes": nil}), f.sim.st, f.prod(), nil)
	if _, set := out["grantTypes"]; set || len(errs) != 0 {
		t.Errorf("service: grant types %v %v, want none given", out["grantTypes"], errs)
	}
}

func TestAnAppWithoutTagsKeepsNoTagsOnUpdate(t *testing.T) {
	f := newFixture(t)
	out, errs := normalizeApp(appBody(nil), f.sim.st, f.prod(), nil)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	existing := &application{id: "a", envID: f.prod(), fields: out}
	again, errs := normalizeApp(appBody(map[string]any{"description": "changed"}), f.sim.st, f.prod(), existing)
	if _, set := again["tags"]; set || len(errs) != 0 {
		t.Errorf("tags %v (%v): an app without tags gets none on update", again["tags"], errs)
	}
}

func TestRedirectsAccessControlAndObjectsAreValidated(t *testing.T) {
	f := newFixture(t)
	group := map[string]any{"type": "ANY_GROUP", "groups": []any{map[string]any{"id": f.seed.AdminsGroupID}}}
	origins := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = "https://o" + strings.Repeat("x", i) + ".example.com"
		}
		return out
	}
	for _, tc := range []struct {
		name string
		body map[string]any
		errs []string
	}{
		{"plain http to a private address", userApp(map[string]any{"redirectUris": []any{"http://10.0.0.1/cb"}}),
			[]string{"redirectUris: Redirect URI http://10.0.0.1/cb must use https"}},
		{"a custom scheme on a web app", userApp(map[string]any{"redirectUris": []any{"myapp://cb"}}),
			[]string{"redirectUris: Redirect URI myapp://cb must use https (custom schemes are allowed only for NATIVE_APP)."}},
		{"https without a host", userApp(map[string]any{"redirectUris": []any{"https:///cb"}}), []string{"redirectUris: Redirect URI https:///cb must be an absolute URI."}},
		{"admin-only access", appBody(map[string]any{"accessControl": map[string]any{"role": map[string]any{"type": "ADMIN_USERS_ONLY"}}}), nil},
		{"another role policy", appBody(map[string]any{"accessControl": map[string]any{"role": map[string]any{"type": "EVERYONE"}}}),
			[]string{"accessControl.role.type: accessControl.role.type must be ADMIN_USERS_ONLY."}},
		{"a role policy cleared", appBody(map[string]any{"accessControl": map[string]any{"role": nil, "group": nil}}), nil},
		{"a group policy", appBody(map[string]any{"accessControl": map[string]any{"group": group}}), nil},
		{"a group policy of another type", appBody(map[string]any{"accessControl": map[string]any{"group": map[string]any{"type": "SOME_GROUPS", "groups": group["groups"]}}}),
			[]string{"accessControl.group.type: accessControl.group.type must be ANY_GROUP or ALL_GROUPS."}},
		{"a group policy without groups", appBody(map[string]any{"accessControl": map[string]any{"group": map[string]any{"type": "ANY_GROUP"}}}),
			[]string{"accessControl.group.groups: accessControl.group.groups is required."}},
		{"an icon", appBody(map[string]any{"icon": map[string]any{"id": "i", "href": "https://x/i.png"}}), nil},
		{"an icon without an id", appBody(map[string]any{"icon": map[string]any{"href": "https://x/i.png"}}), []string{"icon.id: icon.id is required."}},
		{"an icon without an href", appBody(map[string]any{"icon": map[string]any{"id": "i"}}), []string{"icon.href: icon.href is required."}},
		{"CORS with 20 origins", appBody(map[string]any{"corsSettings": map[string]any{"behavior": "ALLOW_SPECIFIC_ORIGINS", "origins": origins(20)}}), nil},
		{"CORS with 21 origins", appBody(map[string]any{"corsSettings": map[string]any{"behavior": "ALLOW_SPECIFIC_ORIGINS", "origins": origins(21)}}),
			[]string{"corsSettings.origins: corsSettings.origins is limited to 20 values."}},
		{"CORS of another behaviour", appBody(map[string]any{"corsSettings": map[string]any{"behavior": "ALLOW_ALL"}}),
			[]string{"corsSettings.behavior: corsSettings.behavior must be one of"}},
		{"a device path of 50", appBody(map[string]any{"devicePathId": strings.Repeat("a", 49) + "_"}), nil},
		{"a device path of 1", appBody(map[string]any{"devicePathId": "a"}), nil},
		{"a device path of 51", appBody(map[string]any{"devicePathId": strings.Repeat("a", 51)}), []string{"devicePathId: devicePathId must match"}},
		{"an empty device path", appBody(map[string]any{"devicePathId": ""}), []string{"devicePathId: devicePathId must match"}},
		{"a device path with a space", appBody(map[string]any{"devicePathId": "a b"}), []string{"devicePathId: devicePathId must match"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := normalizeApp(tc.body, f.sim.st, f.prod(), nil)
			var got []string
			for _, d := range errs {
				got = append(got, d.Target+": "+d.Message)
			}
			slices.Sort(got)
			if len(got) != len(tc.errs) {
				t.Fatalf("details %q, want %q", got, tc.errs)
			}
			for i, w := range tc.errs {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("detail %q, want %q", got[i], w)
				}
			}
		})
	}
}
