package pingone_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func TestListEnvironmentsFollowsNextLinksUntilTheLastPage(t *testing.T) {
	h := setup(t)
	var calls atomic.Int32
	h.mux.HandleFunc("/v1/environments", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		assertRequest(t, r, http.MethodGet)
		switch r.URL.Query().Get("cursor") {
		case "":
			if r.URL.RawQuery != "" {
				t.Errorf("first page query = %q, want none", r.URL.RawQuery)
			}
			// A short page (size 1) that still has a next link must be followed.
			writeJSON(w, 200, fmt.Sprintf(`{"_links":{"next":{"href":"%s/v1/environments?limit=100&cursor=a%%2Bb"}},
				"_embedded":{"environments":[{"id":"e1","name":"One","region":"NA"}]},"count":2,"size":1}`, h.server.URL))
		case "a+b":
			if r.URL.RawQuery != "limit=100&cursor=a%2Bb" {
				t.Errorf("next link not followed verbatim: query %q", r.URL.RawQuery)
			}
			writeJSON(w, 200, `{"_embedded":{"environments":[{"id":"e2","name":"Two","type":"SANDBOX"}]},"count":2,"size":1}`)
		default:
			t.Errorf("unexpected cursor %q", r.URL.Query().Get("cursor"))
		}
	})
	envs, err := h.client.ListEnvironments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(envs) != 2 || envs[0].ID != "e1" || envs[1].ID != "e2" || envs[1].Type != "SANDBOX" {
		t.Fatalf("envs = %+v", envs)
	}
	if calls.Load() != 2 {
		t.Fatalf("server saw %d calls, want 2", calls.Load())
	}
}

func TestListReturnsAnEmptySliceWhenEmbeddedIsMissing(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/v1/environments/"+envID+"/applications", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"_links":{"self":{"href":"x"}},"count":0,"size":0}`)
	})
	apps, err := h.client.ListApplications(context.Background(), envID)
	if err != nil || apps == nil || len(apps) != 0 {
		t.Fatalf("apps = %#v, err = %v; want empty non-nil slice", apps, err)
	}
}

func TestListStopsWithAnErrorWhenANextLinkRepeats(t *testing.T) {
	h := setup(t)
	var calls atomic.Int32
	h.mux.HandleFunc("/v1/roles", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) > 10 {
			t.Error("client keeps following a looping next link")
			return
		}
		writeJSON(w, 200, fmt.Sprintf(`{"_links":{"next":{"href":"%s/v1/roles?cursor=same"}},"_embedded":{"roles":[{"id":"r","name":"Environment Admin"}]},"size":1}`, h.server.URL))
	})
	_, err := h.client.ListRoles(context.Background())
	if err == nil || !strings.Contains(err.Error(), "repeats") {
		t.Fatalf("err = %v, want a loop error", err)
	}
	if calls.Load() != 2 {
		t.Fatalf("server saw %d calls, want 2", calls.Load())
	}
}

func TestListRefusesANextLinkToAnotherHost(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/v1/roles", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"_links":{"next":{"href":"https://evil.example/v1/roles?cursor=x"}},"_embedded":{"roles":[]}}`)
	})
	_, err := h.client.ListRoles(context.Background())
	if err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("err = %v, want refusal to send the token to another host", err)
	}
}

func TestListRefusesANextLinkToAnotherHostWithTheSameScheme(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the bearer token was sent to %s", r.Host)
		}
		writeJSON(w, 200, `{"_embedded":{"roles":[]}}`)
	}))
	t.Cleanup(other.Close)
	tests := []struct {
		name string
		next func(api string) string
	}{
		{"another server on 127.0.0.1", func(string) string { return other.URL + "/v1/roles?cursor=x" }},
		{"the same server under another name", func(api string) string {
			return strings.Replace(api, "127.0.0.1", "localhost", 1) + "/v1/roles?cursor=x"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			next := tt.next(h.server.URL)
			if !strings.HasPrefix(next, "http://") || strings.HasPrefix(next, h.server.URL) {
				t.Fatalf("next link %q is not another host with the same scheme", next)
			}
			var calls atomic.Int32
			h.mux.HandleFunc("/v1/roles", func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) > 1 {
					t.Errorf("the next link was followed (Host %s, Authorization %q)", r.Host, r.Header.Get("Authorization"))
				}
				writeJSON(w, 200, `{"_links":{"next":{"href":"`+next+`"}},"_embedded":{"roles":[{"id":"r","name":"Environment Admin"}]},"size":1}`)
			})
			before := elsewhere.Load()
			_, err := h.client.ListRoles(ctx)
			if err == nil || !strings.Contains(err.Error(), "refusing") {
				t.Fatalf("err = %v, want refusal to send the token to another host", err)
			}
			if calls.Load() != 1 || elsewhere.Load() != before {
				t.Fatalf("API host saw %d calls, the other host %d; want 1 and 0", calls.Load(), elsewhere.Load()-before)
			}
		})
	}
}

