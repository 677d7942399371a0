package pingonetest

import (
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// Enumerations of pingone-management.yml used by application validation.
var (
	enumAppType = []string{"WEB_APP", "NATIVE_APP", "SINGLE_PAGE_APP", "WORKER", "SERVICE", "CUSTOM_APP",
		"PING_ONE_SELF_SERVICE", "PING_ONE_ADMIN_CONSOLE", "PING_ONE_PORTAL", "TEMPLATE_APP", "PORTAL_LINK_APP"}
	// creatableTypes are the types an OIDC app may be created with
	// [unconfirmed]: the PING_ONE_* apps are built in, TEMPLATE_APP and
	// PORTAL_LINK_APP are not OIDC.
	creatableTypes  = []string{"WEB_APP", "NATIVE_APP", "SINGLE_PAGE_APP", "WORKER", "SERVICE", "CUSTOM_APP"}
	enumProtocol    = []string{"OPENID_CONNECT", "SAML", "WS_FED", "EXTERNAL_LINK"}
	enumGrantType   = []string{"AUTHORIZATION_CODE", "IMPLICIT", "REFRESH_TOKEN", "CLIENT_CREDENTIALS", "DEVICE_CODE", "TOKEN_EXCHANGE", "CIBA"}
	enumRespType    = []string{"TOKEN", "ID_TOKEN", "CODE"}
	enumAuthMethod  = []string{"NONE", "CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST", "PRIVATE_KEY_JWT", "CLIENT_SECRET_JWT"}
	enumPKCE        = []string{"OPTIONAL", "REQUIRED", "S256_REQUIRED"}
	enumRTType      = []string{"JSON_WEB_TOKEN", "OPAQUE_TOKEN"}
	enumPAR         = []string{"REQUIRED", "OPTIONAL"}
	enumTags        = []string{"PING_FED_CONNECTION_INTEGRATION"}
	enumCORS        = []string{"ALLOW_NO_ORIGINS", "ALLOW_SPECIFIC_ORIGINS"}
	enumACRole      = []string{"ADMIN_USERS_ONLY"}
	enumACGroupType = []string{"ANY_GROUP", "ALL_GROUPS"}
)

type kind int

const (
	kString kind = iota
	kBool
	kInt
	kEnum
	kEnumList
	kStringList
	kObject
)

type fieldSpec struct {
	kind     kind
	enum     []string
	min, max int64
	hasRange bool
}

func rng(lo, hi int64) fieldSpec { return fieldSpec{kind: kInt, min: lo, max: hi, hasRange: true} }

// appFields are the writable fields of Application + ApplicationOIDC.
// Anything else in a request body is ignored [unconfirmed]: read-only fields
// (id, _links, environment, createdAt, updatedAt, clientSecret) as PingOne
// documents, unknown fields by assumption.
var appFields = map[string]fieldSpec{
	"name":                {kind: kString},
	"description":         {kind: kString},
	"enabled":             {kind: kBool},
	"type":                {kind: kEnum, enum: enumAppType},
	"protocol":            {kind: kEnum, enum: enumProtocol},
	"loginPageUrl":        {kind: kString},
	"icon":                {kind: kObject},
	"hiddenFromAppPortal": {kind: kBool},
	"accessControl":       {kind: kObject},
	"additionalRefreshTokenReplayProtectionEnabled": {kind: kBool},
	"allowWildcardInRedirectUris":                   {kind: kBool},
	"corsSettings":                                  {kind: kObject},
	"devicePathId":                                  {kind: kString},
	"deviceCustomVerificationUri":                   {kind: kString},
	"deviceTimeout":                                 rng(1, 3600),
	"devicePollingInterval":                         rng(1, 60),
	"idpSignoff":                                    {kind: kBool},
	"includeX5t":                                    {kind: kBool},
	"jwks":                                          {kind: kString},
	"jwksUrl":                                       {kind: kString},
	"mobile":                                        {kind: kObject},
	"kerberos":                                      {kind: kObject},
	"grantTypes":                                    {kind: kEnumList, enum: enumGrantType},
	"homePageUrl":                                   {kind: kString},
	"initiateLoginUri":                              {kind: kString},
	"opSessionCheckEnabled":                         {kind: kBool},
	"parRequirement":                                {kind: kEnum, enum: enumPAR},
	"parTimeout":                                    rng(1, 600),
	"pkceEnforcement":                               {kind: kEnum, enum: enumPKCE},
	"postLogoutRedirectUris":                        {kind: kStringList},
	"redirectUris":                                  {kind: kStringList},
	"refreshTokenDuration":                          rng(60, math.MaxInt32),
	"refreshTokenRollingDuration":                   rng(60, math.MaxInt32),
	"refreshTokenRollingGracePeriodDuration":        rng(0, 86400),
	"refreshTokenType":                              {kind: kEnum, enum: enumRTType},
	"requestScopesForMultipleResourcesEnabled": {kind: kBool},
	"requireSignedRequestObject":               {kind: kBool},
	"responseTypes":                            {kind: kEnumList, enum: enumRespType},
	"signing":                                  {kind: kObject},
	"supportUnsignedRequestObject":             {kind: kBool},
	"tags":                                     {kind: kEnumList, enum: enumTags},
	"targetLinkUri":                            {kind: kString},
	"template":                                 {kind: kObject},
	"tokenEndpointAuthMethod":                  {kind: kEnum, enum: enumAuthMethod},
}

func invalidValue(target, msg string, allowed []string) detail {
	d := detail{Code: "INVALID_VALUE", Target: target, Message: msg}
	if allowed != nil {
		d.Inner = map[string]any{"allowedValues": allowed}
	}
	return d
}

func required(target string) detail {
	return detail{Code: "REQUIRED_VALUE", Target: target, Message: target + " is required."}
}

func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, true
		}
		f, err := n.Float64()
		if err != nil || f != math.Trunc(f) || math.Abs(f) > math.MaxInt64/2 {
			return 0, false
		}
		return int64(f), true
	case int:
		return int64(n), true
	case int64:
		return n, true
	case float64:
		if n != math.Trunc(n) {
			return 0, false
		}
		return int64(n), true
	}
	return 0, false
}

