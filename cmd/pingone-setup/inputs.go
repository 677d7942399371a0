package main

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/pingone-setup/pingone-setup/internal/securefile"
	"github.com/pingone-setup/pingone-setup/pingone"
)

// Custom domains, as PingOne's Terraform provider names them: the host names (no scheme, no
// path) of the API and of the authorization server.
const (
	envAPIHostname  = "PINGONE_API_SERVICE_HOSTNAME"
	envAuthHostname = "PINGONE_AUTH_SERVICE_HOSTNAME"
)

// signInInfo says, in the JSON document, how the run signed in and where that came from: never
// a secret.
type signInInfo struct {
	// Method is demo, access_token, client_credentials, browser or device.
	Method string `json:"method"`
	// Source is the flag or environment variable that chose it: "flag --client-id",
	// "env PINGONE_API_ACCESS_TOKEN".
	Source string `json:"source"`
	// SecretSource is where a worker's secret came from.
	SecretSource string `json:"secretSource,omitempty"`
}

// source says where a flag's value came from: "flag --NAME" when given on the command line,
// "env VAR" when an environment variable stands in for it, "" when neither.
func (c *common) source(name string) string {
	if c.fs == nil {
		return ""
	}
	f := c.fs.Lookup(name)
	if f == nil {
		return ""
	}
	if f.Changed {
		return "flag --" + name
	}
	for _, key := range []string{annEnv, annEnvInstead} {
		if v := annotation(f, key); v != "" && strings.TrimSpace(os.Getenv(v)) != "" {
			return "env " + v
		}
	}
	return ""
}

// given says whether the flag was on the command line (the environment does not count).
func (c *common) given(name string) bool { return c.fs != nil && c.fs.Changed(name) }

// conflict is the one message for two inputs that cannot both hold: both named, with their
// sources, and which to drop for which outcome (withA: what keeping a does).
func conflict(a, b, why, withA, withB string) error {
	return badUsage("%s and %s conflict: %s. Drop %s to %s, or drop %s to %s", a, b, why, b, withA, a, withB)
}

// checkSignInInputs refuses two sign-ins given on the same command line. An environment variable
// that merely coexists with a flag is not a conflict: the flag wins, as documented, and the JSON
// document's signIn says which source was used.
func (c *common) checkSignInInputs() error {
	if c.demo && c.given("demo") {
		for _, name := range []string{"api-url", "auth-url", "login", "login-client-id", "client-id", "client-secret-file", "token-file", "environment-id", "region"} {
			if c.given(name) {
				return conflict("--demo", "--"+name, "--demo signs in to the built-in simulated PingOne, where --"+name+" means nothing",
					"run the demo", "use --"+name+" against your PingOne")
			}
		}
		return nil
	}
	type method struct{ flag, as string }
	login := method{"--login", "sign in as yourself (" + c.login + ")"}
	worker := method{"--client-id", "sign in as the worker"}
	token := method{"--token-file", "sign in with the access token"}
	var given []method
	if c.given("login") {
		given = append(given, login)
	}
	if c.given("client-id") {
		given = append(given, worker)
	} else if c.given("client-secret-file") {
		given = append(given, method{"--client-secret-file", worker.as})
	}
	if c.given("token-file") {
		given = append(given, token)
	}
	if len(given) > 1 {
		a, b := given[0], given[1]
		return conflict(a.flag, b.flag, "they are two different sign-ins", a.as, b.as)
	}
	if c.given("client-secret-file") && c.clientID == "" {
		return badUsage("--client-secret-file is the secret of a worker: add --client-id ID (or PINGONE_CLIENT_ID) and --environment-id ID, or drop --client-secret-file")
	}
	if c.given("login-client-id") && c.login == "" {
		return badUsage("--login-client-id is the sign-in app of --login: add --login browser|device, or drop --login-client-id")
	}
	return nil
}

