package flows

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// This file is the field table: each application setting the console's worker page shows that the
// plan carries by its API name alone, described once. Plan parsing, validation, preset merging,
// the create and update requests and their diff, the summary, export and the plan's JSON Schema
// all read it. A new setting of this kind is one row here and one row in its test
// (fieldtable_test.go): see TestEverySettingRoundTrips.
//
// The settings the role check and the wizard's logic read (grant types, redirect URIs, the token
// auth method, refresh durations, admin-only, scopes, roles) stay typed fields of AppSpec; they
// have rows too (Typed), for the schema and the docs.

// SettingKind is the shape of a setting's value.
type SettingKind string

// Kinds of settings. Values are held as: string (text, url, enum, json), bool, int, []string
// (urls, enums, texts).
const (
	KindText  SettingKind = "text"
	KindURL   SettingKind = "url"
	KindURLs  SettingKind = "urls"
	KindBool  SettingKind = "bool"
	KindInt   SettingKind = "int"
	KindEnum  SettingKind = "enum"
	KindEnums SettingKind = "enums"
	KindJSON  SettingKind = "json"
	// Typed rows only: their values live in AppSpec's own fields.
	KindDuration SettingKind = "duration"
	KindTexts    SettingKind = "texts"
	KindRoles    SettingKind = "roles"
	KindGroups   SettingKind = "groups"
	KindCORS     SettingKind = "cors"
)

// Setting is one application setting.
type Setting struct {
	// Key is the plan key under application:, the API's name.
	Key string
	// Tab is where the console shows it: Overview, Configuration, Access, Resources, Roles.
	Tab  string
	Kind SettingKind
	// Enum lists the values of an enum kind, from the OpenAPI spec.
	Enum []string
	// Min and Max bound an int (inclusive), from the spec.
	Min, Max int
	// Title is the question of the wizard's custom path; Help says what it does and PingOne's
	// default.
	Title, Help string
	// Default is PingOne's value when the setting is not sent ("" when none or not known).
	Default string
	// Needs, when set, says when the setting applies; Applies checks it on a spec.
	Needs   string
	Applies func(a AppSpec) bool
	// Check adds rules beyond the kind (a pattern, a JSON shape); nil when the kind is enough.
	Check func(v any) error
	// CreateOnly: PingOne takes the value when the app is created and refuses a change later.
	CreateOnly bool
	// Typed rows describe an AppSpec field (schema and docs only).
	Typed bool
	// Terraform is the pingidentity/pingone provider's pingone_application attribute that holds
	// the setting ("oidc_options.par_timeout", or a top-level name); "" when it has none.
	Terraform string
}

func withGrant(g string) func(AppSpec) bool {
	return func(a AppSpec) bool { return slices.Contains(a.GrantTypes, g) }
}

func withAuth(m string) func(AppSpec) bool {
	return func(a AppSpec) bool { return a.TokenEndpointAuthMethod == m }
}

