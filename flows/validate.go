package flows

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// PingOne's enumerations and ranges for the fields a plan sets (pingone-management.yml).
var (
	GrantTypes    = []string{pingone.GrantAuthorizationCode, pingone.GrantImplicit, pingone.GrantRefreshToken, pingone.GrantClientCredentials, pingone.GrantDeviceCode, pingone.GrantTokenExchange, pingone.GrantCIBA}
	ResponseTypes = []string{pingone.ResponseCode, pingone.ResponseToken, pingone.ResponseIDToken}
	PKCEOptions   = []string{pingone.PKCEOptional, pingone.PKCERequired, pingone.PKCES256Required}
	AuthMethods   = []string{pingone.AuthMethodNone, pingone.AuthMethodClientSecretBasic, pingone.AuthMethodClientSecretPost, pingone.AuthMethodPrivateKeyJWT, pingone.AuthMethodClientSecretJWT}
	// OpenIDScopes are the scopes of the built-in openid resource a worker may be granted.
	OpenIDScopes = []string{"openid", "profile", "email", "address", "phone", "offline_access"}
)

// Refresh token duration ranges, in seconds (ApplicationOIDC in the spec).
const (
	MinRefreshDuration = 60
	MaxRefreshDuration = 2147483647
	MaxGracePeriod     = 86400
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// ValidateUUID checks an environment, client or other PingOne ID (the SDK's own pattern).
func ValidateUUID(s string) error {
	if !uuidRE.MatchString(strings.TrimSpace(s)) {
		return fmt.Errorf("%q is not a PingOne ID (a lowercase UUID like 00000000-0000-0000-0000-000000000000)", s)
	}
	return nil
}

// ValidateName checks an application name.
func ValidateName(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("a name is required")
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("the name is not UTF-8 text")
	}
	if len(s) > 256 {
		return fmt.Errorf("the name is longer than 256 characters")
	}
	return nil
}

// ValidateDescription checks a description against the characters PingOne rejects ([comm]
// pingone-api.md §3: `$ + < = > ^ ` | ~`).
func ValidateDescription(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("the description is not UTF-8 text")
	}
	if i := strings.IndexAny(s, "$+<=>^`|~"); i >= 0 {
		return fmt.Errorf("PingOne rejects %q in a description", s[i:i+1])
	}
	return nil
}

// ValidateRedirectURI checks one redirect URI. It returns an error for URIs PingOne or an OAuth
// client would reject, and a warning for ones that are valid but probably wrong (a trailing
// slash: the callback must match exactly, byte for byte). An accepted URI is valid UTF-8 without
// spaces, control or invisible formatting characters, and has a scheme and a host.
func ValidateRedirectURI(s string) (warning string, err error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%q is not valid UTF-8 text", s)
	}
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			return "", fmt.Errorf("%q contains a space: the callback must match byte for byte, so remove it (or write it as %%20 if the connector's callback really has one)", s)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return "", fmt.Errorf("%q contains the invisible character %U: remove it (pasted text often carries one)", s, r)
		}
	}
	u, perr := url.Parse(s)
	if perr != nil || !u.IsAbs() || u.Hostname() == "" {
		return "", fmt.Errorf("%q is not an absolute URL (e.g. https://example.com/callback)", s)
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return "", fmt.Errorf("%q has a fragment (#...): redirect URIs must not", s)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !pingone.IsLoopbackHost(u.Hostname()) {
			return "", fmt.Errorf("%q uses plain http: only loopback addresses (127.0.0.1, localhost) may", s)
		}
	default:
		return "", fmt.Errorf("%q: use https (or http on a loopback address)", s)
	}
	if strings.HasSuffix(u.Path, "/") && u.Path != "/" {
		return fmt.Sprintf("%q ends in a slash: the connector's callback must match exactly, so check it really has one", s), nil
	}
	return "", nil
}

// ValidateRefreshDuration checks one refresh token duration against PingOne's range.
func ValidateRefreshDuration(field string, d Duration) error {
	if d < MinRefreshDuration || int64(d) > MaxRefreshDuration {
		return fmt.Errorf("%s must be between 60 seconds and 2147483647 seconds (68 years); got %d", field, d)
	}
	return nil
}

// ValidateGracePeriod checks the rolling grace period.
func ValidateGracePeriod(d Duration) error {
	if d < 0 || d > MaxGracePeriod {
		return fmt.Errorf("the grace period must be between 0 and 86400 seconds (1 day); got %d", d)
	}
	return nil
}