func TestListUsersSendsTheSCIMFilterEncoded(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/v1/environments/"+envID+"/users", func(w http.ResponseWriter, r *http.Request) {
		assertRequest(t, r, http.MethodGet)
		if got := r.URL.Query().Get("filter"); got != `username eq "jdoe"` {
			t.Errorf("filter = %q", got)
		}
		if strings.Contains(r.URL.RawQuery, " ") || strings.Contains(r.URL.RawQuery, `"`) {
			t.Errorf("filter not URL-encoded: %q", r.URL.RawQuery)
		}
		writeJSON(w, 200, `{"_embedded":{"users":[{"id":"u1","username":"jdoe","name":{"given":"J"}}]},"size":1}`)
	})
	users, err := h.client.ListUsers(context.Background(), envID, `username eq "jdoe"`)
	if err != nil || len(users) != 1 || users[0].Username != "jdoe" || users[0].Name.Given != "J" {
		t.Fatalf("users = %+v, err = %v", users, err)
	}
}

func TestEveryEndpointUsesPingOnesMethodPathAndSuccessStatus(t *testing.T) {
	ra := pingone.RoleAssignment{Role: pingone.Ref{ID: "role1"}, Scope: pingone.RoleScope{ID: envID, Type: pingone.ScopeTypeEnvironment}}
	grant := pingone.ApplicationGrant{Resource: pingone.Ref{ID: "res1"}, Scopes: []pingone.Ref{{ID: "s1"}}}
	app := pingone.Application{Name: "w", Type: pingone.AppTypeWorker, Protocol: pingone.ProtocolOpenIDConnect, TokenEndpointAuthMethod: pingone.AuthMethodClientSecretBasic}
	apps := "/v1/environments/" + envID + "/applications"
	groups := "/v1/environments/" + envID + "/groups"
	tests := []struct {
		name   string
		method string
		path   string
		status int
		resp   string
		call   func(c *pingone.Client) error
	}{
		{"GetEnvironment", "GET", "/v1/environments/" + envID, 200, `{"id":"e"}`, func(c *pingone.Client) error { _, err := c.GetEnvironment(ctx, envID); return err }},
		{"ListApplications", "GET", apps, 200, `{"_embedded":{"applications":[]}}`, func(c *pingone.Client) error { _, err := c.ListApplications(ctx, envID); return err }},
		{"GetApplication", "GET", apps + "/" + appID, 200, `{"id":"a"}`, func(c *pingone.Client) error { _, err := c.GetApplication(ctx, envID, appID); return err }},
		{"CreateApplication", "POST", apps, 201, `{"id":"a"}`, func(c *pingone.Client) error { _, err := c.CreateApplication(ctx, envID, app); return err }},
		{"UpdateApplication", "PUT", apps + "/" + appID, 200, `{"id":"a"}`, func(c *pingone.Client) error { _, err := c.UpdateApplication(ctx, envID, appID, app); return err }},
		{"DeleteApplication", "DELETE", apps + "/" + appID, 204, ``, func(c *pingone.Client) error { return c.DeleteApplication(ctx, envID, appID) }},
		{"GetApplicationSecret", "GET", apps + "/" + appID + "/secret", 200, `{"secret":"s"}`, func(c *pingone.Client) error { _, err := c.GetApplicationSecret(ctx, envID, appID); return err }},
		{"ListRoles", "GET", "/v1/roles", 200, `{"_embedded":{"roles":[]}}`, func(c *pingone.Client) error { _, err := c.ListRoles(ctx); return err }},
		{"ListUserRoleAssignments", "GET", "/v1/environments/" + envID + "/users/" + userID + "/roleAssignments", 200, `{"_embedded":{"roleAssignments":[]}}`, func(c *pingone.Client) error { _, err := c.ListUserRoleAssignments(ctx, envID, userID); return err }},
		{"CreateUserRoleAssignment", "POST", "/v1/environments/" + envID + "/users/" + userID + "/roleAssignments", 201, `{"id":"ra"}`, func(c *pingone.Client) error {
			_, err := c.CreateUserRoleAssignment(ctx, envID, userID, ra)
			return err
		}},
		{"DeleteUserRoleAssignment", "DELETE", "/v1/environments/" + envID + "/users/" + userID + "/roleAssignments/ra1", 204, ``, func(c *pingone.Client) error { return c.DeleteUserRoleAssignment(ctx, envID, userID, "ra1") }},
		{"ListApplicationRoleAssignments", "GET", apps + "/" + appID + "/roleAssignments", 200, `{"_embedded":{"roleAssignments":[]}}`, func(c *pingone.Client) error {
			_, err := c.ListApplicationRoleAssignments(ctx, envID, appID)
			return err
		}},
		{"CreateApplicationRoleAssignment", "POST", apps + "/" + appID + "/roleAssignments", 201, `{"id":"ra"}`, func(c *pingone.Client) error {
			_, err := c.CreateApplicationRoleAssignment(ctx, envID, appID, ra)
			return err
		}},
		{"DeleteApplicationRoleAssignment", "DELETE", apps + "/" + appID + "/roleAssignments/ra1", 204, ``, func(c *pingone.Client) error { return c.DeleteApplicationRoleAssignment(ctx, envID, appID, "ra1") }},
		{"GetUser", "GET", "/v1/environments/" + envID + "/users/" + userID, 200, `{"id":"u"}`, func(c *pingone.Client) error { _, err := c.GetUser(ctx, envID, userID); return err }},
		{"ListResources", "GET", "/v1/environments/" + envID + "/resources", 200, `{"_embedded":{"resources":[]}}`, func(c *pingone.Client) error { _, err := c.ListResources(ctx, envID); return err }},
		{"ListResourceScopes", "GET", "/v1/environments/" + envID + "/resources/res1/scopes", 200, `{"_embedded":{"scopes":[]}}`, func(c *pingone.Client) error { _, err := c.ListResourceScopes(ctx, envID, "res1"); return err }},
		{"ListApplicationGrants", "GET", apps + "/" + appID + "/grants", 200, `{"_embedded":{"grants":[]}}`, func(c *pingone.Client) error { _, err := c.ListApplicationGrants(ctx, envID, appID); return err }},
		{"CreateApplicationGrant", "POST", apps + "/" + appID + "/grants", 201, `{"id":"g"}`, func(c *pingone.Client) error {
			_, err := c.CreateApplicationGrant(ctx, envID, appID, grant)
			return err
		}},
		{"UpdateApplicationGrant", "PUT", apps + "/" + appID + "/grants/g1", 200, `{"id":"g1"}`, func(c *pingone.Client) error {
			_, err := c.UpdateApplicationGrant(ctx, envID, appID, "g1", grant)
			return err
		}},
		{"DeleteApplicationGrant", "DELETE", apps + "/" + appID + "/grants/g1", 204, ``, func(c *pingone.Client) error { return c.DeleteApplicationGrant(ctx, envID, appID, "g1") }},
		{"ListGroups", "GET", groups, 200, `{"_embedded":{"groups":[]}}`, func(c *pingone.Client) error { _, err := c.ListGroups(ctx, envID, ""); return err }},
		{"GetGroup", "GET", groups + "/" + groupID, 200, `{"id":"g","name":"Admins"}`, func(c *pingone.Client) error { _, err := c.GetGroup(ctx, envID, groupID); return err }},
		{"GetUserGroupIDs", "GET", "/v1/environments/" + envID + "/users/" + userID, 200, `{"id":"u"}`, func(c *pingone.Client) error { _, err := c.GetUserGroupIDs(ctx, envID, userID); return err }},
		{"ListGroupRoleAssignments", "GET", groups + "/" + groupID + "/roleAssignments", 200, `{"_embedded":{"roleAssignments":[]}}`, func(c *pingone.Client) error {
			_, err := c.ListGroupRoleAssignments(ctx, envID, groupID)
			return err
		}},
		{"CreateGroupRoleAssignment", "POST", groups + "/" + groupID + "/roleAssignments", 201, `{"id":"ra"}`, func(c *pingone.Client) error {
			_, err := c.CreateGroupRoleAssignment(ctx, envID, groupID, ra)
			return err
		}},
		{"DeleteGroupRoleAssignment", "DELETE", groups + "/" + groupID + "/roleAssignments/ra1", 204, ``, func(c *pingone.Client) error { return c.DeleteGroupRoleAssignment(ctx, envID, groupID, "ra1") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			var hit atomic.Bool
			h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				hit.Store(true)
				assertRequest(t, r, tt.method)
				if r.URL.Path != tt.path {
					t.Errorf("path = %s, want %s", r.URL.Path, tt.path)
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.resp)
			})
			if err := tt.call(h.client); err != nil {
				t.Fatal(err)
			}
			if !hit.Load() {
				t.Fatal("no request reached the server")
			}
		})
	}
}

