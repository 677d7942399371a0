package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// --- who signs in ----------------------------------------------------------------------------

func signInUserInputs(s *State) []Input {
	return []Input{{
		Key: "signInUser", Title: "Who will sign in through the app?", Kind: Text,
		Help: "PingOne authorises the connector's calls by this user's roles. Username or email of a user in the target environment; empty means you.",
		Get:  func(s *State) string { return s.Plan.SignInUser },
		Set:  func(s *State, v string) error { s.Plan.SignInUser = strings.TrimSpace(v); return nil },
	}}
}

func runSignInUser(ctx context.Context, env Env, s State) (Result, error) {
	name := s.Plan.SignInUser
	if name == "" && len(s.Plan.UserRoleAssignments) > 0 {
		name = s.Plan.UserRoleAssignments[0].User
	}
	if name == "" {
		if !env.Identity.IsUser() || env.Identity.EnvironmentID != s.Target.ID {
			// Nobody to check: the role check says so rather than guessing.
			return nil, nil
		}
		u, err := env.API.GetUser(ctx, s.Target.ID, env.Identity.UserID)
		if err != nil {
			return nil, wrap("read the signed-in user", err)
		}
		return func(s *State) { s.SignInUser = u }, nil
	}
	u, err := FindUser(ctx, env.API, s.Target.ID, name)
	if err != nil {
		return nil, err
	}
	return func(s *State) { s.SignInUser = u }, nil
}

// FindUser finds a user of envID by username, or by email when name holds an @ and no username
// matches.
func FindUser(ctx context.Context, api API, envID, name string) (*pingone.User, error) {
	quoted := strings.ReplaceAll(name, `"`, `\"`)
	users, err := api.ListUsers(ctx, envID, fmt.Sprintf(`username eq "%s"`, quoted))
	if err == nil && len(users) == 0 && strings.Contains(name, "@") {
		users, err = api.ListUsers(ctx, envID, fmt.Sprintf(`email eq "%s"`, quoted))
	}
	if err != nil {
		return nil, wrap(fmt.Sprintf("find user %q", name), err)
	}
	switch len(users) {
	case 0:
		return nil, fmt.Errorf("no user %q in environment %s (usernames are exact; an email works too)", name, envID)
	case 1:
		return &users[0], nil
	}
	return nil, fmt.Errorf("%d users match %q: give the exact username", len(users), name)
}

// --- role check ------------------------------------------------------------------------------

// actorAssignments reads the role assignments of the actor whose roles PingOne will check.
func actorAssignments(ctx context.Context, env Env, s State) (kind, id, name string, ras []pingone.RoleAssignment, err error) {
	if RolesGoToFor(s.Plan.Application.GrantTypes) == RolesToUser {
		if s.SignInUser == nil {
			return "user", "", "", nil, nil
		}
		// The user was found in the target environment; assignAll writes there too.
		u := s.SignInUser
		ras, err = env.API.ListUserRoleAssignments(ctx, s.Target.ID, u.ID)
		return "user", u.ID, u.Username, ras, wrap(fmt.Sprintf("read role assignments of %s", u.Username), err)
	}
	if s.App == nil || s.App.ID == "" {
		return "application", "", s.Plan.Application.Name, nil, nil
	}
	ras, err = env.API.ListApplicationRoleAssignments(ctx, s.Target.ID, s.App.ID)
	return "application", s.App.ID, s.App.Name, ras, wrap("read the application's role assignments", err)
}

// plannedAssignments are the plan's role assignments for the actor, as PingOne will hold them.
func plannedAssignments(s State, roles []pingone.Role, kind, name string) []pingone.RoleAssignment {
	var wants []RoleAssignment
	if kind == "application" {
		wants = s.Plan.Application.RoleAssignments
	} else if u := s.SignInUser; u != nil {
		for _, w := range s.Plan.UserRoleAssignments {
			if strings.EqualFold(w.User, u.Username) || strings.EqualFold(w.User, u.Email) {
				wants = append(wants, RoleAssignment{Role: w.Role, Scope: w.Scope})
			}
		}
	}
	var out []pingone.RoleAssignment
	for _, w := range wants {
		role, ok := roleByName(roles, w.Role)
		scope, err := scopeFor(s, w.Scope)
		if ok && err == nil {
			out = append(out, pingone.RoleAssignment{Role: pingone.Ref{ID: role.ID}, Scope: scope})
		}
	}
	return out
}

