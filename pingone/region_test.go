package pingone_test

import (
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func TestParseRegionAcceptsCodesAndDeprecatedSDKNames(t *testing.T) {
	tests := map[string]pingone.Region{
		"NA": pingone.RegionNA, "na": pingone.RegionNA, " eu ": pingone.RegionEU, "CA": pingone.RegionCA,
		"au": pingone.RegionAU, "SG": pingone.RegionSG, "AP": pingone.RegionAP,
		"NorthAmerica": pingone.RegionNA, "Europe": pingone.RegionEU, "AsiaPacific": pingone.RegionAP,
		"Australia-AsiaPacific": pingone.RegionAU, "canada": pingone.RegionCA, "Singapore": pingone.RegionSG,
	}
	for in, want := range tests {
		if got, err := pingone.ParseRegion(in); err != nil || got != want {
			t.Errorf("ParseRegion(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "US", "com", "Asia"} {
		if _, err := pingone.ParseRegion(bad); err == nil {
			t.Errorf("ParseRegion(%q) succeeded", bad)
		}
	}
}

func TestRegionsMapToPingOnesHosts(t *testing.T) {
	tests := map[pingone.Region][2]string{
		pingone.RegionNA: {"https://api.pingone.com/v1", "https://auth.pingone.com"},
		pingone.RegionEU: {"https://api.pingone.eu/v1", "https://auth.pingone.eu"},
		pingone.RegionCA: {"https://api.pingone.ca/v1", "https://auth.pingone.ca"},
		pingone.RegionAU: {"https://api.pingone.com.au/v1", "https://auth.pingone.com.au"},
		pingone.RegionSG: {"https://api.pingone.sg/v1", "https://auth.pingone.sg"},
		pingone.RegionAP: {"https://api.pingone.asia/v1", "https://auth.pingone.asia"},
	}
	if len(tests) != len(pingone.Regions) {
		t.Fatal("Regions and the table disagree")
	}
	for r, want := range tests {
		if r.APIURL() != want[0] || r.AuthURL() != want[1] {
			t.Errorf("%s: %s, %s", r, r.APIURL(), r.AuthURL())
		}
	}
	if pingone.Region("XX").APIURL() != "" {
		t.Error("unknown region has an API URL")
	}
}

func TestResolveEndpoints(t *testing.T) {
	tests := []struct {
		name            string
		region          pingone.Region
		api, auth       string
		wantAPI, wantAu string
		wantErr         string
	}{
		{name: "region only", region: "EU", wantAPI: "https://api.pingone.eu/v1", wantAu: "https://auth.pingone.eu"},
		{name: "default NA", wantAPI: "https://api.pingone.com/v1", wantAu: "https://auth.pingone.com"},
		{name: "explicit URLs win", region: "EU", api: "https://api.example.com/v1/", auth: "https://login.example.com",
			wantAPI: "https://api.example.com/v1", wantAu: "https://login.example.com"},
		{name: "loopback http", api: "http://127.0.0.1:8080/v1", auth: "http://localhost:9000",
			wantAPI: "http://127.0.0.1:8080/v1", wantAu: "http://localhost:9000"},
		{name: "IPv6 loopback", api: "http://[::1]:8080/v1", wantAPI: "http://[::1]:8080/v1", wantAu: "https://auth.pingone.com"},
		{name: "127/8", api: "http://127.1.2.3/v1", wantAPI: "http://127.1.2.3/v1", wantAu: "https://auth.pingone.com"},
		{name: "missing /v1", api: "https://api.pingone.com", wantErr: "/v1"},
		{name: "http elsewhere", api: "http://api.example.com/v1", wantErr: "plain http"},
		{name: "http auth elsewhere", auth: "http://10.0.0.1", wantErr: "plain http"},
		{name: "loopback-looking name", api: "http://localhost.evil.com/v1", wantErr: "plain http"},
		{name: "not a URL", api: "api.pingone.com/v1", wantErr: "absolute"},
		{name: "other scheme", auth: "ftp://x", wantErr: "https"},
		{name: "credentials in URL", api: "https://u:p@api.pingone.com/v1", wantErr: "credentials"},
		{name: "unknown region", region: "XX", wantErr: "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ep, err := pingone.ResolveEndpoints(tt.region, tt.api, tt.auth)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "u:p@") {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || ep.APIURL != tt.wantAPI || ep.AuthURL != tt.wantAu {
				t.Fatalf("ep = %+v, err = %v", ep, err)
			}
		})
	}
}
