package flows

import (
	"slices"
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// builtinRoles are PingOne's built-in roles whose can-assign rules are compiled in, plus Help Desk
// Admin and the DaVinci read-only role, all assignable at environment scope.
func builtinRoles() map[string]pingone.Role {
	byID := map[string]pingone.Role{}
	for _, name := range []string{"Organization Admin", "Environment Admin", "Identity Data Admin", "Identity Data Read Only",
		"Help Desk Admin", "Configuration Read Only", "DaVinci Admin", "DaVinci Admin Read Only", "Client Application Developer"} {
		id := "r-" + strings.ReplaceAll(strings.ToLower(name), " ", "-")
		byID[id] = pingone.Role{ID: id, Name: name, ApplicableTo: []string{"ORGANIZATION", "ENVIRONMENT"}}
	}
	return byID
}

func roleID(name string) string { return "r-" + strings.ReplaceAll(strings.ToLower(name), " ", "-") }

// PingOne lets an admin give a role only when the admin holds it (or the role it is the read-only
// variant of) at a covering scope and one of the admin's roles may assign it.
func TestEachBuiltInRoleAssignsExactlyWhatItsRuleNames(t *testing.T) {
	byID := builtinRoles()
	env := func(names ...string) []pingone.RoleAssignment {
		var out []pingone.RoleAssignment
		for _, n := range names {
			out = append(out, assign(roleID(n), "ENVIRONMENT", testEnv))
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		admin  []pingone.RoleAssignment
		target string
		want   bool
	}{
		// Organization Admin assigns Environment Admin only: holding another role is not enough.
		{"Organization Admin holding Configuration Read Only", env("Organization Admin", "Configuration Read Only"), "Configuration Read Only", false},
		{"Environment Admin assigns a role it holds", env("Environment Admin", "Client Application Developer"), "Client Application Developer", true},
		{"Environment Admin never assigns Organization Admin", env("Environment Admin", "Organization Admin"), "Organization Admin", false},
		{"Identity Data Admin assigns itself", env("Identity Data Admin"), "Identity Data Admin", true},
		{"Identity Data Admin assigns its read-only variant", env("Identity Data Admin"), "Identity Data Read Only", true},
		{"Identity Data Admin assigns Help Desk Admin it holds", env("Identity Data Admin", "Help Desk Admin"), "Help Desk Admin", true},
		{"Identity Data Admin does not assign Client Application Developer", env("Identity Data Admin", "Client Application Developer"), "Client Application Developer", false},
		{"DaVinci Admin assigns itself", env("DaVinci Admin"), "DaVinci Admin", true},
		{"DaVinci Admin assigns its read-only variant", env("DaVinci Admin"), "DaVinci Admin Read Only", true},
		{"DaVinci Admin does not assign Identity Data Read Only", env("DaVinci Admin", "Identity Data Read Only"), "Identity Data Read Only", false},
		{"a role that assigns nothing", env("Configuration Read Only"), "Configuration Read Only", false},
		{"the assigning role held only in another environment", []pingone.RoleAssignment{assign(roleID("Client Application Developer"), "ENVIRONMENT", testEnv),
			assign(roleID("Environment Admin"), "ENVIRONMENT", "other-env")}, "Client Application Developer", false},
		{"the target held only in another environment", []pingone.RoleAssignment{assign(roleID("Client Application Developer"), "ENVIRONMENT", "other-env"),
			assign(roleID("Environment Admin"), "ENVIRONMENT", testEnv)}, "Client Application Developer", false},
		{"an assignment of a role the tenant does not list", []pingone.RoleAssignment{assign("r-gone", "ENVIRONMENT", testEnv),
			assign(roleID("Environment Admin"), "ENVIRONMENT", testEnv)}, "Client Application Developer", false},
		{"the rule's role held in another environment", []pingone.RoleAssignment{assign(roleID("Environment Admin"), "ENVIRONMENT", "other-env"),
			assign(roleID("Identity Data Admin"), "ENVIRONMENT", testEnv)}, "Client Application Developer", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := grantableBy(tc.admin, byID, byID[roleID(tc.target)], testEnvironment); got != tc.want {
				t.Errorf("grantable %s: %v, want %v", tc.target, got, tc.want)
			}
		})
	}
}

func TestACustomRoleIsGrantableByTheRolesItNamesAsItsAssigners(t *testing.T) {
	byID := builtinRoles()
	custom := pingone.Role{ID: "r-custom", Name: "Connector Reader", CanBeAssignedBy: []pingone.Ref{{ID: roleID("Identity Data Admin")}}}
	byID[custom.ID] = custom
	holder := []pingone.RoleAssignment{assign(custom.ID, "ENVIRONMENT", testEnv)}
	if !grantableBy(append(holder, assign(roleID("Identity Data Admin"), "ENVIRONMENT", testEnv)), byID, custom, testEnvironment) {
		t.Error("the role named by canBeAssignedBy could not assign the custom role")
	}
	if grantableBy(append(holder, assign(roleID("Configuration Read Only"), "ENVIRONMENT", testEnv)), byID, custom, testEnvironment) {
		t.Error("a role the custom role does not name assigned it")
	}
}

func TestAnEnvironmentScopedRoleIsFoundWhateverComesBeforeIt(t *testing.T) {
	rep := CheckRoles(RoleCheck{Roles: testRoles(), Environment: testEnvironment, ActorKind: "user", ActorName: "helpdesk",
		Assignments:  []pingone.RoleAssignment{assign("r-ida", "POPULATION", "pop-1"), assign("r-idro", "ENVIRONMENT", testEnv)},
		Capabilities: []Capability{mustCap(t, CapUsersRead)}})
	pv := rep.Capabilities[0].Permissions[0]
	if pv.Coverage != Covered || pv.Via != "Identity Data Read Only (environment)" {
		t.Errorf("%+v: the environment-scoped role covers it, whatever the population-scoped one before it", pv)
	}
}

func TestPopulationScopeNarrowsOnlyDirectoryPermissions(t *testing.T) {
	roles := []pingone.Role{{ID: "r-custom", Name: "Population App Reader", ApplicableTo: []string{"POPULATION"},
		Permissions: perms("applications:read:application", "dir:read:user")}}
	rep := CheckRoles(RoleCheck{Roles: roles, Environment: testEnvironment, ActorKind: "user",
		Assignments:  []pingone.RoleAssignment{assign("r-custom", "POPULATION", "pop-1")},
		Capabilities: []Capability{{ID: "c", Title: "C", Permissions: []string{"applications:read:application", "dir:read:user"}}}})
	got := map[string]Coverage{}
	for _, p := range rep.Capabilities[0].Permissions {
		got[p.Permission] = p.Coverage
	}
	if got["applications:read:application"] != Missing || got["dir:read:user"] != PopulationOnly {
		t.Errorf("coverage %v: a population holds users, not applications", got)
	}
}

func TestTheUserSignInGateTakesEachUserGrant(t *testing.T) {
	for _, tc := range []struct {
		grants []string
		want   Coverage
	}{
		{[]string{pingone.GrantAuthorizationCode}, Covered},
		{[]string{pingone.GrantDeviceCode}, Covered},
		{[]string{pingone.GrantImplicit}, Covered},
		{[]string{pingone.GrantClientCredentials, pingone.GrantRefreshToken}, Missing},
	} {
		app := &pingone.Application{Name: "a", Enabled: true, GrantTypes: tc.grants}
		rep := CheckRoles(RoleCheck{Roles: testRoles(), Environment: testEnvironment, ActorKind: "user", App: app})
		if g, ok := rep.Gate(GateGrant); !ok || g.Coverage != tc.want {
			t.Errorf("grants %v: gate %+v, want %s", tc.grants, g, tc.want)
		}
	}
}

func TestTheScopesGateIsJudgedOnlyWhenScopesAreAskedForAndTheGrantsAreKnown(t *testing.T) {
	app := &pingone.Application{Name: "a", Enabled: true, GrantTypes: []string{pingone.GrantAuthorizationCode}}
	for _, tc := range []struct {
		name          string
		want, granted []string
		gate          Coverage // "" = not judged
	}{
		{"asked and granted", []string{"openid"}, []string{"openid", "profile"}, Covered},
		{"asked, granted none", []string{"openid"}, []string{}, Missing},
		{"asked, grants unknown", []string{"openid"}, nil, ""},
		{"nothing asked", nil, []string{"openid"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := CheckRoles(RoleCheck{Roles: testRoles(), Environment: testEnvironment, ActorKind: "user", App: app,
				WantScopes: tc.want, GrantedScopes: tc.granted})
			g, ok := rep.Gate(GateScopes)
			if g.Coverage != tc.gate || ok != (tc.gate != "") {
				t.Errorf("scopes gate %+v (judged %v), want %q", g, ok, tc.gate)
			}
		})
	}
}

func TestAGroupPolicyWithoutGroupsIsNoGate(t *testing.T) {
	app := adminOnlyApp()
	app.AccessControl = &pingone.AccessControl{Group: &pingone.AccessControlGroup{Type: "ANY_GROUP"}}
	rep := CheckRoles(RoleCheck{Roles: testRoles(), Environment: testEnvironment, ActorKind: "user", ActorName: "jdoe", App: app})
	if g, ok := rep.Gate(GateGroupPolicy); ok {
		t.Errorf("gate %+v: a policy naming no group admits everyone", g)
	}
}

func TestAGroupPolicyIsCannotTellWhenTheUsersGroupsCannotBeRead(t *testing.T) {
	app := adminOnlyApp()
	app.AccessControl = &pingone.AccessControl{Group: &pingone.AccessControlGroup{Type: "ANY_GROUP", Groups: []pingone.Ref{{ID: "g-1"}}}}
	rep := CheckRoles(RoleCheck{Roles: testRoles(), Environment: testEnvironment, ActorKind: "user", ActorName: "jdoe", App: app,
		Unreadable: []string{"the groups of jdoe (needs dir:read:groupMembership)"}})
	g, _ := rep.Gate(GateGroupPolicy)
	want := "the app admits members of certain groups only, and jdoe's groups could not be read: the groups of jdoe (needs dir:read:groupMembership)"
	if g.Coverage != CannotTell || g.Detail != want {
		t.Errorf("gate %+v, want cannot-tell: %q", g, want)
	}
}

func TestTurningAdminOnlyOffIsNoAlternativeWhenNoRoleCoversWhatIsMissing(t *testing.T) {
	// Only Organization Admin holds orgmgt:create:environment, and it cannot be given at
	// environment scope: with admin-only access off the user would still lack it.
	rep := CheckRoles(RoleCheck{Roles: gateRoles(), Environment: testEnvironment, ActorKind: "user", ActorName: "jdoe",
		Capabilities: []Capability{{ID: "c", Title: "Create environments", Permissions: []string{"orgmgt:create:environment"}}},
		App:          adminOnlyApp(), AdminAssignments: fixer(), AdminKnown: true})
	if !slices.Equal(rep.Missing, []string{"orgmgt:create:environment"}) {
		t.Fatalf("missing %v", rep.Missing)
	}
	if rep.AdminOnlyOff != nil {
		t.Errorf("alternative %+v: turning admin-only off fixes nothing here", rep.AdminOnlyOff)
	}
}

func TestTheFixMayNeedEveryCandidateRole(t *testing.T) {
	roles := []pingone.Role{
		{ID: "r-a", Name: "A", Permissions: perms("dir:read:user")},
		{ID: "r-b", Name: "B", Permissions: perms("applications:read:application")},
	}
	got := smallestCover(roles, []string{"dir:read:user", "applications:read:application"}, false)
	if len(got) != 2 {
		t.Errorf("cover %v: want both roles", got)
	}
}

func TestAnOrganizationScopedRoleCoversAnEnvironmentWhoseOrganizationIsNotKnown(t *testing.T) {
	for _, env := range []pingone.Environment{{ID: testEnv}, {ID: testEnv, Organization: &pingone.Ref{}}} {
		rep := CheckRoles(RoleCheck{Roles: testRoles(), Environment: env, ActorKind: "user",
			Assignments:  []pingone.RoleAssignment{assign("r-env", "ORGANIZATION", testOrg)},
			Capabilities: []Capability{mustCap(t, CapApplicationsRead)}})
		if c := rep.Capabilities[0]; c.Coverage != Covered {
			t.Errorf("organization %v: %s, want covered", env.Organization, c.Coverage)
		}
	}
}

func TestARoleHeldOnlyAtPopulationScopeIsProposedAgainAtEnvironmentScope(t *testing.T) {
	roles := testRoles()[2:3] // Identity Data Admin alone holds dir:read:user
	rep := CheckRoles(RoleCheck{Roles: roles, Environment: testEnvironment, ActorKind: "user", ActorName: "helpdesk",
		Assignments:  []pingone.RoleAssignment{assign("r-ida", "POPULATION", "pop-1")},
		Capabilities: []Capability{mustCap(t, CapUsersRead)}})
	if rep.Fix == nil || !slices.Equal(rep.Fix.Names, []string{"Identity Data Admin"}) {
		t.Errorf("fix %+v: the role held for one population must be given for the environment", rep.Fix)
	}
}

func TestAmongEquallyPrivilegedFixesTheRoleListedFirstIsChosen(t *testing.T) {
	roles := []pingone.Role{
		{ID: "r-a", Name: "First Reader", Permissions: perms("dir:read:user")},
		{ID: "r-b", Name: "Second Reader", Permissions: perms("dir:read:user")},
	}
	for range 3 {
		got := smallestCover(roles, []string{"dir:read:user"}, false)
		if len(got) != 1 || got[0].Name != "First Reader" {
			t.Fatalf("cover %v: a tie goes to the role PingOne lists first, so the fix does not change between runs", got)
		}
	}
}

func TestOnlyRolesHeldThroughGroupsAreListedAsViaGroups(t *testing.T) {
	rep := CheckRoles(RoleCheck{Roles: testRoles(), Environment: testEnvironment, ActorKind: "user", ActorName: "jdoe",
		Assignments: []pingone.RoleAssignment{assign("r-idro", "ENVIRONMENT", testEnv), assign("r-gone", "ENVIRONMENT", testEnv)},
		Groups: []GroupRoles{{ID: "g-1", Name: "Readers", Assignments: []pingone.RoleAssignment{
			assign("r-cro", "ENVIRONMENT", testEnv), assign("r-gone", "ENVIRONMENT", testEnv)}}},
		Capabilities: []Capability{mustCap(t, CapUsersRead)}})
	if want := []string{"Configuration Read Only (environment) via group Readers"}; !slices.Equal(rep.ViaGroups, want) {
		t.Errorf("via groups %q, want %q", rep.ViaGroups, want)
	}
}

func TestTheAdminOnlyGateSaysWhichHeldRoleDoesNotCoverTheEnvironment(t *testing.T) {
	for _, tc := range []struct {
		held []pingone.RoleAssignment
		want string // "" = no such remark
	}{
		{[]pingone.RoleAssignment{assign("r-ida", "POPULATION", "pop-1")}, " (Identity Data Admin (population) does not count: it does not cover the environment)"},
		{nil, ""},
	} {
		rep := CheckRoles(RoleCheck{Roles: gateRoles(), Environment: testEnvironment, ActorKind: "user", ActorName: "helpdesk",
			Assignments: tc.held, App: adminOnlyApp()})
		g, _ := rep.Gate(GateAdminOnly)
		if g.Coverage != Missing || strings.HasSuffix(g.Detail, "the environment)") != (tc.want != "") || !strings.HasSuffix(g.Detail, "(access_denied)"+tc.want) {
			t.Errorf("gate %+v, want the remark %q", g, tc.want)
		}
	}
}
