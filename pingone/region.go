package pingone

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Region is a PingOne region code, as used by PINGONE_REGION_CODE and the
// environment "region" field.
type Region string

// PingOne regions. AP is the legacy .asia region for existing customers only.
const (
	RegionNA Region = "NA"
	RegionEU Region = "EU"
	RegionCA Region = "CA"
	RegionAU Region = "AU"
	RegionSG Region = "SG"
	RegionAP Region = "AP"
)

// Regions lists every region in the order a picker should show them.
var Regions = []Region{RegionNA, RegionEU, RegionCA, RegionAU, RegionSG, RegionAP}

// regionTLD maps a region to its top-level domain (pingone-api.md §1).
var regionTLD = map[Region]string{
	RegionNA: "com",
	RegionEU: "eu",
	RegionCA: "ca",
	RegionAU: "com.au",
	RegionSG: "sg",
	RegionAP: "asia",
}

// deprecatedRegionNames are the PINGONE_REGION values of Ping's Go SDK and Terraform provider.
var deprecatedRegionNames = map[string]Region{
	"northamerica":          RegionNA,
	"europe":                RegionEU,
	"canada":                RegionCA,
	"australia-asiapacific": RegionAU,
	"singapore":             RegionSG,
	"asiapacific":           RegionAP,
}

// ParseRegion parses a region code (NA, EU, CA, AU, SG, AP) or one of the deprecated
// SDK names (NorthAmerica, Europe, Canada, Australia-AsiaPacific, Singapore,
// AsiaPacific), ignoring case and surrounding spaces.
func ParseRegion(s string) (Region, error) {
	t := strings.TrimSpace(s)
	r := Region(strings.ToUpper(t))
	if _, ok := regionTLD[r]; ok {
		return r, nil
	}
	if r, ok := deprecatedRegionNames[strings.ToLower(t)]; ok {
		return r, nil
	}
	return "", fmt.Errorf("unknown PingOne region %q: use one of NA, EU, CA, AU, SG, AP", s)
}

// String returns the region code.
func (r Region) String() string { return string(r) }

// TLD returns the region's top-level domain, e.g. "com.au" for AU; "" for an unknown region.
func (r Region) TLD() string { return regionTLD[r] }

// APIURL returns the region's Management API base URL including /v1,
// e.g. "https://api.pingone.com/v1"; "" for an unknown region.
func (r Region) APIURL() string {
	tld, ok := regionTLD[r]
	if !ok {
		return ""
	}
	return "https://api.pingone." + tld + "/v1"
}

// AuthURL returns the region's authorization server base URL, e.g.
// "https://auth.pingone.com"; environment paths ("/{envID}/as/...") go below it.
// It returns "" for an unknown region.
func (r Region) AuthURL() string {
	tld, ok := regionTLD[r]
	if !ok {
		return ""
	}
	return "https://auth.pingone." + tld
}

// Endpoints are the two base URLs a session talks to.
type Endpoints struct {
	APIURL  string // Management API base, ending in /v1
	AuthURL string // authorization server base, without the environment ID
}

// ResolveEndpoints returns the endpoints for region, with apiURL and authURL, when
// non-empty, overriding the region's. The API URL must end in /v1. Both must be
// https, except that plain http is accepted for loopback hosts (127.0.0.0/8, ::1,
// localhost), which the simulator and tests use. An empty region with both URLs
// given is fine; an empty region otherwise means NA.
func ResolveEndpoints(region Region, apiURL, authURL string) (Endpoints, error) {
	if region == "" {
		region = RegionNA
	}
	if _, ok := regionTLD[region]; !ok && (apiURL == "" || authURL == "") {
		return Endpoints{}, fmt.Errorf("unknown PingOne region %q: use one of NA, EU, CA, AU, SG, AP", string(region))
	}
	ep := Endpoints{APIURL: region.APIURL(), AuthURL: region.AuthURL()}
	if apiURL != "" {
		u, err := checkEndpoint("API", apiURL)
		if err != nil {
			return Endpoints{}, err
		}
		if !strings.HasSuffix(u.Path, "/v1") {
			return Endpoints{}, fmt.Errorf("API URL %q must end in /v1, e.g. https://api.pingone.com/v1", apiURL)
		}
		ep.APIURL = u.String()
	}
	if authURL != "" {
		u, err := checkEndpoint("auth", authURL)
		if err != nil {
			return Endpoints{}, err
		}
		ep.AuthURL = u.String()
	}
	return ep, nil
}

// checkEndpoint parses an endpoint URL and enforces https (http only for loopback).
func checkEndpoint(what, raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%s URL %q is not an absolute URL", what, raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%s URL %q must not carry credentials", what, u.Redacted())
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, fmt.Errorf("%s URL %q must not carry a query or a fragment", what, raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("%s URL %q uses plain http: only https is allowed, except for loopback addresses (127.0.0.1, ::1, localhost)", what, raw)
		}
	default:
		return nil, fmt.Errorf("%s URL %q must use https", what, raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// IsLoopbackHost reports whether host (without port) is localhost or a loopback IP.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
