package flows_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/flows"
)

func groupPlan(t *testing.T, user, groups string) flows.Plan {
	t.Helper()
	p, err := flows.ParsePlan([]byte("preset: stackone\nroles: fix\nsignInUser: " + user + "\napplication:\n  name: Grouped\n  groupAccess:\n    groups: [" + groups + "]\n"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAGroupMembershipPolicyByNameIsSetAndJudged: the plan names a group, the app admits only its
// members, a member's sign-in passes the gate and the live proof, a non-member is told PingOne
// will refuse them, and a second apply changes nothing.
func TestAGroupMembershipPolicyByNameIsSetAndJudged(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	s, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: groupPlan(t, "groupadmin", "Connector Admins")})
	if err != nil {
		t.Fatal(err)
	}
	ac := s.App.AccessControl
	if ac == nil || ac.Group == nil || ac.Group.Type != "ANY_GROUP" || len(ac.Group.Groups) != 1 || ac.Group.Groups[0].ID != tn.seed.AdminsGroupID {
		t.Fatalf("access control %+v", ac)
	}
	if g, ok := s.Report.Gate("group-policy"); !ok || g.Coverage != flows.Covered {
		t.Fatalf("the member's group gate: %+v", g)
	}
	if !s.Succeeded() {
		t.Fatalf("a member's setup did not succeed: %+v", s.Verified)
	}
	before := tn.writes()
	if _, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: groupPlan(t, "groupadmin", "Connector Admins")}); err != nil {
		t.Fatal(err)
	}
	if w := tn.writes() - before; w != 0 {
		t.Errorf("a second apply made %d writes", w)
	}

	// jdoe is in no group: the gate fails, with a finding, whatever roles the fix gives.
	s, err = flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: groupPlan(t, "jdoe", "Connector Admins")})
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := s.Report.Gate("group-policy"); g.Coverage != flows.Missing {
		t.Fatalf("jdoe's group gate: %+v", g)
	}
	if !slices.ContainsFunc(s.Findings, func(f flows.Finding) bool { return f.Code == flows.FindGroupPolicyGate }) || s.Succeeded() {
		t.Fatalf("findings %+v, succeeded %v", s.Findings, s.Succeeded())
	}
}

func TestAGroupNameThatDoesNotExistStopsTheRunBeforeAnyWrite(t *testing.T) {
	tn := newTenant(t)
	before := tn.writes()
	_, err := flows.Run(context.Background(), tn.admin(), flows.Steps(), flows.State{Plan: groupPlan(t, "groupadmin", "Connector Admins, connector admins")})
	var pe *flows.PlanError
	if !asPlanError(unwrapStep(err), &pe) || !strings.Contains(pe.Error(), `no group named "connector admins"`) || !strings.Contains(pe.Error(), `"Connector Admins"`) {
		t.Fatalf("err %v", err)
	}
	if w := tn.writes() - before; w != 0 {
		t.Errorf("%d writes before the bad name was found", w)
	}
	_, err = flows.ParsePlan([]byte("preset: stackone\napplication:\n  groupAccess:\n    type: SOME_GROUPS\n    groups: []\n"))
	if !asPlanError(err, &pe) {
		t.Fatalf("err %v", err)
	}
	checkProblems(t, pe, []string{"line 4: application.groupAccess.type: \"SOME_GROUPS\" is not one of", "line 5: application.groupAccess.groups: name at least one group"})
}

func unwrapStep(err error) error {
	for err != nil {
		if _, ok := err.(*flows.PlanError); ok {
			return err
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
	return err
}

func TestExportWritesTheGroupPolicyByNameAndItAppliesBackWithoutAChange(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	if _, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: groupPlan(t, "groupadmin", "Connector Admins")}); err != nil {
		t.Fatal(err)
	}
	live, err := flows.ReadLive(context.Background(), env.API, tn.seed.Production.ID, "Grouped")
	if err != nil {
		t.Fatal(err)
	}
	p := flows.Export(*live)
	if ga := p.Application.GroupAccess; ga == nil || ga.Type != "ANY_GROUP" || !slices.Equal(ga.Groups, []string{"Connector Admins"}) {
		t.Fatalf("exported groupAccess %+v", ga)
	}
	p.SignInUser, p.Roles = "groupadmin", flows.RolesFix
	before := tn.writes()
	if _, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: p}); err != nil {
		t.Fatal(err)
	}
	if w := tn.writes() - before; w != 0 {
		t.Errorf("applying the export back made %d writes", w)
	}
}

func TestAMisspeltRoleStopsTheRunBeforeAnyWriteAndTheClosestIsSuggested(t *testing.T) {
	tn := newTenant(t)
	before := tn.writes()
	p, err := flows.ParsePlan([]byte("preset: sync-worker\nroles: fix\napplication:\n  roleAssignments: [{role: Identity Data Admn, scope: environment}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = flows.Run(context.Background(), tn.admin(), flows.Steps(), flows.State{Plan: p})
	if err == nil || !strings.Contains(err.Error(), `application.roleAssignments[0].role: no role named "Identity Data Admn" on this tenant (did you mean "Identity Data Admin"?)`) {
		t.Fatalf("err %v", err)
	}
	if w := tn.writes() - before; w != 0 {
		t.Errorf("%d writes before the misspelt role was found", w)
	}
	if _, err := flows.ParsePlan([]byte("preset: sync-worker\napplication:\n  roleAssignments: [{role: Identity Data Admin, scope: 'population:Default'}]\n")); err == nil || !strings.Contains(err.Error(), "must be an ID") {
		t.Fatalf("a population by name: %v", err)
	}
}

func TestAGroupPolicyInAnEnvironmentWithoutGroupsSaysSo(t *testing.T) {
	tn := newTenant(t)
	p, err := flows.ParsePlan([]byte("preset: sync-worker\napplication:\n  groupAccess: {groups: [Connector Admins]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	p.EnvironmentID = tn.seed.Sandbox.ID
	_, err = flows.Run(context.Background(), tn.admin(), flows.Steps(), flows.State{Plan: p})
	if err == nil || !strings.Contains(err.Error(), "the environment has no groups") {
		t.Fatalf("err %v", err)
	}
}

func TestARoleScopedToAPopulationTheEnvironmentLacksStopsTheRunBeforeAnyWrite(t *testing.T) {
	tn := newTenant(t)
	before := tn.writes()
	p, err := flows.ParsePlan([]byte("preset: sync-worker\nroles: fix\napplication:\n  roleAssignments: [{role: Identity Data Admin, scope: 'population:00000000-0000-4000-8000-000000000000'}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = flows.Run(context.Background(), tn.admin(), flows.Steps(), flows.State{Plan: p})
	if err == nil || !strings.Contains(err.Error(), "application.roleAssignments[0].scope: no population 00000000-0000-4000-8000-000000000000") {
		t.Fatalf("err %v", err)
	}
	if w := tn.writes() - before; w != 0 {
		t.Errorf("%d writes", w)
	}
	// The environment's own population is fine.
	p.Application.RoleAssignments[0].Scope = "population:" + tn.seed.Production.DefaultPopulationID
	if _, err := flows.Run(context.Background(), tn.admin(), flows.Steps(), flows.State{Plan: p}); err != nil {
		t.Fatalf("the default population: %v", err)
	}
}
