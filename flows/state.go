package flows

import (
	"github.com/pingone-setup/pingone-setup/pingone"
)

// State is everything a setup knows: the plan being reached, what was read from PingOne, and what
// was changed. Steps read it and return Results that update it.
type State struct {
	Plan Plan

	Environments []pingone.Environment
	Roles        []pingone.Role
	Target       pingone.Environment

	// SameName are the live apps in the target environment named like the plan's app.
	SameName []pingone.Application
	// Adopt is true once the admin agreed to update an existing app in place.
	Adopt bool
	// EditSettings is true when the admin chose to change the preset's settings one by one.
	EditSettings bool
	// App is the live application once created or adopted; AppCreated is true when this run
	// created it (so it has no grants or roles yet).
	App        *pingone.Application
	AppCreated bool
	// CreatedApp is the app this run created. The wizard keeps it when the admin goes Back, so a
	// renamed app is renamed, never created twice.
	CreatedApp *pingone.Application

	// GroupRefs are the groups of the plan's group membership policy, found by name before the
	// app was created; GroupNames names every group of the target environment by ID.
	GroupRefs  []pingone.Ref
	GroupNames map[string]string

	// SignInUser is the user who will sign in through the app (user-based grants).
	SignInUser *pingone.User
	// UserSuggestions are usernames of the target environment, offered while the admin types who
	// will sign in.
	UserSuggestions []string
	// Report is the latest role check, and ActorAssignments what it read of the actor's roles.
	Report           *RoleReport
	ActorAssignments []pingone.RoleAssignment
	// Preview is what the setup would do, computed before anything is written (the wizard
	// shows it for a go-ahead).
	Preview *Preview
	// FixChoice is the wizard's answer to the proposed role fix: "assign" or "skip".
	FixChoice string

	Grants []pingone.ApplicationGrant
	// GrantedScopes are the names of the openid resource's scopes granted to the app once the
	// scopes step ran (in a dry run, once it would have); nil when not known.
	GrantedScopes []string
	Credentials   *Credentials
	Verified      *Verification

	Changes  []Change
	Findings []Finding
	// Created lists what this run created, with PingOne's IDs, for the ledger (teardown).
	Created []LedgerEntry
}

// Credentials are what the connector needs, handed over at the end. ClientSecret is empty for
// public clients (token auth NONE).
type Credentials struct {
	EnvironmentID string `json:"environmentId"`
	ClientID      string `json:"clientId"`
	ClientSecret  string `json:"clientSecret,omitempty"`
	Region        string `json:"region,omitempty"`
	AuthMethod    string `json:"tokenEndpointAuthMethod,omitempty"`
	// SecretFingerprint names the secret without revealing it (Fingerprint), so an admin can
	// tell which secret a connector holds.
	SecretFingerprint string `json:"secretFingerprint,omitempty"`
}

// String keeps the secret out of logs and %v.
func (c Credentials) String() string {
	return "Credentials{environmentId: " + c.EnvironmentID + ", clientId: " + c.ClientID + ", clientSecret: [redacted]}"
}

// GoString keeps the secret out of %#v.
func (c Credentials) GoString() string { return c.String() }

// Action says what a change did.
type Action string

// Change actions.
const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
	Adopted   Action = "adopted"
	Removed   Action = "removed"
)

// Change is one thing a setup created or changed (or, in a dry run, would).
type Change struct {
	Step   string `json:"step"`
	Action Action `json:"action"`
	Object string `json:"object"`
	Field  string `json:"field,omitempty"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	// Applied is false in a dry run.
	Applied bool `json:"applied"`
}

// Severity of a finding.
type Severity string

// Severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Finding is a problem found in a setup, with a stable code and the fix.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
}

func (s *State) record(c ...Change) { s.Changes = append(s.Changes, c...) }
