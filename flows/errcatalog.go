package flows

import (
	"strings"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// catalogueEntry is a specific fix for one of PingOne's validation problems, keyed on the
// detail's code (empty: any code) and its target, the setting it is about.
type catalogueEntry struct {
	code, target, fix string
}

// errorCatalogue turns PingOne's details[] into what to do about each. Entries with a code come
// before the entry of the same target without one.
var errorCatalogue = []catalogueEntry{
	{"REQUIRED_VALUE", "jwksUrl", "PRIVATE_KEY_JWT needs the app's public keys: choose another token auth method (CLIENT_SECRET_POST or CLIENT_SECRET_BASIC), or give a JWKS URL (jwksUrl)."},
	{"REQUIRED_VALUE", "jwks", "PRIVATE_KEY_JWT needs the app's public keys: choose another token auth method (CLIENT_SECRET_POST or CLIENT_SECRET_BASIC), or give a JWKS URL (jwksUrl)."},
	{"REQUIRED_VALUE", "redirectUris", "An authorization code or implicit grant needs a redirect URI: give the connector's callback URL (redirectUris), exactly as the connector sends it."},
	{"", "redirectUris", "Each redirect URI must be an absolute URL: https, or plain http on 127.0.0.1 or localhost only, with no fragment (#) and no wildcard; it must match the connector's callback exactly."},
	{"", "postLogoutRedirectUris", "Each sign-off URL must be an absolute https URL (plain http only on 127.0.0.1 or localhost), with no fragment (#)."},
	{"", "responseTypes", "Match the response type to the grant: CODE for AUTHORIZATION_CODE, TOKEN or ID_TOKEN for IMPLICIT; CODE cannot be combined with TOKEN or ID_TOKEN."},
	{"", "grantTypes", "REFRESH_TOKEN only comes with a grant that signs someone in: add AUTHORIZATION_CODE (or DEVICE_CODE), or remove REFRESH_TOKEN."},
	{"REQUIRED_VALUE", "tokenEndpointAuthMethod", "Choose how the connector proves it is the app: CLIENT_SECRET_POST unless the connector says otherwise."},
	{"", "tokenEndpointAuthMethod", "An app that signs in as itself (CLIENT_CREDENTIALS) must prove who it is: choose CLIENT_SECRET_POST or CLIENT_SECRET_BASIC instead of NONE, or drop CLIENT_CREDENTIALS."},
	{"", "refreshTokenDuration", "The refresh token lifetime must be at least 60 seconds and no longer than the rolling lifetime (refreshTokenRollingDuration): shorten it or lengthen the rolling lifetime."},
	{"", "refreshTokenRollingDuration", "The rolling lifetime must be at least 60 seconds and no shorter than the refresh token lifetime."},
	{"", "refreshTokenRollingGracePeriodDuration", "The rolling grace period must be 0 to 86400 seconds (1 day)."},
	{"", "pkceEnforcement", "PKCE is OPTIONAL, REQUIRED or S256_REQUIRED; S256_REQUIRED needs a connector that sends an S256 code challenge."},
	{"", "accessControl.group.groups", "A group policy needs at least one group of this environment: give the groups whose members may sign in, or remove the group policy."},
	{"", "accessControl.role.type", "Admin-only access is ADMIN_USERS_ONLY or nothing: set application.adminOnly to true or false."},
	{"REQUIRED_VALUE", "name", "Give the application a name."},
	{"", "description", "Shorten the description (PingOne allows 1024 characters) and remove line breaks."},
	{"", "tags", "Tags can be set only on a WORKER application when it is created: leave them out of an update."},
}

// catalogueFix is the fix the catalogue gives for an error's details, each said once, or "".
func catalogueFix(e *pingone.Error) string {
	var fixes []string
	for _, d := range e.Details {
		target := strings.TrimSpace(d.Target)
		// A target may name an element: redirectUris[1].
		if i := strings.IndexByte(target, '['); i > 0 {
			target = target[:i]
		}
		for _, c := range errorCatalogue {
			if c.target == target && (c.code == "" || c.code == d.Code) {
				if !containsString(fixes, c.fix) {
					fixes = append(fixes, c.fix)
				}
				break
			}
		}
	}
	return strings.Join(fixes, " ")
}

func containsString(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}
