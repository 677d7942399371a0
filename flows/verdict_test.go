package flows_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// Each test here makes the simulator say no where a kinder PingOne would say yes, and checks that
// the verdict follows PingOne, not the prediction.

func TestTheProposedFixLetsJDoeReallySignInThroughAnAdminOnlyApp(t *testing.T) {
	tn := newTenant(t)
	s, err := tn.apply(tn.admin(), flows.Plan{Preset: "stackone", SignInUser: "jdoe", Roles: flows.RolesFix})
	if err != nil {
		t.Fatal(err)
	}
	var held []string
	for _, ra := range tn.sim.UserRoleAssignments(tn.seed.Production.ID, tn.seed.JDoe.ID) {
		held = append(held, ra.RoleName)
	}
	if !slices.ContainsFunc(held, func(r string) bool { return slices.Contains(flows.AdminOnlyRoles, r) }) {
		t.Fatalf("jdoe was given %v: the stackone app admits administrators only, so the fix must include a role it admits", held)
	}
	v := s.Verified
	if v == nil || v.Outcome != flows.OutcomeVerified || !strings.HasPrefix(v.Method, "sign-in as jdoe") {
		t.Fatalf("verification %+v: want a real sign-in as jdoe", v)
	}
	for _, p := range v.Probes {
		if p.Result != flows.ProbePassed {
			t.Errorf("probe %+v", p)
		}
	}
	if !s.Succeeded() {
		t.Errorf("findings %v", codes(s.Findings))
	}
}

