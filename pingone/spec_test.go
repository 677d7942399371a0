package pingone_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/internal/spec"
	"github.com/pingone-setup/pingone-setup/pingone"
)

// TestEveryCallMatchesPingOnesOpenAPISpec sends every request the client can make
// through a transport that validates requests (and the fake responses) against
// PingOne's published spec, strict about unknown field names.
func TestEveryCallMatchesPingOnesOpenAPISpec(t *testing.T) {
	s := spec.Load(t)
	h := setup(t)
	h.client.HTTP = &http.Client{Transport: &oauth2.Transport{Source: pingone.StaticToken(testToken), Base: s.Transport(t, nil)}}

	links := func(p string) string { return fmt.Sprintf(`"_links":{"self":{"href":"%s%s"}}`, h.server.URL, p) }
	env := `"environment":{"id":"` + envID + `"}`
	appJSON := `{` + links("/v1/a") + `,` + env + `,"id":"` + appID + `","name":"sync","description":"d","enabled":true,"type":"WORKER","protocol":"OPENID_CONNECT",
		"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z","grantTypes":["CLIENT_CREDENTIALS"],
		"tokenEndpointAuthMethod":"CLIENT_SECRET_BASIC","pkceEnforcement":"OPTIONAL","refreshTokenDuration":2592000}`
	raJSON := `{` + links("/v1/ra") + `,` + env + `,"id":"ra1","role":{"id":"role1"},"scope":{"id":"` + envID + `","type":"ENVIRONMENT"},"readOnly":false}`
	groupRAJSON := `{` + links("/v1/gra") + `,` + env + `,"id":"ra1","role":{"id":"role1"},"scope":{"id":"` + envID + `","type":"ENVIRONMENT"},"group":{"id":"` + groupID + `"},"readOnly":false}`
	groupJSON := `{` + links("/v1/grp") + `,` + env + `,"id":"` + groupID + `","name":"Admins","displayName":"Admins","description":"d",
		"population":{"id":"p"},"userFilter":"title eq \"Manager\"","externalId":"cn=Admins"}`
	grantJSON := `{` + links("/v1/g") + `,"id":"g1","application":{"id":"` + appID + `"},"resource":{"id":"res1"},"scopes":[{"id":"s1"}],"createdAt":"2026-01-01T00:00:00.000Z"}`
	collection := func(key, item string) string {
		return `{` + links("/v1/c") + `,"_embedded":{"` + key + `":[` + item + `]},"count":1,"size":1}`
	}
	responses := map[string]struct {
		status int
		body   string
	}{
		"GET /v1/environments":                                                  {200, collection("environments", `{"id":"`+envID+`","name":"Prod","type":"PRODUCTION","region":"NA","organization":{"id":"o"},"license":{"id":"l"}}`)},
		"GET /v1/environments/" + envID:                                         {200, `{"id":"` + envID + `","name":"Prod","type":"PRODUCTION","region":"NA","license":{"id":"l"}}`},
		"GET /v1/environments/" + envID + "/applications":                       {200, collection("applications", appJSON)},
		"POST /v1/environments/" + envID + "/applications":                      {201, appJSON},
		"GET /v1/environments/" + envID + "/applications/" + appID:              {200, appJSON},
		"PUT /v1/environments/" + envID + "/applications/" + appID:              {200, appJSON},
		"DELETE /v1/environments/" + envID + "/applications/" + appID:           {204, ``},
		"GET /v1/environments/" + envID + "/applications/" + appID + "/secret":  {200, `{` + env + `,"secret":"s3cr3t-value"}`},
		"POST /v1/environments/" + envID + "/applications/" + appID + "/secret": {200, `{` + env + `,"secret":"s3cr3t-value","previous":{"secret":"old","expiresAt":"2026-01-01T00:00:00.000Z"}}`},
		"GET /v1/roles": {200, collection("roles", `{"id":"role1","name":"Environment Admin","applicableTo":["ENVIRONMENT","ORGANIZATION"],"permissions":[{"id":"applications:read:application","classifier":"c","description":"d"}]}`)},
		"GET /v1/environments/" + envID + "/users/" + userID + "/roleAssignments":              {200, collection("roleAssignments", raJSON)},
		"POST /v1/environments/" + envID + "/users/" + userID + "/roleAssignments":             {201, raJSON},
		"DELETE /v1/environments/" + envID + "/users/" + userID + "/roleAssignments/ra1":       {204, ``},
		"GET /v1/environments/" + envID + "/applications/" + appID + "/roleAssignments":        {200, collection("roleAssignments", raJSON)},
		"POST /v1/environments/" + envID + "/applications/" + appID + "/roleAssignments":       {201, raJSON},
		"DELETE /v1/environments/" + envID + "/applications/" + appID + "/roleAssignments/ra1": {204, ``},
		"GET /v1/environments/" + envID + "/users":                                             {200, collection("users", `{"id":"`+userID+`","username":"jdoe","email":"j@example.com","population":{"id":"p"}}`)},
		"GET /v1/environments/" + envID + "/users/" + userID:                                   {200, `{"id":"` + userID + `","username":"jdoe","email":"j@example.com","memberOfGroupIDs":["` + groupID + `"]}`},
		"GET /v1/environments/" + envID + "/resources":                                         {200, collection("resources", `{"id":"res1","name":"openid","type":"OPENID_CONNECT","audience":"a"}`)},
		"GET /v1/environments/" + envID + "/resources/res1/scopes":                             {200, collection("scopes", `{"id":"s1","name":"openid","resource":{"id":"res1"}}`)},
		"GET /v1/environments/" + envID + "/applications/" + appID + "/grants":                 {200, collection("grants", grantJSON)},
		"POST /v1/environments/" + envID + "/applications/" + appID + "/grants":                {201, grantJSON},
		"PUT /v1/environments/" + envID + "/applications/" + appID + "/grants/g1":              {200, grantJSON},
		"DELETE /v1/environments/" + envID + "/applications/" + appID + "/grants/g1":           {204, ``},
		"GET /v1/environments/" + envID + "/groups":                                            {200, collection("groups", groupJSON)},
		"GET /v1/environments/" + envID + "/groups/" + groupID:                                 {200, groupJSON},
		"GET /v1/environments/" + envID + "/groups/" + groupID + "/roleAssignments":            {200, collection("roleAssignments", groupRAJSON)},
		"POST /v1/environments/" + envID + "/groups/" + groupID + "/roleAssignments":           {201, groupRAJSON},
		"DELETE /v1/environments/" + envID + "/groups/" + groupID + "/roleAssignments/ra1":     {204, ``},
	}
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		resp, ok := responses[r.Method+" "+r.URL.Path]
		if !ok {
			t.Errorf("no canned response for %s %s", r.Method, r.URL.Path)
			w.WriteHeader(500)
			return
		}
		if resp.body == "" {
			w.WriteHeader(resp.status)
			return
		}
		writeJSON(w, resp.status, resp.body)
	})

	c := h.client
	ra := pingone.RoleAssignment{Role: pingone.Ref{ID: "role1"}, Scope: pingone.RoleScope{ID: envID, Type: pingone.ScopeTypeEnvironment}}
	grant := pingone.ApplicationGrant{Resource: pingone.Ref{ID: "res1"}, Scopes: []pingone.Ref{{ID: "s1"}}}
	worker := pingone.Application{
		Name: "sync", Enabled: true, Type: pingone.AppTypeWorker, Protocol: pingone.ProtocolOpenIDConnect,
		GrantTypes: []string{pingone.GrantAuthorizationCode, pingone.GrantRefreshToken}, ResponseTypes: []string{pingone.ResponseCode},
		PKCEEnforcement: pingone.PKCES256Required, RedirectURIs: []string{"http://127.0.0.1:7464/callback"},
		TokenEndpointAuthMethod: pingone.AuthMethodNone, RefreshTokenDuration: ptr(2592000), RefreshTokenRollingDuration: ptr(15552000),
		RefreshTokenRollingGracePeriodDuration: ptr(0), AssignActorRoles: ptr(false),
		AccessControl: &pingone.AccessControl{Role: &pingone.AccessControlRole{Type: pingone.AccessControlAdminUsersOnly}},
	}
	check := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
	_, err := c.ListEnvironments(ctx)
	check("ListEnvironments", err)
	_, err = c.GetEnvironment(ctx, envID)
	check("GetEnvironment", err)
	_, err = c.ListApplications(ctx, envID)
	check("ListApplications", err)
	_, err = c.CreateApplication(ctx, envID, worker)
	check("CreateApplication", err)
	app, err := c.GetApplication(ctx, envID, appID)
	check("GetApplication", err)
	if app != nil {
		app.Enabled = false
		_, err = c.UpdateApplication(ctx, envID, appID, *app)
		check("UpdateApplication", err)
	}
	check("DeleteApplication", c.DeleteApplication(ctx, envID, appID))
	_, err = c.GetApplicationSecret(ctx, envID, appID)
	check("GetApplicationSecret", err)
	_, err = c.RotateApplicationSecret(ctx, envID, appID, time.Now().Add(time.Hour))
	check("RotateApplicationSecret", err)
	_, err = c.RotateApplicationSecret(ctx, envID, appID, time.Time{})
	check("RotateApplicationSecret without previous", err)
	_, err = c.ListRoles(ctx)
	check("ListRoles", err)
	_, err = c.ListUserRoleAssignments(ctx, envID, userID)
	check("ListUserRoleAssignments", err)
	_, err = c.CreateUserRoleAssignment(ctx, envID, userID, ra)
	check("CreateUserRoleAssignment", err)
	check("DeleteUserRoleAssignment", c.DeleteUserRoleAssignment(ctx, envID, userID, "ra1"))
	_, err = c.ListApplicationRoleAssignments(ctx, envID, appID)
	check("ListApplicationRoleAssignments", err)
	_, err = c.CreateApplicationRoleAssignment(ctx, envID, appID, ra)
	check("CreateApplicationRoleAssignment", err)
	check("DeleteApplicationRoleAssignment", c.DeleteApplicationRoleAssignment(ctx, envID, appID, "ra1"))
	_, err = c.ListUsers(ctx, envID, `username eq "jdoe"`)
	check("ListUsers", err)
	_, err = c.GetUser(ctx, envID, userID)
	check("GetUser", err)
	_, err = c.ListResources(ctx, envID)
	check("ListResources", err)
	_, err = c.ListResourceScopes(ctx, envID, "res1")
	check("ListResourceScopes", err)
	_, err = c.ListApplicationGrants(ctx, envID, appID)
	check("ListApplicationGrants", err)
	_, err = c.CreateApplicationGrant(ctx, envID, appID, grant)
	check("CreateApplicationGrant", err)
	_, err = c.UpdateApplicationGrant(ctx, envID, appID, "g1", grant)
	check("UpdateApplicationGrant", err)
	check("DeleteApplicationGrant", c.DeleteApplicationGrant(ctx, envID, appID, "g1"))
	groups, err := c.ListGroups(ctx, envID, `name eq "Admins"`)
	check("ListGroups", err)
	if len(groups) != 1 || groups[0].Name != "Admins" || groups[0].UserFilter == "" {
		t.Errorf("ListGroups = %+v", groups)
	}
	_, err = c.GetGroup(ctx, envID, groupID)
	check("GetGroup", err)
	ids, err := c.GetUserGroupIDs(ctx, envID, userID)
	check("GetUserGroupIDs", err)
	if len(ids) != 1 || ids[0] != groupID {
		t.Errorf("GetUserGroupIDs = %v", ids)
	}
	_, err = c.ListGroupRoleAssignments(ctx, envID, groupID)
	check("ListGroupRoleAssignments", err)
	_, err = c.CreateGroupRoleAssignment(ctx, envID, groupID, ra)
	check("CreateGroupRoleAssignment", err)
	check("DeleteGroupRoleAssignment", c.DeleteGroupRoleAssignment(ctx, envID, groupID, "ra1"))

	st := s.Stats()
	if st.Requests < 31 {
		t.Errorf("spec validated %d requests, want every call (31)", st.Requests)
	}
	if len(st.Unlisted) > 0 {
		t.Logf("unlisted statuses: %v", st.Unlisted)
	}
}
