package flows

// Capability is something a connector does through the Management API, with the calls it makes
// and the PingOne permissions those calls need (identifiers of pingone-api.md §15). Whether a role
// holds a permission is never decided here: it is read from GET /roles on the live tenant.
type Capability struct {
	ID          string
	Title       string
	Calls       string
	Permissions []string
	// Extended capabilities are offered for "full coverage" but not needed by default.
	Extended bool
}

// Capability ids.
const (
	CapUsersRead             = "users:read"
	CapUsersWrite            = "users:write"
	CapGroupsRead            = "groups:read"
	CapGroupsWrite           = "groups:write"
	CapPopulationsRead       = "populations:read"
	CapApplicationsRead      = "applications:read"
	CapEnvironmentsRead      = "environments:read"
	CapSignOnPoliciesRead    = "signOnPolicies:read"
	CapIdentityProvidersRead = "identityProviders:read"
	CapCertificatesRead      = "certificates:read"
)

// Capabilities is the catalogue, in display order.
var Capabilities = []Capability{
	{ID: CapUsersRead, Title: "Read users", Calls: "GET /environments/{env}/users", Permissions: []string{"dir:read:user"}},
	{ID: CapUsersWrite, Title: "Create and update users", Calls: "POST, PUT, PATCH /environments/{env}/users", Permissions: []string{"dir:create:user", "dir:update:user"}},
	{ID: CapGroupsRead, Title: "Read groups and memberships", Calls: "GET /environments/{env}/groups, GET …/users/{id}/memberOfGroups", Permissions: []string{"dir:read:group", "dir:read:groupMembership"}},
	{ID: CapGroupsWrite, Title: "Manage groups and memberships", Calls: "POST, PUT /environments/{env}/groups, POST/DELETE …/memberOfGroups", Permissions: []string{"dir:create:group", "dir:update:group", "dir:create:groupMembership", "dir:delete:groupMembership"}},
	{ID: CapPopulationsRead, Title: "Read populations", Calls: "GET /environments/{env}/populations", Permissions: []string{"dir:read:population"}},
	{ID: CapApplicationsRead, Title: "Read applications", Calls: "GET /environments/{env}/applications", Permissions: []string{"applications:read:application"}},
	{ID: CapEnvironmentsRead, Title: "Read environments", Calls: "GET /environments", Permissions: []string{"orgmgt:read:environment"}},
	{ID: CapSignOnPoliciesRead, Title: "Read sign-on policies", Calls: "GET /environments/{env}/signOnPolicies", Permissions: []string{"authn:read:signOnPolicy"}, Extended: true},
	{ID: CapIdentityProvidersRead, Title: "Read identity providers", Calls: "GET /environments/{env}/identityProviders", Permissions: []string{"identityProviders:read:identityProvider"}, Extended: true},
	{ID: CapCertificatesRead, Title: "Read certificates and keys", Calls: "GET /environments/{env}/certificates, …/keys", Permissions: []string{"certmgt:read:certificate", "certmgt:read:key"}, Extended: true},
}

// CapabilityByID finds a capability.
func CapabilityByID(id string) (Capability, bool) {
	for _, c := range Capabilities {
		if c.ID == id {
			return c, true
		}
	}
	return Capability{}, false
}

// CapabilityIDs lists the catalogue's ids.
func CapabilityIDs() []string {
	out := make([]string, len(Capabilities))
	for i, c := range Capabilities {
		out[i] = c.ID
	}
	return out
}
