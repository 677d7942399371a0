package pingonetest

import (
	"slices"
	"testing"
)

func (f *fixture) userPath(userID string) string {
	return "/v1/environments/" + f.prod() + "/users/" + userID
}

func (f *fixture) groupRAPath(groupID string) string {
	return "/v1/environments/" + f.prod() + "/groups/" + groupID + "/roleAssignments"
}

func strs(v any) []string {
	l, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func TestReadingAUserIncludesItsGroupsOnlyWhenAskedAndNeverInTheList(t *testing.T) {
	f := newFixture(t)
	adm, ga := f.admin(), f.userPath(f.seed.GroupAdmin.ID)

	r := f.do(adm, "GET", ga, nil)
	f.expect(r, 200)
	if _, ok := r.body["memberOfGroupIDs"]; ok {
		t.Fatalf("memberOfGroupIDs without include: %s", r.raw)
	}
	r = f.do(adm, "GET", ga+"?include=memberOfGroupIDs", nil)
	f.expect(r, 200)
	if got := strs(r.body["memberOfGroupIDs"]); !slices.Equal(got, []string{f.seed.AdminsGroupID}) {
		t.Fatalf("memberOfGroupIDs = %v", got)
	}
	if _, ok := r.body["memberOfGroupNames"]; ok {
		t.Fatalf("names sent when only IDs were asked for: %s", r.raw)
	}
	r = f.do(adm, "GET", ga+"?include=memberOfGroupNames", nil)
	if got := strs(r.body["memberOfGroupNames"]); !slices.Equal(got, []string{"Connector Admins"}) {
		t.Fatalf("memberOfGroupNames = %v", got)
	}
	r = f.do(adm, "GET", ga+"?include=memberOfGroupIDs&include=memberOfGroupNames", nil)
	if r.body["memberOfGroupIDs"] == nil || r.body["memberOfGroupNames"] == nil {
		t.Fatalf("both includes: %s", r.raw)
	}
	// A user in no group gets an empty array.
	r = f.do(adm, "GET", f.userPath(f.seed.JDoe.ID)+"?include=memberOfGroupIDs", nil)
	if ids, ok := r.body["memberOfGroupIDs"].([]any); !ok || len(ids) != 0 {
		t.Fatalf("jdoe's groups: %s", r.raw)
	}
	f.expectError(f.do(adm, "GET", ga+"?include=memberOfGroups", nil), 400, "INVALID_DATA", "INVALID_VALUE", "include")

	// The list never carries them, include or not.
	r = f.do(adm, "GET", "/v1/environments/"+f.prod()+"/users?include=memberOfGroupIDs", nil)
	f.expect(r, 200)
	for _, u := range embedded(r, "users") {
		if _, ok := u["memberOfGroupIDs"]; ok {
			t.Fatalf("the user list carries memberOfGroupIDs: %v", u)
		}
	}
}

func TestReadingGroupMembershipNeedsItsOwnPermission(t *testing.T) {
	f := newFixture(t)
	// A role that reads users but not group memberships.
	f.sim.mu.Lock()
	hd := f.sim.st.roleByName(RoleHelpDeskAdmin)
	hd.Permissions = slices.DeleteFunc(slices.Clone(hd.Permissions), func(p string) bool { return p == "dir:read:groupMembership" })
	f.sim.mu.Unlock()
	uid := f.sim.AddUser(f.prod(), "desk", "")
	if err := f.sim.AssignUserRole(f.prod(), uid, RoleHelpDeskAdmin, ScopeEnvironment, f.prod()); err != nil {
		t.Fatal(err)
	}
	tok, ga := f.userToken(uid), f.userPath(f.seed.GroupAdmin.ID)
	f.expect(f.do(tok, "GET", ga, nil), 200)
	f.expectError(f.do(tok, "GET", ga+"?include=memberOfGroupIDs", nil), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
	f.expectError(f.do(tok, "GET", ga+"/memberOfGroups", nil), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
}

func TestMemberOfGroupsListsTheUsersGroups(t *testing.T) {
	f := newFixture(t)
	r := f.do(f.admin(), "GET", f.userPath(f.seed.GroupAdmin.ID)+"/memberOfGroups?expand=group", nil)
	f.expect(r, 200)
	ms := embedded(r, "groupMemberships")
	if len(ms) != 1 || ms[0]["id"] != f.seed.AdminsGroupID || ms[0]["name"] != "Connector Admins" || ms[0]["type"] != "DIRECT" {
		t.Fatalf("memberships %s", r.raw)
	}
	if g, _ := ms[0]["_embedded"].(map[string]any)["group"].(map[string]any); g["id"] != f.seed.AdminsGroupID {
		t.Fatalf("expand=group: %v", ms[0])
	}
	r = f.do(f.admin(), "GET", f.userPath(f.seed.JDoe.ID)+"/memberOfGroups", nil)
	if r.body["count"] != float64(0) {
		t.Fatalf("jdoe's memberships %s", r.raw)
	}
	f.expectError(f.do(f.userToken(f.seed.JDoe.ID), "GET", f.userPath(f.seed.GroupAdmin.ID)+"/memberOfGroups", nil), 403, "ACCESS_FAILED", "", "")
	f.expect(f.do(f.admin(), "GET", f.userPath("00000000-0000-4000-8000-000000000000")+"/memberOfGroups", nil), 404)
}

func TestDynamicGroupsHoldTheUsersTheirFilterMatches(t *testing.T) {
	f := newFixture(t)
	gid, err := f.sim.AddDynamicGroup(f.prod(), "Contractors", `population.id eq "`+f.seed.ContractorsPopulationID+`"`)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.sim.UserGroupIDs(f.prod(), f.seed.Contractor.ID); !slices.Equal(got, []string{gid}) {
		t.Fatalf("contractor's groups %v", got)
	}
	if got := f.sim.UserGroupIDs(f.prod(), f.seed.JDoe.ID); len(got) != 0 {
		t.Fatalf("jdoe's groups %v", got)
	}
	r := f.do(f.admin(), "GET", "/v1/environments/"+f.prod()+"/groups/"+gid, nil)
	if r.body["userFilter"] == nil {
		t.Fatalf("a dynamic group without userFilter: %s", r.raw)
	}
	if err := f.sim.AddGroupMember(f.prod(), gid, f.seed.JDoe.ID); err == nil {
		t.Fatal("a dynamic group took a direct member")
	}
	if _, err := f.sim.AddDynamicGroup(f.prod(), "bad", `nickname eq "x"`); err == nil {
		t.Fatal("an unsupported userFilter was accepted")
	}
}

func TestGroupRoleAssignments(t *testing.T) {
	f := newFixture(t)
	adm, role := f.admin(), f.seed.Roles
	ras := f.groupRAPath(f.seed.AdminsGroupID)

	r := f.do(adm, "GET", ras, nil)
	f.expect(r, 200)
	items := embedded(r, "roleAssignments")
	if len(items) != 2 {
		t.Fatalf("seeded group assignments %s", r.raw)
	}
	for _, it := range items {
		if g, _ := it["group"].(map[string]any); g["id"] != f.seed.AdminsGroupID || it["readOnly"] != false {
			t.Fatalf("assignment %v", it)
		}
	}

	r = f.do(adm, "POST", ras, raBody(role[RoleIdentityDataReadOnly], ScopeEnvironment, f.prod()))
	f.expect(r, 201)
	id, _ := r.body["id"].(string)
	if g, _ := r.body["group"].(map[string]any); g["id"] != f.seed.AdminsGroupID {
		t.Fatalf("created %s", r.raw)
	}
	f.expect(f.do(adm, "GET", ras+"/"+id, nil), 200)
	if got := f.sim.GroupRoleAssignments(f.prod(), f.seed.AdminsGroupID); len(got) != 3 || got[2].RoleName != RoleIdentityDataReadOnly {
		t.Fatalf("inspect %v", got)
	}
	// Duplicate, and covered by the group's environment-wide assignment.
	f.expectError(f.do(adm, "POST", ras, raBody(role[RoleIdentityDataReadOnly], ScopeEnvironment, f.prod())), 400, "INVALID_DATA", "UNIQUENESS_VIOLATION", "role")
	f.expectError(f.do(adm, "POST", ras, raBody(role[RoleIdentityDataAdmin], ScopePopulation, f.seed.Production.DefaultPopulationID)), 400, "INVALID_DATA", "UNIQUENESS_VIOLATION", "role")
	f.expect(f.do(adm, "DELETE", ras+"/"+id, nil), 204)
	f.expect(f.do(adm, "GET", ras+"/"+id, nil), 404)

	// Unknown group: 404 to who could read, 403 to who could not.
	f.expect(f.do(adm, "GET", f.groupRAPath("00000000-0000-4000-8000-000000000000"), nil), 404)
	jdoe := f.userToken(f.seed.JDoe.ID)
	f.expectError(f.do(jdoe, "GET", ras, nil), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
	f.expectError(f.do(jdoe, "POST", ras, raBody(role[RoleIdentityDataReadOnly], ScopeEnvironment, f.prod())), 403, "ACCESS_FAILED", "", "")

	// The auditor reads but may not create.
	aud := f.userToken(f.seed.Auditor.ID)
	f.expect(f.do(aud, "GET", ras, nil), 200)
	f.expectError(f.do(aud, "POST", ras, raBody(role[RoleIdentityDataReadOnly], ScopeEnvironment, f.prod())), 403, "ACCESS_FAILED", "", "")

	// Same can-assign rules as for users: the admin cannot hand out
	// Organization Admin, nobody can do it for DaVinci without holding it.
	f.expectError(f.do(adm, "POST", ras, raBody(role[RoleOrganizationAdmin], ScopeOrganization, f.seed.OrganizationID)), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
	f.expectError(f.do(adm, "POST", ras, raBody(role[RoleIdentityDataAdmin], ScopeOrganization, f.seed.OrganizationID)), 400, "INVALID_DATA", "INVALID_VALUE", "scope")
}

func TestRolesCannotBeAssignedToADynamicGroup(t *testing.T) {
	f := newFixture(t)
	gid, err := f.sim.AddDynamicGroup(f.prod(), "Everyone", `username sw "a"`)
	if err != nil {
		t.Fatal(err)
	}
	f.expectError(f.do(f.admin(), "POST", f.groupRAPath(gid), raBody(f.seed.Roles[RoleIdentityDataReadOnly], ScopeEnvironment, f.prod())),
		400, "INVALID_DATA", "INVALID_VALUE", "group")
	if err := f.sim.AssignGroupRole(f.prod(), gid, RoleIdentityDataReadOnly, ScopeEnvironment, f.prod()); err == nil {
		t.Fatal("AssignGroupRole gave a dynamic group a role")
	}
	if got := f.sim.GroupRoleAssignments(f.prod(), gid); len(got) != 0 {
		t.Fatalf("dynamic group has roles %v", got)
	}
}

func TestAUsersPowersIncludeItsGroupsRoles(t *testing.T) {
	f := newFixture(t)
	ga := f.userToken(f.seed.GroupAdmin.ID)
	ep := "/v1/environments/" + f.prod()
	for _, p := range []string{"/users", "/groups", "/populations", "/applications", "/users/" + f.seed.JDoe.ID} {
		f.expect(f.do(ga, "GET", ep+p, nil), 200)
	}
	// Its own role assignments are none: the list does not show the group's.
	r := f.do(ga, "GET", f.userPath(f.seed.GroupAdmin.ID)+"/roleAssignments", nil)
	f.expect(r, 200)
	if r.body["count"] != float64(0) {
		t.Fatalf("groupadmin's own assignments %s", r.raw)
	}
	// The group's assignments are read-only to its member.
	for _, it := range embedded(f.do(ga, "GET", f.groupRAPath(f.seed.AdminsGroupID), nil), "roleAssignments") {
		if it["readOnly"] != true {
			t.Fatalf("a member may delete its group's assignment: %v", it)
		}
	}
	// It can assign what Identity Data Admin can assign, through the group.
	f.expect(f.do(ga, "POST", f.userPath(f.seed.JDoe.ID)+"/roleAssignments", raBody(f.seed.Roles[RoleIdentityDataReadOnly], ScopeEnvironment, f.prod())), 201)
	f.expectError(f.do(ga, "POST", f.userPath(f.seed.JDoe.ID)+"/roleAssignments", raBody(f.seed.Roles[RoleEnvironmentAdmin], ScopeEnvironment, f.prod())), 403, "ACCESS_FAILED", "", "")
	// The worker-secret rule weighs the group's roles: the Admin Worker's
	// Environment Admin at organization scope is out of its reach.
	f.expectError(f.do(ga, "GET", f.appsPath(f.prod())+"/"+f.seed.AdminWorker.ID+"/secret", nil), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")

	// A worker it creates inherits its effective roles.
	body := workerBody("inherits")
	delete(body, "assignActorRoles")
	r = f.do(ga, "POST", f.appsPath(f.prod()), body)
	f.expect(r, 201)
	var got []string
	for _, ra := range f.sim.ApplicationRoleAssignments(f.prod(), r.body["id"].(string)) {
		got = append(got, ra.RoleName+"@"+ra.ScopeType)
	}
	if !slices.Equal(got, []string{RoleIdentityDataAdmin + "@ENVIRONMENT", RoleClientApplicationDeveloper + "@ENVIRONMENT"}) {
		t.Fatalf("inherited %v", got)
	}

	// Out of the group, its powers are gone (the token is still valid).
	if err := f.sim.RemoveGroupMember(f.prod(), f.seed.AdminsGroupID, f.seed.GroupAdmin.ID); err != nil {
		t.Fatal(err)
	}
	f.expectError(f.do(ga, "GET", ep+"/users", nil), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
	f.expectError(f.do(ga, "GET", "/v1/roles", nil), 403, "ACCESS_FAILED", "", "")
}

func TestTheAuditorReadsEverythingAConnectorNeedsButWritesNothing(t *testing.T) {
	f := newFixture(t)
	aud := f.userToken(f.seed.Auditor.ID)
	ep := "/v1/environments/" + f.prod()
	for _, p := range []string{"/users", "/groups", "/populations", "/applications", "/users/" + f.seed.GroupAdmin.ID + "?include=memberOfGroupIDs"} {
		f.expect(f.do(aud, "GET", ep+p, nil), 200)
	}
	f.expectError(f.do(aud, "POST", f.appsPath(f.prod()), workerBody("nope")), 403, "ACCESS_FAILED", "", "")
	f.expectError(f.do(aud, "GET", "/v1/environments/"+f.seed.Sandbox.ID+"/users", nil), 403, "ACCESS_FAILED", "", "")
}

func TestInspectionHelpersForGroups(t *testing.T) {
	f := newFixture(t)
	gid := f.sim.AddGroup(f.prod(), "Ops")
	if err := f.sim.AddGroupMember(f.prod(), gid, f.seed.JDoe.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.sim.AddGroupMember(f.prod(), gid, f.seed.JDoe.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.sim.UserGroupIDs(f.prod(), f.seed.JDoe.ID); !slices.Equal(got, []string{gid}) {
		t.Fatalf("groups %v", got)
	}
	if err := f.sim.AssignGroupRole(f.prod(), gid, RoleIdentityDataReadOnly, ScopeEnvironment, f.prod()); err != nil {
		t.Fatal(err)
	}
	if err := f.sim.AssignGroupRole(f.prod(), gid, RoleIdentityDataReadOnly, ScopeEnvironment, f.prod()); err == nil {
		t.Fatal("duplicate group assignment accepted")
	}
	f.expect(f.do(f.userToken(f.seed.JDoe.ID), "GET", "/v1/environments/"+f.prod()+"/users", nil), 200)
	if err := f.sim.AddGroupMember(f.prod(), gid, "nope"); err == nil {
		t.Fatal("unknown user accepted")
	}
	if err := f.sim.AddGroupMember(f.seed.Sandbox.ID, gid, f.seed.JDoe.ID); err == nil {
		t.Fatal("group of another environment accepted")
	}
	if err := f.sim.SetAccessControl(f.prod(), f.seed.SignInApp.ID, map[string]any{
		"group": map[string]any{"type": "ANY_GROUP", "groups": []map[string]any{{"id": "nope"}}}}); err == nil {
		t.Fatal("an unknown group in accessControl was accepted")
	}
}