var ctx = context.Background()

func TestMethodsRejectEmptyIDsWithoutCallingPingOne(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { t.Errorf("unexpected request %s", r.URL) })
	c := h.client
	errs := []error{}
	_, err := c.GetEnvironment(ctx, "")
	errs = append(errs, err)
	_, err = c.GetApplication(ctx, envID, " ")
	errs = append(errs, err)
	errs = append(errs, c.DeleteApplication(ctx, "", appID))
	errs = append(errs, c.DeleteUserRoleAssignment(ctx, envID, userID, ""))
	_, err = c.CreateUserRoleAssignment(ctx, envID, userID, pingone.RoleAssignment{})
	errs = append(errs, err)
	_, err = c.CreateApplicationGrant(ctx, envID, appID, pingone.ApplicationGrant{Resource: pingone.Ref{ID: "r"}})
	errs = append(errs, err)
	_, err = c.ListResourceScopes(ctx, envID, "")
	errs = append(errs, err)
	_, err = c.GetGroup(ctx, envID, "")
	errs = append(errs, err)
	_, err = c.ListGroups(ctx, "", "")
	errs = append(errs, err)
	_, err = c.GetUserGroupIDs(ctx, envID, "")
	errs = append(errs, err)
	_, err = c.ListGroupRoleAssignments(ctx, envID, "")
	errs = append(errs, err)
	_, err = c.CreateGroupRoleAssignment(ctx, envID, groupID, pingone.RoleAssignment{Role: pingone.Ref{ID: "r"}})
	errs = append(errs, err)
	errs = append(errs, c.DeleteGroupRoleAssignment(ctx, envID, "", "ra1"))
	for i, err := range errs {
		if err == nil {
			t.Errorf("call %d: no error for an empty ID", i)
		}
	}
}

