package flows

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pingone-setup/pingone-setup/internal/spec"
)

// TestRefreshTokenLimitsAreTheSpecs reads ApplicationOIDC's refresh token durations from
// PingOne's spec: validation and ParseDuration must enforce exactly its minimum and maximum.
// refreshTokenRollingDuration has no minimum in the schema; its description gives the same
// 60-2147483647 range as refreshTokenDuration.
func TestRefreshTokenLimitsAreTheSpecs(t *testing.T) {
	spec.Load(t) // skips, or fails under PINGONE_SPEC_REQUIRED=1, when the spec is missing
	dir := os.Getenv(spec.EnvDir)
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "pingone-openapi")
	}
	data, err := os.ReadFile(filepath.Join(dir, spec.ManagementFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas struct {
				ApplicationOIDC struct {
					AllOf []struct {
						Properties map[string]struct {
							Minimum     *int64 `yaml:"minimum"`
							Maximum     *int64 `yaml:"maximum"`
							Description string `yaml:"description"`
						} `yaml:"properties"`
					} `yaml:"allOf"`
				} `yaml:"ApplicationOIDC"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	// The file holds one literal tab that strict YAML refuses.
	if err := yaml.Unmarshal([]byte(strings.ReplaceAll(string(data), "\t", " ")), &doc); err != nil {
		t.Fatal(err)
	}
	type limits struct{ min, max *int64 }
	got := map[string]limits{}
	for _, part := range doc.Components.Schemas.ApplicationOIDC.AllOf {
		for name, p := range part.Properties {
			got[name] = limits{p.Minimum, p.Maximum}
			if name == "refreshTokenRollingDuration" && !strings.Contains(p.Description, "between 60 and 2147483647") {
				t.Errorf("refreshTokenRollingDuration's description changed: %q", p.Description)
			}
		}
	}
	check := func(name string, l limits, wantMin, wantMax int64) {
		t.Helper()
		if l.max == nil || *l.max != wantMax || (l.min != nil && *l.min != wantMin) {
			t.Errorf("%s: spec range %v-%v; we enforce %d-%d", name, deref(l.min), deref(l.max), wantMin, wantMax)
		}
	}
	check("refreshTokenDuration", got["refreshTokenDuration"], MinRefreshDuration, MaxRefreshDuration)
	check("refreshTokenRollingDuration", got["refreshTokenRollingDuration"], MinRefreshDuration, MaxRefreshDuration)
	check("refreshTokenRollingGracePeriodDuration", got["refreshTokenRollingGracePeriodDuration"], 0, MaxGracePeriod)
	if m := got["refreshTokenDuration"].min; m == nil || *m != MinRefreshDuration {
		t.Errorf("refreshTokenDuration's spec minimum %v; we enforce %d", deref(m), MinRefreshDuration)
	}

	// What is enforced: the ends are in, one past them out, with a message that gives the range.
	for field, tt := range map[string]struct{ in, out []Duration }{
		"refreshTokenDuration":        {in: []Duration{MinRefreshDuration, MaxRefreshDuration}, out: []Duration{MinRefreshDuration - 1}},
		"refreshTokenRollingDuration": {in: []Duration{MinRefreshDuration, MaxRefreshDuration}, out: []Duration{MinRefreshDuration - 1}},
	} {
		for _, d := range tt.in {
			if err := ValidateRefreshDuration(field, d); err != nil {
				t.Errorf("%s %d: %v", field, d, err)
			}
		}
		for _, d := range tt.out {
			if err := ValidateRefreshDuration(field, d); err == nil || !strings.Contains(err.Error(), "between 60 seconds and 2147483647 seconds") {
				t.Errorf("%s %d: %v", field, d, err)
			}
		}
	}
	if _, err := ParseDuration("2147483648"); err == nil {
		t.Error("ParseDuration accepts one second past the spec's maximum")
	}
	if ValidateGracePeriod(MaxGracePeriod) != nil || ValidateGracePeriod(MaxGracePeriod+1) == nil || ValidateGracePeriod(0) != nil {
		t.Error("the grace period range is not 0-86400")
	}
}

func deref(p *int64) any {
	if p == nil {
		return "none"
	}
	return *p
}
