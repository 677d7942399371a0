package pingone

import (
	"strings"
	"testing"
)

func TestParseEnvironmentRefReadsWhatAnAdminPastes(t *testing.T) {
	const id = "3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b"
	for _, tc := range []struct {
		in     string
		region Region
		from   string
	}{
		{id, "", "environment ID"},
		{"  " + strings.ToUpper(id) + "\n", "", "environment ID"},
		{"https://console.pingone.com/?env=" + id, RegionNA, "console URL"},
		{"https://console.pingone.eu/index.html?env=" + id + "#home?nav=home", RegionEU, "console URL"},
		{"https://console.pingone.com.au/#/applications?env=" + id + "&nav=connections", RegionAU, "console URL"},
		{"console.pingone.ca/?env=" + id, RegionCA, "console URL"},
		{"https://apps.pingone.sg/" + id + "/myapps/", RegionSG, "application portal URL"},
		{"https://apps.pingone.asia/" + id + "/myaccount/", RegionAP, "application portal URL"},
		{"https://auth.pingone.eu/" + id + "/as/authorize?client_id=x", RegionEU, "auth URL"},
		{"https://api.pingone.com/v1/environments/" + id + "/applications", RegionNA, "API URL"},
	} {
		ref, err := ParseEnvironmentRef(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if ref.ID != id || ref.Region != tc.region || ref.From != tc.from {
			t.Errorf("%q: got %+v, want ID %s, region %q, from %q", tc.in, ref, id, tc.region, tc.from)
		}
	}
}

func TestParseEnvironmentRefSaysWhatIsWrong(t *testing.T) {
	const id = "3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b"
	for _, tc := range []struct{ in, want string }{
		{"", "paste an environment ID"},
		{"Production", "neither an environment ID"},
		{"3f8a1c2e-0b4d-4e6f-8a9b", "neither an environment ID"},
		{"https://console.pingone.example.com/?env=" + id, "not a PingOne host"},
		{"https://evil.com/?env=" + id, "not a PingOne host"},
		{"https://console.pingone.de/?env=" + id, "not a PingOne host"},
		{"https://a.b.pingone.com/?env=" + id, "not a PingOne host"},
		{"https://console.pingone.com/?env=prod", `env="prod" is not an environment ID`},
		{"https://console.pingone.com/#/home", "holds no environment ID"},
		{"https://apps.pingone.com/myapps/" + id, "holds no environment ID"},
		{"ftp://console.pingone.com/?env=" + id, "neither an environment ID"},
	} {
		_, err := ParseEnvironmentRef(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

func FuzzParseEnvironmentRef(f *testing.F) {
	f.Add("https://console.pingone.eu/?env=3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b")
	f.Add("3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b")
	f.Add("apps.pingone.com/3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b/myapps")
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseEnvironmentRef(s)
		if err != nil {
			return
		}
		// Whatever was accepted names a real environment ID and, if any, a known region.
		if !uuidRe.MatchString(ref.ID) || ref.ID != strings.ToLower(ref.ID) {
			t.Fatalf("%q gave ID %q", s, ref.ID)
		}
		if ref.Region != "" && ref.Region.TLD() == "" {
			t.Fatalf("%q gave region %q", s, ref.Region)
		}
	})
}

func TestParseEnvironmentRefEdges(t *testing.T) {
	const id = "3f8a1c2e-0b4d-4e6f-8a9b-0c1d2e3f4a5b"
	// A URL that does not parse is refused, not a crash.
	if _, err := ParseEnvironmentRef("https://console.pingone.com/%zz"); err == nil || !strings.Contains(err.Error(), "neither an environment ID") {
		t.Errorf("an unparsable URL: %v", err)
	}
	// Deeper in a path, an ID counts only after environments/ (the API's shape).
	if _, err := ParseEnvironmentRef("https://console.pingone.com/a/b/" + id); err == nil {
		t.Error("an ID deep in a console path was taken for the environment")
	}
	// Messages repeat an input of up to 80 characters whole, and cut a longer one.
	eighty := strings.Repeat("x", 80)
	if _, err := ParseEnvironmentRef(eighty); err == nil || !strings.Contains(err.Error(), `"`+eighty+`"`) {
		t.Errorf("80 characters: %v", err)
	}
	if _, err := ParseEnvironmentRef(eighty + "y"); err == nil || strings.Contains(err.Error(), eighty) || !strings.Contains(err.Error(), "...") {
		t.Errorf("81 characters: %v", err)
	}
}
