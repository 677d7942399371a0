package pingone

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// FuzzParseRegion: an accepted region is one of Regions, has its URLs, and parses back from its
// code in any case.
func FuzzParseRegion(f *testing.F) {
	for _, s := range []string{"NA", "eu", " CA ", "AU", "SG", "AP", "NorthAmerica", "Australia-AsiaPacific", "asiapacific", "", "US", "com", "Asia", "ﬀ", "K"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRegion(s)
		if err != nil {
			return
		}
		if !slices.Contains(Regions, r) || r.APIURL() == "" || r.AuthURL() == "" || r.TLD() == "" {
			t.Fatalf("ParseRegion(%q) = %q", s, r)
		}
		for _, again := range []string{r.String(), strings.ToLower(r.String())} {
			if back, err := ParseRegion(again); err != nil || back != r {
				t.Fatalf("ParseRegion(%q) = %q, %v; want %q", again, back, err, r)
			}
		}
	})
}

// FuzzResolveEndpoints: accepted endpoints are absolute https URLs (http only on a loopback
// host) without credentials, query, fragment, trailing slash, space or control character; the
// API URL ends in /v1; and resolving the result again gives the same endpoints.
func FuzzResolveEndpoints(f *testing.F) {
	for _, s := range [][3]string{
		{"EU", "", ""}, {"", "https://api.example.com/v1/", "https://login.example.com"}, {"", "http://127.0.0.1:8080/v1", "http://localhost:9000"},
		{"", "http://[::1]:8080/v1", ""}, {"", "https://api.pingone.com", ""}, {"", "http://localhost.evil.com/v1", ""},
		{"", "https://u:p@api.pingone.com/v1", ""}, {"XX", "", ""}, {"", "https://api.pingone.com/v1?", ""}, {"", "", "https://auth.pingone.com#"},
		{"", "https://api.pingone.com/v1%2F", ""}, {"", "https://api.pingone.com/a%20b/v1", ""}, {"", " https://api.pingone.com/v1 ", ""},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, region, apiURL, authURL string) {
		ep, err := ResolveEndpoints(Region(region), apiURL, authURL)
		if err != nil {
			return
		}
		for _, raw := range []string{ep.APIURL, ep.AuthURL} {
			u, err := url.Parse(raw)
			if err != nil || u.Hostname() == "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" ||
				strings.ContainsAny(raw, "?#") || strings.HasSuffix(raw, "/") {
				t.Fatalf("ResolveEndpoints(%q, %q, %q) = %+v: %q is not a clean base URL (%v)", region, apiURL, authURL, ep, raw, err)
			}
			if u.Scheme != "https" && !(u.Scheme == "http" && IsLoopbackHost(u.Hostname())) {
				t.Fatalf("ResolveEndpoints(%q, %q, %q) = %+v: %q", region, apiURL, authURL, ep, raw)
			}
			if strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
				t.Fatalf("ResolveEndpoints(%q, %q, %q): %q has a space or control character", region, apiURL, authURL, raw)
			}
		}
		if !strings.HasSuffix(ep.APIURL, "/v1") {
			t.Fatalf("API URL %q", ep.APIURL)
		}
		again, err := ResolveEndpoints("", ep.APIURL, ep.AuthURL)
		if err != nil || again != ep {
			t.Fatalf("ResolveEndpoints(%q, %q, %q) = %+v, but again %+v, %v", region, apiURL, authURL, ep, again, err)
		}
	})
}

func TestAnEndpointWithAnEmptyQueryOrFragmentIsRefused(t *testing.T) {
	for _, api := range []string{"https://api.pingone.com/v1?", "https://api.pingone.com/v1#"} {
		if ep, err := ResolveEndpoints("", api, ""); err == nil {
			t.Errorf("%q accepted: %+v (requests would go to %s/environments)", api, ep, ep.APIURL)
		}
	}
}
