package flows

import (
	"testing"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func TestEachSettingSaysWhereItsValueComesFrom(t *testing.T) {
	plan, _ := Plan{Preset: "stackone"}.WithPreset()
	plan.Application.PKCEEnforcement = "S256_REQUIRED" // changed by the admin
	plan.Application.RefreshTokenDuration = nil        // left to what is there
	existing := pingone.Application{ID: "app-1", Name: plan.Application.Name, RefreshTokenDuration: intp(3600)}
	got := map[string]SettingSource{}
	sources, _ := SettingSources(State{Plan: plan, App: &existing})
	for _, s := range sources {
		got[s.Name] = s
	}
	for name, want := range map[string]SettingSource{
		"name":                 {Value: "StackOne Integration", Source: FromPreset},
		"grantTypes":           {Value: "AUTHORIZATION_CODE, REFRESH_TOKEN", Source: FromPreset},
		"pkceEnforcement":      {Value: "S256_REQUIRED", Source: FromAnswer},
		"refreshTokenDuration": {Value: "1h", Source: FromExisting},
		"scopes":               {Value: "openid, offline_access", Source: FromPreset},
	} {
		if g := got[name]; g.Value != want.Value || g.Source != want.Source {
			t.Errorf("%s: %+v, want %+v", name, g, want)
		}
	}
	// A new app: what nothing sets is PingOne's default, named where the field table knows it.
	sources, unset := SettingSources(State{Plan: plan})
	found := false
	for _, s := range sources {
		if s.Name == "refreshTokenDuration" {
			found = true
			if s.Source != FromDefault || s.Value != "30d" {
				t.Errorf("refreshTokenDuration of a new app: %+v, want PingOne's default, 30d", s)
			}
		}
		if s.Name == "jwksUrl" {
			t.Errorf("jwksUrl does not apply to CLIENT_SECRET_POST: %+v", s)
		}
	}
	if !found || len(unset) == 0 {
		t.Errorf("refreshTokenDuration listed %v; settings left to PingOne without a known default %v", found, unset)
	}
	// The custom preset has no preset values: everything set is an answer.
	custom := Plan{Preset: "custom", Application: AppSpec{Name: "Mine", GrantTypes: []string{"CLIENT_CREDENTIALS"}}}
	custom, _ = custom.WithPreset()
	customSources, _ := SettingSources(State{Plan: custom})
	for _, s := range customSources {
		if s.Source == FromPreset {
			t.Errorf("custom: %+v comes from no preset", s)
		}
	}
}

func intp(i int) *int { return &i }