// adminAssignments reads the roles of whoever runs the setup, to know which roles they may grant.
// A 403 means "unknown", not failure: the fix is then offered as advice.
func adminAssignments(ctx context.Context, env Env) ([]pingone.RoleAssignment, bool, error) {
	id := env.Identity
	var ras []pingone.RoleAssignment
	var err error
	switch {
	case id.UserID != "":
		ras, err = env.API.ListUserRoleAssignments(ctx, id.EnvironmentID, id.UserID)
	case id.ClientID != "":
		ras, err = env.API.ListApplicationRoleAssignments(ctx, id.EnvironmentID, id.ClientID)
	default:
		return nil, false, nil
	}
	if err != nil {
		if pingone.IsForbidden(err) || pingone.IsNotFound(err) {
			return nil, false, nil
		}
		return nil, false, wrap("read your own role assignments", err)
	}
	return ras, true, nil
}

func runRoleCheck(ctx context.Context, env Env, s State) (Result, error) {
	var kind, id, name string
	var actor, admin []pingone.RoleAssignment
	var adminKnown bool
	roles := s.Roles
	err := parallel(
		func() (err error) { kind, id, name, actor, err = actorAssignments(ctx, env, s); return err },
		func() (err error) { admin, adminKnown, err = adminAssignments(ctx, env); return err },
		func() (err error) {
			if roles == nil {
				roles, err = env.API.ListRoles(ctx)
			}
			return wrap("list roles", err)
		},
	)
	if err != nil {
		return nil, err
	}
	if id == "" && kind == "user" {
		f := Finding{Code: FindRoleCheckSkipped, Severity: SeverityWarning,
			Message: "The roles of the user who will sign in were not checked: no user was named, and you did not sign in as a user of the target environment.",
			Fix:     "Name the user with signInUser in the plan (or --user for doctor)."}
		return func(s *State) { s.Roles = roles; s.Findings = append(s.Findings, f) }, nil
	}
	judged := actor
	if env.DryRun {
		// Nothing was assigned, but the plan will: judge the setup the plan makes.
		judged = append(slices.Clone(actor), plannedAssignments(s, roles, kind, name)...)
	}
	rep := CheckRoles(RoleCheck{
		Roles: roles, Assignments: judged, Environment: s.Target,
		ActorKind: kind, ActorID: id, ActorName: name,
		Capabilities: capabilitiesOf(s.Plan), AdminAssignments: admin, AdminKnown: adminKnown,
		ForApplication: kind == "application", Preset: presetOf(s.Plan),
	})
	return func(s *State) {
		s.Roles = roles
		s.Report = &rep
		s.ActorAssignments = actor
		s.Findings = append(s.Findings, roleFindings(rep)...)
	}, nil
}

func capabilitiesOf(p Plan) []Capability {
	ids := p.Capabilities
	if len(ids) == 0 {
		if pr := presetOf(p); pr != nil {
			ids = pr.Capabilities
		}
	}
	var out []Capability
	for _, id := range ids {
		if c, ok := CapabilityByID(id); ok {
			out = append(out, c)
		}
	}
	return out
}

func presetOf(p Plan) *Preset {
	if pr, ok := PresetByName(p.Preset); ok {
		return &pr
	}
	return nil
}

