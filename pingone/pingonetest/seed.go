package pingonetest

import (
	"fmt"
	"maps"
	"time"
)

// Seed describes the tenant every Server starts with. All IDs are fixed, so
// goldens stay stable.
type Seed struct {
	OrganizationID   string
	OrganizationName string
	LicenseID        string
	// Production ("Example Production", PRODUCTION, region NA) is the
	// sign-in environment; Sandbox ("Example Sandbox", SANDBOX, NA).
	Production SeedEnvironment
	Sandbox    SeedEnvironment
	// ContractorsPopulationID is a second population in Production holding
	// only Contractor, outside Helpdesk's reach.
	ContractorsPopulationID string
	// AdminsGroupID is the "Connector Admins" group in Production. Its only
	// member is GroupAdmin; it holds Identity Data Admin and Client
	// Application Developer at ENVIRONMENT scope of Production.
	AdminsGroupID string
	// Admin (admin@example.com) is the organization's creator: Organization
	// Admin and Environment Admin at ORGANIZATION scope, Identity Data Admin at
	// each environment, and Client Application Developer at Production (the
	// automatic assignments of an environment creator, pingone-api.md §6).
	Admin SeedUser
	// JDoe (jdoe@example.com) holds no admin role and is in no group: the
	// classic trap.
	JDoe SeedUser
	// Helpdesk holds Identity Data Admin at POPULATION scope (Production's
	// default population) only.
	Helpdesk SeedUser
	// Contractor is a plain user in the Contractors population.
	Contractor SeedUser
	// GroupAdmin (groupadmin, Gail Group) holds no role of its own: its
	// powers come from membership of the Connector Admins group
	// (AdminsGroupID). Through it, it passes the admin-only sign-in gate and
	// reads users, groups, populations and applications of Production.
	GroupAdmin SeedUser
	// Auditor (auditor, Audrey Auditor) holds Identity Data Read Only and
	// Configuration Read Only at ENVIRONMENT scope of Production: it can
	// read users, groups, populations and applications, but read-only roles
	// do not pass the admin-only sign-in gate.
	Auditor SeedUser
	// AdminWorker is the enabled "Admin Worker" WORKER app in Production
	// (CLIENT_CREDENTIALS, CLIENT_SECRET_BASIC) holding Environment Admin at
	// ORGANIZATION scope and Identity Data Admin at each environment.
	AdminWorker SeedApp
	// SignInApp is the enabled "Admin Sign-In" WORKER app in Production that
	// admins sign in with (browser or device code): AUTHORIZATION_CODE +
	// REFRESH_TOKEN + DEVICE_CODE, response type CODE, PKCE S256_REQUIRED,
	// token endpoint auth NONE (ClientSecret is empty), redirect URI
	// SignInRedirectURI, admin users only, granted the openid, profile and
	// email scopes. Tests that listen elsewhere register their redirect URI
	// with AddRedirectURI.
	SignInApp SeedApp
	// Roles maps each built-in role name to its ID.
	Roles map[string]string
}

// SeedEnvironment is one seeded environment.
type SeedEnvironment struct {
	ID                  string
	Name                string
	DefaultPopulationID string
	// AdminConsoleClientID is the client_id used in tokens minted by
	// IssueUserToken for this environment ([unconfirmed] stands in for the
	// PingOne admin console application, which the simulator does not list).
	AdminConsoleClientID string
	OpenIDResourceID     string
	PingOneAPIResourceID string
	// OpenIDScopes and PingOneAPIScopes map scope names to scope IDs.
	OpenIDScopes     map[string]string
	PingOneAPIScopes map[string]string
}

// SeedUser is one seeded user and the password a sign-in page would accept.
type SeedUser struct {
	ID, Username, Email, Password, PopulationID, EnvironmentID string
}

// SeedApp is one seeded application with its credentials.
type SeedApp struct {
	ID, Name, EnvironmentID, ClientID, ClientSecret string
}

