package pingone

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// EnvironmentRef is where an admin says their environment is: its ID, and the region when what
// they pasted names it (a console or portal URL does; a bare ID does not).
type EnvironmentRef struct {
	ID     string
	Region Region // "" when the input did not say
	// From says what the input was, for messages: "environment ID" or the URL's kind.
	From string
}

var uuidRe = regexp.MustCompile(`(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// hostKinds name the PingOne hosts an admin may copy a URL from (PingOne's Environment
// Properties page lists the console, self-service and application portal URLs:
// https://console.pingone.<tld>/?env=<envID>, https://apps.pingone.<tld>/<envID>/myaccount/).
var hostKinds = map[string]string{
	"console": "console URL",
	"apps":    "application portal URL",
	"auth":    "auth URL",
	"api":     "API URL",
}

// ParseEnvironmentRef reads what an admin pastes to say which environment they mean: an
// environment ID, or a URL from the browser's address bar on a PingOne host (the console's
// https://console.pingone.eu/?env=ID#/..., the portal's https://apps.pingone.com/ID/myapps/, an
// auth or API URL holding the ID). From a URL it also takes the region, by the host's top-level
// domain. Anything else is an error that says what it wanted.
func ParseEnvironmentRef(s string) (EnvironmentRef, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return EnvironmentRef{}, fmt.Errorf("empty: paste an environment ID or the console URL from your browser's address bar")
	}
	if uuidRe.MatchString(t) {
		return EnvironmentRef{ID: strings.ToLower(t), From: "environment ID"}, nil
	}
	if !strings.Contains(t, "://") && strings.Contains(t, ".pingone.") {
		t = "https://" + t // copied without the scheme
	}
	u, err := url.Parse(t)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return EnvironmentRef{}, fmt.Errorf("%q is neither an environment ID (such as 3f8a…-…) nor a PingOne console URL (such as https://console.pingone.com/?env=…)", clip(s))
	}
	host := strings.ToLower(u.Hostname())
	sub, rest, ok := strings.Cut(host, ".pingone.")
	region, known := regionOfTLD(rest)
	if !ok || !known || strings.Contains(sub, ".") {
		return EnvironmentRef{}, fmt.Errorf("%s is not a PingOne host (console.pingone.com, .eu, .ca, .com.au, .sg or .asia): paste the URL of the PingOne console, or the environment ID", host)
	}
	kind := hostKinds[sub]
	if kind == "" {
		kind = "PingOne URL"
	}
	ref := EnvironmentRef{Region: region, From: kind}
	// The console keeps the environment in ?env=, before or inside the fragment (#/…?env=).
	for _, q := range []string{u.RawQuery, fragmentQuery(u.Fragment)} {
		if v, err := url.ParseQuery(q); err == nil {
			if id := strings.TrimSpace(v.Get("env")); id != "" {
				if !uuidRe.MatchString(id) {
					return EnvironmentRef{}, fmt.Errorf("the %s's env=%q is not an environment ID", kind, clip(id))
				}
				ref.ID = strings.ToLower(id)
				return ref, nil
			}
		}
	}
	// The portals and the auth host start their paths with the environment ID; the API has it
	// after /v1/environments/.
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i, seg := range segs {
		if !uuidRe.MatchString(seg) {
			continue
		}
		if i == 0 || (i >= 2 && segs[i-1] == "environments") {
			ref.ID = strings.ToLower(seg)
			return ref, nil
		}
	}
	return EnvironmentRef{}, fmt.Errorf("the %s %s holds no environment ID: open the environment in the console (its URL ends in ?env=…) and copy that, or paste the ID from Settings > Environment Properties", kind, host)
}

// regionOfTLD is the region whose PingOne hosts end in tld.
func regionOfTLD(tld string) (Region, bool) {
	for r, t := range regionTLD {
		if t == tld {
			return r, true
		}
	}
	return "", false
}

// fragmentQuery is the query part of a fragment such as /applications?env=…&nav=….
func fragmentQuery(f string) string {
	if _, q, ok := strings.Cut(f, "?"); ok {
		return q
	}
	return ""
}

// clip keeps what a message repeats of the input short.
func clip(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:77]) + "..."
	}
	return s
}