func TestPathSegmentsAreEscaped(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() != "/v1/environments/a%2Fb%3Fc/applications/x%20y" {
			t.Errorf("escaped path = %s", r.URL.EscapedPath())
		}
		writeJSON(w, 200, `{"id":"x"}`)
	})
	if _, err := h.client.GetApplication(ctx, "a/b?c", "x y"); err != nil {
		t.Fatal(err)
	}
}

func TestRoleAssignmentCreateSendsOnlyRoleAndScope(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/v1/environments/"+envID+"/applications/"+appID+"/roleAssignments", func(w http.ResponseWriter, r *http.Request) {
		assertRequest(t, r, http.MethodPost)
		got := readJSON(t, r)
		want := map[string]any{"role": map[string]any{"id": "role1"}, "scope": map[string]any{"id": envID, "type": "ENVIRONMENT"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("body = %v, want %v", got, want)
		}
		writeJSON(w, 201, `{"id":"ra1","role":{"id":"role1"},"scope":{"id":"`+envID+`","type":"ENVIRONMENT"},"readOnly":false}`)
	})
	ra, err := h.client.CreateApplicationRoleAssignment(ctx, envID, appID, pingone.RoleAssignment{
		ID: "ignored", ReadOnly: true, Environment: &pingone.Ref{ID: "x"},
		Role: pingone.Ref{ID: "role1"}, Scope: pingone.RoleScope{ID: envID, Type: pingone.ScopeTypeEnvironment},
	})
	if err != nil || ra.ID != "ra1" {
		t.Fatalf("ra = %+v, err = %v", ra, err)
	}
}

func TestGroupRoleAssignmentCreateSendsOnlyRoleAndScope(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/v1/environments/"+envID+"/groups/"+groupID+"/roleAssignments", func(w http.ResponseWriter, r *http.Request) {
		assertRequest(t, r, http.MethodPost)
		got := readJSON(t, r)
		want := map[string]any{"role": map[string]any{"id": "role1"}, "scope": map[string]any{"id": envID, "type": "ENVIRONMENT"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("body = %v, want %v", got, want)
		}
		writeJSON(w, 201, `{"id":"ra1","role":{"id":"role1"},"scope":{"id":"`+envID+`","type":"ENVIRONMENT"},"group":{"id":"`+groupID+`"},"readOnly":false}`)
	})
	ra, err := h.client.CreateGroupRoleAssignment(ctx, envID, groupID, pingone.RoleAssignment{
		ID: "ignored", ReadOnly: true, Group: &pingone.Ref{ID: "other"}, Environment: &pingone.Ref{ID: "x"},
		Role: pingone.Ref{ID: "role1"}, Scope: pingone.RoleScope{ID: envID, Type: pingone.ScopeTypeEnvironment},
	})
	if err != nil || ra.ID != "ra1" || ra.Group == nil || ra.Group.ID != groupID {
		t.Fatalf("ra = %+v, err = %v", ra, err)
	}
}