// roleFindings turns a role report into findings with fixes.
func roleFindings(r RoleReport) []Finding {
	var out []Finding
	who := fmt.Sprintf("the %s %s", r.ActorKind, r.ActorName)
	for _, c := range r.Capabilities {
		switch c.Coverage {
		case Missing:
			out = append(out, Finding{
				Code: FindRoleMissing, Severity: SeverityError,
				Message: fmt.Sprintf("%s: %s will return HTTP 403: %s holds no role with %s in this environment", c.Title, c.Calls, who, strings.Join(missingPerms(c), ", ")),
				Fix:     fixText(r),
			})
		case PopulationOnly:
			out = append(out, Finding{
				Code: FindRolePopulationOnly, Severity: SeverityWarning,
				Message: fmt.Sprintf("%s: %s holds the role only at population scope (%s), so %s sees only that population's users", c.Title, who, viaOf(c), c.Calls),
				Fix:     fixText(r),
			})
		case Unknown:
			out = append(out, Finding{
				Code: FindPermissionUnknown, Severity: SeverityWarning,
				Message: fmt.Sprintf("%s: no role on this tenant lists %s, so whether %s works cannot be predicted", c.Title, strings.Join(unknownPerms(c), ", "), c.Calls),
				Fix:     "Try the call once the app is set up; if it returns 403, create a custom role holding the permission.",
			})
		}
	}
	if len(r.Unneeded) > 0 {
		out = append(out, Finding{
			Code: FindRoleUnneeded, Severity: SeverityWarning,
			Message: fmt.Sprintf("%s holds roles it does not need: %s (often inherited from its creator when assignActorRoles was not false)", who, strings.Join(r.Unneeded, ", ")),
			Fix:     "Remove these role assignments in the console (Applications > the app > Roles) to keep least privilege.",
		})
	}
	if r.GuideNote != "" {
		out = append(out, Finding{Code: FindGuideDiffers, Severity: SeverityInfo, Message: r.GuideNote, Fix: "Follow the roles this tool proposes; they come from PingOne's own role table."})
	}
	return out
}

func missingPerms(c CapabilityVerdict) []string {
	var out []string
	for _, p := range c.Permissions {
		if p.Coverage == Missing {
			out = append(out, p.Permission)
		}
	}
	return out
}

func unknownPerms(c CapabilityVerdict) []string {
	var out []string
	for _, p := range c.Permissions {
		if p.Coverage == Unknown {
			out = append(out, p.Permission)
		}
	}
	return out
}

func viaOf(c CapabilityVerdict) string {
	for _, p := range c.Permissions {
		if p.Via != "" {
			return p.Via
		}
	}
	return ""
}

func fixText(r RoleReport) string {
	if r.Fix == nil {
		return "No role on this tenant covers it; ask an Organization Admin for a custom role."
	}
	kind := "userRoleAssignments"
	if r.ActorKind == "application" {
		kind = "application.roleAssignments"
	}
	text := fmt.Sprintf("Assign %s at environment scope (plan: %s: %s).", strings.Join(r.Fix.Names, " + "), kind, strings.Join(r.Fix.Names, ", "))
	if !r.Fix.Grantable {
		text += " You cannot grant these yourself: ask an admin who holds Environment Admin for this environment."
	}
	return text
}

// --- fix -------------------------------------------------------------------------------------

func roleFixInputs(s *State) []Input {
	r := s.Report
	fix := r.Fix
	// The roles go in the question, so the options stay one line whatever the fix.
	label, help := "Assign them (recommended)", "Skipping leaves the connector's calls failing with HTTP 403."
	if !fix.Grantable {
		label = "Try to assign them"
		help = "Your own roles do not allow assigning these, so PingOne will probably refuse: ask an admin who holds them. " + help
	}
	return []Input{{
		Key: "fix", Kind: Select,
		Title: fmt.Sprintf("%s is missing %s. Assign %s to %s at environment scope?", r.ActorName, strings.Join(r.Missing, ", "), strings.Join(fix.Names, " + "), r.ActorName),
		Help:  help,
		Options: []Option{
			{Label: label, Value: "assign"},
			{Label: "Skip: I will fix roles myself", Value: "skip"},
		},
		Get: func(s *State) string {
			if s.FixChoice == "" {
				return "assign"
			}
			return s.FixChoice
		},
		Set: func(s *State, v string) error {
			s.FixChoice = v
			if v != "assign" {
				return nil
			}
			for _, name := range s.Report.Fix.Names {
				if s.Report.ActorKind == "application" {
					s.Plan.Application.RoleAssignments = appendUnique(s.Plan.Application.RoleAssignments, RoleAssignment{Role: name, Scope: "environment"})
				} else {
					s.Plan.UserRoleAssignments = appendUniqueUser(s.Plan.UserRoleAssignments, UserRoleAssignment{User: s.SignInUser.Username, Role: name, Scope: "environment"})
				}
			}
			return nil
		},
	}}
}

