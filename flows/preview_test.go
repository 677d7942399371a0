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
	got := map[string]Setting{}
	for _, s := range Settings(State{Plan: plan, App: &existing}) {
		got[s.Name] = s
	}
	for name, want := range map[string]Setting{
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
	// A new app: what nothing sets is PingOne's default.
	for _, s := range Settings(State{Plan: plan}) {
		if s.Name == "refreshTokenDuration" && s.Source != FromDefault {
			t.Errorf("refreshTokenDuration of a new app: %+v, want PingOne's default", s)
		}
	}
	// The custom preset has no preset values: everything set is an answer.
	custom := Plan{Preset: "custom", Application: AppSpec{Name: "Mine", GrantTypes: []string{"CLIENT_CREDENTIALS"}}}
	for _, s := range Settings(State{Plan: custom}) {
		if s.Source == FromPreset {
			t.Errorf("custom: %+v comes from no preset", s)
		}
	}
}

func intp(i int) *int { return &i }
