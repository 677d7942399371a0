package flows

import (
	"fmt"
	"strings"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// AdminRequest is what to send to an administrator who can grant a fix the admin running the
// setup may not grant: a message in plain words, the exact API calls (a script), and the console steps.
type AdminRequest struct {
	Message string `json:"message"`
	// Command is a shell script of API calls, one per role, for someone who holds the roles.
	Command string   `json:"command"`
	Console []string `json:"console"`
}

// AskAdmin builds the request for report r's fix in environment env, or false when there is
// nothing to ask (no fix, or one the admin may grant). region (else the environment's own) names
// the API host of the commands; an unknown region leaves $PINGONE_API_URL in them.
func AskAdmin(r RoleReport, env pingone.Environment, region string) (AdminRequest, bool) {
	fix := r.Fix
	if fix == nil || fix.Grantable || len(fix.Names) == 0 {
		return AdminRequest{}, false
	}
	roles := strings.Join(fix.Names, " and ")
	envName := cmpOr(env.Name, env.ID)
	who, path, console := "the user "+r.ActorName, "users", "Directory > Users > "+r.ActorName
	if r.ActorKind == "application" {
		who, path, console = "the application "+r.ActorName, "applications", "Applications > Applications > "+r.ActorName
	}
	var req AdminRequest
	req.Message = fmt.Sprintf("Could you assign the PingOne role%s %s to %s, scoped to the environment %s? "+
		"A connector signs in as them and needs %s: %s",
		plural(len(fix.Names)), roles, who, envName, strings.Join(fix.Covers, ", "), withoutCost(r))
	api := pingone.Region(strings.ToUpper(cmpOr(region, env.Region))).APIURL() // the environment knows its own region
	if api == "" {
		api = "$PINGONE_API_URL"
	}
	// A script of short lines: the IDs once, as variables, then a call per role.
	script := []string{"ENV=" + env.ID, "ACTOR=" + r.ActorID}
	for i, name := range fix.Names {
		id := "ROLE_ID_OF_" + strings.ToUpper(strings.ReplaceAll(name, " ", "_"))
		if i < len(fix.Roles) && fix.Roles[i].ID != "" {
			id = fix.Roles[i].ID
		}
		script = append(script,
			"ROLE="+id+"  # "+name,
			fmt.Sprintf(`curl -X POST "%s/environments/$ENV/%s/$ACTOR/roleAssignments" \`, api, path),
			`  -H "Authorization: Bearer $PINGONE_TOKEN" -H "Content-Type: application/json" \`,
			`  -d '{"role":{"id":"'$ROLE'"},"scope":{"type":"ENVIRONMENT","id":"'$ENV'"}}'`)
	}
	req.Command = strings.Join(script, "\n")
	req.Console = []string{
		"Sign in to the PingOne console as an admin who holds Environment Admin (or Organization Admin) for " + envName + ".",
		"Open " + console + ", then the Roles tab, then Grant Roles.",
		"Choose " + roles + ", limited to the environment " + envName + ", and save.",
	}
	return req, true
}

func withoutCost(r RoleReport) string {
	if g, ok := r.Gate(GateAdminOnly); ok && g.Coverage == Missing {
		return "without them PingOne refuses the sign-in (access_denied)."
	}
	return "without them its calls return HTTP 403."
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
