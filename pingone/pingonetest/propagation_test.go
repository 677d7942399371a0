package pingonetest

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// expectNotAuthorized checks PingOne's answer to a call the actor's roles do
// not (yet) allow, in both places a client may look.
func (f *fixture) expectNotAuthorized(r resp) {
	f.t.Helper()
	f.expectError(r, http.StatusForbidden, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS", "")
	if msg, _ := r.body["message"].(string); !strings.Contains(msg, "You do not have access to this resource") {
		f.t.Fatalf("message %q", msg)
	}
	if d := details(r); d[0]["message"] != "The actor attempting to perform the request is not authorized." {
		f.t.Fatalf("details[0] %v", d[0])
	}
}

func TestNewRoleAssignmentsTakeEffectOnlyAfterThePropagationDelay(t *testing.T) {
	var offset atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	b := newBrowserTest(t, WithClock(clock))
	f, sd := b.fixture, b.seed
	f.sim.SetPropagationDelay(time.Minute)
	adm := f.admin() // seeded assignments are effective at once
	users := "/v1/environments/" + f.prod() + "/users"

	// A user assignment: listed at once, effective a minute later.
	jdoe := f.userToken(sd.JDoe.ID)
	r := f.do(adm, "POST", f.userPath(sd.JDoe.ID)+"/roleAssignments", raBody(sd.Roles[RoleIdentityDataAdmin], ScopeEnvironment, f.prod()))
	f.expect(r, 201)
	raID := r.body["id"].(string)
	if r := f.do(adm, "GET", f.userPath(sd.JDoe.ID)+"/roleAssignments", nil); r.body["count"] != float64(1) {
		t.Fatalf("pending assignment not listed: %s", r.raw)
	}
	f.expect(f.do(adm, "GET", f.userPath(sd.JDoe.ID)+"/roleAssignments/"+raID, nil), 200)
	f.expectNotAuthorized(f.do(jdoe, "GET", users, nil))
	if _, e := b.signOnAs("jdoe", sd.JDoe.Password); e != "access_denied" {
		t.Fatalf("the admin-only gate counted a pending assignment: %q", e)
	}

	// A group assignment and an application assignment, made 30 s later.
	offset.Add(int64(30 * time.Second))
	ops := f.sim.AddGroup(f.prod(), "Ops")
	if err := f.sim.AddGroupMember(f.prod(), ops, sd.Contractor.ID); err != nil {
		t.Fatal(err)
	}
	f.expect(f.do(adm, "POST", f.groupRAPath(ops), raBody(sd.Roles[RoleIdentityDataReadOnly], ScopeEnvironment, f.prod())), 201)
	app := f.do(adm, "POST", f.appsPath(f.prod()), workerBody("propagating")).body["id"].(string)
	f.expect(f.do(adm, "POST", f.appsPath(f.prod())+"/"+app+"/roleAssignments", raBody(sd.Roles[RoleIdentityDataReadOnly], ScopeEnvironment, f.prod())), 201)
	contractor, worker := f.userToken(sd.Contractor.ID), f.sim.IssueAppToken(f.prod(), app, time.Hour)
	f.expectNotAuthorized(f.do(contractor, "GET", users, nil))
	f.expectNotAuthorized(f.do(worker, "GET", users, nil))

	// 61 s after the first: jdoe's is effective, with the token minted before.
	offset.Add(int64(31 * time.Second))
	f.expect(f.do(jdoe, "GET", users, nil), 200)
	if code, e := b.signOnAs("jdoe", sd.JDoe.Password); code == "" {
		t.Fatalf("jdoe refused after propagation: %s", e)
	}
	f.expectNotAuthorized(f.do(contractor, "GET", users, nil))

	// And the later two a minute after they were made.
	offset.Add(int64(30 * time.Second))
	f.expect(f.do(contractor, "GET", users, nil), 200)
	f.expect(f.do(worker, "GET", users, nil), 200)
}

func TestInspectionHelperAssignmentsAndInheritedRolesWithoutDelay(t *testing.T) {
	var offset atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	f := newFixture(t, WithClock(clock))
	f.sim.SetPropagationDelay(time.Hour)
	if err := f.sim.AssignUserRole(f.prod(), f.seed.JDoe.ID, RoleIdentityDataReadOnly, ScopeEnvironment, f.prod()); err != nil {
		t.Fatal(err)
	}
	f.expect(f.do(f.userToken(f.seed.JDoe.ID), "GET", "/v1/environments/"+f.prod()+"/users", nil), 200)

	// A worker's inherited roles come from the API, so they propagate.
	body := workerBody("inherits")
	delete(body, "assignActorRoles")
	app := f.do(f.admin(), "POST", f.appsPath(f.prod()), body).body["id"].(string)
	if len(f.sim.ApplicationRoleAssignments(f.prod(), app)) == 0 {
		t.Fatal("the worker inherited nothing")
	}
	tok := f.sim.IssueAppToken(f.prod(), app, 2*time.Hour)
	f.expectNotAuthorized(f.do(tok, "GET", f.appsPath(f.prod()), nil))
	offset.Add(int64(time.Hour))
	f.expect(f.do(tok, "GET", f.appsPath(f.prod()), nil), 200)
}
