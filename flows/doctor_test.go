package flows_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/flows"
)

func worker(overrides map[string]any) map[string]any {
	body := map[string]any{
		"name": "Connector", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "responseTypes": []string{"CODE"},
		"tokenEndpointAuthMethod": "CLIENT_SECRET_POST", "pkceEnforcement": "OPTIONAL",
		"redirectUris":  []string{"https://connector.example.com/callback"},
		"accessControl": map[string]any{"role": map[string]any{"type": "ADMIN_USERS_ONLY"}},
	}
	for k, v := range overrides {
		if v == nil {
			delete(body, k)
		} else {
			body[k] = v
		}
	}
	return body
}

func TestDoctorFindsEachProblemOnATenantSeededToHaveIt(t *testing.T) {
	cases := []struct {
		name     string
		body     map[string]any
		user     string
		caps     []string
		appRoles []string
		want     string
	}{
		{name: "disabled", body: worker(map[string]any{"enabled": false}), user: "admin", want: flows.FindAppDisabled},
		{name: "not a worker", body: worker(map[string]any{"type": "WEB_APP"}), user: "admin", want: flows.FindNotWorker},
		{name: "trailing slash", body: worker(map[string]any{"redirectUris": []string{"https://connector.example.com/callback/"}}), user: "admin", want: flows.FindRedirectTrailing},
		{name: "refresh without offline_access", body: worker(nil), user: "admin", want: flows.FindRefreshNoOffline},
		{name: "admin-only off", body: worker(map[string]any{"accessControl": nil}), user: "admin", want: flows.FindAdminOnlyOff},
		{name: "user lacks roles", body: worker(nil), user: "jdoe", want: flows.FindRoleMissing},
		{name: "population scope only", body: worker(nil), user: "helpdesk", caps: []string{flows.CapUsersRead}, want: flows.FindRolePopulationOnly},
		{name: "read-only roles fail the admin-only gate", body: worker(nil), user: "auditor", want: flows.FindAdminOnlyGate},
		{name: "population-scoped admin fails the admin-only gate", body: worker(nil), user: "helpdesk", caps: []string{flows.CapUsersRead}, want: flows.FindAdminOnlyGate},
		{name: "app lacks roles", body: worker(map[string]any{"grantTypes": []string{"CLIENT_CREDENTIALS"}, "responseTypes": nil, "redirectUris": nil, "pkceEnforcement": nil, "accessControl": nil}), want: flows.FindRoleMissing},
		{name: "app holds roles it does not need", body: worker(map[string]any{"grantTypes": []string{"CLIENT_CREDENTIALS"}, "responseTypes": nil, "redirectUris": nil, "pkceEnforcement": nil, "accessControl": nil}),
			caps: []string{flows.CapUsersRead}, appRoles: []string{"Identity Data Admin", "Client Application Developer"}, want: flows.FindRoleUnneeded},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tn := newTenant(t)
			env := tn.seed.Production.ID
			id := tn.sim.AddApplication(env, c.body)
			for _, r := range c.appRoles {
				if err := tn.sim.AssignAppRole(env, id, r, "ENVIRONMENT", env); err != nil {
					t.Fatal(err)
				}
			}
			d, err := flows.Doctor(context.Background(), tn.admin(), env, "Connector", c.user, c.caps)
			if err != nil {
				t.Fatal(err)
			}
			got := codes(d.Findings)
			if !slices.Contains(got, c.want) {
				t.Errorf("findings %v: want %s", got, c.want)
			}
			if d.Healthy() {
				t.Error("reported healthy")
			}
			for _, f := range d.Findings {
				if f.Fix == "" || f.Message == "" {
					t.Errorf("finding %s lacks a message or a fix", f.Code)
				}
			}
		})
	}
}