var devicePathID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,50}$`)

// Settings is the field table, in the console's order.
var Settings = []Setting{
	// Overview.
	{Key: "name", Tab: "Overview", Kind: KindText, Typed: true, Title: "Application name", Help: "The app is found by this exact name in the target environment."},
	{Key: "description", Tab: "Overview", Kind: KindText, Typed: true, Title: "Description"},
	{Key: "homePageUrl", Terraform: "oidc_options.home_page_url", Tab: "Overview", Kind: KindURL, Title: "Home page URL",
		Help: "Where the app's icon in the application portal leads. Optional."},
	{Key: "loginPageUrl", Terraform: "login_page_url", Tab: "Overview", Kind: KindURL, Title: "Sign-on URL",
		Help: "The app's own sign-on page, for a sign-in started by PingOne (console: Sign-on URL). Optional."},
	{Key: "hiddenFromAppPortal", Terraform: "hidden_from_app_portal", Tab: "Overview", Kind: KindBool, Title: "Hide from the application portal", Default: "false",
		Help: "Keeps the app off users' application portal. A worker is usually not a portal app."},
	{Key: "tags", Tab: "Overview", Kind: KindEnums, Enum: []string{"PING_FED_CONNECTION_INTEGRATION"}, CreateOnly: true, Title: "Tags",
		Help: "PING_FED_CONNECTION_INTEGRATION marks a worker that connects PingFederate. PingOne takes tags only when a worker is created."},
	{Key: "enabled", Tab: "Overview", Kind: KindBool, Typed: true, Title: "Enabled", Default: "false"},

	// Configuration.
	{Key: "grantTypes", Tab: "Configuration", Kind: KindEnums, Enum: GrantTypes, Typed: true, Title: "Grant types",
		Help: "How the connector gets tokens. Authorization code: an admin signs in (calls use that admin's roles). Client credentials: the app signs in as itself (calls use the app's roles)."},
	{Key: "responseTypes", Tab: "Configuration", Kind: KindEnums, Enum: ResponseTypes, Typed: true, Title: "Response types",
		Help: "CODE for the authorization code grant. PingOne does not combine CODE with TOKEN or ID_TOKEN."},
	{Key: "pkceEnforcement", Tab: "Configuration", Kind: KindEnum, Enum: PKCEOptions, Typed: true, Title: "PKCE",
		Help: "Proof key for code exchange on authorization code sign-ins. PingOne's default is OPTIONAL; S256_REQUIRED is safest when the connector supports it.", Default: "OPTIONAL"},
	{Key: "redirectUris", Tab: "Configuration", Kind: KindURLs, Typed: true, Title: "Redirect URIs (comma separated)",
		Help: "Where PingOne sends the admin back after sign-in. Must match the connector's callback exactly: https, no fragment, mind trailing slashes. Plain http only on 127.0.0.1 or localhost."},
	{Key: "allowWildcardInRedirectUris", Terraform: "oidc_options.allow_wildcard_in_redirect_uris", Tab: "Configuration", Kind: KindBool, Title: "Allow a wildcard in redirect URIs", Default: "false",
		Needs: "AUTHORIZATION_CODE", Applies: withGrant(pingone.GrantAuthorizationCode),
		Help: "Lets a redirect URI hold a * (e.g. https://*.example.com/callback). Widens where codes may go: leave off unless the connector needs it."},
	{Key: "postLogoutRedirectUris", Tab: "Configuration", Kind: KindURLs, Title: "Sign-off URLs",
		Help: "Where PingOne may send the user after signing off (post_logout_redirect_uri). Optional."},
	{Key: "tokenEndpointAuthMethod", Tab: "Configuration", Kind: KindEnum, Enum: AuthMethods, Typed: true, Title: "Token endpoint authentication",
		Help: "How the connector proves it is the app. CLIENT_SECRET_POST sends the secret in the form body, CLIENT_SECRET_BASIC in a header; NONE is for public clients with PKCE. Must match what the connector sends, or the token request fails with invalid_client."},
	{Key: "jwksUrl", Terraform: "oidc_options.jwks_url", Tab: "Configuration", Kind: KindURL, Title: "JWKS URL",
		Needs: "tokenEndpointAuthMethod PRIVATE_KEY_JWT", Applies: withAuth(pingone.AuthMethodPrivateKeyJWT),
		Help:  "Where PingOne fetches the public keys of the connector's client assertions (https). Give this or jwks.",
		Check: func(v any) error { return httpsOnly(v.(string)) }},
	{Key: "jwks", Terraform: "oidc_options.jwks", Tab: "Configuration", Kind: KindJSON, Title: "JWKS",
		Needs: "tokenEndpointAuthMethod PRIVATE_KEY_JWT", Applies: withAuth(pingone.AuthMethodPrivateKeyJWT),
		Help:  `The connector's public keys as a JSON Web Key Set ({"keys": [...]}). Give this or jwksUrl.`,
		Check: checkJWKS},
	{Key: "refreshTokenDuration", Tab: "Configuration", Kind: KindDuration, Typed: true, Title: "Refresh token lifetime",
		Help: "How long a refresh token lives, e.g. 30d. PingOne's default is 30 days; range 60 seconds to 68 years.", Default: "30d"},
	{Key: "refreshTokenRollingDuration", Tab: "Configuration", Kind: KindDuration, Typed: true, Title: "Refresh token rolling lifetime",
		Help: "The longest a chain of refreshed tokens may live before the admin must sign in again, e.g. 180d. Must be at least the lifetime."},
	{Key: "refreshTokenRollingGracePeriodDuration", Tab: "Configuration", Kind: KindDuration, Typed: true, Title: "Rolling grace period",
		Help: "How long the previous refresh token still works after a refresh, 0 to 1 day. PingOne's default is 0."},
	{Key: "refreshTokenType", Tab: "Configuration", Kind: KindEnum, Enum: []string{"JSON_WEB_TOKEN", "OPAQUE_TOKEN"}, Title: "Refresh token format", Default: "OPAQUE_TOKEN",
		Needs: "REFRESH_TOKEN", Applies: withGrant(pingone.GrantRefreshToken),
		Help: "OPAQUE_TOKEN (a reference only PingOne resolves) or JSON_WEB_TOKEN. Apps created from 2026-01-27 default to opaque, and from 2027-03-01 PingOne rejects JWT refresh tokens: keep OPAQUE_TOKEN."},
	{Key: "additionalRefreshTokenReplayProtectionEnabled", Terraform: "oidc_options.additional_refresh_token_replay_protection_enabled", Tab: "Configuration", Kind: KindBool, Title: "Refresh token replay protection", Default: "true",
		Needs: "REFRESH_TOKEN", Applies: withGrant(pingone.GrantRefreshToken),
		Help: "Revokes the whole token family when a used refresh token is presented again. Leave on."},
	{Key: "parRequirement", Terraform: "oidc_options.par_requirement", Tab: "Configuration", Kind: KindEnum, Enum: []string{"OPTIONAL", "REQUIRED"}, Title: "Pushed authorization requests", Default: "OPTIONAL",
		Needs: "AUTHORIZATION_CODE", Applies: withGrant(pingone.GrantAuthorizationCode),
		Help: "REQUIRED makes the connector push its authorization request first (RFC 9126). Only if the connector supports PAR."},
	{Key: "parTimeout", Terraform: "oidc_options.par_timeout", Tab: "Configuration", Kind: KindInt, Min: 1, Max: 600, Title: "PAR reference lifetime (seconds)", Default: "60",
		Needs: "AUTHORIZATION_CODE", Applies: withGrant(pingone.GrantAuthorizationCode),
		Help: "How long a pushed request's reference stays valid, 1 to 600 seconds."},
	{Key: "requireSignedRequestObject", Terraform: "oidc_options.require_signed_request_object", Tab: "Configuration", Kind: KindBool, Title: "Require signed request objects", Default: "false",
		Needs: "AUTHORIZATION_CODE", Applies: withGrant(pingone.GrantAuthorizationCode),
		Help: "Refuses authorization requests that are not a signed JWT (request object)."},
	{Key: "supportUnsignedRequestObject", Terraform: "oidc_options.support_unsigned_request_object", Tab: "Configuration", Kind: KindBool, Title: "Accept unsigned request objects", Default: "false",
		Needs: "AUTHORIZATION_CODE", Applies: withGrant(pingone.GrantAuthorizationCode),
		Help: "Accepts request objects signed with alg none. Leave off."},
	{Key: "initiateLoginUri", Terraform: "oidc_options.initiate_login_uri", Tab: "Configuration", Kind: KindURL, Title: "Initiate login URI",
		Needs: "AUTHORIZATION_CODE", Applies: withGrant(pingone.GrantAuthorizationCode),
		Help:  "The connector's URL that starts a sign-in when PingOne (e.g. the portal) asks it to (https).",
		Check: func(v any) error { return httpsOnly(v.(string)) }},
	{Key: "targetLinkUri", Terraform: "oidc_options.target_link_uri", Tab: "Configuration", Kind: KindURL, Title: "Target link URI",
		Needs: "AUTHORIZATION_CODE", Applies: withGrant(pingone.GrantAuthorizationCode),
		Help: "Where the connector sends the user after a sign-in PingOne started."},
	{Key: "corsSettings", Tab: "Configuration", Kind: KindCORS, Title: "CORS",
		Help:  "Which browser origins may call PingOne's endpoints for this app: behavior ALLOW_NO_ORIGINS, or ALLOW_SPECIFIC_ORIGINS with origins (scheme://host[:port], no path; up to 20).",
		Check: checkCORS},
	{Key: "idpSignoff", Terraform: "oidc_options.idp_signoff", Tab: "Configuration", Kind: KindBool, Title: "Terminate the session by ID token", Default: "false",
		Help: "Lets the connector end the user's PingOne session with an ID token at sign-off, without a session cookie."},
	{Key: "opSessionCheckEnabled", Terraform: "oidc_options.op_session_check_enabled", Tab: "Configuration", Kind: KindBool, Title: "OpenID session management", Default: "false",
		Help: "Returns a session_state for the connector to watch the user's PingOne session (OpenID Connect Session Management)."},
	{Key: "includeX5t", Tab: "Configuration", Kind: KindBool, Title: "Include the x5t header", Default: "false",
		Help: "Adds the signing certificate's thumbprint (x5t) to the tokens' headers."},
	{Key: "requestScopesForMultipleResourcesEnabled", Terraform: "oidc_options.request_scopes_for_multiple_resources_enabled", Tab: "Configuration", Kind: KindBool, Title: "Scopes of several resources in one request", Default: "false",
		Help: "Lets one authorization request ask for scopes of more than one resource."},
	{Key: "devicePathId", Terraform: "oidc_options.device_path_id", Tab: "Configuration", Kind: KindText, Title: "Device path ID",
		Needs: "DEVICE_CODE", Applies: withGrant(pingone.GrantDeviceCode),
		Help: "A custom path for the device verification page (letters, digits, _ and -, up to 50).",
		Check: func(v any) error {
			if !devicePathID.MatchString(v.(string)) {
				return fmt.Errorf("%q: use letters, digits, _ and - (1 to 50)", v)
			}
			return nil
		}},
	{Key: "deviceCustomVerificationUri", Terraform: "oidc_options.device_custom_verification_uri", Tab: "Configuration", Kind: KindURL, Title: "Custom device verification URL",
		Needs: "DEVICE_CODE", Applies: withGrant(pingone.GrantDeviceCode),
		Help: "Your own page where users enter the device code, instead of PingOne's."},
	{Key: "deviceTimeout", Terraform: "oidc_options.device_timeout", Tab: "Configuration", Kind: KindInt, Min: 1, Max: 3600, Title: "Device code lifetime (seconds)", Default: "600",
		Needs: "DEVICE_CODE", Applies: withGrant(pingone.GrantDeviceCode),
		Help: "How long a device code may be used, 1 to 3600 seconds."},
	{Key: "devicePollingInterval", Terraform: "oidc_options.device_polling_interval", Tab: "Configuration", Kind: KindInt, Min: 1, Max: 60, Title: "Device polling interval (seconds)", Default: "5",
		Needs: "DEVICE_CODE", Applies: withGrant(pingone.GrantDeviceCode),
		Help: "How often the device may ask whether the user signed in, 1 to 60 seconds."},

	// Access, Resources, Roles.
	{Key: "adminOnly", Tab: "Access", Kind: KindBool, Typed: true, Title: "Admin-only access",
		Help: "Only users holding an admin role may sign in to this app (accessControl.role.type ADMIN_USERS_ONLY). Recommended for Management API connectors."},
	{Key: "groupAccess", Tab: "Access", Kind: KindGroups, Typed: true, Title: "Group membership policy",
		Help: "Admits only members of the named groups: type ANY_GROUP (of any of them, the default) or ALL_GROUPS, groups by exact name. The names are checked against the environment before anything is written."},
	{Key: "signOnPolicies", Tab: "Policies", Kind: KindTexts, Typed: true, Title: "Sign-on policies",
		Help: "The app's sign-on policies by exact name, the first evaluated first (priority 1, 2, ...). Left out, the app keeps its own; an app with none uses the environment's default policy."},
	{Key: "scopes", Tab: "Resources", Kind: KindEnums, Enum: OpenIDScopes, Typed: true, Title: "Scopes on the openid resource",
		Help: "openid identifies the user; offline_access lets the connector get refresh tokens."},
	{Key: "roleAssignments", Tab: "Roles", Kind: KindRoles, Typed: true, Title: "The app's own roles"},
	{Key: "assignActorRoles", Tab: "Roles", Kind: KindBool, Typed: true, Title: "Inherit the creator's roles", Default: "false"},
}

