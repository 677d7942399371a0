package flows

import (
	"strings"
	"testing"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func TestAskAdminNamesTheRolesTheActorAndTheEnvironmentWithTheCallsAndConsoleSteps(t *testing.T) {
	env := pingone.Environment{ID: "env-1", Name: "Production"}
	r := RoleReport{ActorKind: "user", ActorID: "user-1", ActorName: "jdoe", Missing: []string{"dir:read:user"},
		Fix: &RoleFix{Names: []string{"Identity Data Read Only", "Client Application Developer"},
			Roles:  []pingone.Role{{ID: "role-idro", Name: "Identity Data Read Only"}, {ID: "role-cad", Name: "Client Application Developer"}},
			Covers: []string{"dir:read:user"}}}
	req, ok := AskAdmin(r, env, "EU")
	if !ok {
		t.Fatal("a fix the admin may not grant needs a request")
	}
	for _, want := range []string{"Identity Data Read Only and Client Application Developer", "the user jdoe", "environment Production", "dir:read:user", "HTTP 403"} {
		if !strings.Contains(req.Message, want) {
			t.Errorf("message %q lacks %q", req.Message, want)
		}
	}
	for _, want := range []string{"ENV=env-1", "ACTOR=user-1", "ROLE=role-idro", "ROLE=role-cad", `"https://api.pingone.eu/v1/environments/$ENV/users/$ACTOR/roleAssignments"`, `"type":"ENVIRONMENT"`} {
		if !strings.Contains(req.Command, want) {
			t.Errorf("command lacks %q:\n%s", want, req.Command)
		}
	}
	if strings.Count(req.Command, "curl -X POST") != 2 {
		t.Errorf("one call per role:\n%s", req.Command)
	}
	if len(req.Console) != 3 || !strings.Contains(req.Console[1], "Directory > Users > jdoe") {
		t.Errorf("console steps: %q", req.Console)
	}

	r.ActorKind, r.ActorName = "application", "Sync Worker"
	req, _ = AskAdmin(r, env, "")
	if !strings.Contains(req.Command, `"$PINGONE_API_URL/environments/$ENV/applications/$ACTOR/roleAssignments"`) || !strings.Contains(req.Console[1], "Applications > Applications > Sync Worker") {
		t.Errorf("an app's roles are assigned on the app; an unknown region leaves the API URL to fill in:\n%s\n%q", req.Command, req.Console)
	}
	// Without a region given, the environment's own region names the host (apply's JSON has none).
	env.Region = "AU"
	if req, _ = AskAdmin(r, env, ""); !strings.Contains(req.Command, `"https://api.pingone.com.au/v1/environments/$ENV/applications/$ACTOR/roleAssignments"`) {
		t.Errorf("the environment's region was not used:\n%s", req.Command)
	}

	r.Fix.Grantable = true
	if _, ok := AskAdmin(r, env, "NA"); ok {
		t.Error("nothing to ask when the admin may grant the fix")
	}
	r.Fix = nil
	if _, ok := AskAdmin(r, env, "NA"); ok {
		t.Error("nothing to ask without a fix")
	}
}