func appendUnique(list []RoleAssignment, r RoleAssignment) []RoleAssignment {
	for _, x := range list {
		if x == r {
			return list
		}
	}
	return append(list, r)
}

func appendUniqueUser(list []UserRoleAssignment, r UserRoleAssignment) []UserRoleAssignment {
	for _, x := range list {
		if x == r {
			return list
		}
	}
	return append(list, r)
}

// --- assign ----------------------------------------------------------------------------------

func roleByName(roles []pingone.Role, name string) (pingone.Role, bool) {
	for _, r := range roles {
		if strings.EqualFold(r.Name, name) {
			return r, true
		}
	}
	return pingone.Role{}, false
}

func scopeFor(s State, scope string) (pingone.RoleScope, error) {
	typ, id, err := ParseScope(scope)
	if err != nil {
		return pingone.RoleScope{}, err
	}
	switch typ {
	case pingone.ScopeTypeEnvironment:
		if id == "" {
			id = s.Target.ID
		}
	case pingone.ScopeTypeOrganization:
		if s.Target.Organization == nil || s.Target.Organization.ID == "" {
			return pingone.RoleScope{}, fmt.Errorf("the environment's organization is not known, so organization scope cannot be used")
		}
		id = s.Target.Organization.ID
	}
	return pingone.RoleScope{Type: typ, ID: id}, nil
}

// hasAssignment reports whether ras already gives role at scope.
func hasAssignment(ras []pingone.RoleAssignment, roleID string, scope pingone.RoleScope) bool {
	for _, ra := range ras {
		if ra.Role.ID == roleID && ra.Scope.ID == scope.ID && ra.Scope.Type == scope.Type {
			return true
		}
	}
	return false
}

func runAssign(ctx context.Context, env Env, s State) (Result, error) {
	roles := s.Roles
	if roles == nil {
		var err error
		if roles, err = env.API.ListRoles(ctx); err != nil {
			return nil, wrap("list roles", err)
		}
	}
	type target struct {
		kind, id, name string
		wants          []RoleAssignment
	}
	var targets []target
	if len(s.Plan.Application.RoleAssignments) > 0 {
		t := target{kind: "application", name: s.Plan.Application.Name, wants: s.Plan.Application.RoleAssignments}
		if s.App != nil {
			t.id = s.App.ID
		}
		targets = append(targets, t)
	}
	var order []string
	byUser := map[string][]RoleAssignment{}
	for _, u := range s.Plan.UserRoleAssignments {
		if _, seen := byUser[u.User]; !seen {
			order = append(order, u.User)
		}
		byUser[u.User] = append(byUser[u.User], RoleAssignment{Role: u.Role, Scope: u.Scope})
	}
	for _, name := range order {
		user := s.SignInUser
		if user == nil || (!strings.EqualFold(name, user.Username) && !strings.EqualFold(name, user.Email)) {
			var err error
			if user, err = FindUser(ctx, env.API, s.Target.ID, name); err != nil {
				return nil, err
			}
		}
		targets = append(targets, target{kind: "user", id: user.ID, name: user.Username, wants: byUser[name]})
	}
	var changes []Change
	for _, t := range targets {
		cs, err := assignAll(ctx, env, s, roles, t.kind, t.id, t.name, t.wants)
		if err != nil {
			return nil, err
		}
		changes = append(changes, cs...)
	}
	// The verify step checks the roles again: the verdict rests on what PingOne then says.
	return func(s *State) { s.Roles = roles; s.record(changes...) }, nil
}