func (sd Seed) clone() Seed {
	sd.Roles = maps.Clone(sd.Roles)
	for _, e := range []*SeedEnvironment{&sd.Production, &sd.Sandbox} {
		e.OpenIDScopes = maps.Clone(e.OpenIDScopes)
		e.PingOneAPIScopes = maps.Clone(e.PingOneAPIScopes)
	}
	return sd
}

// seededAt is the fixed creation time of seeded objects.
var seededAt = time.Date(2025, 1, 15, 9, 30, 0, 0, time.UTC)

type envSeedIDs struct {
	env, pop, console, openid, api string
	openidScopes, apiScopes        []string
	// policies are the IDs of the two sign-on policies every environment starts with.
	policies []string
}

var openIDScopeNames = []string{"openid", "profile", "email", "address", "phone", "offline_access"}

// PingOne API scopes seeded on the PINGONE_API resource (a subset).
var apiScopeNames = []string{"p1:read:user", "p1:update:user", "p1:reset:userPassword", "p1:read:sessions"}

func (s *Server) seedTenant() {
	st := s.st
	st.org = organization{id: "0514b09f-1944-4003-bb36-db4325b5f59f", name: "Example Org", createdAt: seededAt}
	s.seed = Seed{
		OrganizationID:   st.org.id,
		OrganizationName: st.org.name,
		LicenseID:        "9346d0c6-16be-4b43-9f6a-7c9254bd6396",
		Roles:            map[string]string{},
	}
	for _, r := range st.roles {
		s.seed.Roles[r.Name] = r.ID
	}
	prod := envSeedIDs{
		env: "91495c11-60f6-405c-bc7e-d7f0e9e7cf11", pop: "d95715dd-1b42-4492-9bcd-4ea027aa6073",
		console: "d8c702dd-dd12-4108-abb8-1731c4a4fcd2",
		openid:  "611f7273-6770-4653-962a-c754dcd05083", api: "9c946180-df92-4375-b094-1732e8078833",
		openidScopes: []string{"511c89a3-f4dc-4517-ae93-eb10acfd9a7b", "48599957-4a69-4dd2-9f6d-23fe0fd14e40",
			"dc91cb86-2a39-4fbe-a5c8-00a667f4fbad", "914efebf-2920-4bad-a375-c7574fc7972e",
			"1887438f-38cf-43a9-af8d-096f920b8d3f", "979331a7-472e-4ad8-b535-2a2ba40c1471"},
		apiScopes: []string{"bce74118-86b8-44c8-ac38-02b75408424e", "94af0f53-d09a-457a-a82a-7a6ca8104720",
			"72b491db-ae22-4b4d-862e-7bbc2b529549", "ef4fca56-988c-41fa-a000-66d286a1921e"},
		policies: []string{"5d7e9f1a-3b5c-4d7e-9f1a-3b5c7d9e1f3a", "6e8f0a2b-4c6d-4e8f-8a2b-4c6d8e0f2a4b"},
	}
	sand := envSeedIDs{
		env: "474dbe5c-a517-4f60-855c-8f5b9e8451c8", pop: "1b711033-4166-4b89-89d9-31a3a5cce17d",
		console: "7602cbb4-91b8-48fa-8748-c59b585089a4",
		openid:  "4f650db3-5763-4091-87c0-f9e5189a44e2", api: "37cfd51f-8150-4d7f-b1ca-4c06d19730ce",
		openidScopes: []string{"b3ab11b7-c035-4ded-b3c4-662c62c77278", "a63899f5-8a37-4b74-aa74-22cbf0bf3738",
			"74a28ccb-49e2-4a4c-a2e4-45d8a3b9e6ee", "d8e458b2-65dc-48ee-94ed-b13a7fdb7a19",
			"121fab0f-9657-4892-a750-89e15c38670a", "df1f6ab3-1476-45ed-97c3-0c367a84a693"},
		apiScopes: []string{"91439004-9b63-4248-ac7c-fffe8237562a", "133ad77b-c70b-4c18-81c5-9eb2b5d9f109",
			"bfdca768-80fa-4f54-952c-c8e40aad8774", "79339381-521d-426a-be2b-e1e79c87a9ae"},
		policies: []string{"7f9a1b3c-5d7e-4f9a-9b3c-5d7e9f1a3b5c", "8a0b2c4d-6e8f-4a0b-8c4d-6e8f0a2b4c6d"},
	}
	s.seed.Production = s.seedEnvironment(prod, "Example Production", "PRODUCTION", "Production environment of Example Org")
	s.seed.Sandbox = s.seedEnvironment(sand, "Example Sandbox", "SANDBOX", "Sandbox for trying things out")

	s.seed.ContractorsPopulationID = "01c1fc9d-72ae-418d-9b51-9c5f8e3e8af0"
	st.populations = append(st.populations, &population{id: s.seed.ContractorsPopulationID, envID: prod.env,
		name: "Contractors", description: "External contractors", createdAt: seededAt, updatedAt: seededAt})
	s.seed.AdminsGroupID = "559f1ec1-e4a7-490d-b6b3-67740c6af1a3"
	st.groups = append(st.groups, &group{id: s.seed.AdminsGroupID, envID: prod.env, name: "Connector Admins",
		description: "People allowed to use connector apps", createdAt: seededAt, updatedAt: seededAt})

	addUser := func(id, username, given, family, popID, password string) SeedUser {
		u := &user{id: id, envID: prod.env, populationID: popID, username: username, email: username + "@example.com",
			given: given, family: family, password: password, enabled: true, createdAt: seededAt, updatedAt: seededAt}
		st.users = append(st.users, u)
		return SeedUser{ID: id, Username: username, Email: u.email, Password: password, PopulationID: popID, EnvironmentID: prod.env}
	}
	s.seed.Admin = addUser("0ac4eb09-ec42-4b0a-9e36-9eda0dd2ee72", "admin", "Ada", "Admin", prod.pop, "Adm1n-Example-Passw0rd")
	s.seed.JDoe = addUser("f0229ad2-925f-4df0-9514-0e4c8560265c", "jdoe", "John", "Doe", prod.pop, "Jd0e-Example-Passw0rd")
	s.seed.Helpdesk = addUser("c31b48b7-44d7-4c50-907c-3f778c1c2a65", "helpdesk", "Hal", "Desk", prod.pop, "H3lpdesk-Example-Passw0rd")
	s.seed.Contractor = addUser("d4fd6eb4-2b13-4df5-b99e-8d420cb7c6cc", "contractor", "Cora", "Tractor", s.seed.ContractorsPopulationID, "C0ntractor-Example-Passw0rd")
	s.seed.GroupAdmin = addUser("6e2a8c4f-1b3d-4f5a-8e7c-9d0b2a4c6e8f", "groupadmin", "Gail", "Group", prod.pop, "Gr0upadmin-Example-Passw0rd")
	s.seed.Auditor = addUser("7f3b9d5a-2c4e-4a6b-9f8d-0e1c3b5d7f9a", "auditor", "Audrey", "Auditor", prod.pop, "Aud1tor-Example-Passw0rd")
	st.memberships = append(st.memberships, &membership{groupID: s.seed.AdminsGroupID, userID: s.seed.GroupAdmin.ID})

	assign := func(id, kind, subject, roleName, scopeType, scopeID string) {
		st.assignments = append(st.assignments, &roleAssignment{id: id, envID: prod.env, subjectKind: kind,
			subjectID: subject, roleID: st.roleByName(roleName).ID, scopeType: scopeType, scopeID: scopeID})
	}
	admin := s.seed.Admin.ID
	assign("8314fcbc-c490-4ae2-905e-c35c2a61159c", subjectUser, admin, RoleOrganizationAdmin, ScopeOrganization, st.org.id)
	assign("8bdf04bf-f60b-4952-8ca0-2c0a5c825c9e", subjectUser, admin, RoleEnvironmentAdmin, ScopeOrganization, st.org.id)
	assign("0edc87bd-087f-4d0b-b496-7e8d0065d57c", subjectUser, admin, RoleIdentityDataAdmin, ScopeEnvironment, prod.env)
	assign("4d9643d4-8c37-42d2-8856-cb557a28b559", subjectUser, admin, RoleIdentityDataAdmin, ScopeEnvironment, sand.env)
	assign("a0c1e3f5-1b2d-4e6f-8a9b-0c1d2e3f4a5b", subjectUser, admin, RoleClientApplicationDeveloper, ScopeEnvironment, prod.env)
	assign("b1d2f4a6-2c3e-4f7a-9b0c-1d2e3f4a5b6c", subjectUser, s.seed.Helpdesk.ID, RoleIdentityDataAdmin, ScopePopulation, prod.pop)
	assign("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", subjectGroup, s.seed.AdminsGroupID, RoleIdentityDataAdmin, ScopeEnvironment, prod.env)
	assign("2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", subjectGroup, s.seed.AdminsGroupID, RoleClientApplicationDeveloper, ScopeEnvironment, prod.env)
	assign("3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f", subjectUser, s.seed.Auditor.ID, RoleIdentityDataReadOnly, ScopeEnvironment, prod.env)
	assign("4d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f8a", subjectUser, s.seed.Auditor.ID, RoleConfigurationReadOnly, ScopeEnvironment, prod.env)

	worker := &application{id: "c2e3a5b7-3d4f-4a8b-8c1d-2e3f4a5b6c7d", envID: prod.env, createdAt: seededAt, updatedAt: seededAt,
		secret: "Wk3r.AdminWorker-Example-Secret~0123456789abcdefghijklmnopqrstuvwxyz_ABCDEF"}
	fields, errs := normalizeApp(map[string]any{
		"name": "Admin Worker", "description": "Automation worker with admin roles", "enabled": true,
		"type": "WORKER", "protocol": "OPENID_CONNECT", "grantTypes": []any{"CLIENT_CREDENTIALS"},
		"tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
	}, st, prod.env, nil)
	if len(errs) > 0 {
		panic("pingonetest: invalid seed application")
	}
	worker.fields = fields
	st.apps = append(st.apps, worker)
	assign("d3f4b6c8-4e5a-4b9c-9d2e-3f4a5b6c7d8e", subjectApp, worker.id, RoleEnvironmentAdmin, ScopeOrganization, st.org.id)
	assign("e4a5c7d9-5f6b-4cad-8e3f-4a5b6c7d8e9f", subjectApp, worker.id, RoleIdentityDataAdmin, ScopeEnvironment, prod.env)
	assign("f5b6d8ea-6a7c-4dbe-9f4a-5b6c7d8e9fa0", subjectApp, worker.id, RoleIdentityDataAdmin, ScopeEnvironment, sand.env)
	s.seed.AdminWorker = SeedApp{ID: worker.id, Name: "Admin Worker", EnvironmentID: prod.env, ClientID: worker.id, ClientSecret: worker.secret}
	s.seedSignInApp(prod)
}

