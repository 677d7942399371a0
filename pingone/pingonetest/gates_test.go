package pingonetest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// signOnAs runs the browser part of the authorization-code flow for the
// seeded sign-in app as username and returns the code, or "" and the OAuth
// error of the redirect.
func (b *browserTest) signOnAs(username, password string) (code, oauthErr string) {
	b.t.Helper()
	p := b.signOn(b.authorize(b.authorizeQuery()), username, password)
	if p.status != http.StatusFound || p.location == nil {
		b.t.Fatalf("sign-on as %s: status %d body %s", username, p.status, p.body)
	}
	q := p.location.Query()
	return q.Get("code"), q.Get("error")
}

// deviceSignOnAs starts a device authorization, signs username on at the
// verification page and returns the device code and the page's status.
func (b *browserTest) deviceSignOnAs(username, password string) (deviceCode string, status int) {
	b.t.Helper()
	r := b.deviceAuthorize("openid")
	b.expect(r, 200)
	p := b.post(b.srv.URL+"/"+b.prod()+"/device", url.Values{"user_code": {r.body["user_code"].(string)},
		"username": {username}, "password": {password}})
	return r.body["device_code"].(string), p.status
}

func (b *browserTest) setAccessControl(ac map[string]any) {
	b.t.Helper()
	if err := b.sim.SetAccessControl(b.prod(), b.seed.SignInApp.ID, ac); err != nil {
		b.t.Fatal(err)
	}
}

func groupPolicy(typ string, ids ...string) map[string]any {
	var groups []any
	for _, id := range ids {
		groups = append(groups, map[string]any{"id": id})
	}
	return map[string]any{"group": map[string]any{"type": typ, "groups": groups}}
}

func TestTheAdminOnlyGateCountsAdminRolesHeldThroughGroupsAtACoveringScope(t *testing.T) {
	b := newBrowserTest(t)
	sd := b.seed
	if code, e := b.signOnAs("groupadmin", sd.GroupAdmin.Password); code == "" {
		t.Fatalf("groupadmin (admin through its group) refused: %s", e)
	}
	for name, pass := range map[string]string{
		"auditor":  sd.Auditor.Password,  // read-only roles only
		"helpdesk": sd.Helpdesk.Password, // Identity Data Admin at POPULATION scope
		"jdoe":     sd.JDoe.Password,     // no role
	} {
		if code, e := b.signOnAs(name, pass); code != "" || e != "access_denied" {
			t.Errorf("%s: code %q error %q, want access_denied", name, code, e)
		}
	}
	// An admin role in another environment does not open Production's app.
	uid := b.sim.AddUser(b.prod(), "sandboxer", "")
	if err := b.sim.AssignUserRole(b.prod(), uid, RoleIdentityDataAdmin, ScopeEnvironment, sd.Sandbox.ID); err != nil {
		t.Fatal(err)
	}
	if _, e := b.signOnAs("sandboxer", "sandboxer-Passw0rd"); e != "access_denied" {
		t.Fatalf("admin of another environment: %q", e)
	}
	if err := b.sim.AssignUserRole(b.prod(), uid, RoleClientApplicationDeveloper, ScopeEnvironment, b.prod()); err != nil {
		t.Fatal(err)
	}
	if code, e := b.signOnAs("sandboxer", "sandboxer-Passw0rd"); code == "" {
		t.Fatalf("Client Application Developer of Production refused: %s", e)
	}

	// The device flow applies the same gate.
	dc, status := b.deviceSignOnAs("auditor", sd.Auditor.Password)
	if status != http.StatusForbidden {
		t.Fatalf("auditor approved a device: %d", status)
	}
	if r := b.pollDevice(dc); r.body["error"] != "access_denied" {
		t.Fatalf("auditor's device poll: %s", r.raw)
	}
	if _, status := b.deviceSignOnAs("groupadmin", sd.GroupAdmin.Password); status != http.StatusOK {
		t.Fatalf("groupadmin's device sign-on: %d", status)
	}
}