func TestDoctorFindsNothingOnAHealthySetup(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	s, err := tn.apply(env, flows.Plan{Preset: "stackone", SignInUser: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := flows.Doctor(context.Background(), env, tn.seed.Production.ID, s.App.ID, "admin", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Healthy() {
		t.Errorf("a fresh stackone setup for the admin has findings: %+v", d.Findings)
	}
}

func TestDoctorReportsAnUnknownApp(t *testing.T) {
	tn := newTenant(t)
	d, err := flows.Doctor(context.Background(), tn.admin(), tn.seed.Production.ID, "No Such App", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(d.Findings); !slices.Equal(got, []string{flows.FindAppNotFound}) {
		t.Errorf("findings %v", got)
	}
}

func TestExportThenApplyToAnotherEnvironmentReproducesTheApp(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	plan := flows.Plan{Preset: "sync-worker"}
	plan.Application.RoleAssignments = []flows.RoleAssignment{{Role: "Identity Data Read Only", Scope: "environment"}}
	plan.Application.Description = "Syncs people"
	s, err := tn.apply(env, plan)
	if err != nil {
		t.Fatal(err)
	}
	live, err := flows.ReadLive(context.Background(), env.API, tn.seed.Production.ID, s.App.Name)
	if err != nil {
		t.Fatal(err)
	}
	exported := flows.Export(*live)
	exported.EnvironmentID = tn.seed.Sandbox.ID
	copied, err := tn.apply(env, exported)
	if err != nil {
		t.Fatal(err)
	}
	again, err := flows.ReadLive(context.Background(), env.API, tn.seed.Sandbox.ID, copied.App.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, b := flows.Export(*live), flows.Export(*again)
	if a.Application.Name != b.Application.Name || a.Application.Description != b.Application.Description ||
		!slices.Equal(a.Application.GrantTypes, b.Application.GrantTypes) || a.Application.TokenEndpointAuthMethod != b.Application.TokenEndpointAuthMethod ||
		!slices.Equal(a.Application.RoleAssignments, b.Application.RoleAssignments) || !slices.Equal(a.Application.Scopes, b.Application.Scopes) {
		t.Errorf("round trip differs:\n%+v\n%+v", a.Application, b.Application)
	}
	if len(b.Application.RoleAssignments) != 1 {
		t.Errorf("the copy's roles %+v", b.Application.RoleAssignments)
	}
	if len(exported.Capabilities) == 0 || copied.Report == nil || len(copied.Report.Capabilities) == 0 {
		t.Error("an applied export must still check the roles of what the connector calls")
	}
}

func TestDoctorJudgesTheGroupPolicyAndRolesHeldThroughGroups(t *testing.T) {
	tn := newTenant(t)
	env := tn.seed.Production.ID
	tn.sim.AddApplication(env, worker(map[string]any{"grantTypes": []string{"AUTHORIZATION_CODE"}, "accessControl": map[string]any{
		"role":  map[string]any{"type": "ADMIN_USERS_ONLY"},
		"group": map[string]any{"type": "ANY_GROUP", "groups": []any{map[string]any{"id": tn.seed.AdminsGroupID}}},
	}}))
	// groupadmin is in Connector Admins, whose roles cover everything: healthy, and says how.
	d, err := flows.Doctor(context.Background(), tn.admin(), env, "Connector", "groupadmin", []string{flows.CapUsersRead, flows.CapApplicationsRead})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Healthy() || !slices.Contains(codes(d.Findings), flows.FindRoleViaGroup) {
		t.Errorf("groupadmin: findings %+v", d.Findings)
	}
	// The admin holds every role but is in no group the app admits.
	d, err = flows.Doctor(context.Background(), tn.admin(), env, "Connector", "admin", []string{flows.CapApplicationsRead})
	if err != nil {
		t.Fatal(err)
	}
	if d.Healthy() || !slices.Contains(codes(d.Findings), flows.FindGroupPolicyGate) {
		t.Errorf("admin outside the group: findings %v", codes(d.Findings))
	}
}

func TestDoctorNamesTheSettingsNoPlanKeyCarries(t *testing.T) {
	tn := newTenant(t)
	tn.sim.AddApplication(tn.seed.Production.ID, map[string]any{
		"name": "Iconic", "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
		"icon": map[string]any{"id": "9f4e1c3a-5b2d-4e6f-8a7b-1c2d3e4f5a6b", "href": "https://assets.example.com/icon.png"},
	})
	d, err := flows.Doctor(context.Background(), tn.admin(), tn.seed.Production.ID, "Iconic", "", []string{"users:read"})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, f := range d.Findings {
		found = found || (f.Code == flows.FindUnmodelled && strings.Contains(f.Message, "icon") && f.Severity == flows.SeverityInfo)
	}
	if !found {
		t.Fatalf("findings %+v", d.Findings)
	}
}