// settingIndex finds a table-held (not typed) setting by key.
var settingIndex = func() map[string]*Setting {
	m := map[string]*Setting{}
	for i := range Settings {
		if !Settings[i].Typed {
			m[Settings[i].Key] = &Settings[i]
		}
	}
	return m
}()

// SettingByKey returns the table-held setting of a plan key.
func SettingByKey(key string) (*Setting, bool) {
	s, ok := settingIndex[key]
	return s, ok
}

// moreKeys are the table-held settings' keys, in table order.
func moreKeys() []string {
	var out []string
	for _, s := range Settings {
		if !s.Typed {
			out = append(out, s.Key)
		}
	}
	return out
}

func httpsOnly(u string) error {
	if !strings.HasPrefix(strings.ToLower(u), "https://") {
		return fmt.Errorf("%q: must be https", u)
	}
	return nil
}

// checkJWKS wants a JSON object with a non-empty "keys" list of objects that each name a kty.
func checkJWKS(v any) error {
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal([]byte(v.(string)), &set); err != nil {
		return fmt.Errorf("not a JSON Web Key Set: %v", err)
	}
	if len(set.Keys) == 0 {
		return fmt.Errorf(`the key set has no key: want {"keys": [{"kty": ..., ...}]}`)
	}
	for i, k := range set.Keys {
		if _, ok := k["kty"].(string); !ok {
			return fmt.Errorf("key %d has no kty", i)
		}
		if _, private := k["d"]; private {
			return fmt.Errorf("key %d is a private key (it has d): give PingOne the public key only", i)
		}
	}
	return nil
}

