package flows

import (
	"github.com/pingone-setup/pingone-setup/pingone"
)

// RolesGoTo says whose roles PingOne checks on the connector's Management API calls.
type RolesGoTo string

// For user-based grants (authorization code, device code) PingOne authorises calls by the
// signing-in user's roles; for client credentials by the application's own roles.
const (
	RolesToUser RolesGoTo = "user"
	RolesToApp  RolesGoTo = "app"
)

// Preset is a named starting point for a connector: the app settings it needs, the calls it makes
// (capabilities), and what its vendor's guide claims about roles, so the wizard can check the
// claim against PingOne's role table.
type Preset struct {
	Name        string
	Title       string
	Description string
	App         AppSpec
	// Capabilities are the ids of the capability catalogue the connector uses.
	Capabilities []string
	// GuideRoles are the roles the vendor's guide says are enough, as it says it.
	GuideRoles []string
	GuideClaim string
}

// RolesGoToFor derives whose roles PingOne checks from an app's grant types: any user-based grant
// means the signing-in user; client credentials alone means the app itself.
func RolesGoToFor(grants []string) RolesGoTo {
	for _, g := range grants {
		switch g {
		case pingone.GrantAuthorizationCode, pingone.GrantDeviceCode, pingone.GrantImplicit, pingone.GrantCIBA:
			return RolesToUser
		}
	}
	return RolesToApp
}

// Presets are product.md's presets, in the order the wizard offers them.
var Presets = []Preset{
	{
		Name:        "stackone",
		Title:       "StackOne connector",
		Description: "Delegated admin: an admin signs in through StackOne, which then calls the Management API as that admin.",
		App: AppSpec{
			Name:                                   "StackOne Integration",
			Description:                            "StackOne delegated admin integration",
			Enabled:                                Bool(true),
			GrantTypes:                             []string{pingone.GrantAuthorizationCode, pingone.GrantRefreshToken},
			ResponseTypes:                          []string{pingone.ResponseCode},
			PKCEEnforcement:                        pingone.PKCEOptional,
			TokenEndpointAuthMethod:                pingone.AuthMethodClientSecretPost,
			RedirectURIs:                           []string{"https://api.stackone.com/connect/oauth2/pingone/callback"},
			RefreshTokenDuration:                   days(30),
			RefreshTokenRollingDuration:            days(180),
			RefreshTokenRollingGracePeriodDuration: Seconds(0),
			AdminOnly:                              Bool(true),
			Scopes:                                 []string{"openid", "offline_access"},
		},
		Capabilities: []string{CapUsersRead, CapGroupsRead, CapPopulationsRead, CapApplicationsRead},
		GuideRoles:   []string{"Environment Admin", "Organization Admin"},
		GuideClaim:   "Environment Admin or Organization Admin covers all actions",
	},
	{
		Name:        "sync-worker",
		Title:       "Sync worker (Hightouch and similar)",
		Description: "A service that signs in with client credentials and syncs users and groups; PingOne checks the app's own roles.",
		App: AppSpec{
			Name:                    "Sync Worker",
			Description:             "User and group sync service",
			Enabled:                 Bool(true),
			GrantTypes:              []string{pingone.GrantClientCredentials},
			TokenEndpointAuthMethod: pingone.AuthMethodClientSecretPost,
			AdminOnly:               Bool(false),
		},
		Capabilities: []string{CapUsersRead, CapUsersWrite, CapGroupsRead, CapGroupsWrite, CapPopulationsRead},
	},
	{
		Name:        "cli-login",
		Title:       "CLI or MCP server sign-in",
		Description: "A command-line tool or MCP server that signs an admin in on a loopback callback with PKCE, no client secret.",
		App: AppSpec{
			Name:                    "CLI Login",
			Description:             "Admin sign-in for command-line tools and MCP servers",
			Enabled:                 Bool(true),
			GrantTypes:              []string{pingone.GrantAuthorizationCode, pingone.GrantRefreshToken},
			ResponseTypes:           []string{pingone.ResponseCode},
			PKCEEnforcement:         pingone.PKCES256Required,
			TokenEndpointAuthMethod: pingone.AuthMethodNone,
			RedirectURIs:            []string{"http://127.0.0.1:7464/callback"},
			AdminOnly:               Bool(true),
			Scopes:                  []string{"openid", "offline_access"},
		},
		Capabilities: []string{CapEnvironmentsRead, CapApplicationsRead, CapUsersRead, CapGroupsRead, CapPopulationsRead},
	},
	{
		Name:        "custom",
		Title:       "Custom",
		Description: "Anything else: choose every setting step by step.",
		App: AppSpec{
			Name:                    "Worker App",
			Enabled:                 Bool(true),
			GrantTypes:              []string{pingone.GrantClientCredentials},
			TokenEndpointAuthMethod: pingone.AuthMethodClientSecretBasic,
			AdminOnly:               Bool(false),
		},
		Capabilities: []string{CapUsersRead},
	},
}

// PresetByName finds a preset.
func PresetByName(name string) (Preset, bool) {
	for _, p := range Presets {
		if p.Name == name {
			return p, true
		}
	}
	return Preset{}, false
}

// PresetNames lists the presets' names.
func PresetNames() []string {
	out := make([]string, len(Presets))
	for i, p := range Presets {
		out[i] = p.Name
	}
	return out
}