// SignInRedirectURI is the seeded sign-in app's redirect URI, the one Ping's
// CLI and pingone-setup listen on by default.
const SignInRedirectURI = "http://127.0.0.1:7464/callback"

// seedSignInApp adds the "Admin Sign-In" app (the product's cli-login preset)
// and its grant of OIDC scopes.
func (s *Server) seedSignInApp(prod envSeedIDs) {
	st := s.st
	app := &application{id: "5a7c9e1b-3d5f-4b7a-9c1e-3f5a7c9e1b3d", envID: prod.env, createdAt: seededAt, updatedAt: seededAt,
		secret: "SgN.AdminSignIn-Unused-Secret~0123456789abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJK"}
	fields, errs := normalizeApp(map[string]any{
		"name": "Admin Sign-In", "description": "Administrators sign in to pingone-setup", "enabled": true,
		"type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes":              []any{"AUTHORIZATION_CODE", "REFRESH_TOKEN", "DEVICE_CODE"},
		"responseTypes":           []any{"CODE"},
		"pkceEnforcement":         "S256_REQUIRED",
		"tokenEndpointAuthMethod": "NONE",
		"redirectUris":            []any{SignInRedirectURI},
		"accessControl":           map[string]any{"role": map[string]any{"type": "ADMIN_USERS_ONLY"}},
	}, st, prod.env, nil)
	if len(errs) > 0 {
		panic(fmt.Sprintf("pingonetest: invalid seed sign-in application: %+v", errs))
	}
	app.fields = fields
	st.apps = append(st.apps, app)
	st.grants = append(st.grants, &grant{id: "6b8d0f2c-4e6a-4c8b-8d2f-4a6b8d0f2c4e", envID: prod.env, appID: app.id,
		resourceID: prod.openid, scopeIDs: []string{prod.openidScopes[0], prod.openidScopes[1], prod.openidScopes[2]},
		createdAt: seededAt, updatedAt: seededAt})
	s.seed.SignInApp = SeedApp{ID: app.id, Name: "Admin Sign-In", EnvironmentID: prod.env, ClientID: app.id}
}

