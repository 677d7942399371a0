package flows_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/flows"
)

func TestGatherFactsNotesWhatTheReaderMayNotReadInsteadOfFailing(t *testing.T) {
	tn := newTenant(t)
	admin := tn.admin()
	if _, err := tn.apply(admin, flows.Plan{Preset: "stackone", SignInUser: "jdoe", Roles: flows.RolesFix}); err != nil {
		t.Fatal(err)
	}
	sd := tn.seed
	ctx := context.Background()
	live, err := flows.ReadLive(ctx, admin.API, sd.Production.ID, "StackOne Integration")
	if err != nil {
		t.Fatal(err)
	}
	// Helpdesk holds Identity Data Admin at population scope only: much of the environment is closed to it.
	helpdesk := tn.client(tn.sim.IssueUserToken(sd.Production.ID, sd.Helpdesk.ID, time.Hour))
	id := flows.Identity{UserID: sd.Helpdesk.ID, Username: "helpdesk", EnvironmentID: sd.Production.ID}
	f, err := flows.GatherFacts(ctx, helpdesk, id, *live, "jdoe")
	if err != nil {
		t.Fatalf("a refused read failed the whole: %v", err)
	}
	if !slices.Contains(f.Unread, "list resources") || len(f.Resources) != 0 {
		t.Errorf("unread %v, resources %d: want the refused resource list noted, and no resource", f.Unread, len(f.Resources))
	}
	if len(f.Users) != 2 {
		t.Errorf("users %d, want jdoe and helpdesk", len(f.Users))
	}
	// The admin reads it all: nothing unread, and jdoe's two new roles are among the facts.
	f, err = flows.GatherFacts(ctx, admin.API, admin.Identity, *live, "jdoe")
	if err != nil || len(f.Unread) > 0 {
		t.Fatalf("admin: %v, unread %v", err, f.Unread)
	}
	n := 0
	for _, a := range f.Assignments {
		if a.Kind == "user" && a.SubjectID == sd.JDoe.ID {
			n++
		}
	}
	if n != 2 {
		t.Errorf("jdoe's role assignments in the facts: %d, want the 2 the fix gave", n)
	}
}