// Validate reports every problem of a plan (after its preset is applied), each with its field path.
func (p Plan) Validate() []Problem {
	var out []Problem
	add := func(field, format string, args ...any) {
		out = append(out, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if p.EnvironmentID != "" {
		if err := ValidateUUID(p.EnvironmentID); err != nil {
			add("environmentId", "%v", err)
		}
	}
	if !utf8.ValidString(p.SignInUser) {
		add("signInUser", "the user is not UTF-8 text")
	}
	a := p.Application
	if err := ValidateName(a.Name); err != nil {
		add("application.name", "%v", err)
	} else if strings.TrimSpace(a.Name) != a.Name {
		add("application.name", "%q has a leading or trailing space: the app is found by its exact name, so remove the space", a.Name)
	}
	if err := ValidateDescription(a.Description); err != nil {
		add("application.description", "%v", err)
	}
	checkEnum := func(field string, values, allowed []string) {
		for i, v := range values {
			if !slices.Contains(allowed, v) {
				add(fmt.Sprintf("%s[%d]", field, i), "%q is not one of %s", v, strings.Join(allowed, ", "))
			}
		}
	}
	if len(a.GrantTypes) == 0 {
		add("application.grantTypes", "at least one grant type is required (or choose a preset)")
	}
	checkEnum("application.grantTypes", a.GrantTypes, GrantTypes)
	checkEnum("application.responseTypes", a.ResponseTypes, ResponseTypes)
	if a.PKCEEnforcement != "" && !slices.Contains(PKCEOptions, a.PKCEEnforcement) {
		add("application.pkceEnforcement", "%q is not one of %s", a.PKCEEnforcement, strings.Join(PKCEOptions, ", "))
	}
	if a.TokenEndpointAuthMethod == "" {
		add("application.tokenEndpointAuthMethod", "required: one of %s", strings.Join(AuthMethods, ", "))
	} else if !slices.Contains(AuthMethods, a.TokenEndpointAuthMethod) {
		add("application.tokenEndpointAuthMethod", "%q is not one of %s", a.TokenEndpointAuthMethod, strings.Join(AuthMethods, ", "))
	}
	for i, u := range a.RedirectURIs {
		if _, err := ValidateRedirectURI(u); err != nil {
			add(fmt.Sprintf("application.redirectUris[%d]", i), "%v", err)
		}
	}
	out = append(out, consistency(a)...)
	out = append(out, validateMore(a)...)
	out = append(out, validateGroupAccess(a.GroupAccess)...)
	for i, n := range a.SignOnPolicies {
		if strings.TrimSpace(n) == "" {
			add(fmt.Sprintf("application.signOnPolicies[%d]", i), "a sign-on policy name is empty")
		} else if slices.Index(a.SignOnPolicies, n) != i {
			add(fmt.Sprintf("application.signOnPolicies[%d]", i), "%q is listed twice: a policy is assigned to an app once", n)
		}
	}
	if a.RefreshTokenDuration != nil {
		if err := ValidateRefreshDuration("refreshTokenDuration", *a.RefreshTokenDuration); err != nil {
			add("application.refreshTokenDuration", "%v", err)
		}
	}
	if a.RefreshTokenRollingDuration != nil {
		if err := ValidateRefreshDuration("refreshTokenRollingDuration", *a.RefreshTokenRollingDuration); err != nil {
			add("application.refreshTokenRollingDuration", "%v", err)
		}
	}
	if a.RefreshTokenRollingGracePeriodDuration != nil {
		if err := ValidateGracePeriod(*a.RefreshTokenRollingGracePeriodDuration); err != nil {
			add("application.refreshTokenRollingGracePeriodDuration", "%v", err)
		}
	}
	if a.RefreshTokenDuration != nil && a.RefreshTokenRollingDuration != nil && *a.RefreshTokenDuration > *a.RefreshTokenRollingDuration {
		add("application.refreshTokenDuration", "must not be longer than refreshTokenRollingDuration (%s > %s)", a.RefreshTokenDuration, a.RefreshTokenRollingDuration)
	}
	for i, s := range a.Scopes {
		if !slices.Contains(OpenIDScopes, s) {
			add(fmt.Sprintf("application.scopes[%d]", i), "%q is not a scope of the openid resource (%s)", s, strings.Join(OpenIDScopes, ", "))
		}
	}
	for i, r := range a.RoleAssignments {
		out = append(out, checkRoleRef(fmt.Sprintf("application.roleAssignments[%d]", i), r.Role, r.Scope)...)
	}
	for i, r := range p.UserRoleAssignments {
		field := fmt.Sprintf("userRoleAssignments[%d]", i)
		if strings.TrimSpace(r.User) == "" {
			add(field+".user", "a username or email is required")
		} else if !utf8.ValidString(r.User) {
			add(field+".user", "the user is not UTF-8 text")
		}
		out = append(out, checkRoleRef(field, r.Role, r.Scope)...)
	}
	if p.Roles != "" && p.Roles != RolesCheck && p.Roles != RolesFix {
		add("roles", "%q is not a choice: use %q (only report a missing role) or %q (assign the proposed roles)", p.Roles, RolesCheck, RolesFix)
	}
	for i, c := range p.Capabilities {
		if _, ok := CapabilityByID(c); !ok {
			add(fmt.Sprintf("capabilities[%d]", i), "unknown capability %q (choose from %s)", c, strings.Join(CapabilityIDs(), ", "))
		}
	}
	return out
}

// Warnings lists what is valid in a plan but probably wrong, each with its field path: a redirect
// URI that ends in a slash (the wizard warns of it too).
func (p Plan) Warnings() []Problem {
	var out []Problem
	for i, u := range p.Application.RedirectURIs {
		if w, err := ValidateRedirectURI(u); err == nil && w != "" {
			out = append(out, Problem{Field: fmt.Sprintf("application.redirectUris[%d]", i), Message: w})
		}
	}
	return out
}

// consistency checks that grant types, response types, redirect URIs and client authentication
// fit together the way PingOne and OAuth require.
func consistency(a AppSpec) []Problem {
	var out []Problem
	has := func(g string) bool { return slices.Contains(a.GrantTypes, g) }
	add := func(field, msg string) { out = append(out, Problem{Field: field, Message: msg}) }
	if has(pingone.GrantAuthorizationCode) {
		if !slices.Contains(a.ResponseTypes, pingone.ResponseCode) {
			add("application.responseTypes", "AUTHORIZATION_CODE needs the response type CODE")
		}
		if len(a.RedirectURIs) == 0 {
			add("application.redirectUris", "AUTHORIZATION_CODE needs at least one redirect URI (the connector's callback)")
		}
	}
	if slices.Contains(a.ResponseTypes, pingone.ResponseCode) && (slices.Contains(a.ResponseTypes, pingone.ResponseToken) || slices.Contains(a.ResponseTypes, pingone.ResponseIDToken)) {
		add("application.responseTypes", "PingOne does not combine CODE with TOKEN or ID_TOKEN")
	}
	if has(pingone.GrantImplicit) && !slices.Contains(a.ResponseTypes, pingone.ResponseToken) && !slices.Contains(a.ResponseTypes, pingone.ResponseIDToken) {
		add("application.responseTypes", "IMPLICIT needs the response type TOKEN or ID_TOKEN")
	}
	if has(pingone.GrantRefreshToken) && !has(pingone.GrantAuthorizationCode) && !has(pingone.GrantDeviceCode) && !has(pingone.GrantCIBA) {
		add("application.grantTypes", "REFRESH_TOKEN only makes sense with AUTHORIZATION_CODE, DEVICE_CODE or CIBA")
	}
	if has(pingone.GrantClientCredentials) && a.TokenEndpointAuthMethod == pingone.AuthMethodNone {
		add("application.tokenEndpointAuthMethod", "CLIENT_CREDENTIALS needs client authentication: NONE cannot be used")
	}
	if a.PKCEEnforcement != "" && a.PKCEEnforcement != pingone.PKCEOptional && !has(pingone.GrantAuthorizationCode) {
		add("application.pkceEnforcement", "PKCE applies to AUTHORIZATION_CODE only")
	}
	return out
}

func checkRoleRef(field, role, scope string) []Problem {
	var out []Problem
	if strings.TrimSpace(role) == "" {
		out = append(out, Problem{Field: field + ".role", Message: "a role name is required (e.g. Identity Data Read Only)"})
	} else if !utf8.ValidString(role) {
		out = append(out, Problem{Field: field + ".role", Message: "the role name is not UTF-8 text"})
	}
	if _, _, err := ParseScope(scope); err != nil {
		out = append(out, Problem{Field: field + ".scope", Message: err.Error()})
	} else if !utf8.ValidString(scope) {
		out = append(out, Problem{Field: field + ".scope", Message: "the scope is not UTF-8 text"})
	}
	return out
}

// ParseScope reads a plan's scope: "environment", "organization" or "population:<id>" (also
// "application:<id>"). It returns the PingOne scope type and, for population/application, the id.
func ParseScope(s string) (scopeType, id string, err error) {
	switch low := strings.ToLower(strings.TrimSpace(s)); {
	case low == "" || low == "environment":
		return pingone.ScopeTypeEnvironment, "", nil
	case low == "organization":
		return pingone.ScopeTypeOrganization, "", nil
	case strings.HasPrefix(low, "environment:"):
		return pingone.ScopeTypeEnvironment, strings.TrimSpace(s[len("environment:"):]), nil
	case strings.HasPrefix(low, "population:"):
		return pingone.ScopeTypePopulation, strings.TrimSpace(s[len("population:"):]), nil
	case strings.HasPrefix(low, "application:"):
		return pingone.ScopeTypeApplication, strings.TrimSpace(s[len("application:"):]), nil
	}
	return "", "", fmt.Errorf("scope %q: use environment, organization, environment:<id> or population:<id>", s)
}
