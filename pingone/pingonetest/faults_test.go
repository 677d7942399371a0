package pingonetest

import (
	"testing"
)

func (f *fixture) lastRecord() RequestRecord {
	f.t.Helper()
	recs := f.sim.Requests()
	if len(recs) == 0 {
		f.t.Fatal("no requests recorded")
	}
	return recs[len(recs)-1]
}

func TestAFaultAfterCommitPerformsTheWriteAndAnswersTheError(t *testing.T) {
	f := newFixture(t)
	f.sim.InjectFault(Fault{Method: "POST", PathContains: "/applications", Status: 503, AfterCommit: true, RetryAfter: "3"})
	r := f.do(f.admin(), "POST", f.appsPath(f.prod()), workerBody("committed"))
	f.expectError(r, 503, "SERVICE_UNAVAILABLE", "", "")
	if r.header.Get("Retry-After") != "3" {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
	apps := f.sim.Applications(f.prod())
	if got := names(apps, "name"); got[len(got)-1] != "committed" {
		t.Fatalf("the write did not happen: %v", got)
	}
	if rec := f.lastRecord(); rec.Status != 503 || !rec.Committed || rec.HandledStatus != 201 || rec.Lost {
		t.Fatalf("record %+v", rec)
	}

	// 500 after commit: a role assignment is made, the client hears
	// UNEXPECTED_ERROR.
	f.sim.InjectFault(Fault{Method: "POST", PathContains: "/roleAssignments", Status: 500, AfterCommit: true})
	r = f.do(f.admin(), "POST", "/v1/environments/"+f.prod()+"/users/"+f.seed.JDoe.ID+"/roleAssignments", raBody(f.seed.Roles[RoleIdentityDataReadOnly], ScopeEnvironment, f.prod()))
	f.expectError(r, 500, "UNEXPECTED_ERROR", "", "")
	if got := f.sim.UserRoleAssignments(f.prod(), f.seed.JDoe.ID); len(got) != 1 {
		t.Fatalf("assignments after a committed 500: %v", got)
	}
	// A retry of that POST meets the committed write.
	r = f.do(f.admin(), "POST", "/v1/environments/"+f.prod()+"/users/"+f.seed.JDoe.ID+"/roleAssignments", raBody(f.seed.Roles[RoleIdentityDataReadOnly], ScopeEnvironment, f.prod()))
	f.expectError(r, 400, "INVALID_DATA", "UNIQUENESS_VIOLATION", "role")
}

func TestAFaultBeforeCommitRefusesWithoutWriting(t *testing.T) {
	f := newFixture(t)
	before := len(f.sim.Applications(f.prod()))
	f.sim.InjectFault(Fault{Method: "POST", PathContains: "/applications", Status: 503})
	f.expectError(f.do(f.admin(), "POST", f.appsPath(f.prod()), workerBody("refused")), 503, "SERVICE_UNAVAILABLE", "", "")
	if got := len(f.sim.Applications(f.prod())); got != before {
		t.Fatalf("a refused POST created an application (%d -> %d)", before, got)
	}
	if rec := f.lastRecord(); rec.Status != 503 || rec.Committed || rec.HandledStatus != 0 {
		t.Fatalf("record %+v", rec)
	}
	// Plain requests are committed.
	f.expect(f.do(f.admin(), "GET", "/v1/roles", nil), 200)
	if rec := f.lastRecord(); !rec.Committed || rec.HandledStatus != 200 || rec.Status != 200 {
		t.Fatalf("record %+v", rec)
	}
}

func TestA429CannotFireAfterCommit(t *testing.T) {
	f := newFixture(t)
	defer func() {
		if recover() == nil {
			t.Fatal("InjectFault accepted a 429 after commit")
		}
	}()
	f.sim.InjectFault(Fault{Status: 429, AfterCommit: true})
}