// CORSSettings is corsSettings: Behavior ALLOW_NO_ORIGINS or ALLOW_SPECIFIC_ORIGINS, with Origins.
type CORSSettings struct {
	Behavior string   `yaml:"behavior" json:"behavior"`
	Origins  []string `yaml:"origins,omitempty" json:"origins,omitempty"`
}

// String is "ALLOW_SPECIFIC_ORIGINS: https://a.example.com", for summaries and diffs.
func (c CORSSettings) String() string {
	if len(c.Origins) == 0 {
		return c.Behavior
	}
	return c.Behavior + ": " + strings.Join(c.Origins, ", ")
}

// checkCORS applies PingOne's rules: a known behavior, origins only with ALLOW_SPECIFIC_ORIGINS
// and at least one then, at most 20, each an origin without a path [pingonetest holds the same].
func checkCORS(v any) error {
	c := v.(CORSSettings)
	switch c.Behavior {
	case "ALLOW_NO_ORIGINS":
		if len(c.Origins) > 0 {
			return errors.New("origins go with behavior ALLOW_SPECIFIC_ORIGINS, not ALLOW_NO_ORIGINS")
		}
	case "ALLOW_SPECIFIC_ORIGINS":
		if len(c.Origins) == 0 {
			return errors.New("ALLOW_SPECIFIC_ORIGINS needs at least one origin")
		}
	default:
		return fmt.Errorf("behavior %q is not one of ALLOW_NO_ORIGINS, ALLOW_SPECIFIC_ORIGINS", c.Behavior)
	}
	if len(c.Origins) > 20 {
		return fmt.Errorf("%d origins: PingOne takes at most 20", len(c.Origins))
	}
	for _, o := range c.Origins {
		u, err := url.Parse(o)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return fmt.Errorf("origin %q is not scheme://host[:port]", o)
		}
		if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return fmt.Errorf("origin %q has a path, query or fragment: an origin is scheme://host[:port] only", o)
		}
	}
	return nil
}

