package signin

import "testing"

func TestAnAuthorizationCodeIsPrintableASCIIIncludingSpaceAndTilde(t *testing.T) {
	for code, want := range map[string]bool{
		"abc-123_~":   true,
		"with space":  true,
		"~":           true,
		" ":           true,
		"tab\there":   false,
		"\x1f":        false,
		"del\x7f":     false,
		"caf\xc3\xa9": false,
		"":            true,
	} {
		if got := isVSCHAR(code); got != want {
			t.Errorf("isVSCHAR(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestTheCacheKeyIsTheAuthHostLowercasedOrTheWholeURLWithoutOne(t *testing.T) {
	for _, tc := range []struct{ authURL, host string }{
		{"https://Auth.PingOne.com", "auth.pingone.com"},
		{"http://127.0.0.1:8443/", "127.0.0.1:8443"},
		{"auth.pingone.eu", "auth.pingone.eu"},
		{"%zz", "%zz"},
	} {
		k := KeyOf(Config{AuthURL: tc.authURL, EnvironmentID: "ENV-1", ClientID: "Client"})
		if k.AuthHost != tc.host || k.EnvironmentID != "env-1" || k.ClientID != "Client" {
			t.Errorf("%q: key %+v, want host %q", tc.authURL, k, tc.host)
		}
	}
}
