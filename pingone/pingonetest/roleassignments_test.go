package pingonetest

import (
	"strings"
	"testing"
	"time"
)

func raBody(roleID, scopeType, scopeID string) map[string]any {
	return map[string]any{"role": map[string]any{"id": roleID}, "scope": map[string]any{"id": scopeID, "type": scopeType}}
}

func TestAssigningUserRoles(t *testing.T) {
	f := newFixture(t)
	prod, org := f.prod(), f.seed.OrganizationID
	role := f.seed.Roles
	jdoeRA := "/v1/environments/" + prod + "/users/" + f.seed.JDoe.ID + "/roleAssignments"

	r := f.do(f.admin(), "POST", jdoeRA, raBody(role[RoleIdentityDataAdmin], ScopeEnvironment, prod))
	f.expect(r, 201)
	if r.body["readOnly"] != false || r.body["scope"].(map[string]any)["type"] != ScopeEnvironment {
		t.Fatalf("created %s", r.raw)
	}
	raID := r.body["id"].(string)

	cases := []struct {
		name                 string
		body                 map[string]any
		status               int
		code, detail, target string
		msgPrefix            string
	}{
		{"duplicate", raBody(role[RoleIdentityDataAdmin], ScopeEnvironment, prod), 400, "INVALID_DATA", "UNIQUENESS_VIOLATION", "role", "May not assign duplicate Role"},
		{"role not applicable to the scope type", raBody(role[RoleIdentityDataAdmin], ScopeOrganization, org), 400, "INVALID_DATA", "INVALID_VALUE", "scope", ""},
		{"scope that does not exist", raBody(role[RoleEnvironmentAdmin], ScopeEnvironment, "00000000-0000-4000-8000-000000000000"), 400, "INVALID_DATA", "INVALID_VALUE", "scope", ""},
		{"unknown role", raBody("00000000-0000-4000-8000-000000000000", ScopeEnvironment, prod), 400, "INVALID_DATA", "INVALID_VALUE", "role", ""},
		{"missing scope", map[string]any{"role": map[string]any{"id": role[RoleEnvironmentAdmin]}}, 400, "INVALID_DATA", "REQUIRED_VALUE", "scope.id", ""},
		// The admin holds Organization Admin and Environment Admin, neither of
		// which can assign Organization Admin.
		{"Organization Admin, which no role of the admin can assign", raBody(role[RoleOrganizationAdmin], ScopeOrganization, org), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "", "Must have role at the same or broader scope"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(f.admin(), "POST", jdoeRA, tc.body)
			f.expectError(r, tc.status, tc.code, tc.detail, tc.target)
			if tc.msgPrefix != "" && !strings.Contains(r.raw, tc.msgPrefix) {
				t.Fatalf("body %s", r.raw)
			}
		})
	}

	t.Run("already covered by the same role at a broader scope", func(t *testing.T) {
		f.expect(f.do(f.admin(), "POST", jdoeRA, raBody(role[RoleEnvironmentAdmin], ScopeOrganization, org)), 201)
		f.expectError(f.do(f.admin(), "POST", jdoeRA, raBody(role[RoleEnvironmentAdmin], ScopeEnvironment, prod)),
			400, "INVALID_DATA", "UNIQUENESS_VIOLATION", "role")
	})

	t.Run("list marks what the actor cannot delete as read only", func(t *testing.T) {
		r := f.do(f.admin(), "GET", jdoeRA, nil)
		f.expect(r, 200)
		for _, ra := range embedded(r, "roleAssignments") {
			if ra["readOnly"] != false {
				t.Errorf("admin cannot delete jdoe's %v", ra)
			}
		}
		own := f.do(f.admin(), "GET", "/v1/environments/"+prod+"/users/"+f.seed.Admin.ID+"/roleAssignments", nil)
		f.expect(own, 200)
		list := embedded(own, "roleAssignments")
		if len(list) != 5 {
			t.Fatalf("admin has %d assignments", len(list))
		}
		for _, ra := range list {
			if ra["readOnly"] != true {
				t.Errorf("own assignment not read only: %v", ra)
			}
		}
		r = f.do(f.admin(), "DELETE", "/v1/environments/"+prod+"/users/"+f.seed.Admin.ID+"/roleAssignments/"+list[0]["id"].(string), nil)
		f.expectError(r, 400, "INVALID_REQUEST", "", "")
		if !strings.Contains(r.raw, "cannot be deleted as it is read only") {
			t.Fatalf("body %s", r.raw)
		}
	})

	t.Run("delete", func(t *testing.T) {
		f.expect(f.do(f.admin(), "DELETE", jdoeRA+"/"+raID, nil), 204)
		f.expect(f.do(f.admin(), "GET", jdoeRA+"/"+raID, nil), 404)
	})
}