func (s *Server) seedEnvironment(ids envSeedIDs, name, typ, desc string) SeedEnvironment {
	st := s.st
	st.envs = append(st.envs, &environment{id: ids.env, name: name, description: desc, typ: typ, region: "NA",
		licenseID: s.seed.LicenseID, createdAt: seededAt, updatedAt: seededAt})
	st.populations = append(st.populations, &population{id: ids.pop, envID: ids.env, name: "Default",
		description: "Default population", isDefault: true, createdAt: seededAt, updatedAt: seededAt})
	st.resources = append(st.resources,
		&resource{id: ids.openid, envID: ids.env, name: "openid", typ: "OPENID_CONNECT", audience: openidAudience,
			description: "OpenID Connect resource", validity: 3600, createdAt: seededAt, updatedAt: seededAt},
		// [unconfirmed] the PingOne API resource's audience; tokens carry it in aud.
		&resource{id: ids.api, envID: ids.env, name: "PingOne API", typ: "PINGONE_API", audience: apiAudience,
			description: "PingOne Platform API", validity: 3600, createdAt: seededAt, updatedAt: seededAt})
	// Every environment starts with sign-on policies (pingone-api.md: new environments are not
	// empty): "Single_Factor", the default, and "Multi_Factor" [unconfirmed: the names of the
	// default policies of a new environment].
	st.policies = append(st.policies,
		&signOnPolicy{id: ids.policies[0], envID: ids.env, name: "Single_Factor", description: "A sign-on policy that requires username and password", isDefault: true},
		&signOnPolicy{id: ids.policies[1], envID: ids.env, name: "Multi_Factor", description: "A sign-on policy that requires username, password and a second factor"})
	out := SeedEnvironment{ID: ids.env, Name: name, DefaultPopulationID: ids.pop, AdminConsoleClientID: ids.console,
		OpenIDResourceID: ids.openid, PingOneAPIResourceID: ids.api,
		OpenIDScopes: map[string]string{}, PingOneAPIScopes: map[string]string{}}
	for i, n := range openIDScopeNames {
		st.scopes = append(st.scopes, &scope{id: ids.openidScopes[i], envID: ids.env, resourceID: ids.openid, name: n,
			description: "OpenID Connect scope " + n, createdAt: seededAt, updatedAt: seededAt})
		out.OpenIDScopes[n] = ids.openidScopes[i]
	}
	for i, n := range apiScopeNames {
		st.scopes = append(st.scopes, &scope{id: ids.apiScopes[i], envID: ids.env, resourceID: ids.api, name: n,
			description: "PingOne API scope " + n, createdAt: seededAt, updatedAt: seededAt})
		out.PingOneAPIScopes[n] = ids.apiScopes[i]
	}
	return out
}
