package flows

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func TestARedirectURIWithASpaceOrAnInvisibleCharacterIsRefused(t *testing.T) {
	for uri, want := range map[string]string{
		"https://example.com/call back":     "contains a space",
		"https://example.com/cb ":           "contains a space",
		" https://example.com/cb":           "contains a space",
		"https://example.com/cb\t":          "contains a space",
		"https://example.com/c\u00a0b":      "contains a space",
		"https://example.com/cb\x00":        "U+0000",
		"https://example.com/c\x7fb":        "U+007F",
		"https://example.com/c\u200bb":      "U+200B",
		"https://example.com/c\u202eb":      "U+202E",
		"\ufeffhttps://example.com/cb":      "U+FEFF",
		"https://example.com/c\xffb":        "not valid UTF-8",
		"https://:443/cb":                   "not an absolute URL",
		"https:///cb":                       "not an absolute URL",
		"https://example.com/cb#":           "fragment",
		"https://example.com/callback%20/x": "",
	} {
		_, err := ValidateRedirectURI(uri)
		switch {
		case want == "" && err != nil:
			t.Errorf("%q refused: %v", uri, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%q: %v; want an error saying %q", uri, err, want)
		}
	}
}

// FuzzValidateRedirectURI: no panic; an accepted URI is valid UTF-8 with no space, control or
// invisible character, parses as an absolute URL with a host, has no fragment, and is https or
// loopback http; only an accepted URI can carry a warning.
func FuzzValidateRedirectURI(f *testing.F) {
	for _, s := range []string{"https://api.stackone.com/connect/oauth2/pingone/callback", "http://127.0.0.1:7464/callback",
		"http://localhost:8080/cb", "http://[::1]:80/cb", "https://example.com/callback/", "https://example.com/call back",
		"https://example.com/cb#x", "/callback", "ftp://example.com/cb", "https://:443/cb", "HTTPS://EXAMPLE.COM/", "https://u:p@example.com/cb",
		"https://example.com/c\u200bb", "http://localhost.evil.com/cb", "https://example.com:99999/cb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		warn, err := ValidateRedirectURI(s)
		if err != nil {
			if warn != "" {
				t.Fatalf("%q: both a warning and an error", s)
			}
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("accepted invalid UTF-8 %q", s)
		}
		for _, r := range s {
			if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("accepted %q with %U", s, r)
			}
		}
		u, perr := url.Parse(s)
		if perr != nil || u.Scheme == "" || u.Hostname() == "" || strings.Contains(s, "#") {
			t.Fatalf("accepted %q: %v %+v", s, perr, u)
		}
		if u.Scheme != "https" && !(u.Scheme == "http" && pingone.IsLoopbackHost(u.Hostname())) {
			t.Fatalf("accepted %q: scheme %s on host %s", s, u.Scheme, u.Hostname())
		}
	})
}
