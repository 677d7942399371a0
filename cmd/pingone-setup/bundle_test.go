package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/internal/supportbundle"
)

// doctorDoc is what a doctor --output json run says, the parts a replay must reproduce.
type doctorDoc struct {
	Application struct{ ID, Name string }
	Findings    []struct{ Code, Severity, Message, Fix string }
	Roles       json.RawMessage
}

func parseDoctor(t *testing.T, out string) doctorDoc {
	t.Helper()
	var d doctorDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("doctor printed no JSON document: %v\n%s", err, out)
	}
	return d
}

func TestABundleReplayedBySimulateGivesDoctorTheSameFindings(t *testing.T) {
	for _, tc := range []struct {
		name, plan, app string
		user            []string
		worker          bool // made signed in as the seeded admin worker (client credentials)
	}{
		{"jdoe without roles (the 403 trap)", stackonePlan, "StackOne Integration", []string{"--user", "jdoe"}, false},
		{"jdoe with the roles fixed", greenPlan, "StackOne Integration", []string{"--user", "jdoe"}, false},
		{"a sync worker judged on its own roles", syncPlan, "Sync Worker", nil, false},
		{"the signed-in admin by default", stackonePlan, "StackOne Integration", nil, false},
		{"groupadmin, whose roles come through a group", stackonePlan, "StackOne Integration", []string{"--user", "groupadmin"}, false},
		{"helpdesk, whose role is at population scope", stackonePlan, "StackOne Integration", []string{"--user", "helpdesk"}, false},
		{"made by a worker signed in with client credentials", stackonePlan, "StackOne Integration", []string{"--user", "jdoe"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if code, _, stderr := e.run("apply", "--plan", e.file("p.yaml", tc.plan), "--yes"); code == 2 {
				t.Fatalf("apply: %s", stderr)
			}
			if tc.worker {
				t.Setenv("PINGONE_API_ACCESS_TOKEN", "")
				t.Setenv("PINGONE_CLIENT_ID", e.seed.AdminWorker.ClientID)
				t.Setenv("PINGONE_CLIENT_SECRET", e.seed.AdminWorker.ClientSecret)
				t.Setenv("PINGONE_ENVIRONMENT_ID", e.seed.Production.ID)
			}
			doctor := append([]string{"doctor", "--app", tc.app, "--output", "json"}, tc.user...)
			_, out, _ := e.run(doctor...)
			live := parseDoctor(t, out)
			zipPath := filepath.Join(e.dir, "bundle.zip")
			if code, out, stderr := e.run(append([]string{"bundle", "--app", tc.app, "-o", zipPath}, tc.user...)...); code != 0 {
				t.Fatalf("bundle: exit %d\n%s\n%s", code, out, stderr)
			}
			s := startSimulation(t, "--seed", zipPath)
			if !strings.Contains(s.output(), "Support bundle of application") {
				t.Errorf("simulate does not say what it replays:\n%s", s.output())
			}
			// The ID, as the README and simulate say, so a renamed app still replays.
			replayArgs := append([]string{"doctor", "--app", live.Application.ID, "--output", "json"}, tc.user...)
			_, out, stderr := s.runAgainst(t, replayArgs...)
			replay := parseDoctor(t, out)
			if len(live.Roles) == 0 || string(live.Roles) == "null" {
				t.Fatalf("the live doctor judged no role: the test proves nothing\n%+v", live)
			}
			if !reflect.DeepEqual(replay.Findings, live.Findings) {
				t.Errorf("findings differ\n live   %+v\n replay %+v\n%s", live.Findings, replay.Findings, stderr)
			}
			var lr, rr any
			_ = json.Unmarshal(live.Roles, &lr)
			_ = json.Unmarshal(replay.Roles, &rr)
			if !reflect.DeepEqual(lr, rr) {
				t.Errorf("role verdicts differ\n live   %s\n replay %s", live.Roles, replay.Roles)
			}
		})
	}
}

// unzip returns the files of a zip.
func unzip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = b
	}
	return out
}