// resolveEndpoints settles the two base URLs before any request, so that no credential goes to a
// host the user did not name. Both given: kept. Neither: the region's (or the custom-domain
// host names of PINGONE_API_SERVICE_HOSTNAME and PINGONE_AUTH_SERVICE_HOSTNAME, both set). One
// given: the other is derived only from the same host family (api.pingone.X and auth.pingone.X;
// the custom-domain variable; or, for the simulator, the same loopback host and port), or the
// run is refused naming the missing flag. It also reads the region, which must agree with a
// PingOne host named.
func (c *common) resolveEndpoints() error {
	if c.region != "" {
		r, err := pingone.ParseRegion(c.region)
		if err != nil {
			return badUsage("--region%s: %v", c.viaEnv("region"), err)
		}
		c.regionCode, c.regionGiven = r, true
	}
	apiHost, authHost := strings.TrimSpace(os.Getenv(envAPIHostname)), strings.TrimSpace(os.Getenv(envAuthHostname))
	for name, h := range map[string]string{envAPIHostname: apiHost, envAuthHostname: authHost} {
		if h != "" && !validHostname(h) {
			return badUsage("%s=%q: want a host name such as auth.example.com, without https:// or a path", name, h)
		}
	}
	switch {
	case c.apiURL == "" && c.authURL == "":
		switch {
		case apiHost != "" && authHost != "":
			c.apiURL, c.authURL = "https://"+apiHost+"/v1", "https://"+authHost
		case apiHost != "":
			return badUsage("%s is set and %s is not: set both (or give --api-url and --auth-url), so that credentials go only to hosts you named", envAPIHostname, envAuthHostname)
		case authHost != "":
			return badUsage("%s is set and %s is not: set both (or give --api-url and --auth-url), so that credentials go only to hosts you named", envAuthHostname, envAPIHostname)
		default:
			return nil // the region's, found or given
		}
	case c.authURL == "":
		u, err := endpointURL("API", c.apiURL)
		if err != nil {
			return badUsage("--api-url%s %v", c.viaEnv("api-url"), err)
		}
		switch r, kind := pingoneHost(u.Hostname()); {
		case authHost != "":
			c.authURL = "https://" + authHost
		case kind == "api":
			c.authURL = r.AuthURL()
		case pingone.IsLoopbackHost(u.Hostname()):
			c.authURL = u.Scheme + "://" + u.Host + strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/v1")
		default:
			return badUsage("--api-url %s%s is not a PingOne API host (api.pingone.com, .eu, .ca, .com.au, .sg, .asia), so the auth host cannot be derived from it: give --auth-url too (or PINGONE_AUTH_URL, or %s for a custom domain). Credentials go only to hosts you named",
				c.apiURL, c.viaEnv("api-url"), envAuthHostname)
		}
	case c.apiURL == "":
		u, err := endpointURL("auth", c.authURL)
		if err != nil {
			return badUsage("--auth-url%s %v", c.viaEnv("auth-url"), err)
		}
		switch r, kind := pingoneHost(u.Hostname()); {
		case apiHost != "":
			c.apiURL = "https://" + apiHost + "/v1"
		case kind == "auth":
			c.apiURL = r.APIURL()
		case pingone.IsLoopbackHost(u.Hostname()):
			c.apiURL = u.Scheme + "://" + u.Host + strings.TrimRight(u.Path, "/") + "/v1"
		default:
			return badUsage("--auth-url %s%s is not a PingOne auth host (auth.pingone.com, .eu, .ca, .com.au, .sg, .asia), so the API host cannot be derived from it: give --api-url too (or PINGONE_API_URL, or %s for a custom domain). Credentials go only to hosts you named",
				c.authURL, c.viaEnv("auth-url"), envAPIHostname)
		}
	}
	// Both are known now: check them, and that they and the region are of one region.
	ep, err := pingone.ResolveEndpoints(pingone.RegionNA, c.apiURL, c.authURL)
	if err != nil {
		return badUsage("%v", err)
	}
	apiU, _ := url.Parse(ep.APIURL)
	authU, _ := url.Parse(ep.AuthURL)
	ra, _ := pingoneHost(apiU.Hostname())
	rb, _ := pingoneHost(authU.Hostname())
	if ra != "" && rb != "" && ra != rb {
		return badUsage("the API URL %s%s is in region %s and the auth URL %s%s in region %s: give both of one region",
			ep.APIURL, c.viaEnv("api-url"), ra, ep.AuthURL, c.viaEnv("auth-url"), rb)
	}
	urlRegion, urlFlag := ra, "api-url"
	if urlRegion == "" {
		urlRegion, urlFlag = rb, "auth-url"
	}
	switch {
	case urlRegion == "" || urlRegion == c.regionCode:
	case !c.regionGiven || (c.given(urlFlag) && !c.given("region")):
		// No region, or only the environment's PINGONE_REGION_CODE against a flag: the URL's.
		c.regionCode = urlRegion
	case c.given("region") == c.given(urlFlag):
		url := ep.APIURL
		if urlFlag == "auth-url" {
			url = ep.AuthURL
		}
		return conflict("--region "+string(c.regionCode)+c.viaEnv("region"), "--"+urlFlag+" "+url+c.viaEnv(urlFlag), "the URL is in region "+string(urlRegion),
			"use region "+string(c.regionCode)+"'s endpoints", "use the URL's region")
	default:
		// --region given, the URL only from the environment: the flag wins.
		c.apiURL, c.authURL = "", ""
		return nil
	}
	c.apiURL, c.authURL = ep.APIURL, ep.AuthURL
	return nil
}

// viaEnv is " (from VAR)" when the flag's value came from its environment variable, so a message
// names the source the user has to change.
func (c *common) viaEnv(name string) string {
	if src := c.source(name); strings.HasPrefix(src, "env ") {
		return " (from " + strings.TrimPrefix(src, "env ") + ")"
	}
	return ""
}

// endpointURL parses an endpoint as ResolveEndpoints will, for its host.
func endpointURL(what, raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("%q is not an absolute %s URL: give https://HOST%s", raw, what, map[string]string{"API": "/v1"}[what])
	}
	return u, nil
}

// pingoneHost says whether host is one of PingOne's own, api.pingone.TLD or auth.pingone.TLD,
// and of which region.
func pingoneHost(host string) (pingone.Region, string) {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	for _, r := range pingone.Regions {
		for _, kind := range []string{"api", "auth"} {
			if h == kind+".pingone."+r.TLD() {
				return r, kind
			}
		}
	}
	return "", ""
}

// validHostname: letters, digits, dots and hyphens, with an optional :port.
func validHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == ':') {
			return false
		}
	}
	return true
}

// checkWritable refuses, before anything changes, a file the run could not write: the flag (or
// variable) is named, and why.
func checkWritable(what, path string) error {
	if err := securefile.CheckWritable(path); err != nil {
		return badUsage("%s %s: %v", what, path, err)
	}
	return nil
}