func TestAssignersNeedARoleThatCanAssignAtACoveringScope(t *testing.T) {
	f := newFixture(t)
	prod := f.prod()
	role := f.seed.Roles
	helpdesk := f.userToken(f.seed.Helpdesk.ID)
	jdoeRA := "/v1/environments/" + prod + "/users/" + f.seed.JDoe.ID + "/roleAssignments"
	pop := f.seed.Production.DefaultPopulationID

	r := f.do(helpdesk, "POST", jdoeRA, raBody(role[RoleEnvironmentAdmin], ScopeEnvironment, prod))
	f.expectError(r, 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
	if !strings.Contains(r.raw, "Must have role at the same or broader scope") {
		t.Fatalf("body %s", r.raw)
	}
	// jdoe has no roles at all: cannot even read assignments.
	f.expectError(f.do(f.userToken(f.seed.JDoe.ID), "GET", jdoeRA, nil), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
	// Identity Data Admin can assign its read-only variant, but only within
	// its population.
	f.expectError(f.do(helpdesk, "POST", jdoeRA, raBody(role[RoleIdentityDataReadOnly], ScopeEnvironment, prod)), 403, "ACCESS_FAILED", "", "")
	f.expect(f.do(helpdesk, "POST", jdoeRA, raBody(role[RoleIdentityDataReadOnly], ScopePopulation, pop)), 201)
	// Identity Data Admin's canAssign names Help Desk Admin, but helpdesk does
	// not hold Help Desk Admin itself.
	f.expectError(f.do(helpdesk, "POST", jdoeRA, raBody(role[RoleHelpDeskAdmin], ScopePopulation, pop)), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
	// Helpdesk cannot reach a user outside its population.
	f.expectError(f.do(helpdesk, "GET", "/v1/environments/"+prod+"/users/"+f.seed.Contractor.ID+"/roleAssignments", nil), 403, "ACCESS_FAILED", "", "")
}

func TestAssignersMayGrantOnlyRolesTheyHoldOrTheirReadOnlyVariants(t *testing.T) {
	f := newFixture(t)
	prod, sand, org := f.prod(), f.seed.Sandbox.ID, f.seed.OrganizationID
	role := f.seed.Roles
	jdoeRA := "/v1/environments/" + prod + "/users/" + f.seed.JDoe.ID + "/roleAssignments"
	cases := []struct {
		name            string
		role, scopeType string
		scopeID         string
		status          int
	}{
		// Environment Admin's canAssign names these, but the admin holds neither.
		{"Help Desk Admin, which the admin does not hold", RoleHelpDeskAdmin, ScopeEnvironment, prod, 403},
		{"DaVinci Admin, which the admin does not hold", RoleDaVinciAdmin, ScopeEnvironment, prod, 403},
		{"DaVinci Admin Read Only, whose base role the admin does not hold", RoleDaVinciAdminReadOnly, ScopeEnvironment, prod, 403},
		{"Client Application Developer outside the environment the admin holds it in", RoleClientApplicationDeveloper, ScopeEnvironment, sand, 403},
		{"Client Application Developer where the admin holds it", RoleClientApplicationDeveloper, ScopeEnvironment, prod, 201},
		{"Configuration Read Only, the read-only variant of Environment Admin", RoleConfigurationReadOnly, ScopeOrganization, org, 201},
		{"Identity Data Read Only, the read-only variant of Identity Data Admin", RoleIdentityDataReadOnly, ScopeEnvironment, sand, 201},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(f.admin(), "POST", jdoeRA, raBody(role[tc.role], tc.scopeType, tc.scopeID))
			if tc.status == 403 {
				f.expectError(r, 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
				return
			}
			f.expect(r, tc.status)
		})
	}
	t.Run("an assignment the actor could not make is read only to it", func(t *testing.T) {
		if err := f.sim.AssignUserRole(prod, f.seed.JDoe.ID, RoleHelpDeskAdmin, ScopeEnvironment, prod); err != nil {
			t.Fatal(err)
		}
		r := f.do(f.admin(), "GET", jdoeRA, nil)
		f.expect(r, 200)
		for _, ra := range embedded(r, "roleAssignments") {
			isHelpDesk := ra["role"].(map[string]any)["id"] == role[RoleHelpDeskAdmin]
			if ra["readOnly"] != isHelpDesk {
				t.Errorf("readOnly %v for %v", ra["readOnly"], ra)
			}
		}
	})
}

func TestAssigningApplicationRoles(t *testing.T) {
	f := newFixture(t)
	prod := f.prod()
	role := f.seed.Roles
	r := f.do(f.admin(), "POST", f.appsPath(prod), workerBody("sync"))
	f.expect(r, 201)
	appID := r.body["id"].(string)
	appRA := f.appsPath(prod) + "/" + appID + "/roleAssignments"

	f.expect(f.do(f.admin(), "POST", appRA, raBody(role[RoleIdentityDataAdmin], ScopeEnvironment, prod)), 201)
	f.expectError(f.do(f.admin(), "POST", appRA, raBody(role[RoleDaVinciAdmin], ScopeEnvironment, prod)), 400, "INVALID_DATA", "INVALID_VALUE", "role")
	r = f.do(f.admin(), "GET", appRA, nil)
	f.expect(r, 200)
	if list := embedded(r, "roleAssignments"); len(list) != 1 || list[0]["readOnly"] != false {
		t.Fatalf("app assignments %s", r.raw)
	}
	// The new worker can now call the API with its own roles (Identity Data
	// Admin: users yes, applications no).
	tok := f.sim.IssueAppToken(prod, appID, time.Hour)
	f.expect(f.do(tok, "GET", "/v1/environments/"+prod+"/users", nil), 200)
	f.expectError(f.do(tok, "GET", f.appsPath(prod), nil), 403, "ACCESS_FAILED", "", "")
}

func TestApplicationOwnerSeesOnlyItsApplication(t *testing.T) {
	f := newFixture(t)
	prod := f.prod()
	other := f.sim.AddApplication(prod, map[string]any{"name": "mine", "type": "WORKER", "protocol": "OPENID_CONNECT", "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"})
	owner := f.sim.AddUser(prod, "owner", "")
	if err := f.sim.AssignUserRole(prod, owner, RoleApplicationOwner, ScopeApplication, other); err != nil {
		t.Fatal(err)
	}
	r := f.do(f.userToken(owner), "GET", f.appsPath(prod), nil)
	f.expect(r, 200)
	if got := names(embedded(r, "applications"), "name"); len(got) != 1 || got[0] != "mine" {
		t.Fatalf("owner sees %v", got)
	}
	f.expectError(f.do(f.userToken(owner), "GET", f.appsPath(prod)+"/"+f.seed.AdminWorker.ID, nil), 403, "ACCESS_FAILED", "", "")
	if err := f.sim.AssignUserRole(prod, owner, RoleIdentityDataAdmin, ScopeOrganization, f.seed.OrganizationID); err == nil {
		t.Fatalf("builder accepted Identity Data Admin at ORGANIZATION scope")
	}
}