func toStrings(v any) ([]string, bool) {
	switch l := v.(type) {
	case []string:
		return append([]string(nil), l...), true
	case []any:
		out := make([]string, 0, len(l))
		for _, x := range l {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// normalizeApp validates an application request body (POST or PUT) and
// returns the stored fields with server defaults filled in, or the
// validation details. existing is the application a PUT replaces, nil on
// POST.
func normalizeApp(body map[string]any, st *state, envID string, existing *application) (map[string]any, []detail) {
	existingType := ""
	if existing != nil {
		existingType = existing.str("type")
	}
	out := map[string]any{}
	var errs []detail
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := body[k]
		spec, known := appFields[k]
		if !known || v == nil { // null clears (PUT semantics), unknown ignored
			continue
		}
		switch spec.kind {
		case kString:
			s, ok := v.(string)
			if !ok {
				errs = append(errs, invalidValue(k, k+" must be a string.", nil))
				continue
			}
			out[k] = s
		case kBool:
			b, ok := v.(bool)
			if !ok {
				errs = append(errs, invalidValue(k, k+" must be a boolean.", nil))
				continue
			}
			out[k] = b
		case kInt:
			n, ok := toInt(v)
			if !ok {
				errs = append(errs, invalidValue(k, k+" must be an integer.", nil))
				continue
			}
			if spec.hasRange && (n < spec.min || n > spec.max) {
				errs = append(errs, detail{Code: "OUT_OF_RANGE", Target: k,
					Message: fmt.Sprintf("%s must be between %d and %d.", k, spec.min, spec.max),
					Inner:   map[string]any{"rangeMinimumValue": spec.min, "rangeMaximumValue": spec.max}})
				continue
			}
			out[k] = n
		case kEnum:
			s, ok := v.(string)
			if !ok || !slices.Contains(spec.enum, s) {
				errs = append(errs, invalidValue(k, fmt.Sprintf("%s must be one of %s.", k, strings.Join(spec.enum, ", ")), spec.enum))
				continue
			}
			out[k] = s
		case kEnumList:
			l, ok := toStrings(v)
			bad := !ok
			for _, s := range l {
				if !slices.Contains(spec.enum, s) {
					bad = true
				}
			}
			if bad {
				errs = append(errs, invalidValue(k, fmt.Sprintf("%s must contain only %s.", k, strings.Join(spec.enum, ", ")), spec.enum))
				continue
			}
			out[k] = dedupe(l)
		case kStringList:
			l, ok := toStrings(v)
			if !ok {
				errs = append(errs, invalidValue(k, k+" must be an array of strings.", nil))
				continue
			}
			out[k] = l
		case kObject:
			m, ok := v.(map[string]any)
			if !ok {
				errs = append(errs, invalidValue(k, k+" must be an object.", nil))
				continue
			}
			out[k] = normalizeJSON(m)
		}
	}

	str := func(k string) string { s, _ := out[k].(string); return s }
	list := func(k string) []string { l, _ := out[k].([]string); return l }
	has := func(k, v string) bool { return slices.Contains(list(k), v) }
	bad := func(k string) bool {
		return slices.ContainsFunc(errs, func(d detail) bool { return d.Target == k })
	}

	// Required fields (Application.required + ApplicationOIDC.required).
	if strings.TrimSpace(str("name")) == "" && !bad("name") {
		errs = append(errs, required("name"))
	}
	if str("type") == "" && !bad("type") {
		errs = append(errs, required("type"))
	}
	if str("protocol") == "" && !bad("protocol") {
		errs = append(errs, required("protocol"))
	}
	typ, proto := str("type"), str("protocol")
	if typ != "" && !slices.Contains(creatableTypes, typ) {
		errs = append(errs, invalidValue("type", "Applications of type "+typ+" cannot be created or updated.", creatableTypes))
	}
	if existingType != "" && typ != "" && typ != existingType {
		// [unconfirmed] PingOne's message; TF forces replacement on a type change.
		errs = append(errs, invalidValue("type", "The application type cannot be changed.", []string{existingType}))
	}
	if _, sent := out["tags"]; sent && !bad("tags") {
		// Docs: tags (PING_FED_CONNECTION_INTEGRATION) are set at WORKER
		// creation only. [unconfirmed] PingOne's refusal; on PUT we accept
		// the stored tags sent back unchanged (a GET-then-PUT round trip)
		// and keep them when tags is omitted.
		switch {
		case existing == nil && typ != "" && typ != "WORKER":
			errs = append(errs, invalidValue("tags", "tags can be set only on WORKER applications.", nil))
		case existing != nil && !slices.Equal(sortedCopy(out["tags"].([]string)), sortedCopy(existing.strs("tags"))):
			errs = append(errs, invalidValue("tags", "tags can be set only when a WORKER application is created.", nil))
		}
	} else if existing != nil && len(existing.strs("tags")) > 0 && !bad("tags") {
		out["tags"] = slices.Clone(existing.strs("tags"))
	}
	if typ == "WORKER" && proto != "" && proto != "OPENID_CONNECT" {
		errs = append(errs, invalidValue("protocol", "WORKER applications support only the OPENID_CONNECT protocol.", []string{"OPENID_CONNECT"}))
	} else if proto != "" && proto != "OPENID_CONNECT" {
		// Simulator limitation: SAML, WS_FED and EXTERNAL_LINK apps are not modelled.
		errs = append(errs, invalidValue("protocol", "The simulator supports only OPENID_CONNECT applications.", []string{"OPENID_CONNECT"}))
	}
	if proto == "OPENID_CONNECT" && str("tokenEndpointAuthMethod") == "" && !bad("tokenEndpointAuthMethod") {
		errs = append(errs, required("tokenEndpointAuthMethod"))
	}

	if d := str("description"); d != "" && strings.ContainsAny(d, "$+<=>^`|~") {
		// [comm] description fields reject these characters with INVALID_DATA.
		errs = append(errs, invalidValue("description",
			"description must contain only Unicode letters, marks, numbers, spaces, or punctuation except $ + < = > ^ ` | ~", nil))
	}

	// Grant types, response types and their combinations.
	if typ == "WORKER" && len(list("grantTypes")) == 0 && !bad("grantTypes") {
		// [unconfirmed] a worker created without grantTypes gets CLIENT_CREDENTIALS.
		out["grantTypes"] = []string{"CLIENT_CREDENTIALS"}
	}
	if has("responseTypes", "CODE") && (has("responseTypes", "TOKEN") || has("responseTypes", "ID_TOKEN")) {
		errs = append(errs, invalidValue("responseTypes", "The CODE response type cannot be combined with TOKEN or ID_TOKEN.", nil))
	}
	if has("grantTypes", "AUTHORIZATION_CODE") && !has("responseTypes", "CODE") && !bad("responseTypes") {
		// [unconfirmed] AUTHORIZATION_CODE needs response type CODE.
		errs = append(errs, invalidValue("responseTypes", "The AUTHORIZATION_CODE grant type requires the CODE response type.", []string{"CODE"}))
	}
	if has("grantTypes", "IMPLICIT") && !has("responseTypes", "TOKEN") && !has("responseTypes", "ID_TOKEN") && !bad("responseTypes") {
		// Docs (QDX interactive worker): IMPLICIT needs TOKEN and/or ID_TOKEN.
		errs = append(errs, invalidValue("responseTypes", "The IMPLICIT grant type requires the TOKEN or ID_TOKEN response type.", []string{"TOKEN", "ID_TOKEN"}))
	}
	if (has("grantTypes", "AUTHORIZATION_CODE") || has("grantTypes", "IMPLICIT")) && len(list("redirectUris")) == 0 && !bad("redirectUris") {
		// [unconfirmed] redirect-based grants need at least one redirect URI.
		errs = append(errs, required("redirectUris"))
	}
	if has("grantTypes", "REFRESH_TOKEN") && !slices.ContainsFunc(list("grantTypes"), func(g string) bool {
		return g == "AUTHORIZATION_CODE" || g == "DEVICE_CODE" || g == "CIBA" || g == "TOKEN_EXCHANGE"
	}) {
		// [unconfirmed] a refresh token needs a grant that issues one.
		errs = append(errs, invalidValue("grantTypes", "REFRESH_TOKEN must be combined with AUTHORIZATION_CODE, DEVICE_CODE, CIBA or TOKEN_EXCHANGE.", nil))
	}
	if has("grantTypes", "CLIENT_CREDENTIALS") && str("tokenEndpointAuthMethod") == "NONE" {
		// [unconfirmed] client credentials need client authentication (RFC 6749 §4.4).
		errs = append(errs, invalidValue("tokenEndpointAuthMethod", "The CLIENT_CREDENTIALS grant type cannot be used with tokenEndpointAuthMethod NONE.",
			[]string{"CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST", "PRIVATE_KEY_JWT", "CLIENT_SECRET_JWT"}))
	}
	if str("tokenEndpointAuthMethod") == "PRIVATE_KEY_JWT" && str("jwks") == "" && str("jwksUrl") == "" {
		// [unconfirmed] PRIVATE_KEY_JWT needs jwks or jwksUrl.
		errs = append(errs, required("jwksUrl"))
	}

	// Redirect URIs.
	wildcard, _ := out["allowWildcardInRedirectUris"].(bool)
	for _, k := range []string{"redirectUris", "postLogoutRedirectUris"} {
		for _, u := range list(k) {
			if msg := checkRedirectURI(u, typ, wildcard); msg != "" {
				errs = append(errs, invalidValue(k, msg, nil))
			}
		}
	}

	// Refresh-token durations: refreshTokenDuration <= rolling duration.
	dur, hasDur := out["refreshTokenDuration"].(int64)
	roll, hasRoll := out["refreshTokenRollingDuration"].(int64)
	if hasDur && hasRoll && dur > roll {
		errs = append(errs, detail{Code: "OUT_OF_RANGE", Target: "refreshTokenDuration",
			Message: "refreshTokenDuration must be less than or equal to refreshTokenRollingDuration.",
			Inner:   map[string]any{"rangeMinimumValue": 60, "rangeMaximumValue": roll}})
	}

	errs = append(errs, checkAccessControl(out, st, envID)...)
	errs = append(errs, checkObjects(out)...)
	if len(errs) > 0 {
		return nil, errs
	}

	// Server defaults.
	if _, ok := out["enabled"]; !ok {
		out["enabled"] = false // docs: enabled defaults to false when omitted
	}
	if proto == "OPENID_CONNECT" {
		setDefault(out, "pkceEnforcement", "OPTIONAL") // TF default; [unconfirmed] that the server fills it
		setDefault(out, "parRequirement", "OPTIONAL")  // spec default
		setDefault(out, "parTimeout", int64(60))       // spec default
	}
	if has("grantTypes", "REFRESH_TOKEN") {
		setDefault(out, "refreshTokenDuration", int64(2592000)) // spec default (30 d)
		// [unconfirmed] spec: no rolling duration = valid forever; TF documents
		// 15552000 (180 d). We fill 180 d, or the duration if it is longer.
		setDefault(out, "refreshTokenRollingDuration", max(int64(15552000), out["refreshTokenDuration"].(int64)))
		setDefault(out, "refreshTokenRollingGracePeriodDuration", int64(0))    // null = 0 per docs
		setDefault(out, "additionalRefreshTokenReplayProtectionEnabled", true) // spec default
		setDefault(out, "refreshTokenType", "OPAQUE_TOKEN")                    // apps created 2026-01-27 .. 2027-03-01
	}
	if has("grantTypes", "DEVICE_CODE") {
		setDefault(out, "deviceTimeout", int64(600))       // spec default
		setDefault(out, "devicePollingInterval", int64(5)) // spec default
	}
	return out, nil
}

func setDefault(m map[string]any, k string, v any) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

func dedupe(l []string) []string {
	var out []string
	for _, s := range l {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// normalizeJSON converts json.Number to int64/float64 and []any of strings
// stays []any, so stored objects render back as JSON unchanged.
func normalizeJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, vv := range t {
			m[k] = normalizeJSON(vv)
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, vv := range t {
			out[i] = normalizeJSON(vv)
		}
		return out
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	}
	return v
}

// checkRedirectURI returns "" when u is acceptable: absolute, no fragment,
// https, or plain http only for loopback hosts (127.0.0.1, ::1, localhost)
// [unconfirmed exact rule]; custom schemes only for NATIVE_APP; "*" only with
// allowWildcardInRedirectUris.
func checkRedirectURI(u, appType string, wildcard bool) string {
	if strings.Contains(u, "#") {
		return "Redirect URI " + u + " must not contain a fragment."
	}
	if strings.Contains(u, "*") && !wildcard {
		return "Redirect URI " + u + " contains a wildcard but allowWildcardInRedirectUris is not true."
	}
	p, err := url.Parse(strings.ReplaceAll(u, "*", "x"))
	if err != nil || p.Scheme == "" {
		return "Redirect URI " + u + " must be an absolute URI."
	}
	switch strings.ToLower(p.Scheme) {
	case "https":
		if p.Host == "" {
			return "Redirect URI " + u + " must be an absolute URI."
		}
	case "http":
		h := p.Hostname()
		if ip := net.ParseIP(h); !(h == "localhost" || (ip != nil && ip.IsLoopback())) {
			return "Redirect URI " + u + " must use https (http is allowed only for loopback addresses)."
		}
	default:
		if appType != "NATIVE_APP" {
			return "Redirect URI " + u + " must use https (custom schemes are allowed only for NATIVE_APP)."
		}
	}
	return ""
}

func checkAccessControl(out map[string]any, st *state, envID string) []detail {
	ac, ok := out["accessControl"].(map[string]any)
	if !ok {
		return nil
	}
	var errs []detail
	if r, ok := ac["role"]; ok && r != nil {
		rm, _ := r.(map[string]any)
		if t, _ := rm["type"].(string); !slices.Contains(enumACRole, t) {
			errs = append(errs, invalidValue("accessControl.role.type", "accessControl.role.type must be ADMIN_USERS_ONLY.", enumACRole))
		}
	}
	if g, ok := ac["group"]; ok && g != nil {
		gm, _ := g.(map[string]any)
		if t, _ := gm["type"].(string); !slices.Contains(enumACGroupType, t) {
			errs = append(errs, invalidValue("accessControl.group.type", "accessControl.group.type must be ANY_GROUP or ALL_GROUPS.", enumACGroupType))
		}
		groups, _ := gm["groups"].([]any)
		if len(groups) == 0 {
			errs = append(errs, required("accessControl.group.groups"))
		}
		for _, x := range groups {
			gx, _ := x.(map[string]any)
			id, _ := gx["id"].(string)
			if st.group(envID, id) == nil {
				errs = append(errs, detail{Code: "INVALID_VALUE", Target: "accessControl.group.groups",
					Message: "Group " + id + " does not exist in the environment.", Inner: map[string]any{"referencedValues": []string{id}}})
			}
		}
	}
	return errs
}

func checkObjects(out map[string]any) []detail {
	var errs []detail
	if ic, ok := out["icon"].(map[string]any); ok {
		if id, _ := ic["id"].(string); id == "" {
			errs = append(errs, required("icon.id"))
		}
		if h, _ := ic["href"].(string); h == "" {
			errs = append(errs, required("icon.href"))
		}
	}
	if cs, ok := out["corsSettings"].(map[string]any); ok {
		b, _ := cs["behavior"].(string)
		if !slices.Contains(enumCORS, b) {
			errs = append(errs, invalidValue("corsSettings.behavior", "corsSettings.behavior must be one of "+strings.Join(enumCORS, ", ")+".", enumCORS))
		}
		if o, _ := cs["origins"].([]any); len(o) > 20 {
			errs = append(errs, detail{Code: "SIZE_LIMIT_EXCEEDED", Target: "corsSettings.origins",
				Message: "corsSettings.origins is limited to 20 values.", Inner: map[string]any{"maximumValue": 20}})
		}
	}
	if p, ok := out["devicePathId"].(string); ok {
		if len(p) < 1 || len(p) > 50 || strings.Trim(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "" {
			errs = append(errs, detail{Code: "INVALID_VALUE", Target: "devicePathId",
				Message: "devicePathId must match ^[a-zA-Z0-9_-]{1,50}$.", Inner: map[string]any{"allowedPattern": "^[a-zA-Z0-9_-]{1,50}$"}})
		}
	}
	return errs
}

func sortedCopy(l []string) []string {
	out := slices.Clone(l)
	slices.Sort(out)
	return out
}