func TestListGroupsSendsTheSCIMFilterAndReadsDynamicGroups(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/v1/environments/"+envID+"/groups", func(w http.ResponseWriter, r *http.Request) {
		assertRequest(t, r, http.MethodGet)
		if got := r.URL.Query().Get("filter"); got != `name eq "Admins"` {
			t.Errorf("filter = %q", got)
		}
		writeJSON(w, 200, `{"_embedded":{"groups":[{"id":"g1","name":"Admins","environment":{"id":"`+envID+`"}},
			{"id":"g2","name":"Managers","userFilter":"title eq \"Manager\"","population":{"id":"p"}}]},"size":2}`)
	})
	groups, err := h.client.ListGroups(ctx, envID, `name eq "Admins"`)
	if err != nil || len(groups) != 2 {
		t.Fatalf("groups = %+v, err = %v", groups, err)
	}
	if groups[0].UserFilter != "" || groups[1].UserFilter != `title eq "Manager"` || groups[1].Population == nil || groups[1].Population.ID != "p" {
		t.Fatalf("groups = %+v", groups)
	}
}

func TestGetUserGroupIDsAsksForMemberOfGroupIDs(t *testing.T) {
	tests := []struct {
		name string
		resp string
		want []string
	}{
		{"member of two groups", `{"id":"u","username":"jdoe","memberOfGroupIDs":["g1","g2"]}`, []string{"g1", "g2"}},
		{"member of none, field absent", `{"id":"u","username":"jdoe"}`, []string{}},
		{"member of none, empty list", `{"id":"u","username":"jdoe","memberOfGroupIDs":[]}`, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			h.mux.HandleFunc("/v1/environments/"+envID+"/users/"+userID, func(w http.ResponseWriter, r *http.Request) {
				assertRequest(t, r, http.MethodGet)
				if r.URL.RawQuery != "include=memberOfGroupIDs" {
					t.Errorf("query = %q, want include=memberOfGroupIDs", r.URL.RawQuery)
				}
				writeJSON(w, 200, tt.resp)
			})
			ids, err := h.client.GetUserGroupIDs(ctx, envID, userID)
			if err != nil || ids == nil || !reflect.DeepEqual(ids, tt.want) {
				t.Fatalf("ids = %#v, err = %v; want %#v", ids, err, tt.want)
			}
		})
	}
}

func TestApplicationGrantCreateSendsResourceAndScopes(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/v1/environments/"+envID+"/applications/"+appID+"/grants", func(w http.ResponseWriter, r *http.Request) {
		got := readJSON(t, r)
		want := map[string]any{"resource": map[string]any{"id": "res"}, "scopes": []any{map[string]any{"id": "openid"}, map[string]any{"id": "offline"}}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("body = %v, want %v", got, want)
		}
		writeJSON(w, 201, `{"id":"g1","application":{"id":"`+appID+`"},"resource":{"id":"res"},"scopes":[{"id":"openid"},{"id":"offline"}]}`)
	})
	g, err := h.client.CreateApplicationGrant(ctx, envID, appID, pingone.ApplicationGrant{
		Resource: pingone.Ref{ID: "res"}, Scopes: []pingone.Ref{{ID: "openid"}, {ID: "offline"}},
	})
	if err != nil || g.ID != "g1" || len(g.Scopes) != 2 {
		t.Fatalf("grant = %+v, err = %v", g, err)
	}
}

func TestAPIErrorsAreReachableWithErrorsAs(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, `{"id":"err-1","code":"NOT_FOUND","message":"The requested resource was not found."}`)
	})
	_, err := h.client.GetApplication(ctx, envID, appID)
	var perr *pingone.Error
	if !errors.As(err, &perr) || perr.Status != 404 || perr.ID != "err-1" || perr.Method != "GET" || perr.Path != "/v1/environments/"+envID+"/applications/"+appID {
		t.Fatalf("err = %#v", err)
	}
	if !pingone.IsNotFound(err) {
		t.Fatal("IsNotFound = false")
	}
}

func TestAZeroClientWithoutBaseURLFailsClearly(t *testing.T) {
	var c pingone.Client
	_, err := c.ListEnvironments(ctx)
	if err == nil || !strings.Contains(err.Error(), "BaseURL") {
		t.Fatalf("err = %v", err)
	}
}
