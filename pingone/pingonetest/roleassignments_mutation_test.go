package pingonetest

import (
	"net/http"
	"testing"
)

func TestEachRoleAssignmentActionNeedsItsPermission(t *testing.T) {
	for _, tc := range []struct{ kind, action, want string }{
		{subjectUser, actionRead, "permissions:read:userRoleAssignments"},
		{subjectUser, actionCreate, "permissions:update:userRoleAssignments"},
		{subjectUser, actionDelete, "permissions:update:userRoleAssignments"},
		{subjectApp, actionRead, "permissions:read:applicationRoleAssignments"},
		{subjectApp, actionCreate, "permissions:update:applicationRoleAssignments"},
		{subjectGroup, actionCreate, "permissions:create:groupRoleAssignments"},
		{subjectGroup, actionDelete, "permissions:delete:groupRoleAssignments"},
	} {
		if got := assignmentPerm(tc.kind, tc.action); got != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.kind, tc.action, got, tc.want)
		}
	}
}

func TestATokenWithoutTheBearerPrefixIsRefused(t *testing.T) {
	f := newFixture(t)
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/v1/environments", nil)
	req.Header.Set("Authorization", f.admin())
	res, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", res.StatusCode)
	}
}

// readOnlyFlags lists the readOnly flag of each role assignment at path, as the admin sees them.
func readOnlyFlags(t *testing.T, f *fixture, path string) []any {
	t.Helper()
	r := f.do(f.admin(), http.MethodGet, path, nil)
	f.expect(r, http.StatusOK)
	emb, _ := r.body["_embedded"].(map[string]any)
	items, _ := emb["roleAssignments"].([]any)
	var out []any
	for _, it := range items {
		out = append(out, it.(map[string]any)["readOnly"])
	}
	return out
}

func TestOnlyTheActorsOwnAndItsGroupsAssignmentsAreReadOnlyToIt(t *testing.T) {
	f := newFixture(t)
	env := "/v1/environments/" + f.prod()
	for _, tc := range []struct {
		name, path string
		want       bool
	}{
		{"the admin's own", env + "/users/" + f.seed.Admin.ID + "/roleAssignments", true},
		{"another user's the admin may assign", env + "/users/" + f.seed.Auditor.ID + "/roleAssignments", false},
		{"a group the admin is not in", env + "/groups/" + f.seed.AdminsGroupID + "/roleAssignments", false},
	} {
		flags := readOnlyFlags(t, f, tc.path)
		if len(flags) == 0 {
			t.Fatalf("%s: no role assignments", tc.name)
		}
		for _, ro := range flags {
			if ro != tc.want {
				t.Errorf("%s: readOnly %v, want %v", tc.name, ro, tc.want)
			}
		}
	}
}