func TestReadOnlyRolesLeaveJDoeRefusedAtSignInAndTheRunSaysSo(t *testing.T) {
	// The fix this tool used to propose: both roles read everything, neither opens admin-only
	// access. The simulator refuses the sign-in; the verdict must not say "verified".
	tn := newTenant(t)
	s, err := tn.apply(tn.admin(), flows.Plan{Preset: "stackone", SignInUser: "jdoe", UserRoleAssignments: []flows.UserRoleAssignment{
		{User: "jdoe", Role: "Identity Data Read Only", Scope: "environment"},
		{User: "jdoe", Role: "Configuration Read Only", Scope: "environment"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Succeeded() || s.Verified == nil || s.Verified.Outcome != flows.OutcomeFailed {
		t.Fatalf("verification %+v: PingOne refuses jdoe's sign-in", s.Verified)
	}
	if !strings.Contains(s.Verified.Message, "access_denied") {
		t.Errorf("message %q: say PingOne refused the sign-in", s.Verified.Message)
	}
	for _, want := range []string{flows.FindAdminOnlyGate, flows.FindVerifyFailed} {
		if !slices.Contains(codes(s.Findings), want) {
			t.Errorf("findings %v: want %s", codes(s.Findings), want)
		}
	}
}

func TestAUserWhoseRolesComeFromAGroupIsCovered(t *testing.T) {
	tn := newTenant(t)
	s, err := tn.apply(tn.admin(), flows.Plan{Preset: "stackone", SignInUser: "groupadmin"})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Report.OK() || s.Report.Fix != nil {
		t.Fatalf("gates %+v missing %v fix %+v: groupadmin holds every role through Connector Admins", s.Report.Gates, s.Report.Missing, s.Report.Fix)
	}
	if !slices.Contains(codes(s.Findings), flows.FindRoleViaGroup) || !strings.Contains(strings.Join(s.Report.ViaGroups, ";"), "Connector Admins") {
		t.Errorf("findings %v via %v: name the group", codes(s.Findings), s.Report.ViaGroups)
	}
	if s.Verified == nil || s.Verified.Outcome != flows.OutcomeVerified {
		t.Errorf("verification %+v", s.Verified)
	}
	if n := len(tn.sim.UserRoleAssignments(tn.seed.Production.ID, tn.seed.GroupAdmin.ID)); n != 0 {
		t.Errorf("groupadmin was given %d roles of their own; the group's are enough", n)
	}
}

func TestAUserRemovedFromTheGroupLosesItsRoles(t *testing.T) {
	tn := newTenant(t)
	if err := tn.sim.RemoveGroupMember(tn.seed.Production.ID, tn.seed.AdminsGroupID, tn.seed.GroupAdmin.ID); err != nil {
		t.Fatal(err)
	}
	s, err := tn.apply(tn.admin(), flows.Plan{Preset: "stackone", SignInUser: "groupadmin"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Report.OK() || s.Succeeded() || !slices.Contains(codes(s.Findings), flows.FindRoleMissing) {
		t.Errorf("findings %v: without the group groupadmin holds nothing", codes(s.Findings))
	}
}

func TestAnAdminWhoCannotReadRoleAssignmentsGetsCannotTellNotMissing(t *testing.T) {
	tn := newTenant(t)
	prod := tn.seed.Production.ID
	// Help Desk Admin reads users and their groups, Client Application Developer applications;
	// neither reads users' or groups' role assignments.
	id := tn.sim.AddUser(prod, "desk", "")
	for _, r := range []string{"Help Desk Admin", "Client Application Developer"} {
		if err := tn.sim.AssignUserRole(prod, id, r, "ENVIRONMENT", prod); err != nil {
			t.Fatal(err)
		}
	}
	env := tn.user(pingonetest.SeedUser{ID: id, Username: "desk", EnvironmentID: prod})
	env.DryRun = true
	s, err := tn.apply(env, flows.Plan{Preset: "stackone", SignInUser: "groupadmin"})
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(s.Report.Unreadable, "; ")
	for _, want := range []string{"permissions:read:userRoleAssignments", "permissions:read:groupRoleAssignments", "Connector Admins"} {
		if !strings.Contains(joined, want) {
			t.Errorf("unreadable %q: want %q (what could not be read, and the permission needed)", joined, want)
		}
	}
	for _, c := range s.Report.Capabilities {
		if c.Coverage != flows.CannotTell {
			t.Errorf("%s: %s, but groupadmin's roles could not be read", c.ID, c.Coverage)
		}
	}
	if g, _ := s.Report.Gate(flows.GateAdminOnly); g.Coverage != flows.CannotTell {
		t.Errorf("admin-only gate %+v", g)
	}
	if !slices.Contains(codes(s.Findings), flows.FindRoleCannotTell) || s.Report.OK() || s.Report.Fix != nil {
		t.Errorf("findings %v fix %+v: nothing is known missing, nothing passes", codes(s.Findings), s.Report.Fix)
	}
}

// clock is a fake clock shared by the simulator and the flows' waits.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func TestVerificationWaitsForNewRolesToPropagate(t *testing.T) {
	clk := &clock{t: time.Now()}
	tn := newTenant(t, pingonetest.WithClock(clk.now))
	tn.sim.SetPropagationDelay(40 * time.Second)
	env := tn.admin()
	env.Sleep = clk.sleep
	var said []string
	var mu sync.Mutex
	env.Progress = func(m string) { mu.Lock(); said = append(said, m); mu.Unlock() }
	s, err := tn.apply(env, flows.Plan{Preset: "stackone", SignInUser: "jdoe", Roles: flows.RolesFix})
	if err != nil {
		t.Fatal(err)
	}
	v := s.Verified
	if v == nil || v.Outcome != flows.OutcomeVerified || v.Waited < 40*time.Second {
		t.Fatalf("verification %+v: want verified after waiting at least the 40 s delay", v)
	}
	if len(said) == 0 || !strings.Contains(said[len(said)-1], "waiting for PingOne to apply the new roles") {
		t.Errorf("progress %q", said)
	}
}

func TestRolesThatDoNotPropagateInTimeArePendingNotVerified(t *testing.T) {
	clk := &clock{t: time.Now()}
	tn := newTenant(t, pingonetest.WithClock(clk.now))
	tn.sim.SetPropagationDelay(10 * time.Minute)
	env := tn.admin()
	env.Sleep = clk.sleep
	env.PropagationTimeout = 30 * time.Second
	s, err := tn.apply(env, flows.Plan{Preset: "sync-worker", Roles: flows.RolesFix})
	if err != nil {
		t.Fatal(err)
	}
	v := s.Verified
	if v == nil || v.Outcome != flows.OutcomePending || s.Succeeded() {
		t.Fatalf("verification %+v", v)
	}
	if !slices.Contains(codes(s.Findings), flows.FindRolePending) {
		t.Errorf("findings %v: want %s", codes(s.Findings), flows.FindRolePending)
	}
	var fix string
	for _, f := range s.Findings {
		if f.Code == flows.FindVerifyFailed {
			fix = f.Fix
		}
	}
	if !strings.Contains(fix, "pingone-setup doctor --app 'Sync Worker'") {
		t.Errorf("fix %q: give the command that checks again", fix)
	}
	// Once PingOne applies the roles, the same plan verifies without changing anything.
	clk.sleep(context.Background(), 10*time.Minute)
	before := tn.writes()
	s, err = tn.apply(env, flows.Plan{Preset: "sync-worker", Roles: flows.RolesFix})
	if err != nil {
		t.Fatal(err)
	}
	if s.Verified == nil || s.Verified.Outcome != flows.OutcomeVerified || tn.writes() != before {
		t.Errorf("verification %+v, %d writes", s.Verified, tn.writes()-before)
	}
}

func TestAFailedCallWithoutNewRolesIsNotWaitedFor(t *testing.T) {
	clk := &clock{t: time.Now()}
	tn := newTenant(t, pingonetest.WithClock(clk.now))
	env := tn.admin()
	env.Sleep = clk.sleep
	s, err := tn.apply(env, flows.Plan{Preset: "sync-worker"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Verified == nil || s.Verified.Outcome != flows.OutcomeFailed || s.Verified.Waited != 0 {
		t.Errorf("verification %+v: nothing was assigned, so a 403 is final at once", s.Verified)
	}
}

func TestA503AfterTheWriteNeverMakesATwin(t *testing.T) {
	for _, path := range []string{"/applications", "/grants", "/roleAssignments"} {
		t.Run(path, func(t *testing.T) {
			tn := newTenant(t)
			tn.sim.InjectFault(pingonetest.Fault{Method: "POST", PathContains: path, Status: 503, AfterCommit: true})
			s, err := tn.apply(tn.admin(), flows.Plan{Preset: "stackone", SignInUser: "jdoe", Roles: flows.RolesFix})
			if err != nil {
				t.Fatal(err)
			}
			prod := tn.seed.Production.ID
			if n := len(tn.appsNamed(prod, "StackOne Integration")); n != 1 {
				t.Fatalf("%d apps", n)
			}
			if n := len(tn.sim.Grants(prod, s.App.ID)); n != 1 {
				t.Errorf("%d grants", n)
			}
			seen := map[string]bool{}
			for _, ra := range tn.sim.UserRoleAssignments(prod, tn.seed.JDoe.ID) {
				if seen[ra.RoleName] {
					t.Errorf("jdoe holds %s twice", ra.RoleName)
				}
				seen[ra.RoleName] = true
			}
			if len(seen) == 0 {
				t.Error("jdoe was given no role")
			}
			if !s.Succeeded() {
				t.Errorf("verification %+v findings %v", s.Verified, codes(s.Findings))
			}
		})
	}
}

func TestALiveSignInSettlesWhatTheRoleCheckCouldNotTell(t *testing.T) {
	tn := newTenant(t)
	prod := tn.seed.Production.ID
	id := tn.sim.AddUser(prod, "desk", "")
	for _, r := range []string{"Help Desk Admin", "Client Application Developer"} {
		if err := tn.sim.AssignUserRole(prod, id, r, "ENVIRONMENT", prod); err != nil {
			t.Fatal(err)
		}
	}
	env := tn.user(pingonetest.SeedUser{ID: id, Username: "desk", EnvironmentID: prod})
	s, err := tn.apply(env, flows.Plan{Preset: "stackone", SignInUser: "groupadmin"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Verified == nil || s.Verified.Outcome != flows.OutcomeVerified || !s.Succeeded() {
		t.Fatalf("verification %+v findings %v: groupadmin signed in and every read was answered", s.Verified, codes(s.Findings))
	}
	if len(s.Report.Unreadable) == 0 {
		t.Error("what could not be read is still said")
	}
	// Without a live sign-in the same setup stays "cannot tell", and does not succeed.
	env.SignInAs = nil
	s, err = tn.apply(env, flows.Plan{Preset: "stackone", SignInUser: "groupadmin"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Succeeded() || s.Verified.Outcome != flows.OutcomeUnverified || !slices.Contains(codes(s.Findings), flows.FindRoleCannotTell) {
		t.Errorf("verification %+v findings %v", s.Verified, codes(s.Findings))
	}
}