func TestNoSecretTokenOrPasswordOfAFullRunReachesTheBundle(t *testing.T) {
	e := newEnv(t)
	sd := e.seed
	env := sd.Production.ID
	// A full run: a green StackOne app, a sync worker, a rotation that keeps the previous secret.
	for _, plan := range []string{greenPlan, syncPlan} {
		if code, _, stderr := e.run("apply", "--plan", e.file("p.yaml", plan), "--yes"); code != 0 {
			t.Fatalf("apply: %s", stderr)
		}
	}
	var apps []string
	for _, a := range e.sim.Applications(env) {
		apps = append(apps, a["id"].(string))
	}
	secrets := map[string]string{"the admin's access token": os.Getenv("PINGONE_API_ACCESS_TOKEN")}
	for _, id := range apps {
		secrets["secret of app "+id] = e.sim.ApplicationSecret(env, id)
	}
	if code, _, stderr := e.run("rotate-secret", "--app", "Sync Worker", "--previous-expires", "1h", "--yes"); code != 0 {
		t.Fatalf("rotate: %s", stderr)
	}
	for _, id := range apps {
		secrets["new secret of app "+id] = e.sim.ApplicationSecret(env, id)
	}
	for _, u := range []struct{ name, pw string }{{"admin", sd.Admin.Password}, {"jdoe", sd.JDoe.Password}, {"helpdesk", sd.Helpdesk.Password},
		{"contractor", sd.Contractor.Password}, {"groupadmin", sd.GroupAdmin.Password}, {"auditor", sd.Auditor.Password}} {
		secrets["password of "+u.name] = u.pw
	}
	secrets["the admin worker's secret"] = sd.AdminWorker.ClientSecret

	// Bundles of both apps, one signed in with a token, one with the worker's client credentials.
	zips := map[string][]byte{}
	path := filepath.Join(e.dir, "a.zip")
	if code, out, stderr := e.run("bundle", "--app", "StackOne Integration", "--user", "jdoe", "-o", path); code != 0 {
		t.Fatalf("bundle: %d %s %s", code, out, stderr)
	}
	zips["token sign-in"], _ = os.ReadFile(path)
	t.Setenv("PINGONE_API_ACCESS_TOKEN", "")
	t.Setenv("PINGONE_CLIENT_SECRET", sd.AdminWorker.ClientSecret)
	path = filepath.Join(e.dir, "b.zip")
	if code, out, stderr := e.run("bundle", "--app", "Sync Worker", "-o", path, "--environment-id", env, "--client-id", sd.AdminWorker.ClientID); code != 0 {
		t.Fatalf("bundle as the worker: %d %s %s", code, out, stderr)
	}
	zips["worker sign-in"], _ = os.ReadFile(path)
	for how, z := range zips {
		if len(z) == 0 {
			t.Fatalf("%s: no bundle", how)
		}
		files := unzip(t, z)
		for _, want := range []string{"README.md", "manifest.json", "tenant.json", "plan.yaml", "doctor.json", "transcript.jsonl"} {
			if len(files[want]) == 0 {
				t.Errorf("%s: the bundle has no %s", how, want)
			}
		}
		if !bytes.Contains(files["transcript.jsonl"], []byte(`"/v1/environments/`+env+`/applications`)) {
			t.Errorf("%s: the transcript does not show the calls", how)
		}
		files["(the zip itself)"] = z
		for name, data := range files {
			for what, secret := range secrets {
				if secret != "" && bytes.Contains(data, []byte(secret)) {
					t.Errorf("%s: %s holds %s", how, name, what)
				}
			}
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("bundle file mode: %v %v", fi.Mode(), err)
	}
	// The README says how to replay, and the manifest names the tool's version.
	files := unzip(t, zips["token sign-in"])
	if !strings.Contains(string(files["README.md"]), "simulate --seed bundle.zip") || !strings.Contains(string(files["README.md"]), "doctor --app") {
		t.Errorf("README:\n%s", files["README.md"])
	}
	// With --output json, one document that names the file.
	code, out, _ := e.run("bundle", "--app", "Sync Worker", "-o", filepath.Join(e.dir, "c.zip"), "--environment-id", env, "--client-id", sd.AdminWorker.ClientID, "--output", "json")
	var doc struct {
		Command, Bundle string
		Bytes           int
	}
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || doc.Command != "bundle" || doc.Bytes == 0 || !strings.HasSuffix(doc.Bundle, "c.zip") {
		t.Errorf("--output json: exit %d, %s", code, out)
	}
	var man supportbundle.Manifest
	if err := json.Unmarshal(files["manifest.json"], &man); err != nil || man.ToolVersion == "" || man.Actor.ID != sd.Admin.ID {
		t.Errorf("manifest %+v %v", man, err)
	}
}

func TestABundleOfAnUnknownOrAmbiguousAppIsRefusedAndWritesNothing(t *testing.T) {
	e := newEnv(t)
	env := e.seed.Production.ID
	for range 2 {
		e.sim.AddApplication(env, map[string]any{"name": "Twin", "type": "WORKER", "protocol": "OPENID_CONNECT", "grantTypes": []any{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"})
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"an unknown app", []string{"--app", "Nobody"}, 1, `no application named or with ID "Nobody"`},
		{"an ambiguous name", []string{"--app", "Twin"}, 1, "give the ID"},
		{"an unknown user", []string{"--app", "Admin Sign-In", "--user", "nobody"}, 1, `no user "nobody"`},
		{"no app", nil, 2, "bundle needs --app"},
		{"an unknown capability", []string{"--app", "Admin Worker", "--capabilities", "telepathy"}, 2, "unknown \"telepathy\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(e.dir, "x.zip")
			before := e.writes()
			code, _, stderr := e.run(append([]string{"bundle", "-o", path}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q: want %d and %q", code, stderr, tc.code, tc.want)
			}
			if _, err := os.Stat(path); err == nil {
				t.Error("a bundle was written")
			}
			if e.writes() != before {
				t.Error("bundle wrote to PingOne")
			}
		})
	}
}

func TestABundleMissingItsManifestOrFactsIsNamedWhenSeeded(t *testing.T) {
	for _, tc := range []struct {
		files map[string]string
		want  string
	}{
		{map[string]string{"tenant.json": "{}"}, "the zip has no manifest.json"},
		{map[string]string{"manifest.json": `{"format":"pingone-setup-bundle/1"}`}, "the zip has no tenant.json"},
		{map[string]string{"manifest.json": `{"format":"other/9"}`, "tenant.json": "{}"}, `format "other/9"`},
		{map[string]string{"manifest.json": `{"format":"pingone-setup-bundle/1"}`, "tenant.json": `{"format":"pingonetest-snapshot/1"}`}, "the organization has no id"},
	} {
		p := filepath.Join(t.TempDir(), "b.zip")
		if err := os.WriteFile(p, zipOf(t, tc.files), 0o600); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		code := run(t.Context(), []string{"simulate", "--listen", "127.0.0.1:0", "--seed", p}, strings.NewReader(""), &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("exit %d, stderr %q: want 2 and %q", code, errb.String(), tc.want)
		}
	}
}

func TestABundleReplaySavedWithSaveStartsAgainSignedInAsTheBundlesMaker(t *testing.T) {
	e := newEnv(t)
	if code, _, stderr := e.run("apply", "--plan", e.file("p.yaml", stackonePlan), "--yes"); code == 2 {
		t.Fatal(stderr)
	}
	zipPath, state := filepath.Join(e.dir, "bundle.zip"), filepath.Join(e.dir, "replay.json")
	if code, _, stderr := e.run("bundle", "--app", "StackOne Integration", "--user", "jdoe", "-o", zipPath); code != 0 {
		t.Fatal(stderr)
	}
	s := startSimulation(t, "--seed", zipPath, "--save", state)
	_, first, _ := s.runAgainst(t, "doctor", "--app", "StackOne Integration", "--user", "jdoe", "--output", "json")
	if code := s.stop(); code != 0 {
		t.Fatalf("stop: %d %s", code, s.output())
	}
	again := startSimulation(t, "--seed", state)
	if !strings.Contains(again.output(), "PINGONE_API_ACCESS_TOKEN=") {
		t.Fatalf("a saved replay does not say how to sign in:\n%s", again.output())
	}
	_, second, stderr := again.runAgainst(t, "doctor", "--app", "StackOne Integration", "--user", "jdoe", "--output", "json")
	a, b := parseDoctor(t, first), parseDoctor(t, second)
	if len(a.Findings) == 0 || !reflect.DeepEqual(a.Findings, b.Findings) {
		t.Errorf("findings before and after the save differ:\n %+v\n %+v\n%s", a.Findings, b.Findings, stderr)
	}
}

func TestABundleOfAnAppInAnotherEnvironmentThanTheSignInReplaysWithTheCommandSimulatePrints(t *testing.T) {
	e := newEnv(t)
	sandbox := e.seed.Sandbox.ID
	plan := "environmentId: " + sandbox + "\npreset: sync-worker\nroles: fix\n"
	if code, _, stderr := e.run("apply", "--plan", e.file("p.yaml", plan), "--yes"); code != 0 {
		t.Fatalf("apply: %s", stderr)
	}
	_, out, _ := e.run("doctor", "--app", "Sync Worker", "--target-environment-id", sandbox, "--output", "json")
	live := parseDoctor(t, out)
	zipPath := filepath.Join(e.dir, "bundle.zip")
	if code, out, stderr := e.run("bundle", "--app", "Sync Worker", "--target-environment-id", sandbox, "-o", zipPath); code != 0 {
		t.Fatalf("bundle: %d %s %s", code, out, stderr)
	}
	s := startSimulation(t, "--seed", zipPath)
	var line string
	for _, l := range strings.Split(s.output(), "\n") {
		if strings.Contains(l, "pingone-setup doctor") {
			line = strings.TrimSpace(l)
		}
	}
	if !strings.Contains(line, "--target-environment-id "+sandbox) {
		t.Fatalf("simulate printed %q: the replay must name the app's environment", line)
	}
	args := append(strings.Fields(strings.TrimPrefix(line, "pingone-setup ")), "--output", "json")
	_, out, stderr := s.runAgainst(t, args...)
	replay := parseDoctor(t, out)
	if len(live.Roles) == 0 || !reflect.DeepEqual(replay.Findings, live.Findings) || string(replay.Roles) != string(live.Roles) {
		t.Errorf("replay differs\n live   %+v %s\n replay %+v %s\n%s", live.Findings, live.Roles, replay.Findings, replay.Roles, stderr)
	}
}
