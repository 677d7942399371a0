package pingone_test

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func ptr[T any](v T) *T { return &v }

func TestCreateApplicationSendsAWorkerBodyWithAssignActorRolesFalse(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/v1/environments/"+envID+"/applications", func(w http.ResponseWriter, r *http.Request) {
		assertRequest(t, r, http.MethodPost)
		got := readJSON(t, r)
		want := map[string]any{
			"name": "sync", "description": "CI worker", "enabled": true,
			"type": "WORKER", "protocol": "OPENID_CONNECT",
			"grantTypes": []any{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
			"assignActorRoles": false,
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("body = %v\nwant %v", got, want)
		}
		writeJSON(w, 201, `{"_links":{"self":{"href":"x"}},"environment":{"id":"`+envID+`"},"id":"`+appID+`",
			"name":"sync","description":"CI worker","enabled":true,"type":"WORKER","protocol":"OPENID_CONNECT",
			"grantTypes":["CLIENT_CREDENTIALS"],"tokenEndpointAuthMethod":"CLIENT_SECRET_BASIC","pkceEnforcement":"OPTIONAL",
			"createdAt":"2026-01-01T00:00:00.000Z","refreshTokenType":"OPAQUE_TOKEN"}`)
	})
	app, err := h.client.CreateApplication(ctx, envID, pingone.Application{
		ID: "must-not-be-sent", CreatedAt: "x", Environment: &pingone.Ref{ID: "y"},
		Name: "sync", Description: "CI worker", Enabled: true,
		Type: pingone.AppTypeWorker, Protocol: pingone.ProtocolOpenIDConnect,
		GrantTypes: []string{pingone.GrantClientCredentials}, TokenEndpointAuthMethod: pingone.AuthMethodClientSecretBasic,
		AssignActorRoles: ptr(false),
	})
	if err != nil {
		t.Fatal(err)
	}
	if app.ID != appID || app.Environment.ID != envID || app.PKCEEnforcement != "OPTIONAL" {
		t.Errorf("app = %+v", app)
	}
	if string(app.Extra["refreshTokenType"]) != `"OPAQUE_TOKEN"` {
		t.Errorf("unknown field not kept in Extra: %v", app.Extra)
	}
}

func TestCreateApplicationOmitsAssignActorRolesWhenNil(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/v1/environments/"+envID+"/applications", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := readJSON(t, r)["assignActorRoles"]; ok {
			t.Error("assignActorRoles sent although nil")
		}
		writeJSON(w, 201, `{"id":"a"}`)
	})
	if _, err := h.client.CreateApplication(ctx, envID, pingone.Application{Name: "n", Type: "WORKER", Protocol: "OPENID_CONNECT"}); err != nil {
		t.Fatal(err)
	}
}

// A GET response with fields the client does not model, as PingOne returns them.
const storedApp = `{
  "_links": {"self": {"href": "https://api.pingone.com/v1/environments/e/applications/a"}},
  "environment": {"id": "` + envID + `"},
  "id": "` + appID + `",
  "name": "old name", "description": "keep me", "enabled": false,
  "type": "WORKER", "protocol": "OPENID_CONNECT",
  "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-02T00:00:00.000Z",
  "clientSecret": "read-only-secret-value",
  "grantTypes": ["CLIENT_CREDENTIALS"], "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
  "assignActorRoles": false,
  "signing": {"keyRotationPolicy": {"id": "krp-1"}},
  "parRequirement": "OPTIONAL", "parTimeout": 60,
  "corsSettings": {"behavior": "ALLOW_NO_ORIGINS"},
  "refreshTokenDuration": 2592000
}`

