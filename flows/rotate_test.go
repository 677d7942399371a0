package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

func TestRotatingKeepsThePreviousSecretForTheGracePeriodThenOnlyTheNewOneWorks(t *testing.T) {
	clk := &clock{t: time.Now()}
	tn := newTenant(t, pingonetest.WithClock(clk.now))
	env := tn.admin()
	s, err := tn.apply(env, flows.Plan{Preset: "sync-worker", Roles: flows.RolesFix})
	if err != nil || !s.Succeeded() {
		t.Fatalf("apply: %v %+v", err, s.Verified)
	}
	old := *s.Credentials
	r, err := flows.RotateSecret(context.Background(), env, tn.seed.Production.ID, "Sync Worker", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if r.Credentials.ClientSecret == "" || r.Credentials.ClientSecret == old.ClientSecret {
		t.Fatal("no new secret")
	}
	if r.Verified == nil || !r.Verified.OK {
		t.Errorf("the new secret was not proven: %+v", r.Verified)
	}
	if d := time.Until(r.PreviousExpiresAt); d < 23*time.Hour || d > 25*time.Hour {
		t.Errorf("the previous secret expires at %v, want in about 24 h", r.PreviousExpiresAt)
	}
	if strings.Contains(r.Changes[0].To, r.Credentials.ClientSecret) || !strings.HasPrefix(flows.Fingerprint(r.Credentials.ClientSecret), "sha256:") {
		t.Errorf("the change %q must name the secret by fingerprint only", r.Changes[0].To)
	}
	ctx := context.Background()
	for name, c := range map[string]flows.Credentials{"old": old, "new": r.Credentials} {
		if _, err := env.AppClient(ctx, c); err != nil {
			t.Errorf("during the grace period the %s secret must work: %v", name, err)
		}
	}
	clk.sleep(ctx, 25*time.Hour)
	if _, err := env.AppClient(ctx, old); err == nil {
		t.Error("the previous secret still works after its grace period")
	}
	if _, err := env.AppClient(ctx, r.Credentials); err != nil {
		t.Errorf("the new secret stopped working: %v", err)
	}
}

func TestRotatingWithoutAGracePeriodEndsTheOldSecretAtOnce(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	s, err := tn.apply(env, flows.Plan{Preset: "sync-worker", Roles: flows.RolesFix})
	if err != nil {
		t.Fatal(err)
	}
	r, err := flows.RotateSecret(context.Background(), env, tn.seed.Production.ID, s.App.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !r.PreviousExpiresAt.IsZero() {
		t.Errorf("previous expires %v, want none", r.PreviousExpiresAt)
	}
	if _, err := env.AppClient(context.Background(), *s.Credentials); err == nil {
		t.Error("the old secret still works")
	}
}

func TestARotationAnsweredWith503AfterItHappenedIsNotSentTwice(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	s, err := tn.apply(env, flows.Plan{Preset: "sync-worker", Roles: flows.RolesFix})
	if err != nil {
		t.Fatal(err)
	}
	tn.sim.InjectFault(pingonetest.Fault{Method: "POST", PathContains: "/secret", Status: 503, AfterCommit: true})
	r, err := flows.RotateSecret(context.Background(), env, tn.seed.Production.ID, s.App.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	posts := 0
	for _, q := range tn.sim.Requests() {
		if q.Method == "POST" && strings.HasSuffix(q.Path, "/secret") {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d rotations sent: the first one happened, a second would kill the secret the first kept", posts)
	}
	if got := tn.sim.ApplicationSecret(tn.seed.Production.ID, s.App.ID); got != r.Credentials.ClientSecret {
		t.Error("the handed-over secret is not PingOne's")
	}
	// The secret kept valid is the original one.
	if _, err := env.AppClient(context.Background(), *s.Credentials); err != nil {
		t.Errorf("the original secret should stay valid for the hour: %v", err)
	}
}

func TestRotationRefusesWhatItCannotDo(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	ctx := context.Background()
	prod := tn.seed.Production.ID
	if _, err := flows.RotateSecret(ctx, env, prod, tn.seed.SignInApp.ID, time.Hour); err == nil || !strings.Contains(err.Error(), "public client") {
		t.Errorf("a public client: %v", err)
	}
	if _, err := flows.RotateSecret(ctx, env, prod, "No Such App", time.Hour); err == nil {
		t.Error("an unknown app")
	}
	if _, err := flows.RotateSecret(ctx, env, prod, tn.seed.AdminWorker.ID, 31*24*time.Hour); err == nil {
		t.Error("a grace period over 30 days")
	}
	if n := tn.writes(); n != 0 {
		t.Errorf("%d writes for refused rotations", n)
	}
}

func TestDoctorNamesTheSecretByFingerprintAndReportsAPreviousOneStillValid(t *testing.T) {
	tn := newTenant(t)
	env := tn.admin()
	s, err := tn.apply(env, flows.Plan{Preset: "sync-worker", Roles: flows.RolesFix})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d, err := flows.Doctor(ctx, env, tn.seed.Production.ID, s.App.ID, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.SecretFingerprint != flows.Fingerprint(s.Credentials.ClientSecret) || d.SecretFingerprint == "" {
		t.Errorf("fingerprint %q", d.SecretFingerprint)
	}
	for _, f := range d.Findings {
		if f.Code == flows.FindPreviousSecretValid {
			t.Errorf("no rotation yet, yet %s", f.Code) // no previous secret is the normal state
		}
	}
	r, err := flows.RotateSecret(ctx, env, tn.seed.Production.ID, s.App.ID, 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	d, err = flows.Doctor(ctx, env, tn.seed.Production.ID, s.App.ID, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var msg string
	for _, f := range d.Findings {
		if f.Code == flows.FindPreviousSecretValid {
			msg = f.Message
		}
	}
	if msg == "" || !strings.Contains(msg, flows.Fingerprint(s.Credentials.ClientSecret)) || strings.Contains(msg, s.Credentials.ClientSecret) {
		t.Errorf("finding %q: name the previous secret by fingerprint only", msg)
	}
	if d.PreviousExpiresAt.IsZero() || d.SecretFingerprint != flows.Fingerprint(r.Credentials.ClientSecret) {
		t.Errorf("diagnosis %+v", d)
	}
}
