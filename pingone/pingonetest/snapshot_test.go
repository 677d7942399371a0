package pingonetest

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

// changedFixture is a seeded Server changed the ways a saved state must keep: a new app with a
// grant and a role, a rotation with a previous secret, a new user in a new group with a role.
func changedFixture(t *testing.T) (*fixture, string, string) {
	f := newFixture(t)
	prod := f.prod()
	r := f.do(f.admin(), "POST", f.appsPath(prod), map[string]any{"name": "Saved Worker", "type": "WORKER", "protocol": "OPENID_CONNECT",
		"enabled": true, "grantTypes": []string{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC", "assignActorRoles": false})
	f.expect(r, 201)
	appID := r.body["id"].(string)
	expires := time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")
	f.expect(f.do(f.admin(), "POST", f.appsPath(prod)+"/"+appID+"/secret", map[string]any{"previous": map[string]any{"expiresAt": expires}}), 200)
	if err := f.sim.AssignAppRole(prod, appID, RoleIdentityDataReadOnly, ScopeEnvironment, prod); err != nil {
		t.Fatal(err)
	}
	uid := f.sim.AddUser(prod, "saved", "")
	gid := f.sim.AddGroup(prod, "Saved Group")
	if err := f.sim.AddGroupMember(prod, gid, uid); err != nil {
		t.Fatal(err)
	}
	if err := f.sim.AssignGroupRole(prod, gid, RoleIdentityDataAdmin, ScopeEnvironment, prod); err != nil {
		t.Fatal(err)
	}
	return f, appID, uid
}

func TestASavedStateLoadsBackAsTheSameTenantWithItsSecretsWorking(t *testing.T) {
	f, appID, uid := changedFixture(t)
	prod := f.prod()
	snap := f.sim.Snapshot()
	raw, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseSnapshot(raw)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := NewFromSnapshot(parsed, WithSigningKey(sharedKey()))
	if err != nil {
		t.Fatal(err)
	}
	again := loaded.Snapshot()
	// JSON equality: numbers come back as the same JSON, whatever their Go type.
	a, _ := json.Marshal(snap)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Fatalf("the loaded tenant differs from the saved one:\n saved  %s\n loaded %s", a, b)
	}
	if !reflect.DeepEqual(loaded.Seed(), f.sim.Seed()) {
		t.Error("the seed (the credentials simulate prints) was not kept")
	}

	srv := httptest.NewServer(loaded)
	t.Cleanup(srv.Close)
	g := &fixture{t: t, sim: loaded, srv: srv, seed: loaded.Seed(), client: srv.Client()}
	old := snap.Applications[len(snap.Applications)-1]
	if old.ID != appID || old.Previous == nil {
		t.Fatalf("the rotated app is not the last one saved, or lost its previous secret: %+v", old)
	}
	for name, secret := range map[string]string{"current": old.Secret, "previous": old.Previous.Secret, "seeded worker's": f.seed.AdminWorker.ClientSecret} {
		id := appID
		if name == "seeded worker's" {
			id = f.seed.AdminWorker.ClientID
		}
		if r := g.form("/"+prod+"/as/token", ccForm(), id, secret); r.status != 200 {
			t.Errorf("the %s secret no longer works after loading: %d %s", name, r.status, r.raw)
		}
	}
	if got := loaded.UserGroupIDs(prod, uid); len(got) != 1 {
		t.Errorf("the saved user's group membership was lost: %v", got)
	}
	if pw, ok := loaded.UserPassword(prod, "saved"); !ok || pw != "saved-Passw0rd" {
		t.Errorf("the saved user's password was lost: %q %v", pw, ok)
	}
	// New objects get IDs the saved tenant does not hold (the saved Server drew from seed 1 too).
	ids := map[string]bool{}
	for _, x := range snap.Applications {
		ids[x.ID] = true
	}
	for _, x := range snap.Users {
		ids[x.ID] = true
	}
	for i := range 5 {
		if id := loaded.AddUser(prod, "new"+string(rune('a'+i)), ""); ids[id] {
			t.Fatalf("a new user after loading got the ID %s of a saved object", id)
		}
	}
}

func TestObjectsAddedAfterLoadingNeverTakeTheIDOfASavedOne(t *testing.T) {
	// The saved Server and a loaded one would draw the same IDs from the same generator seed.
	sim := New(WithSigningKey(sharedKey()))
	prod := sim.Seed().Production.ID
	saved := map[string]bool{}
	for _, name := range []string{"u1", "u2", "u3"} {
		saved[sim.AddUser(prod, name, "")] = true
	}
	loaded, err := NewFromSnapshot(sim.Snapshot(), WithSigningKey(sharedKey()))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"n1", "n2", "n3"} {
		if id := loaded.AddUser(prod, name, ""); saved[id] {
			t.Fatalf("user %s got the ID %s of a saved user", name, id)
		}
	}
}

func TestASnapshotWithoutSecretsGivesEveryAppANewSecretAndTheActorAToken(t *testing.T) {
	f, appID, _ := changedFixture(t)
	snap := f.sim.Snapshot()
	snap.Seed = nil
	for i := range snap.Applications {
		snap.Applications[i].Secret, snap.Applications[i].Previous = "", nil
	}
	for i := range snap.Users {
		snap.Users[i].Password = ""
	}
	snap.Actor = &SnapshotActor{Kind: "user", ID: f.seed.Admin.ID, EnvironmentID: f.prod()}
	loaded, err := NewFromSnapshot(snap, WithSigningKey(sharedKey()))
	if err != nil {
		t.Fatal(err)
	}
	if sec := loaded.ApplicationSecret(f.prod(), appID); len(sec) < 64 || sec == f.sim.ApplicationSecret(f.prod(), appID) {
		t.Errorf("secret after loading without one: %q", sec)
	}
	if sd := loaded.Seed(); sd.Production.ID != f.prod() || sd.Roles[RoleEnvironmentAdmin] == "" || sd.Production.OpenIDResourceID != f.seed.Production.OpenIDResourceID {
		t.Errorf("derived seed %+v", sd.Production)
	}
	tok, ok := loaded.ActorToken(time.Hour)
	if !ok {
		t.Fatal("no token for the actor")
	}
	if a := loaded.Snapshot().Actor; a == nil || *a != *snap.Actor {
		t.Errorf("the actor is not saved again: %+v", a)
	}
	srv := httptest.NewServer(loaded)
	t.Cleanup(srv.Close)
	g := &fixture{t: t, sim: loaded, srv: srv, seed: loaded.Seed(), client: srv.Client()}
	g.expect(g.do(tok, "GET", g.appsPath(f.prod())+"/"+appID, nil), 200)
	if _, ok := loaded.UserPassword(f.prod(), "admin"); !ok {
		t.Error("the admin user is gone")
	}
	if pw, _ := loaded.UserPassword(f.prod(), "admin"); pw != "" {
		t.Error("a password appeared from nowhere")
	}
}

func TestABrokenSnapshotIsRefusedWithTheObjectItNames(t *testing.T) {
	base := New(WithSigningKey(sharedKey())).Snapshot()
	clone := func() Snapshot {
		raw, _ := json.Marshal(base)
		var s Snapshot
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := []struct {
		name   string
		break_ func(s *Snapshot)
		want   string
	}{
		{"another format", func(s *Snapshot) { s.Format = "v0" }, `format "v0"`},
		{"no environment", func(s *Snapshot) { s.Environments = nil }, "no environment"},
		{"a user in no environment", func(s *Snapshot) { s.Users[0].EnvironmentID = "nope" }, `user ` + base.Users[0].ID + ` is in environment "nope"`},
		{"a user in a missing population", func(s *Snapshot) { s.Users[1].PopulationID = "gone" }, `population "gone"`},
		{"a duplicate ID", func(s *Snapshot) { s.Groups[0].ID = s.Users[0].ID }, "has the id of a user"},
		{"an assignment of an unknown role", func(s *Snapshot) { s.RoleAssignments[0].RoleID = "r?" }, `no role "r?"`},
		{"an assignment to nobody", func(s *Snapshot) { s.RoleAssignments[0].SubjectID = "who" }, `no user "who"`},
		{"an assignment at a missing scope", func(s *Snapshot) { s.RoleAssignments[2].ScopeID = "env?" }, `scope ENVIRONMENT "env?"`},
		{"an invalid app", func(s *Snapshot) { s.Applications[0].Fields["grantTypes"] = []any{"TELEPATHY"} }, "Admin Worker) is not valid: grantTypes"},
		{"a grant of a foreign scope", func(s *Snapshot) { s.Grants[0].ScopeIDs = []string{s.Scopes[len(s.Scopes)-1].ID} }, "is not a scope of resource"},
		{"an actor not in it", func(s *Snapshot) {
			s.Actor = &SnapshotActor{Kind: "user", ID: "ghost", EnvironmentID: s.Environments[0].ID}
		}, "the actor"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := clone()
			tc.break_(&s)
			_, err := NewFromSnapshot(s, WithSigningKey(sharedKey()))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	for _, bad := range []string{`{"format":"pingonetest-snapshot/1","surprise":1}`, `not json`, `{"format":"other"}`} {
		if _, err := ParseSnapshot([]byte(bad)); err == nil || !strings.Contains(err.Error(), "not a simulator state") {
			t.Errorf("ParseSnapshot(%s) = %v", bad, err)
		}
	}
}
