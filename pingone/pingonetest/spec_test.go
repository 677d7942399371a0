package pingonetest

import (
	"net/http"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/internal/spec"
)

// TestResponsesMatchPingOnesOpenAPISpec walks every Management API endpoint the
// simulator serves, successes and errors, through the validating transport of
// package spec (schemas, enums, and unknown-property checks).
func TestResponsesMatchPingOnesOpenAPISpec(t *testing.T) {
	sp := spec.Load(t)
	f := newFixture(t)
	f.client = &http.Client{Transport: sp.Transport(t, f.srv.Client().Transport)}
	prod, org := f.prod(), f.seed.OrganizationID
	env := f.seed.Production
	role := f.seed.Roles
	adm := f.admin()
	get := func(path string, status int) resp {
		t.Helper()
		r := f.do(adm, "GET", path, nil)
		f.expect(r, status)
		return r
	}
	ep := "/v1/environments/" + prod
	get("/v1/environments", 200)
	get("/v1/environments?limit=1", 200)
	get(ep, 200)
	get("/v1/organizations", 200)
	get("/v1/organizations/"+org, 200)
	get("/v1/roles", 200)
	get("/v1/roles/"+role[RoleEnvironmentAdmin], 200)
	get(ep+"/users", 200)
	get(ep+"/users/"+f.seed.JDoe.ID, 200)
	get(ep+"/populations", 200)
	get(ep+"/populations/"+env.DefaultPopulationID, 200)
	get(ep+"/users/"+f.seed.GroupAdmin.ID+"?include=memberOfGroupIDs", 200)
	get(ep+"/users/"+f.seed.GroupAdmin.ID+"?include=memberOfGroupNames", 200)
	get(ep+"/users/"+f.seed.GroupAdmin.ID+"/memberOfGroups", 200)
	get(ep+"/users/"+f.seed.GroupAdmin.ID+"/memberOfGroups?expand=group", 200)
	dynamic, err := f.sim.AddDynamicGroup(prod, "Contractors", `population.id eq "`+f.seed.ContractorsPopulationID+`"`)
	if err != nil {
		t.Fatal(err)
	}
	get(ep+"/groups", 200)
	get(ep+"/groups/"+f.seed.AdminsGroupID, 200)
	get(ep+"/groups/"+dynamic, 200)
	get(ep+"/resources", 200)
	get(ep+"/resources/"+env.OpenIDResourceID, 200)
	get(ep+"/resources/"+env.OpenIDResourceID+"/scopes", 200)
	get(ep+"/resources/"+env.OpenIDResourceID+"/scopes/"+env.OpenIDScopes["openid"], 200)
	get(ep+"/applications", 200)

	body := map[string]any{"name": "StackOne", "description": "spec tour", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "responseTypes": []string{"CODE"}, "pkceEnforcement": "OPTIONAL",
		"tokenEndpointAuthMethod": "CLIENT_SECRET_POST", "redirectUris": []string{"https://api.stackone.com/connect/oauth2/pingone/callback"},
		"accessControl": map[string]any{"role": map[string]any{"type": "ADMIN_USERS_ONLY"}}, "assignActorRoles": false}
	r := f.do(adm, "POST", ep+"/applications", body)
	f.expect(r, 201)
	app := ep + "/applications/" + r.body["id"].(string)
	get(app, 200)
	delete(body, "assignActorRoles")
	body["enabled"] = false
	f.expect(f.do(adm, "PUT", app, body), 200)
	get(app+"/secret", 200)
	f.expect(f.do(adm, "POST", app+"/secret", map[string]any{"previous": map[string]any{
		"expiresAt": time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")}}), 200)
	get(app+"/secret", 200)

	ref := func(id string) map[string]any { return map[string]any{"id": id} }
	r = f.do(adm, "POST", app+"/grants", map[string]any{"resource": ref(env.OpenIDResourceID),
		"scopes": []any{ref(env.OpenIDScopes["openid"]), ref(env.OpenIDScopes["offline_access"])}})
	f.expect(r, 201)
	get(app+"/grants", 200)
	get(app+"/grants/"+r.body["id"].(string), 200)

	r = f.do(adm, "POST", ep+"/users/"+f.seed.JDoe.ID+"/roleAssignments", raBody(role[RoleIdentityDataAdmin], ScopeEnvironment, prod))
	f.expect(r, 201)
	get(ep+"/users/"+f.seed.JDoe.ID+"/roleAssignments", 200)
	get(ep+"/users/"+f.seed.JDoe.ID+"/roleAssignments/"+r.body["id"].(string), 200)
	r = f.do(adm, "POST", ep+"/applications/"+f.seed.AdminWorker.ID+"/roleAssignments", raBody(role[RoleIdentityDataReadOnly], ScopePopulation, env.DefaultPopulationID))
	f.expect(r, 201)
	get(ep+"/applications/"+f.seed.AdminWorker.ID+"/roleAssignments", 200)
	gra := ep + "/groups/" + f.seed.AdminsGroupID + "/roleAssignments"
	get(gra, 200)
	r = f.do(adm, "POST", gra, raBody(role[RoleIdentityDataReadOnly], ScopeEnvironment, prod))
	f.expect(r, 201)
	get(gra+"/"+r.body["id"].(string), 200)
	f.expect(f.do(adm, "DELETE", gra+"/"+r.body["id"].(string), nil), 204)
	f.expect(f.do(adm, "POST", ep+"/groups/"+dynamic+"/roleAssignments", raBody(role[RoleIdentityDataReadOnly], ScopeEnvironment, prod)), 400)
	f.expect(f.do(adm, "POST", gra, raBody(role[RoleIdentityDataAdmin], ScopeEnvironment, prod)), 400)
	f.expect(f.do(f.userToken(f.seed.Contractor.ID), "GET", gra, nil), 403)
	get(gra+"/00000000-0000-4000-8000-000000000000", 404)

	// Errors are P1Errors too.
	// (a spec-valid body that PingOne's rules refuse: duration above rolling)
	f.expect(f.do(adm, "POST", ep+"/applications", map[string]any{"name": "x", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "responseTypes": []string{"CODE"},
		"redirectUris": []string{"https://x.example.com/cb"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
		"refreshTokenDuration": 7200, "refreshTokenRollingDuration": 3600}), 400)
	get(ep+"/users?filter=nickname%20eq%20%22x%22", 400)
	get(ep+"/applications/00000000-0000-4000-8000-000000000000", 404)
	f.expect(f.do(f.userToken(f.seed.Contractor.ID), "GET", ep+"/users", nil), 403)
	f.expect(f.do("", "GET", "/v1/environments", nil), 401)
	f.sim.InjectFault(Fault{Status: 429, RetryAfter: "1"})
	get("/v1/environments", 429)
	f.expect(f.do(f.userToken(f.seed.Contractor.ID), "GET", ep+"/users/"+f.seed.GroupAdmin.ID+"/memberOfGroups", nil), 403)
	f.sim.InjectFault(Fault{Method: "POST", Status: 500, AfterCommit: true})
	f.expect(f.do(adm, "POST", gra, raBody(role[RoleHelpDeskAdmin], ScopeEnvironment, prod)), 500)
	f.expect(f.do(adm, "DELETE", app, nil), 204)
}
