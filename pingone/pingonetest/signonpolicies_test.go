package pingonetest

import "testing"

func TestSignOnPolicyAssignmentsRefuseWhatPingOneRefuses(t *testing.T) {
	f := newFixture(t)
	r := f.do(f.admin(), "POST", f.appsPath(f.prod()), workerBody("Policied"))
	f.expect(r, 201)
	path := f.appsPath(f.prod()) + "/" + r.body["id"].(string) + "/signOnPolicyAssignments"
	pols := embedded(f.do(f.admin(), "GET", "/v1/environments/"+f.prod()+"/signOnPolicies", nil), "signOnPolicies")
	if len(pols) != 2 {
		t.Fatalf("policies %v", pols)
	}
	mfa := pols[1]["id"].(string)
	assign := func(policy string, prio any) resp {
		return f.do(f.admin(), "POST", path, map[string]any{"signOnPolicy": map[string]any{"id": policy}, "priority": prio})
	}
	f.expect(assign(mfa, 1), 201)
	f.expectError(assign(mfa, 2), 400, "INVALID_DATA", "UNIQUENESS_VIOLATION", "signOnPolicy.id")
	f.expectError(assign(pols[0]["id"].(string), 1), 400, "INVALID_DATA", "INVALID_VALUE", "priority")
	f.expectError(assign(pols[0]["id"].(string), 0), 400, "INVALID_DATA", "INVALID_VALUE", "priority")
	f.expectError(assign("00000000-0000-0000-0000-000000000000", 2), 400, "INVALID_DATA", "INVALID_VALUE", "signOnPolicy.id")
	// Someone who may not change applications may not assign one.
	f.expect(f.do(f.userToken(f.seed.JDoe.ID), "POST", path, map[string]any{"signOnPolicy": map[string]any{"id": pols[0]["id"]}, "priority": 2}), 403)
	list := embedded(f.do(f.admin(), "GET", path, nil), "signOnPolicyAssignments")
	if len(list) != 1 || list[0]["priority"] != float64(1) {
		t.Fatalf("assignments %v", list)
	}
	f.expect(f.do(f.admin(), "GET", path+"/00000000-0000-4000-8000-000000000000", nil), 404)
	f.expect(f.do(f.admin(), "GET", path+"/"+list[0]["id"].(string), nil), 200)
	f.expect(f.do(f.admin(), "DELETE", path+"/"+list[0]["id"].(string), nil), 204)
	f.expect(f.do(f.admin(), "DELETE", path+"/"+list[0]["id"].(string), nil), 404)
}