// checkValue checks v (already of the setting's Go type) against the setting's kind, enum,
// range and rule.
func (s *Setting) checkValue(v any) error {
	switch s.Kind {
	case KindURL:
		if err := absoluteURL(v.(string)); err != nil {
			return err
		}
	case KindURLs:
		for _, u := range v.([]string) {
			if err := absoluteURL(u); err != nil {
				return err
			}
		}
	case KindEnum:
		if !slices.Contains(s.Enum, v.(string)) {
			return fmt.Errorf("%q is not one of %s", v, strings.Join(s.Enum, ", "))
		}
	case KindEnums:
		for _, e := range v.([]string) {
			if !slices.Contains(s.Enum, e) {
				return fmt.Errorf("%q is not one of %s", e, strings.Join(s.Enum, ", "))
			}
		}
	case KindInt:
		if n := v.(int); n < s.Min || n > s.Max {
			return fmt.Errorf("%d is out of range: %d to %d", n, s.Min, s.Max)
		}
	}
	if s.Check != nil {
		return s.Check(v)
	}
	return nil
}

func absoluteURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%q is not an absolute http(s) URL", raw)
	}
	if strings.ContainsAny(raw, " \t\n") {
		return fmt.Errorf("%q holds a space", raw)
	}
	return nil
}