func TestUpdateApplicationSendsBackUnknownFieldsAndDropsReadOnlyOnes(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/v1/environments/"+envID+"/applications/"+appID, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			writeJSON(w, 200, storedApp)
			return
		}
		assertRequest(t, r, http.MethodPut)
		got := readJSON(t, r)
		for _, k := range []string{"_links", "id", "environment", "createdAt", "updatedAt", "clientSecret", "assignActorRoles"} {
			if _, ok := got[k]; ok {
				t.Errorf("PUT body has read-only/create-only field %q", k)
			}
		}
		want := map[string]any{
			"name": "new name", "description": "keep me", "enabled": true,
			"type": "WORKER", "protocol": "OPENID_CONNECT",
			"grantTypes": []any{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
			"signing":              map[string]any{"keyRotationPolicy": map[string]any{"id": "krp-1"}},
			"parRequirement":       "OPTIONAL",
			"parTimeout":           float64(60),
			"corsSettings":         map[string]any{"behavior": "ALLOW_NO_ORIGINS"},
			"refreshTokenDuration": float64(2592000),
			"accessControl":        map[string]any{"role": map[string]any{"type": "ADMIN_USERS_ONLY"}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("PUT body = %v\nwant       %v", got, want)
		}
		writeJSON(w, 200, storedApp)
	})
	app, err := h.client.GetApplication(ctx, envID, appID)
	if err != nil {
		t.Fatal(err)
	}
	app.Name = "new name"
	app.Enabled = true
	app.AccessControl = &pingone.AccessControl{Role: &pingone.AccessControlRole{Type: pingone.AccessControlAdminUsersOnly}}
	if _, err := h.client.UpdateApplication(ctx, envID, appID, *app); err != nil {
		t.Fatal(err)
	}
}

func TestClearingAModelledFieldRemovesItFromTheRequestBody(t *testing.T) {
	var app pingone.Application
	if err := json.Unmarshal([]byte(storedApp), &app); err != nil {
		t.Fatal(err)
	}
	app.Description = ""
	app.Extra["description"] = json.RawMessage(`"smuggled"`) // a modelled field always wins over Extra
	body, err := app.RequestBody()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(body), "description") {
		t.Fatalf("cleared description still sent: %s", body)
	}
}

func TestApplicationJSONRoundTripsEveryField(t *testing.T) {
	var app pingone.Application
	if err := json.Unmarshal([]byte(storedApp), &app); err != nil {
		t.Fatal(err)
	}
	if app.Name != "old name" || *app.RefreshTokenDuration != 2592000 || app.AssignActorRoles == nil || *app.AssignActorRoles {
		t.Fatalf("decoded = %+v", app)
	}
	if _, ok := app.Extra["name"]; ok {
		t.Fatal("modelled field duplicated in Extra")
	}
	out, err := json.Marshal(app)
	if err != nil {
		t.Fatal(err)
	}
	var a, b map[string]any
	_ = json.Unmarshal([]byte(storedApp), &a)
	_ = json.Unmarshal(out, &b)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("round trip changed the application:\n in  %v\n out %v", a, b)
	}
}

func TestRotateApplicationSecretKeepsThePreviousSecretUntilTheGivenTime(t *testing.T) {
	h := setup(t)
	expires := time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.FixedZone("x", 3600))
	h.mux.HandleFunc("/v1/environments/"+envID+"/applications/"+appID+"/secret", func(w http.ResponseWriter, r *http.Request) {
		assertRequest(t, r, http.MethodPost)
		got := readJSON(t, r)
		want := map[string]any{"previous": map[string]any{"expiresAt": "2026-03-04T04:06:07.890Z"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("body = %v, want %v", got, want)
		}
		writeJSON(w, 200, `{"secret":"new-secret-value","previous":{"secret":"old-secret-value","expiresAt":"2026-03-04T04:06:07.890Z"}}`)
	})
	s, err := h.client.RotateApplicationSecret(ctx, envID, appID, expires)
	if err != nil {
		t.Fatal(err)
	}
	if s.Secret != "new-secret-value" || s.Previous == nil || s.Previous.Secret != "old-secret-value" {
		t.Fatalf("secret not decoded")
	}
}

func TestRotateApplicationSecretWithoutPreviousSendsNoBody(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/v1/environments/"+envID+"/applications/"+appID+"/secret", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if len(b) != 0 {
			t.Errorf("body = %s, want none", b)
		}
		writeJSON(w, 200, `{"secret":"new"}`)
	})
	if _, err := h.client.RotateApplicationSecret(ctx, envID, appID, time.Time{}); err != nil {
		t.Fatal(err)
	}
}