// assignAll gives one user or app every role of wants it lacks, creating the missing
// assignments in parallel. It reads the current assignments unless the role check already did.
func assignAll(ctx context.Context, env Env, s State, roles []pingone.Role, kind, id, name string, wants []RoleAssignment) ([]Change, error) {
	envID := s.Target.ID
	have := s.ActorAssignments
	if id == "" || s.Report == nil || s.Report.ActorID != id {
		var err error
		switch {
		case id == "":
			have = nil
		case kind == "user":
			have, err = env.API.ListUserRoleAssignments(ctx, envID, id)
		default:
			have, err = env.API.ListApplicationRoleAssignments(ctx, envID, id)
		}
		if err != nil {
			return nil, wrap(fmt.Sprintf("read role assignments of %s %s", kind, name), err)
		}
	}
	object := fmt.Sprintf("%s %s", kind, name)
	changes := make([]*Change, len(wants))
	var jobs []func() error
	for i, w := range wants {
		role, ok := roleByName(roles, w.Role)
		if !ok {
			return nil, fmt.Errorf("no role named %q on this tenant", w.Role)
		}
		scope, err := scopeFor(s, w.Scope)
		if err != nil {
			return nil, err
		}
		if hasAssignment(have, role.ID, scope) {
			continue
		}
		change := Change{Step: StepAssign, Action: Created, Object: object, Field: "role", To: fmt.Sprintf("%s (%s)", role.Name, strings.ToLower(scope.Type)), Applied: !env.DryRun}
		if env.DryRun || id == "" {
			changes[i] = &change
			continue
		}
		jobs = append(jobs, func() error {
			ra := pingone.RoleAssignment{Role: pingone.Ref{ID: role.ID}, Scope: scope}
			var err error
			if kind == "user" {
				_, err = env.API.CreateUserRoleAssignment(ctx, envID, id, ra)
			} else {
				_, err = env.API.CreateApplicationRoleAssignment(ctx, envID, id, ra)
			}
			if errors.Is(err, pingone.ErrOutcomeUnknown) {
				// The response was lost: it counts only if PingOne now lists the assignment.
				err = confirmAssigned(ctx, env, kind, envID, id, role.ID, scope, err)
			}
			switch {
			case err == nil:
				changes[i] = &change
			case pingone.IsUniquenessViolation(err):
				// Already covered, e.g. by the same role at a broader scope.
			default:
				return wrap(fmt.Sprintf("assign %s to %s", role.Name, object), err)
			}
			return nil
		})
	}
	if err := parallel(jobs...); err != nil {
		return nil, err
	}
	var out []Change
	for _, c := range changes {
		if c != nil {
			out = append(out, *c)
		}
	}
	return out, nil
}

func confirmAssigned(ctx context.Context, env Env, kind, envID, id, roleID string, scope pingone.RoleScope, cause error) error {
	var have []pingone.RoleAssignment
	var err error
	if kind == "user" {
		have, err = env.API.ListUserRoleAssignments(ctx, envID, id)
	} else {
		have, err = env.API.ListApplicationRoleAssignments(ctx, envID, id)
	}
	if err == nil && hasAssignment(have, roleID, scope) {
		return nil
	}
	return cause
}

var roleCodes = map[string]bool{FindRoleCheckSkipped: true, FindRoleMissing: true, FindRolePopulationOnly: true, FindPermissionUnknown: true, FindRoleUnneeded: true, FindGuideDiffers: true}

func withoutRoleFindings(s State) State {
	var keep []Finding
	for _, f := range s.Findings {
		if !roleCodes[f.Code] {
			keep = append(keep, f)
		}
	}
	s.Findings = keep
	return s
}