// parseValue reads a setting's value as the plan gives it in text (a YAML scalar, or a list's
// items joined by newlines), for the decoder and the wizard.
func (s *Setting) parseText(text string) (any, error) {
	switch s.Kind {
	case KindBool:
		switch strings.ToLower(strings.TrimSpace(text)) {
		case "true", "yes", "y", "on":
			return true, nil
		case "false", "no", "n", "off":
			return false, nil
		}
		return nil, fmt.Errorf("expected true or false, got %q", text)
	case KindInt:
		n, err := strconv.Atoi(strings.TrimSpace(text))
		if err != nil {
			return nil, fmt.Errorf("expected a whole number, got %q", text)
		}
		return n, nil
	case KindURLs, KindEnums:
		return Split(text), nil
	}
	return text, nil
}

// isList says whether the setting's value is a list.
func (s *Setting) isList() bool { return s.Kind == KindURLs || s.Kind == KindEnums }

// format renders a value for summaries and diffs.
func formatValue(v any) string {
	switch x := v.(type) {
	case []string:
		return strings.Join(x, ", ")
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case fmt.Stringer:
		return x.String()
	case string:
		if len(x) > 80 {
			return x[:77] + "..."
		}
		return x
	}
	return fmt.Sprint(v)
}

// validateMore checks the table-held settings of a spec: each value, whether it applies to the
// app, and the rules between them.
func validateMore(a AppSpec) []Problem {
	var out []Problem
	for _, k := range moreKeys() {
		v, ok := a.More[k]
		if !ok {
			continue
		}
		s := settingIndex[k]
		field := "application." + k
		if err := s.checkValue(v); err != nil {
			out = append(out, Problem{Field: field, Message: err.Error()})
			continue
		}
		if s.Applies != nil && !s.Applies(a) {
			out = append(out, Problem{Field: field, Message: fmt.Sprintf("applies only with %s: remove it, or change the app so it applies", s.Needs)})
		}
	}
	for k := range a.More {
		if _, ok := settingIndex[k]; !ok {
			out = append(out, Problem{Field: "application." + k, Message: "not a setting this tool knows"})
		}
	}
	if a.TokenEndpointAuthMethod == pingone.AuthMethodPrivateKeyJWT {
		_, byURL := a.More["jwksUrl"]
		_, byKeys := a.More["jwks"]
		switch {
		case !byURL && !byKeys:
			out = append(out, Problem{Field: "application.jwksUrl", Message: "PRIVATE_KEY_JWT needs the connector's public keys: give jwksUrl (https) or jwks (the key set)"})
		case byURL && byKeys:
			out = append(out, Problem{Field: "application.jwks", Message: "give jwksUrl or jwks, not both [unconfirmed: PingOne's rule]"})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// moreFields are the table-held settings as fields of the create and update requests: read from
// and written to the app through its JSON, so a setting needs no field in pingone.Application.
func moreFields(tab string) []field {
	var out []field
	for _, s := range Settings {
		if s.Typed || s.Tab != tab {
			continue
		}
		s := s
		out = append(out, field{
			Name: s.Key,
			Get: func(a pingone.Application) string {
				v, ok := liveValue(a, &s)
				if !ok {
					return ""
				}
				return formatValue(v)
			},
			Set:    func(a *pingone.Application, spec AppSpec) { setLive(a, s.Key, spec.More[s.Key]) },
			InPlan: func(spec AppSpec) bool { _, ok := spec.More[s.Key]; return ok },
		})
	}
	return out
}

// liveValue reads a setting from an application as PingOne returned it.
func liveValue(a pingone.Application, s *Setting) (any, bool) {
	raw, err := json.Marshal(a)
	if err != nil {
		return nil, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil, false
	}
	r, ok := m[s.Key]
	if !ok || string(r) == "null" {
		return nil, false
	}
	switch s.Kind {
	case KindBool:
		var b bool
		return b, json.Unmarshal(r, &b) == nil
	case KindInt:
		var n int
		return n, json.Unmarshal(r, &n) == nil
	case KindURLs, KindEnums:
		var l []string
		if json.Unmarshal(r, &l) != nil || len(l) == 0 {
			return nil, false
		}
		return l, true
	case KindCORS:
		var c CORSSettings
		if json.Unmarshal(r, &c) != nil || c.Behavior == "" {
			return nil, false
		}
		return c, true
	default:
		var str string
		if json.Unmarshal(r, &str) != nil || str == "" {
			return nil, false
		}
		return str, true
	}
}

// setLive writes a setting into an application through its JSON: a modelled field (such as
// postLogoutRedirectUris) gets it, any other key goes to Extra, sent with the request.
func setLive(a *pingone.Application, key string, v any) {
	raw, err := json.Marshal(*a)
	if err != nil {
		return
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	m[key] = b
	out, err := json.Marshal(m)
	if err != nil {
		return
	}
	var next pingone.Application
	if json.Unmarshal(out, &next) != nil {
		return
	}
	// Keep what JSON does not carry (AssignActorRoles travels as JSON too; Extra is rebuilt).
	*a = next
}

// moreFromLive reads every table-held setting an application has, for export.
func moreFromLive(a pingone.Application) map[string]any {
	var out map[string]any
	for _, k := range moreKeys() {
		s := settingIndex[k]
		if v, ok := liveValue(a, s); ok {
			if s.Default != "" && formatValue(v) == s.Default {
				continue // PingOne's default: the plan need not say it
			}
			if out == nil {
				out = map[string]any{}
			}
			out[k] = v
		}
	}
	return out
}

// settingTitle and settingHelp are a typed setting's question and help in the wizard, from the
// table.
func settingTitle(key string) string { return typedSetting(key).Title }

func settingHelp(key string) string { return typedSetting(key).Help }

func typedSetting(key string) *Setting {
	for i := range Settings {
		if Settings[i].Key == key {
			return &Settings[i]
		}
	}
	panic("flows: no setting " + key + " in the field table")
}
