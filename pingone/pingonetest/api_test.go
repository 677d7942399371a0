package pingonetest

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestUnknownPathGetsTheGatewaysForbiddenBody(t *testing.T) {
	f := newFixture(t)
	r := f.do(f.admin(), "GET", "/v1/environments/"+f.prod()+"/aplications", nil)
	f.expect(r, 403)
	if !strings.Contains(r.raw, "Invalid key=value pair (missing equal-sign) in Authorization header") || r.body["code"] != nil {
		t.Fatalf("body %s", r.raw)
	}
}

func TestApplicationsHaveNoPatch(t *testing.T) {
	f := newFixture(t)
	r := f.do(f.admin(), "PATCH", f.appsPath(f.prod())+"/"+f.seed.AdminWorker.ID, map[string]any{"enabled": false})
	f.expectError(r, 405, "INVALID_REQUEST", "", "")
	if allow := r.header.Get("Allow"); allow != "DELETE, GET, PUT" {
		t.Fatalf("Allow = %q", allow)
	}
}

func TestEnvironmentsListOnlyWhatTheActorCanRead(t *testing.T) {
	f := newFixture(t)
	r := f.do(f.admin(), "GET", "/v1/environments", nil)
	f.expect(r, 200)
	if got := names(embedded(r, "environments"), "name"); !slices.Equal(got, []string{"Example Production", "Example Sandbox"}) {
		t.Fatalf("admin sees %v", got)
	}
	if r.body["count"] != float64(2) || r.body["size"] != float64(2) {
		t.Fatalf("count/size %v/%v", r.body["count"], r.body["size"])
	}
	env := embedded(r, "environments")[0]
	if env["type"] != "PRODUCTION" || env["region"] != "NA" || env["organization"].(map[string]any)["id"] != f.seed.OrganizationID {
		t.Fatalf("environment %v", env)
	}

	f.expectError(f.do(f.userToken(f.seed.JDoe.ID), "GET", "/v1/environments", nil), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")

	dev := f.sim.AddUser(f.prod(), "dev", "")
	if err := f.sim.AssignUserRole(f.prod(), dev, RoleClientApplicationDeveloper, ScopeEnvironment, f.seed.Sandbox.ID); err != nil {
		t.Fatal(err)
	}
	r = f.do(f.userToken(dev), "GET", "/v1/environments", nil)
	f.expect(r, 200)
	if got := names(embedded(r, "environments"), "name"); !slices.Equal(got, []string{"Example Sandbox"}) {
		t.Fatalf("sandbox developer sees %v", got)
	}
	f.expectError(f.do(f.userToken(dev), "GET", "/v1/environments/"+f.prod(), nil), 403, "ACCESS_FAILED", "", "")
	f.expect(f.do(f.admin(), "GET", "/v1/environments/00000000-0000-4000-8000-000000000000", nil), 404)
}

func TestOrganizationAdminAloneCannotTouchApplicationsOrUsers(t *testing.T) {
	f := newFixture(t)
	u := f.sim.AddUser(f.prod(), "orgonly", "")
	if err := f.sim.AssignUserRole(f.prod(), u, RoleOrganizationAdmin, ScopeOrganization, f.seed.OrganizationID); err != nil {
		t.Fatal(err)
	}
	tok := f.userToken(u)
	f.expect(f.do(tok, "GET", "/v1/environments", nil), 200)
	f.expectError(f.do(tok, "GET", f.appsPath(f.prod()), nil), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
	f.expectError(f.do(tok, "GET", "/v1/environments/"+f.prod()+"/users", nil), 403, "ACCESS_FAILED", "", "")
}

func TestEnvironmentAdminCannotReadUsers(t *testing.T) {
	f := newFixture(t)
	u := f.sim.AddUser(f.prod(), "envonly", "")
	if err := f.sim.AssignUserRole(f.prod(), u, RoleEnvironmentAdmin, ScopeOrganization, f.seed.OrganizationID); err != nil {
		t.Fatal(err)
	}
	tok := f.userToken(u)
	f.expect(f.do(tok, "GET", f.appsPath(f.prod()), nil), 200)
	f.expectError(f.do(tok, "GET", "/v1/environments/"+f.prod()+"/users", nil), 403, "ACCESS_FAILED", "", "")
}

func TestRolesListsAllBuiltInRolesWithPermissions(t *testing.T) {
	f := newFixture(t)
	r := f.do(f.admin(), "GET", "/v1/roles", nil)
	f.expect(r, 200)
	roles := embedded(r, "roles")
	if len(roles) != 19 {
		t.Fatalf("%d roles", len(roles))
	}
	byName := map[string]map[string]any{}
	for _, ro := range roles {
		byName[ro["name"].(string)] = ro
	}
	if byName[RoleCustomRolesAdmin]["id"] != "6f770b08-793f-4393-b2aa-b1d1587a0324" {
		t.Errorf("Custom Roles Admin id %v", byName[RoleCustomRolesAdmin]["id"])
	}
	permIDs := func(name string) []string {
		var out []string
		for _, p := range byName[name]["permissions"].([]any) {
			out = append(out, p.(map[string]any)["id"].(string))
		}
		return out
	}
	if slices.ContainsFunc(permIDs(RoleOrganizationAdmin), func(p string) bool {
		return strings.HasPrefix(p, "applications:") || strings.HasPrefix(p, "dir:")
	}) {
		t.Errorf("Organization Admin holds application or user permissions")
	}
	if !slices.Contains(permIDs(RoleEnvironmentAdmin), "applications:read:secret") || slices.Contains(permIDs(RoleEnvironmentAdmin), "dir:read:user") {
		t.Errorf("Environment Admin permissions wrong")
	}
	if !slices.Contains(permIDs(RoleIdentityDataAdmin), "dir:read:user") {
		t.Errorf("Identity Data Admin cannot read users")
	}
	f.expectError(f.do(f.userToken(f.seed.JDoe.ID), "GET", "/v1/roles", nil), 403, "ACCESS_FAILED", "", "")
}

func TestCreatingAWorkerApplication(t *testing.T) {
	f := newFixture(t)
	body := workerBody("my-automation")
	delete(body, "enabled")
	body["unknownField"] = "ignored"
	r := f.do(f.admin(), "POST", f.appsPath(f.prod()), body)
	f.expect(r, 201)
	app := r.body
	if app["enabled"] != false {
		t.Errorf("enabled = %v, want false by default", app["enabled"])
	}
	if app["pkceEnforcement"] != "OPTIONAL" {
		t.Errorf("pkceEnforcement = %v", app["pkceEnforcement"])
	}
	for _, k := range []string{"unknownField", "assignActorRoles", "clientSecret", "secret"} {
		if _, ok := app[k]; ok {
			t.Errorf("response has %s", k)
		}
	}
	if app["environment"].(map[string]any)["id"] != f.prod() {
		t.Errorf("environment %v", app["environment"])
	}
	self := app["_links"].(map[string]any)["self"].(map[string]any)["href"]
	if self != f.srv.URL+f.appsPath(f.prod())+"/"+app["id"].(string) {
		t.Errorf("self %v", self)
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000Z", app["createdAt"].(string)); err != nil {
		t.Errorf("createdAt %v", app["createdAt"])
	}
	// Duplicate names are allowed.
	f.expect(f.do(f.admin(), "POST", f.appsPath(f.prod()), workerBody("my-automation")), 201)
}

func TestApplicationValidationErrors(t *testing.T) {
	f := newFixture(t)
	with := func(changes map[string]any) map[string]any {
		b := workerBody("v")
		for k, v := range changes {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}
	authCode := map[string]any{"type": "WEB_APP", "grantTypes": []string{"AUTHORIZATION_CODE"}, "responseTypes": []string{"CODE"},
		"redirectUris": []string{"https://app.example.com/cb"}}
	withCode := func(changes map[string]any) map[string]any {
		b := with(authCode)
		for k, v := range changes {
			b[k] = v
		}
		return b
	}
	cases := []struct {
		name           string
		body           map[string]any
		detail, target string
	}{
		{"missing name", with(map[string]any{"name": nil}), "REQUIRED_VALUE", "name"},
		{"missing type", with(map[string]any{"type": nil}), "REQUIRED_VALUE", "type"},
		{"missing protocol", with(map[string]any{"protocol": nil}), "REQUIRED_VALUE", "protocol"},
		{"missing tokenEndpointAuthMethod", with(map[string]any{"tokenEndpointAuthMethod": nil}), "REQUIRED_VALUE", "tokenEndpointAuthMethod"},
		{"misspelt grant type", with(map[string]any{"grantTypes": []string{"CLIENT_CREDENTIAL"}}), "INVALID_VALUE", "grantTypes"},
		{"bad type", with(map[string]any{"type": "ROBOT"}), "INVALID_VALUE", "type"},
		{"bad auth method", with(map[string]any{"tokenEndpointAuthMethod": "SECRET"}), "INVALID_VALUE", "tokenEndpointAuthMethod"},
		{"bad pkce", with(map[string]any{"pkceEnforcement": "S512"}), "INVALID_VALUE", "pkceEnforcement"},
		{"worker with SAML", with(map[string]any{"protocol": "SAML"}), "INVALID_VALUE", "protocol"},
		{"enabled as string", with(map[string]any{"enabled": "true"}), "INVALID_VALUE", "enabled"},
		{"CODE with TOKEN", withCode(map[string]any{"responseTypes": []string{"CODE", "TOKEN"}}), "INVALID_VALUE", "responseTypes"},
		{"refresh duration too short", withCode(map[string]any{"grantTypes": []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "refreshTokenDuration": 59}), "OUT_OF_RANGE", "refreshTokenDuration"},
		{"rolling duration too short", withCode(map[string]any{"refreshTokenRollingDuration": 10}), "OUT_OF_RANGE", "refreshTokenRollingDuration"},
		{"grace period too long", withCode(map[string]any{"refreshTokenRollingGracePeriodDuration": 86401}), "OUT_OF_RANGE", "refreshTokenRollingGracePeriodDuration"},
		{"duration above rolling", withCode(map[string]any{"grantTypes": []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"},
			"refreshTokenDuration": 7200, "refreshTokenRollingDuration": 3600}), "OUT_OF_RANGE", "refreshTokenDuration"},
		{"redirect with fragment", withCode(map[string]any{"redirectUris": []string{"https://app.example.com/cb#x"}}), "INVALID_VALUE", "redirectUris"},
		{"relative redirect", withCode(map[string]any{"redirectUris": []string{"/cb"}}), "INVALID_VALUE", "redirectUris"},
		{"plain http redirect to a public host", withCode(map[string]any{"redirectUris": []string{"http://app.example.com/cb"}}), "INVALID_VALUE", "redirectUris"},
		{"wildcard redirect without opt-in", withCode(map[string]any{"redirectUris": []string{"https://*.example.com/cb"}}), "INVALID_VALUE", "redirectUris"},
		{"authorization code without redirect", withCode(map[string]any{"redirectUris": []string{}}), "REQUIRED_VALUE", "redirectUris"},
		{"client credentials without client auth", with(map[string]any{"tokenEndpointAuthMethod": "NONE"}), "INVALID_VALUE", "tokenEndpointAuthMethod"},
		{"group policy with unknown group", with(map[string]any{"accessControl": map[string]any{"group": map[string]any{"type": "ANY_GROUP",
			"groups": []any{map[string]any{"id": "00000000-0000-4000-8000-000000000000"}}}}}), "INVALID_VALUE", "accessControl.group.groups"},
		{"description with forbidden characters", with(map[string]any{"description": "a <b> c"}), "INVALID_VALUE", "description"},
		{"tags on a non-worker", withCode(map[string]any{"tags": []string{"PING_FED_CONNECTION_INTEGRATION"}}), "INVALID_VALUE", "tags"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(f.admin(), "POST", f.appsPath(f.prod()), tc.body)
			f.expectError(r, 400, "INVALID_DATA", tc.detail, tc.target)
		})
	}
	if n := len(f.sim.Applications(f.prod())); n != 2 {
		t.Fatalf("%d applications after failed creates, want only the two seeded ones", n)
	}
}

func TestValidInteractiveApplicationsAreAccepted(t *testing.T) {
	f := newFixture(t)
	cases := map[string]map[string]any{
		"cli-login": {"name": "cli", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
			"grantTypes": []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "responseTypes": []string{"CODE"},
			"pkceEnforcement": "S256_REQUIRED", "tokenEndpointAuthMethod": "NONE", "redirectUris": []string{"http://127.0.0.1:7464/callback"},
			"accessControl": map[string]any{"role": map[string]any{"type": "ADMIN_USERS_ONLY"}}, "assignActorRoles": false},
		"stackone": {"name": "StackOne", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
			"grantTypes": []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "responseTypes": []string{"CODE"},
			"tokenEndpointAuthMethod": "CLIENT_SECRET_POST", "redirectUris": []string{"https://api.stackone.com/connect/oauth2/pingone/callback"},
			"refreshTokenDuration": 2592000, "refreshTokenRollingDuration": 15552000, "refreshTokenRollingGracePeriodDuration": 0,
			"accessControl": map[string]any{"group": map[string]any{"type": "ANY_GROUP", "groups": []any{map[string]any{"id": f.seed.AdminsGroupID}}}}},
		"localhost redirect": {"name": "local", "type": "WEB_APP", "protocol": "OPENID_CONNECT", "grantTypes": []string{"AUTHORIZATION_CODE"},
			"responseTypes": []string{"CODE"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC", "redirectUris": []string{"http://localhost:8080/cb"}},
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			r := f.do(f.admin(), "POST", f.appsPath(f.prod()), body)
			f.expect(r, 201)
			if slices.Contains(r.body["grantTypes"].([]any), "REFRESH_TOKEN") && r.body["refreshTokenDuration"] != float64(2592000) {
				t.Errorf("refreshTokenDuration %v", r.body["refreshTokenDuration"])
			}
		})
	}
}

func TestWorkerInheritsCreatorRolesUnlessAssignActorRolesIsFalse(t *testing.T) {
	f := newFixture(t)
	inherit := workerBody("inherits")
	delete(inherit, "assignActorRoles")
	r := f.do(f.admin(), "POST", f.appsPath(f.prod()), inherit)
	f.expect(r, 201)
	got := f.sim.ApplicationRoleAssignments(f.prod(), r.body["id"].(string))
	if len(got) != len(f.sim.UserRoleAssignments(f.prod(), f.seed.Admin.ID)) || len(got) == 0 {
		t.Fatalf("inherited %v", got)
	}
	r = f.do(f.admin(), "POST", f.appsPath(f.prod()), workerBody("least-privilege"))
	f.expect(r, 201)
	if got := f.sim.ApplicationRoleAssignments(f.prod(), r.body["id"].(string)); len(got) != 0 {
		t.Fatalf("assignActorRoles false still inherited %v", got)
	}
}

func TestPutReplacesTheWholeApplication(t *testing.T) {
	f := newFixture(t)
	body := workerBody("replace-me")
	body["description"] = "first"
	r := f.do(f.admin(), "POST", f.appsPath(f.prod()), body)
	f.expect(r, 201)
	path := f.appsPath(f.prod()) + "/" + r.body["id"].(string)
	created := r.body["createdAt"]

	put := map[string]any{"name": "replaced", "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
		"id": "ignored", "createdAt": "ignored", "assignActorRoles": true}
	r = f.do(f.admin(), "PUT", path, put)
	f.expect(r, 200)
	if _, ok := r.body["description"]; ok {
		t.Errorf("description survived a PUT that did not send it")
	}
	if r.body["enabled"] != false || r.body["name"] != "replaced" || r.body["createdAt"] != created {
		t.Errorf("after PUT: %s", r.raw)
	}
	put["type"] = "WEB_APP"
	f.expectError(f.do(f.admin(), "PUT", path, put), 400, "INVALID_DATA", "INVALID_VALUE", "type")
	f.expect(f.do(f.admin(), "DELETE", path, nil), 204)
	f.expectError(f.do(f.admin(), "GET", path, nil), 404, "NOT_FOUND", "", "")
}

func TestRequestBodiesMustBeJSON(t *testing.T) {
	f := newFixture(t)
	r := f.do(f.admin(), "POST", f.appsPath(f.prod()), nil)
	f.expectError(r, 400, "INVALID_REQUEST", "", "")
}

func TestWorkerSecretRules(t *testing.T) {
	f := newFixture(t)
	prod := f.prod()
	w := f.seed.AdminWorker
	secretPath := f.appsPath(prod) + "/" + w.ID + "/secret"

	r := f.do(f.admin(), "GET", secretPath, nil)
	f.expect(r, 200)
	if r.body["secret"] != w.ClientSecret || len(w.ClientSecret) < 64 {
		t.Fatalf("admin cannot read the worker secret: %d %s", r.status, r.raw)
	}

	workerMsg := "Actor does not have permissions to access worker application client secrets"
	self := f.sim.IssueAppToken(prod, w.ID, time.Hour)
	r = f.do(self, "GET", secretPath, nil)
	f.expectError(r, 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
	if !strings.Contains(r.raw, workerMsg) {
		t.Fatalf("worker reading its own secret: %s", r.raw)
	}

	dev := f.sim.AddUser(prod, "dev", "")
	if err := f.sim.AssignUserRole(prod, dev, RoleClientApplicationDeveloper, ScopeEnvironment, prod); err != nil {
		t.Fatal(err)
	}
	r = f.do(f.userToken(dev), "GET", secretPath, nil)
	f.expect(r, 403)
	if !strings.Contains(r.raw, workerMsg) {
		t.Fatalf("developer reading an admin worker's secret: %s", r.raw)
	}
	web := f.sim.AddApplication(prod, map[string]any{"name": "web", "type": "WEB_APP", "protocol": "OPENID_CONNECT",
		"grantTypes": []any{"AUTHORIZATION_CODE"}, "responseTypes": []any{"CODE"}, "redirectUris": []any{"https://a.example.com/cb"},
		"tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"})
	f.expect(f.do(f.userToken(dev), "GET", f.appsPath(prod)+"/"+web+"/secret", nil), 200)
	// A read-only role reads the configuration but never a client secret.
	auditor := f.sim.AddUser(prod, "auditor", "")
	if err := f.sim.AssignUserRole(prod, auditor, RoleConfigurationReadOnly, ScopeEnvironment, prod); err != nil {
		t.Fatal(err)
	}
	f.expect(f.do(f.userToken(auditor), "GET", f.appsPath(prod)+"/"+web, nil), 200)
	f.expectError(f.do(f.userToken(auditor), "GET", f.appsPath(prod)+"/"+web+"/secret", nil), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
	f.expectError(f.do(f.userToken(f.seed.JDoe.ID), "GET", secretPath, nil), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
}

func TestRotatingASecretKeepsThePreviousOneOnlyWhenAsked(t *testing.T) {
	f := newFixture(t)
	prod := f.prod()
	w := f.seed.AdminWorker
	secretPath := f.appsPath(prod) + "/" + w.ID + "/secret"
	tokenOK := func(secret string) bool {
		return f.form("/"+prod+"/as/token", ccForm(), w.ClientID, secret).status == 200
	}
	expires := time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")
	r := f.do(f.admin(), "POST", secretPath, map[string]any{"previous": map[string]any{"expiresAt": expires}})
	f.expect(r, 200)
	second := r.body["secret"].(string)
	prev := r.body["previous"].(map[string]any)
	if prev["secret"] != w.ClientSecret || prev["expiresAt"] != expires || second == w.ClientSecret {
		t.Fatalf("rotate response %s", r.raw)
	}
	if !tokenOK(w.ClientSecret) || !tokenOK(second) {
		t.Fatalf("both secrets should work during the overlap")
	}
	r = f.do(f.admin(), "POST", secretPath, nil)
	f.expect(r, 200)
	if _, ok := r.body["previous"]; ok || tokenOK(second) {
		t.Fatalf("rotation without previous kept the old secret: %s", r.raw)
	}
	if !tokenOK(r.body["secret"].(string)) {
		t.Fatalf("new secret does not work")
	}
	tooLate := time.Now().Add(31 * 24 * time.Hour).UTC().Format(time.RFC3339)
	f.expectError(f.do(f.admin(), "POST", secretPath, map[string]any{"previous": map[string]any{"expiresAt": tooLate}}),
		400, "INVALID_DATA", "OUT_OF_RANGE", "previous.expiresAt")
}

func TestGrants(t *testing.T) {
	f := newFixture(t)
	prod := f.prod()
	env := f.seed.Production
	r := f.do(f.admin(), "POST", f.appsPath(prod), workerBody("granted"))
	f.expect(r, 201)
	grants := f.appsPath(prod) + "/" + r.body["id"].(string) + "/grants"
	ref := func(id string) map[string]any { return map[string]any{"id": id} }

	r = f.do(f.admin(), "POST", grants, map[string]any{"resource": ref(env.OpenIDResourceID),
		"scopes": []any{ref(env.OpenIDScopes["openid"]), ref(env.OpenIDScopes["offline_access"])}})
	f.expect(r, 201)
	grantID := r.body["id"].(string)

	f.expectError(f.do(f.admin(), "POST", grants, map[string]any{"resource": ref(env.OpenIDResourceID),
		"scopes": []any{ref(env.PingOneAPIScopes["p1:read:user"])}}), 400, "INVALID_DATA", "INVALID_VALUE", "scopes")
	f.expectError(f.do(f.admin(), "POST", grants, map[string]any{"resource": ref("00000000-0000-4000-8000-000000000000"),
		"scopes": []any{ref(env.OpenIDScopes["openid"])}}), 400, "INVALID_DATA", "INVALID_VALUE", "resource.id")
	f.expectError(f.do(f.admin(), "POST", grants, map[string]any{"resource": ref(env.OpenIDResourceID), "scopes": []any{}}),
		400, "INVALID_DATA", "REQUIRED_VALUE", "scopes")

	r = f.do(f.admin(), "GET", grants, nil)
	f.expect(r, 200)
	if len(embedded(r, "grants")) != 1 {
		t.Fatalf("grants %s", r.raw)
	}
	f.expect(f.do(f.admin(), "DELETE", grants+"/"+grantID, nil), 204)

	// A worker using user grants may be given only OIDC scopes.
	r = f.do(f.admin(), "POST", f.appsPath(prod), map[string]any{"name": "interactive", "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"AUTHORIZATION_CODE"}, "responseTypes": []string{"CODE"}, "redirectUris": []string{"https://x.example.com/cb"},
		"tokenEndpointAuthMethod": "NONE", "assignActorRoles": false})
	f.expect(r, 201)
	f.expectError(f.do(f.admin(), "POST", f.appsPath(prod)+"/"+r.body["id"].(string)+"/grants", map[string]any{
		"resource": ref(env.PingOneAPIResourceID), "scopes": []any{ref(env.PingOneAPIScopes["p1:read:user"])}}),
		400, "INVALID_DATA", "INVALID_VALUE", "resource.id")
}

func TestResourcesAndScopes(t *testing.T) {
	f := newFixture(t)
	r := f.do(f.admin(), "GET", "/v1/environments/"+f.prod()+"/resources", nil)
	f.expect(r, 200)
	if got := names(embedded(r, "resources"), "type"); !slices.Equal(got, []string{"OPENID_CONNECT", "PINGONE_API"}) {
		t.Fatalf("resource types %v", got)
	}
	r = f.do(f.admin(), "GET", "/v1/environments/"+f.prod()+"/resources/"+f.seed.Production.OpenIDResourceID+"/scopes", nil)
	f.expect(r, 200)
	if got := names(embedded(r, "scopes"), "name"); !slices.Equal(got, openIDScopeNames) {
		t.Fatalf("openid scopes %v", got)
	}
}

func TestUsersFilterLimitAndPopulationScope(t *testing.T) {
	f := newFixture(t)
	users := "/v1/environments/" + f.prod() + "/users"
	q := func(filter string) string {
		return users + "?filter=" + strings.ReplaceAll(strings.ReplaceAll(filter, " ", "%20"), `"`, "%22")
	}
	cases := []struct {
		filter string
		want   []string
	}{
		{`username eq "jdoe"`, []string{"jdoe"}},
		{`USERNAME eq "JDOE"`, []string{"jdoe"}},
		{`email eq "admin@example.com"`, []string{"admin"}},
		{`username sw "h"`, []string{"helpdesk"}},
		{`username eq "jdoe" or username eq "admin"`, []string{"admin", "jdoe"}},
		{`(username sw "a" or username sw "j") and email sw "j"`, []string{"jdoe"}},
	}
	for _, tc := range cases {
		r := f.do(f.admin(), "GET", q(tc.filter), nil)
		f.expect(r, 200)
		if got := names(embedded(r, "users"), "username"); !slices.Equal(got, tc.want) {
			t.Errorf("filter %s: got %v, want %v", tc.filter, got, tc.want)
		}
	}
	for _, bad := range []string{`username co "j"`, `nickname eq "x"`, `username eq jdoe`, `username eq "jdoe" and`} {
		f.expectError(f.do(f.admin(), "GET", q(bad), nil), 400, "INVALID_DATA", "INVALID_FILTER", "filter")
	}
	for _, lim := range []string{"0", "1001", "x"} {
		f.expectError(f.do(f.admin(), "GET", users+"?limit="+lim, nil), 400, "INVALID_DATA", "", "limit")
	}

	helpdesk := f.userToken(f.seed.Helpdesk.ID)
	r := f.do(helpdesk, "GET", users, nil)
	f.expect(r, 200)
	if got := names(embedded(r, "users"), "username"); slices.Contains(got, "contractor") || !slices.Contains(got, "jdoe") {
		t.Errorf("helpdesk sees %v", got)
	}
	f.expectError(f.do(helpdesk, "GET", users+"/"+f.seed.Contractor.ID, nil), 403, "ACCESS_FAILED", "", "")
	f.expect(f.do(helpdesk, "GET", users+"/"+f.seed.JDoe.ID, nil), 200)
	f.expectError(f.do(f.userToken(f.seed.JDoe.ID), "GET", users, nil), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
	f.expect(f.do(f.admin(), "GET", users+"/00000000-0000-4000-8000-000000000000", nil), 404)
}

func TestPaginationFollowsNextLinksAcrossPages(t *testing.T) {
	f := newFixture(t)
	for i := range 3 {
		f.sim.AddUser(f.prod(), fmt.Sprintf("extra%d", i), "")
	}
	// The seeded Production users (admin, jdoe, helpdesk, contractor,
	// groupadmin, auditor) and the three extras: 9 users, 5 pages of 2.
	const total, wantPages = 9, 5
	f.sim.SetPageSize(2)
	var seen []string
	next := "/v1/environments/" + f.prod() + "/users"
	pages := 0
	for next != "" {
		r := f.do(f.admin(), "GET", next, nil)
		f.expect(r, 200)
		pages++
		page := embedded(r, "users")
		if r.body["count"] != float64(total) || r.body["size"] != float64(len(page)) || len(page) > 2 {
			t.Fatalf("page %d: count %v size %v len %d", pages, r.body["count"], r.body["size"], len(page))
		}
		seen = append(seen, names(page, "username")...)
		links := r.body["_links"].(map[string]any)
		next = ""
		if n, ok := links["next"].(map[string]any); ok {
			next = n["href"].(string)
			if !strings.Contains(next, "cursor=") || !strings.HasPrefix(next, f.srv.URL) {
				t.Fatalf("next href %s", next)
			}
		}
	}
	if pages != wantPages || len(seen) != total {
		t.Fatalf("%d pages, users %v", pages, seen)
	}
	r := f.do(f.admin(), "GET", "/v1/environments/"+f.prod()+"/users?limit=1", nil)
	if r.body["size"] != float64(1) {
		t.Fatalf("limit=1 gave size %v", r.body["size"])
	}
	f.expectError(f.do(f.admin(), "GET", "/v1/environments/"+f.prod()+"/users?cursor=bogus", nil), 400, "INVALID_DATA", "INVALID_VALUE", "cursor")
}

func TestInjectedFaultsFireInOrderAndCountDown(t *testing.T) {
	f := newFixture(t)
	f.sim.InjectFault(Fault{Method: "GET", PathContains: "/environments", Status: 429, RetryAfter: "2", Times: 2})
	f.sim.InjectFault(Fault{Method: "GET", PathContains: "/environments", Status: 503, RetryAfter: "Wed, 21 Oct 2026 07:28:00 GMT"})
	for range 2 {
		r := f.do(f.admin(), "GET", "/v1/environments", nil)
		f.expectError(r, 429, "REQUEST_LIMITED", "LIMIT_EXCEEDED", "")
		if r.header.Get("Retry-After") != "2" {
			t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
		}
	}
	r := f.do(f.admin(), "GET", "/v1/environments", nil)
	f.expect(r, 503)
	if r.header.Get("Retry-After") == "" {
		t.Fatalf("503 without Retry-After")
	}
	f.expect(f.do(f.admin(), "GET", "/v1/environments", nil), 200)
	recs := f.sim.Requests()
	if len(recs) != 4 || recs[0].Status != 429 || recs[3].Status != 200 {
		t.Fatalf("records %+v", recs)
	}
}

func TestLostResponsesStillPerformTheWrite(t *testing.T) {
	f := newFixture(t)
	f.sim.InjectFault(Fault{Method: "POST", PathContains: "/applications", LoseResponse: true})
	b := `{"name":"lost","type":"WORKER","protocol":"OPENID_CONNECT","tokenEndpointAuthMethod":"CLIENT_SECRET_BASIC","assignActorRoles":false}`
	hreq, _ := newJSONRequest("POST", f.srv.URL+f.appsPath(f.prod()), b, f.admin())
	if _, err := f.srv.Client().Do(hreq); err == nil {
		t.Fatalf("expected a transport error for a lost response")
	}
	apps := f.sim.Applications(f.prod())
	if len(apps) != 3 || apps[2]["name"] != "lost" {
		t.Fatalf("the write did not happen: %v", names(apps, "name"))
	}
	recs := f.sim.Requests()
	if last := recs[len(recs)-1]; !last.Lost || last.Status != 201 {
		t.Fatalf("last record %+v", last)
	}
}

func TestLatencyDelaysEveryRequest(t *testing.T) {
	f := newFixture(t)
	f.sim.SetLatency(30 * time.Millisecond)
	start := time.Now()
	f.expect(f.do(f.admin(), "GET", "/v1/roles", nil), 200)
	if time.Since(start) < 30*time.Millisecond {
		t.Fatalf("no latency")
	}
}

func TestParallelCreatesAreSafeAndDistinct(t *testing.T) {
	f := newFixture(t)
	tok := f.admin()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := fmt.Sprintf(`{"name":"p%d","type":"WORKER","protocol":"OPENID_CONNECT","tokenEndpointAuthMethod":"CLIENT_SECRET_BASIC"}`, i)
			req, _ := newJSONRequest("POST", f.srv.URL+f.appsPath(f.prod()), b, tok)
			res, err := f.srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			if res.StatusCode != 201 {
				t.Errorf("status %d", res.StatusCode)
			}
		}()
	}
	wg.Wait()
	apps := f.sim.Applications(f.prod())
	ids := map[string]bool{}
	for _, a := range apps {
		ids[a["id"].(string)] = true
	}
	if len(apps) != 22 || len(ids) != 22 {
		t.Fatalf("%d apps, %d distinct ids", len(apps), len(ids))
	}
}

func TestNewIDsAreDeterministicPerSeed(t *testing.T) {
	a, b := New(WithSigningKey(sharedKey())), New(WithSigningKey(sharedKey()))
	body := map[string]any{"name": "x", "type": "WORKER", "protocol": "OPENID_CONNECT", "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"}
	idA, idB := a.AddApplication(a.Seed().Production.ID, body), b.AddApplication(b.Seed().Production.ID, body)
	if idA != idB || len(idA) != 36 || idA[14] != '4' {
		t.Fatalf("ids %s / %s", idA, idB)
	}
	if a.ApplicationSecret(a.Seed().Production.ID, idA) != b.ApplicationSecret(b.Seed().Production.ID, idB) {
		t.Fatalf("secrets differ")
	}
	c := New(WithSigningKey(sharedKey()), WithRandomSeed(42))
	if c.AddApplication(c.Seed().Production.ID, body) == idA {
		t.Fatalf("another seed gave the same id")
	}
}

func TestRequestsUnderAnEnvironmentThatDoesNotExistAreForbiddenEvenForOrganizationAdmins(t *testing.T) {
	f := newFixture(t)
	bogus := "/v1/environments/00000000-0000-4000-8000-000000000000"
	app, user := f.seed.AdminWorker.ID, f.seed.JDoe.ID
	for _, tc := range []struct{ method, path string }{
		{"GET", bogus + "/applications"},
		{"GET", bogus + "/applications/" + app},
		{"GET", bogus + "/applications/" + app + "/secret"},
		{"GET", bogus + "/applications/" + app + "/grants"},
		{"GET", bogus + "/applications/" + app + "/roleAssignments"},
		{"POST", bogus + "/applications"},
		{"GET", bogus + "/users"},
		{"GET", bogus + "/users/" + user},
		{"GET", bogus + "/users/" + user + "/roleAssignments"},
		{"GET", bogus + "/populations"},
		{"GET", bogus + "/groups"},
		{"GET", bogus + "/resources"},
	} {
		t.Run(tc.method+" "+strings.TrimPrefix(tc.path, bogus), func(t *testing.T) {
			var body any
			if tc.method == "POST" {
				body = workerBody("w")
			}
			for _, tok := range []string{f.admin(), f.sim.IssueAppToken(f.prod(), app, time.Hour)} {
				f.expectError(f.do(tok, tc.method, tc.path, body), 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
			}
		})
	}
	// The environment itself is a 404, the probe that tells the two apart.
	f.expectError(f.do(f.admin(), "GET", bogus, nil), 404, "NOT_FOUND", "", "")
}

func TestEnvironmentListLimitIsOneToFiveThousand(t *testing.T) {
	f := newFixture(t)
	for _, lim := range []string{"0", "-1", "5001", "x"} {
		f.expectError(f.do(f.admin(), "GET", "/v1/environments?limit="+lim, nil), 400, "INVALID_DATA", "OUT_OF_RANGE", "limit")
	}
	for _, lim := range []string{"1", "5000"} {
		f.expect(f.do(f.admin(), "GET", "/v1/environments?limit="+lim, nil), 200)
	}
}

func TestTagsAreSetOnlyWhenAWorkerIsCreated(t *testing.T) {
	f := newFixture(t)
	tags := []string{"PING_FED_CONNECTION_INTEGRATION"}
	body := workerBody("pf")
	body["tags"] = tags
	r := f.do(f.admin(), "POST", f.appsPath(f.prod()), body)
	f.expect(r, 201)
	tagged := f.appsPath(f.prod()) + "/" + r.body["id"].(string)

	body["tags"] = []string{}
	f.expectError(f.do(f.admin(), "PUT", tagged, body), 400, "INVALID_DATA", "INVALID_VALUE", "tags")
	// Sending the stored tags back (GET then PUT) or leaving them out keeps them.
	body["tags"] = tags
	f.expect(f.do(f.admin(), "PUT", tagged, body), 200)
	delete(body, "tags")
	r = f.do(f.admin(), "PUT", tagged, body)
	f.expect(r, 200)
	if got, _ := r.body["tags"].([]any); len(got) != 1 || got[0] != tags[0] {
		t.Fatalf("tags after a PUT without them: %v", r.body["tags"])
	}

	r = f.do(f.admin(), "POST", f.appsPath(f.prod()), workerBody("plain"))
	f.expect(r, 201)
	plain := workerBody("plain")
	plain["tags"] = tags
	f.expectError(f.do(f.admin(), "PUT", f.appsPath(f.prod())+"/"+r.body["id"].(string), plain), 400, "INVALID_DATA", "INVALID_VALUE", "tags")
}

func TestUsersCanBeFilteredByExternalID(t *testing.T) {
	f := newFixture(t)
	f.sim.mu.Lock()
	f.sim.st.user(f.prod(), f.seed.JDoe.ID).externalID = "hr-4711"
	f.sim.mu.Unlock()
	r := f.do(f.admin(), "GET", "/v1/environments/"+f.prod()+"/users?filter="+url.QueryEscape(`externalId eq "hr-4711"`), nil)
	f.expect(r, 200)
	users := embedded(r, "users")
	if got := names(users, "username"); !slices.Equal(got, []string{f.seed.JDoe.Username}) || users[0]["externalId"] != "hr-4711" {
		t.Fatalf("externalId filter found %v", got)
	}
}