func TestGroupPoliciesAdmitMembersOfAnyOrAllListedGroups(t *testing.T) {
	b := newBrowserTest(t)
	sd := b.seed
	ops := b.sim.AddGroup(b.prod(), "Ops")

	b.setAccessControl(groupPolicy("ANY_GROUP", sd.AdminsGroupID, ops))
	if code, e := b.signOnAs("groupadmin", sd.GroupAdmin.Password); code == "" {
		t.Fatalf("ANY_GROUP refused a member: %s", e)
	}
	if _, e := b.signOnAs("jdoe", sd.JDoe.Password); e != "access_denied" {
		t.Fatalf("ANY_GROUP admitted a non-member: %q", e)
	}
	// Without the role policy, membership is all that counts: the admin is in
	// no group.
	if _, e := b.signOnAs("admin", sd.Admin.Password); e != "access_denied" {
		t.Fatalf("ANY_GROUP admitted the groupless admin: %q", e)
	}

	b.setAccessControl(groupPolicy("ALL_GROUPS", sd.AdminsGroupID, ops))
	if _, e := b.signOnAs("groupadmin", sd.GroupAdmin.Password); e != "access_denied" {
		t.Fatalf("ALL_GROUPS admitted a member of one group: %q", e)
	}
	if err := b.sim.AddGroupMember(b.prod(), ops, sd.GroupAdmin.ID); err != nil {
		t.Fatal(err)
	}
	if code, e := b.signOnAs("groupadmin", sd.GroupAdmin.Password); code == "" {
		t.Fatalf("ALL_GROUPS refused a member of both: %s", e)
	}

	// Both policies at once: the role gate and the group gate must pass.
	both := groupPolicy("ANY_GROUP", ops)
	both["role"] = map[string]any{"type": "ADMIN_USERS_ONLY"}
	b.setAccessControl(both)
	if err := b.sim.AddGroupMember(b.prod(), ops, sd.JDoe.ID); err != nil {
		t.Fatal(err)
	}
	if _, e := b.signOnAs("jdoe", sd.JDoe.Password); e != "access_denied" {
		t.Fatalf("a non-admin member passed both policies: %q", e)
	}
	if code, e := b.signOnAs("groupadmin", sd.GroupAdmin.Password); code == "" {
		t.Fatalf("an admin member refused: %s", e)
	}

	// Dynamic groups count too.
	contractors, err := b.sim.AddDynamicGroup(b.prod(), "Contractors", `population.id eq "`+sd.ContractorsPopulationID+`"`)
	if err != nil {
		t.Fatal(err)
	}
	b.setAccessControl(groupPolicy("ANY_GROUP", contractors))
	if code, e := b.signOnAs("contractor", sd.Contractor.Password); code == "" {
		t.Fatalf("a dynamic group's member refused: %s", e)
	}

	// The device flow applies the group policy: the refused user's grant is
	// denied.
	dc, status := b.deviceSignOnAs("jdoe", sd.JDoe.Password)
	if status != http.StatusForbidden {
		t.Fatalf("jdoe approved a device: %d", status)
	}
	if r := b.pollDevice(dc); r.body["error"] != "access_denied" {
		t.Fatalf("jdoe's device poll: %s", r.raw)
	}
}

func TestTokenRedemptionsApplyTheGatesAgain(t *testing.T) {
	b := newBrowserTest(t)
	sd := b.seed
	code, _ := b.signOnAs("groupadmin", sd.GroupAdmin.Password)
	first := b.exchange(code, b.verifier, b.redirect)
	b.expect(first, 200)
	rt := first.body["refresh_token"].(string)
	r := b.refresh(rt)
	b.expect(r, 200)
	rt = r.body["refresh_token"].(string)

	// A device code approved while groupadmin was an admin.
	dc, status := b.deviceSignOnAs("groupadmin", sd.GroupAdmin.Password)
	if status != http.StatusOK {
		t.Fatalf("device sign-on: %d", status)
	}
	// A code issued while groupadmin was an admin.
	code, _ = b.signOnAs("groupadmin", sd.GroupAdmin.Password)

	// Out of the group, groupadmin is no administrator any more.
	if err := b.sim.RemoveGroupMember(b.prod(), sd.AdminsGroupID, sd.GroupAdmin.ID); err != nil {
		t.Fatal(err)
	}
	if r := b.refresh(rt); r.status != 400 || r.body["error"] != "invalid_grant" {
		t.Fatalf("refresh after losing the admin role: %s", r.raw)
	}
	if r := b.exchange(code, b.verifier, b.redirect); r.body["error"] != "invalid_grant" {
		t.Fatalf("code redeemed after losing the admin role: %s", r.raw)
	}
	if r := b.pollDevice(dc); r.body["error"] != "access_denied" {
		t.Fatalf("device poll after losing the admin role: %s", r.raw)
	}
}

func TestADisabledAppRefusesRefreshAndDevicePolls(t *testing.T) {
	b := newBrowserTest(t)
	rt := b.exchange(b.code(), b.verifier, b.redirect).body["refresh_token"].(string)
	dc, status := b.deviceSignOnAs("admin", b.seed.Admin.Password)
	if status != http.StatusOK {
		t.Fatalf("device sign-on: %d", status)
	}
	b.sim.mu.Lock()
	b.sim.st.app(b.prod(), b.seed.SignInApp.ID).fields["enabled"] = false
	b.sim.mu.Unlock()
	if r := b.refresh(rt); r.status != 401 || r.body["error"] != "invalid_client" {
		t.Fatalf("refresh with a disabled app: %s", r.raw)
	}
	if r := b.pollDevice(dc); r.status != 401 || r.body["error"] != "invalid_client" {
		t.Fatalf("device poll with a disabled app: %s", r.raw)
	}
}

func TestTheRefusalSaysWhy(t *testing.T) {
	b := newBrowserTest(t)
	p := b.signOn(b.authorize(b.authorizeQuery()), "auditor", b.seed.Auditor.Password)
	if desc := p.location.Query().Get("error_description"); !strings.Contains(desc, "administrators only") {
		t.Fatalf("error_description %q", desc)
	}
	b.setAccessControl(groupPolicy("ANY_GROUP", b.seed.AdminsGroupID))
	p = b.signOn(b.authorize(b.authorizeQuery()), "jdoe", b.seed.JDoe.Password)
	if desc := p.location.Query().Get("error_description"); !strings.Contains(desc, "required group") {
		t.Fatalf("error_description %q", desc)
	}
}
