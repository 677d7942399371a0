package pingonetest

import (
	"slices"
	"strings"
)

// Built-in role names, exactly as spec EnumRoleName.
const (
	RoleAuthorizeGatewayPolicyEvaluator = "Authorize Gateway Policy Evaluator"
	RoleAICSuperAdmin                   = "Advanced Identity Cloud Super Admin"
	RoleAICTenantAdmin                  = "Advanced Identity Cloud Tenant Admin"
	RoleApplicationOwner                = "Application Owner"
	RoleClientApplicationDeveloper      = "Client Application Developer"
	RoleConfigurationReadOnly           = "Configuration Read Only"
	RoleCustomRolesAdmin                = "Custom Roles Admin"
	RoleDaVinciAdminReadOnly            = "DaVinci Admin Read Only"
	RoleDaVinciAdmin                    = "DaVinci Admin"
	RoleEnvironmentAdmin                = "Environment Admin"
	RoleHelpDeskAdmin                   = "Help Desk Admin"
	RoleIdentityDataAdmin               = "Identity Data Admin"
	RoleIdentityDataReadOnly            = "Identity Data Read Only"
	RoleOrganizationAdmin               = "Organization Admin"
	RolePingFederateAdministrator       = "PingFederate Administrator"
	RolePingFederateAuditor             = "PingFederate Auditor"
	RolePingFederateCryptoAdministrator = "PingFederate Crypto Administrator"
	RolePingFederateExpressionAdmin     = "PingFederate Expression Administrator"
	RolePingFederateUserAdministrator   = "PingFederate User Administrator"
)

// Scope types of role assignments (spec EnumRoleAssignmentScopeType).
const (
	ScopeOrganization = "ORGANIZATION"
	ScopeEnvironment  = "ENVIRONMENT"
	ScopePopulation   = "POPULATION"
	ScopeApplication  = "APPLICATION"
)

// role is a built-in role. canAssign lists role names (pingone-api.md §6).
type role struct {
	ID           string
	Name         string
	Description  string
	ApplicableTo []string
	Permissions  []string
	CanAssign    []string
}

func (r *role) has(perm string) bool { return slices.Contains(r.Permissions, perm) }

func (r *role) canAssign(name string) bool { return slices.Contains(r.CanAssign, name) }

func (r *role) applicable(scopeType string) bool { return slices.Contains(r.ApplicableTo, scopeType) }

func isDaVinciRole(name string) bool { return strings.HasPrefix(name, "DaVinci ") }

// essential are the permissions PBI flags "essential"; every admin role gets
// them here [unconfirmed].
var essential = []string{"orgmgt:read:environment", "orgmgt:read:organization", "licensing:read:license", "orgmgt:read:deployment"}

func crud(service, res string, actions ...string) []string {
	if len(actions) == 0 {
		actions = []string{"create", "read", "update", "delete"}
	}
	out := make([]string, len(actions))
	for i, a := range actions {
		out[i] = service + ":" + a + ":" + res
	}
	return out
}

func perms(groups ...[]string) []string {
	var out []string
	for _, g := range groups {
		for _, p := range g {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// readOnly keeps the read permissions of ps, except those on secrets: a
// read-only role (Configuration Read Only, say) must not read client secrets
// [unconfirmed: the exact permission list of read-only roles is not public].
func readOnly(ps []string) []string {
	var out []string
	for _, p := range ps {
		if strings.Contains(p, ":read:") && !strings.HasSuffix(p, ":secret") {
			out = append(out, p)
		}
	}
	return out
}

// builtinRoles returns the 19 roles of spec EnumRoleName. Role IDs are fixed
// so goldens are stable; only Custom Roles Admin's ID is seen in public
// sources ([comm], pingone-api.md §15) — the others are made up.
// Permission sets follow pingone-api.md §15; most cells there are "?", so the
// sets are best-known values [unconfirmed] unless the comment says otherwise.
func builtinRoles() []*role {
	envAdminPerms := perms(
		essential,
		crud("applications", "application"),
		crud("applications", "secret", "read", "update", "delete"),
		crud("applications", "grant"),
		[]string{"applications:issue:certificate"},
		[]string{"resources:create:resource", "resources:read:resource", "resources:update:resource", "resources:delete:resource"},
		crud("resources", "scope"),
		crud("resources", "attribute"),
		// Inferred from its can-assign rights (it may assign every role
		// except Organization Admin) [unconfirmed]; RP is cut off at "read and
		// update application admi…".
		crud("permissions", "applicationRoleAssignments", "read", "update"),
		crud("permissions", "userRoleAssignments", "read", "update"),
		// Given to the roles that hold the user-role-assignment
		// permissions [unconfirmed].
		crud("permissions", "groupRoleAssignments", "create", "read", "delete"),
		crud("authn", "signOnPolicy"),
		crud("identityProviders", "identityProvider"),
		crud("certmgt", "certificate"),
		crud("certmgt", "key"),
		[]string{"orgmgt:update:environment"},
		// OLD/C1: Environment Admin reads populations; no dir:*:user or group
		// (TFG: users and groups need Identity Data Admin).
		[]string{"dir:read:population"},
	)
	idaPerms := perms(
		essential,
		crud("dir", "user"),
		[]string{"dir:import:user", "dir:invite:user", "dir:verify:user"},
		crud("dir", "userPassword", "read", "set", "reset", "recover", "unlock", "validate", "forceChange"),
		crud("dir", "group"),
		crud("dir", "groupMembership", "create", "read", "delete"),
		crud("dir", "population"),
		// Inferred from its can-assign rights [unconfirmed].
		crud("permissions", "userRoleAssignments", "read", "update"),
		// As for Environment Admin [unconfirmed].
		crud("permissions", "groupRoleAssignments", "create", "read", "delete"),
	)
	cadPerms := perms(
		essential,
		crud("applications", "application"),
		crud("applications", "secret", "read", "update"),
		crud("applications", "grant"),
		[]string{"resources:read:resource", "resources:read:scope"},
	)
	daVinci := perms(essential, crud("davinci", "flows"), crud("davinci", "connections"), crud("davinci", "applications"), crud("davinci", "variables"))
	pf := perms(essential, []string{"pingfederate:read:configuration", "pingfederate:update:configuration"})
	allExceptOrgAdmin := []string{
		RoleAuthorizeGatewayPolicyEvaluator, RoleAICSuperAdmin, RoleAICTenantAdmin, RoleApplicationOwner,
		RoleClientApplicationDeveloper, RoleConfigurationReadOnly, RoleCustomRolesAdmin, RoleDaVinciAdminReadOnly,
		RoleDaVinciAdmin, RoleEnvironmentAdmin, RoleHelpDeskAdmin, RoleIdentityDataAdmin, RoleIdentityDataReadOnly,
		RolePingFederateAdministrator, RolePingFederateAuditor, RolePingFederateCryptoAdministrator,
		RolePingFederateExpressionAdmin, RolePingFederateUserAdministrator,
	}
	orgEnv := []string{ScopeOrganization, ScopeEnvironment}
	return []*role{
		{
			// RP full table: environments CRUD, org/licence reads, custom roles
			// CRUD; NO application, secret, grant or user permission.
			ID: "a876c690-bdde-4376-bed5-20e4d68929d8", Name: RoleOrganizationAdmin,
			Description:  "Manages the organization and its environments.",
			ApplicableTo: []string{ScopeOrganization},
			Permissions: perms(essential, crud("orgmgt", "environment"),
				[]string{"licensing:update:environmentLicense"}, crud("permissions", "roles")),
			CanAssign: []string{RoleEnvironmentAdmin},
		},
		{
			ID: "9851080d-d8d6-4294-8553-5cdee59dd535", Name: RoleEnvironmentAdmin,
			Description:  "Manages the configuration of environments.",
			ApplicableTo: orgEnv, Permissions: envAdminPerms, CanAssign: allExceptOrgAdmin,
		},
		{
			// applicableTo ENVIRONMENT, POPULATION [comm]; not ORGANIZATION.
			ID: "b0f0560f-9257-46d3-b864-64f3eab827d5", Name: RoleIdentityDataAdmin,
			Description:  "Manages users, groups and populations.",
			ApplicableTo: []string{ScopeEnvironment, ScopePopulation}, Permissions: idaPerms,
			CanAssign: []string{RoleIdentityDataAdmin, RoleIdentityDataReadOnly, RoleHelpDeskAdmin},
		},
		{
			// C1: read-only subset of Identity Data Admin.
			ID: "4126cca2-2a2f-4259-b271-b64b81177bb3", Name: RoleIdentityDataReadOnly,
			Description:  "Reads users, groups and populations.",
			ApplicableTo: []string{ScopeEnvironment, ScopePopulation},
			Permissions:  perms(essential, readOnly(idaPerms)),
		},
		{
			// C1/OLD: app CRUD, read and reset secrets; §8: grants.
			ID: "43c29d10-94b1-488c-9c93-13e33877b3d8", Name: RoleClientApplicationDeveloper,
			Description:  "Manages applications.",
			ApplicableTo: []string{ScopeEnvironment}, Permissions: cadPerms,
		},
		{
			// [comm] samples: read and update the application.
			ID: "2fe8cc24-ea04-4a00-8174-4ed2b6067b58", Name: RoleApplicationOwner,
			Description:  "Manages an application.",
			ApplicableTo: []string{ScopeEnvironment, ScopeApplication},
			Permissions:  perms(essential, crud("applications", "application", "read", "update")),
		},
		{
			// C1: read-only subset of Environment Admin.
			ID: "ed100118-9e68-49af-90ca-7141841c3439", Name: RoleConfigurationReadOnly,
			Description:  "Reads the configuration of environments.",
			ApplicableTo: orgEnv,
			Permissions:  perms(essential, readOnly(envAdminPerms)),
		},
		{
			ID: "dbca8250-ba66-49ac-8528-be65781f7a2a", Name: RoleHelpDeskAdmin,
			Description:  "Helps users with their accounts.",
			ApplicableTo: []string{ScopeEnvironment, ScopePopulation},
			Permissions: perms(essential, []string{"dir:read:user", "dir:read:group", "dir:read:population",
				"dir:read:groupMembership", "dir:unlock:userPassword", "dir:reset:userPassword"}),
		},
		{
			// Custom Admin Roles page: custom-role CRUD. ID seen in TF/CDATA [comm].
			ID: "6f770b08-793f-4393-b2aa-b1d1587a0324", Name: RoleCustomRolesAdmin,
			Description:  "Manages custom roles.",
			ApplicableTo: orgEnv, Permissions: perms(essential, crud("permissions", "roles")),
		},
		{
			ID: "adef44cf-c704-4ff3-b488-e5c82aba1770", Name: RoleDaVinciAdmin,
			Description:  "Manages DaVinci.",
			ApplicableTo: []string{ScopeEnvironment}, Permissions: daVinci,
			CanAssign: []string{RoleDaVinciAdmin, RoleDaVinciAdminReadOnly},
		},
		{
			ID: "19f2fdfd-8370-4abd-87c0-09a731632e42", Name: RoleDaVinciAdminReadOnly,
			Description:  "Reads DaVinci.",
			ApplicableTo: []string{ScopeEnvironment}, Permissions: perms(essential, readOnly(daVinci)),
		},
		{
			ID: "3d7a6ae7-b546-44ec-80d1-60374a0f2cc0", Name: RoleAuthorizeGatewayPolicyEvaluator,
			Description:  "Evaluates PingOne Authorize policies in a gateway.",
			ApplicableTo: []string{ScopeEnvironment},
			Permissions:  []string{"authorize:evaluate:decisionEndpoints"},
		},
		{
			ID: "e47115a6-5d8b-4038-ac26-dcba5e9c1393", Name: RoleAICSuperAdmin,
			Description:  "Administers Advanced Identity Cloud tenants.",
			ApplicableTo: orgEnv, Permissions: perms(essential, []string{"aic:manage:tenant"}),
		},
		{
			ID: "5a681301-10b2-4453-86ef-549355efab83", Name: RoleAICTenantAdmin,
			Description:  "Administers an Advanced Identity Cloud tenant.",
			ApplicableTo: []string{ScopeEnvironment}, Permissions: perms(essential, []string{"aic:manage:tenant"}),
		},
		{
			ID: "300a08af-2a63-42d4-ae47-39d103bb057e", Name: RolePingFederateAdministrator,
			Description: "Administers PingFederate.", ApplicableTo: []string{ScopeEnvironment}, Permissions: pf,
		},
		{
			ID: "b5baa65d-156f-4866-a85e-6cf2e8b429c4", Name: RolePingFederateAuditor,
			Description: "Audits PingFederate.", ApplicableTo: []string{ScopeEnvironment}, Permissions: perms(essential, readOnly(pf)),
		},
		{
			ID: "6a11c3d3-b62d-4346-9150-e9219e11bd41", Name: RolePingFederateCryptoAdministrator,
			Description: "Manages PingFederate keys and certificates.", ApplicableTo: []string{ScopeEnvironment}, Permissions: pf,
		},
		{
			ID: "567cee6a-4043-410c-9701-e119f4e5c9e2", Name: RolePingFederateExpressionAdmin,
			Description: "Manages PingFederate expressions.", ApplicableTo: []string{ScopeEnvironment}, Permissions: pf,
		},
		{
			ID: "5f6500b0-e608-423c-af1d-a32bd93f9d53", Name: RolePingFederateUserAdministrator,
			Description: "Manages PingFederate administrative accounts.", ApplicableTo: []string{ScopeEnvironment}, Permissions: pf,
		},
	}
}

func renderRole(base string, r *role) map[string]any {
	ps := make([]any, len(r.Permissions))
	for i, p := range r.Permissions {
		parts := strings.Split(p, ":")
		desc := p
		if len(parts) == 3 {
			desc = strings.ToUpper(parts[1][:1]) + parts[1][1:] + " " + parts[2]
		}
		ps[i] = map[string]any{"id": p, "classifier": parts[0], "description": desc}
	}
	return map[string]any{
		"_links":       map[string]any{"self": href(base + "/v1/roles/" + r.ID)},
		"id":           r.ID,
		"name":         r.Name,
		"description":  r.Description,
		"applicableTo": append([]string(nil), r.ApplicableTo...),
		"permissions":  ps,
	}
}
