package flows

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// --- who signs in ----------------------------------------------------------------------------

// suggestionUsers is how many usernames the wizard offers as the admin types who will sign in.
const suggestionUsers = 100

// prepareSignInUser reads one page of the target's users to complete the answer as it is typed
// (the wizard only). A sign-in that may not list users just gets no suggestions.
func prepareSignInUser(ctx context.Context, env Env, s State) (Result, error) {
	if !env.Interactive || s.Plan.SignInUser != "" {
		return nil, nil
	}
	users, err := env.API.ListUsersPage(ctx, s.Target.ID, "", suggestionUsers)
	if err != nil {
		return nil, nil
	}
	names := make([]string, 0, len(users))
	for _, u := range users {
		names = append(names, u.Username)
	}
	return func(s *State) { s.UserSuggestions = names }, nil
}

func signInUserInputs(s *State) []Input {
	return []Input{{
		Key: "signInUser", Title: "Who will sign in through the app?", Kind: Text, Suggestions: s.UserSuggestions,
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

// actorRoles is what was read of one identity's roles: its own assignments, those of its groups,
// and what could not be read.
type actorRoles struct {
	kind, id, name string
	own            []pingone.RoleAssignment
	groups         []GroupRoles
	groupNames     map[string]string
	unreadable     []string
	// ownKnown is false when the identity's own assignments could not be read.
	ownKnown bool
}

// flat is every assignment the identity holds, its own and through groups.
func (a actorRoles) flat() []pingone.RoleAssignment {
	out := slices.Clone(a.own)
	for _, g := range a.groups {
		out = append(out, g.Assignments...)
	}
	return out
}

// cannotRead turns a 403 into a line of "what could not be read"; other errors stay errors.
func cannotRead(err error, what, perm string, list *[]string, mu *sync.Mutex) error {
	if err == nil {
		return nil
	}
	if pingone.IsForbidden(err) {
		mu.Lock()
		*list = append(*list, fmt.Sprintf("%s (needs %s)", what, perm))
		mu.Unlock()
		return nil
	}
	return wrap("read "+what, err)
}

// readUserRoles reads a user's own role assignments, their groups and each group's role
// assignments (a user's effective roles are the union), in two rounds of parallel reads. What the
// signed-in admin may not read is listed in unreadable instead of failing.
func readUserRoles(ctx context.Context, api API, envID, userID, username string) (actorRoles, error) {
	a := actorRoles{kind: "user", id: userID, name: username, groupNames: map[string]string{}}
	var mu sync.Mutex
	var groupIDs []string
	var groups []pingone.Group
	err := parallel(
		func() error {
			ras, err := api.ListUserRoleAssignments(ctx, envID, userID)
			a.own, a.ownKnown = ras, err == nil
			return cannotRead(err, "the role assignments of "+username, "permissions:read:userRoleAssignments", &a.unreadable, &mu)
		},
		func() (err error) {
			groupIDs, err = api.GetUserGroupIDs(ctx, envID, userID)
			if err != nil {
				groupIDs = nil
			}
			return cannotRead(err, "the groups of "+username, "dir:read:groupMembership", &a.unreadable, &mu)
		},
		func() error {
			var err error
			// Names only, for messages: without them the IDs are shown.
			if groups, err = api.ListGroups(ctx, envID, ""); pingone.IsForbidden(err) {
				return nil
			}
			return wrap("list groups", err)
		},
	)
	if err != nil {
		return a, err
	}
	for _, g := range groups {
		a.groupNames[g.ID] = g.Name
	}
	a.groups = make([]GroupRoles, len(groupIDs))
	jobs := make([]func() error, len(groupIDs))
	for i, gid := range groupIDs {
		name := cmp.Or(a.groupNames[gid], gid)
		jobs[i] = func() error {
			ras, err := api.ListGroupRoleAssignments(ctx, envID, gid)
			a.groups[i] = GroupRoles{ID: gid, Name: name, Assignments: ras}
			return cannotRead(err, "the roles of group "+name, "permissions:read:groupRoleAssignments", &a.unreadable, &mu)
		}
	}
	if err := parallel(jobs...); err != nil {
		return a, err
	}
	sort.Strings(a.unreadable)
	return a, nil
}

// actorRolesOf reads the roles of the actor whose roles PingOne will check: the signing-in user
// (user grants) or the app (client credentials).
func actorRolesOf(ctx context.Context, env Env, s State) (actorRoles, error) {
	if RolesGoToFor(s.Plan.Application.GrantTypes) == RolesToUser {
		if s.SignInUser == nil {
			return actorRoles{kind: "user"}, nil
		}
		// The user was found in the target environment; assignAll writes there too.
		return readUserRoles(ctx, env.API, s.Target.ID, s.SignInUser.ID, s.SignInUser.Username)
	}
	a := actorRoles{kind: "application", name: s.Plan.Application.Name}
	if s.App == nil || s.App.ID == "" {
		return a, nil
	}
	a.id, a.name = s.App.ID, s.App.Name
	ras, err := env.API.ListApplicationRoleAssignments(ctx, s.Target.ID, s.App.ID)
	a.own, a.ownKnown = ras, err == nil
	var mu sync.Mutex
	return a, cannotRead(err, "the role assignments of the application", "permissions:read:applicationRoleAssignments", &a.unreadable, &mu)
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

// adminAssignments reads the roles of whoever runs the setup (their own and their groups'), to
// know which roles they may grant. Anything unreadable means "unknown", not failure: the fix is
// then offered as advice.
func adminAssignments(ctx context.Context, env Env) ([]pingone.RoleAssignment, bool, error) {
	id := env.Identity
	switch {
	case id.UserID != "":
		a, err := readUserRoles(ctx, env.API, id.EnvironmentID, id.UserID, cmp.Or(id.Username, "you"))
		if err != nil {
			if pingone.IsNotFound(err) {
				return nil, false, nil
			}
			return nil, false, err
		}
		return a.flat(), a.ownKnown, nil
	case id.ClientID != "":
		ras, err := env.API.ListApplicationRoleAssignments(ctx, id.EnvironmentID, id.ClientID)
		if err != nil {
			if pingone.IsForbidden(err) || pingone.IsNotFound(err) {
				return nil, false, nil
			}
			return nil, false, wrap("read your own role assignments", err)
		}
		return ras, true, nil
	}
	return nil, false, nil
}

func runRoleCheck(ctx context.Context, env Env, s State) (Result, error) {
	var actor actorRoles
	var admin []pingone.RoleAssignment
	var adminKnown bool
	roles := s.Roles
	err := parallel(
		func() (err error) { actor, err = actorRolesOf(ctx, env, s); return err },
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
	if actor.id == "" && actor.kind == "user" {
		f := Finding{Code: FindRoleCheckSkipped, Severity: SeverityWarning,
			Message: "The roles of the user who will sign in were not checked: no user was named, and you did not sign in as a user of the target environment.",
			Fix:     "Name the user with signInUser in the plan (or --user for doctor)."}
		return func(s *State) { s.Roles = roles; s.Findings = append(s.Findings, f) }, nil
	}
	judged := actor.own
	if env.DryRun {
		// Nothing was assigned, but the plan will: judge the setup the plan makes.
		judged = append(slices.Clone(actor.own), plannedAssignments(s, roles, actor.kind, actor.name)...)
	}
	rep := CheckRoles(RoleCheck{
		Roles: roles, Assignments: judged, Groups: actor.groups, Unreadable: actor.unreadable, GroupNames: actor.groupNames,
		Environment: s.Target, ActorKind: actor.kind, ActorID: actor.id, ActorName: actor.name,
		Capabilities: capabilitiesOf(s.Plan), App: s.App, GrantedScopes: s.GrantedScopes, WantScopes: s.Plan.Application.Scopes,
		AdminAssignments: admin, AdminKnown: adminKnown,
		ForApplication: actor.kind == "application", Preset: presetOf(s.Plan),
	})
	return func(s *State) {
		s.Roles = roles
		s.Report = &rep
		s.ActorAssignments = actor.own
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
	for _, g := range r.Gates {
		if g.Coverage == Covered {
			continue
		}
		switch {
		case g.ID == GateAdminOnly && g.Coverage == Missing:
			out = append(out, Finding{Code: FindAdminOnlyGate, Severity: SeverityError,
				Message: fmt.Sprintf("%s will be refused at sign-in: %s", r.ActorName, g.Detail), Fix: fixText(r)})
		case g.ID == GateGroupPolicy && g.Coverage == Missing:
			out = append(out, Finding{Code: FindGroupPolicyGate, Severity: SeverityError,
				Message: fmt.Sprintf("%s will be refused at sign-in: %s", r.ActorName, g.Detail),
				Fix:     fmt.Sprintf("Add %s to one of the app's groups (console: Directory > Groups), or change application.accessControl.group.", r.ActorName)})
		case g.Coverage == CannotTell:
			out = append(out, Finding{Code: FindRoleCannotTell, Severity: SeverityWarning,
				Message: fmt.Sprintf("%s: cannot tell whether PingOne lets %s in: %s", g.Title, r.ActorName, g.Detail),
				Fix:     "Run the check as an admin who can read users' groups and group roles (Identity Data Admin), or sign in as the user once to prove it."})
		}
	}
	for _, c := range r.Capabilities {
		switch c.Coverage {
		case Missing:
			out = append(out, Finding{
				Code: FindRoleMissing, Severity: SeverityError,
				Message: fmt.Sprintf("%s: %s will return HTTP 403: %s holds no role with %s in this environment", c.Title, c.Calls, who, strings.Join(permsWith(c, Missing), ", ")),
				Fix:     fixText(r),
			})
		case PopulationOnly:
			out = append(out, Finding{
				Code: FindRolePopulationOnly, Severity: SeverityWarning,
				Message: fmt.Sprintf("%s: %s holds the role only at population scope (%s), so %s sees only that population's users", c.Title, who, viaOf(c), c.Calls),
				Fix:     fixText(r),
			})
		case Pending:
			out = append(out, Finding{
				Code: FindRolePending, Severity: SeverityWarning,
				Message: fmt.Sprintf("%s: the roles are assigned, but PingOne has not applied them yet: %s still returns HTTP 403", c.Title, c.Calls),
				Fix:     "Wait a few minutes, then check again with pingone-setup doctor.",
			})
		case CannotTell:
			if unknown := permsWithReason(c, "no role on this tenant lists"); len(unknown) > 0 {
				out = append(out, Finding{
					Code: FindPermissionUnknown, Severity: SeverityWarning,
					Message: fmt.Sprintf("%s: no role on this tenant lists %s, so whether %s works cannot be predicted", c.Title, strings.Join(unknown, ", "), c.Calls),
					Fix:     "Try the call once the app is set up; if it returns 403, create a custom role holding the permission.",
				})
				continue
			}
			out = append(out, Finding{
				Code: FindRoleCannotTell, Severity: SeverityWarning,
				Message: fmt.Sprintf("%s: cannot tell whether %s works: %s holds no role of its own with %s, and %s", c.Title, c.Calls, who,
					strings.Join(permsWith(c, CannotTell), ", "), reasonOf(c)),
				Fix: "Run the check as an admin who can read users' groups and group roles (Identity Data Admin), or prove it with a real call.",
			})
		}
	}
	if len(r.ViaGroups) > 0 {
		out = append(out, Finding{Code: FindRoleViaGroup, Severity: SeverityInfo,
			Message: fmt.Sprintf("%s holds roles through groups: %s", who, strings.Join(r.ViaGroups, "; ")),
			Fix:     "Nothing to do; removing the user from the group removes these roles."})
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

func permsWith(c CapabilityVerdict, cov Coverage) []string {
	var out []string
	for _, p := range c.Permissions {
		if p.Coverage == cov {
			out = append(out, p.Permission)
		}
	}
	return out
}

func permsWithReason(c CapabilityVerdict, prefix string) []string {
	var out []string
	for _, p := range c.Permissions {
		if p.Coverage == CannotTell && strings.HasPrefix(p.Reason, prefix) {
			out = append(out, p.Permission)
		}
	}
	return out
}

func reasonOf(c CapabilityVerdict) string {
	for _, p := range c.Permissions {
		if p.Reason != "" {
			return p.Reason
		}
	}
	return ""
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
	text := fmt.Sprintf("Assign %s at environment scope (plan: roles: fix, or %s: %s).", strings.Join(r.Fix.Names, " + "), kind, strings.Join(r.Fix.Names, ", "))
	if r.Fix.OpensAdminOnly {
		text += " It includes a role that admin-only access admits."
	}
	if !r.Fix.Grantable {
		text += " " + askAdminText(r)
	}
	if alt := r.AdminOnlyOff; alt != nil {
		text += " " + adminOnlyOffText(r)
	}
	return text
}

// askAdminText says who can grant the fix when the admin running the setup cannot.
func askAdminText(r RoleReport) string {
	return fmt.Sprintf("You cannot grant these yourself: ask an admin who holds Environment Admin for this environment to assign %s to %s at environment scope (or to run this tool).",
		strings.Join(r.Fix.Names, " + "), r.ActorName)
}

// adminOnlyOffText states the honest alternative to a role that opens the admin-only gate.
func adminOnlyOffText(r RoleReport) string {
	alt := r.AdminOnlyOff
	roles := "no role at all"
	if len(alt.Names) > 0 {
		roles = strings.Join(alt.Names, " + ")
	}
	return fmt.Sprintf("Alternative: turn admin-only access off (application.adminOnly: false) and assign %s; the trade: any user of the environment could then sign in to this app, limited only by their own roles.", roles)
}

// --- fix -------------------------------------------------------------------------------------

// Fix choices.
const (
	FixAssign       = "assign"
	FixAdminOnlyOff = "admin-only-off"
	FixSkip         = "skip"
)

func roleFixInputs(s *State) []Input {
	r := s.Report
	fix := r.Fix
	opts := []Option{}
	help := "Skipping leaves the connector failing: " + skipCost(r)
	if fix != nil {
		// The roles go in the question, so the options stay one line whatever the fix.
		label := "Assign them (recommended)"
		if !fix.Grantable {
			label = "Try to assign them"
			help = askAdminText(*r) + " " + help
		}
		opts = append(opts, Option{Label: label, Value: FixAssign})
	}
	if alt := r.AdminOnlyOff; alt != nil {
		// One line per option: the roles and the trade go in the help.
		opts = append(opts, Option{Label: "Turn admin-only access off instead", Value: FixAdminOnlyOff})
		roles := "no role"
		if len(alt.Names) > 0 {
			roles = "only " + strings.Join(alt.Names, " + ")
		}
		help += fmt.Sprintf(" Or turn admin-only access off and assign %s: any user of the environment could then sign in to this app.", roles)
	}
	opts = append(opts, Option{Label: "Skip: I will fix roles myself", Value: FixSkip})
	return []Input{{
		Key: "fix", Kind: Select, Title: fixQuestion(r), Help: help, Options: opts,
		Get: func(s *State) string { return cmp.Or(s.FixChoice, opts[0].Value) },
		Set: func(s *State, v string) error { s.FixChoice = v; chooseFix(s, v); return nil },
	}}
}

func fixQuestion(r *RoleReport) string {
	var lacks []string
	if len(r.Missing) > 0 {
		lacks = append(lacks, strings.Join(r.Missing, ", "))
	}
	if g, ok := r.Gate(GateAdminOnly); ok && g.Coverage == Missing {
		lacks = append(lacks, "an admin role that admin-only access admits")
	}
	q := fmt.Sprintf("%s is missing %s.", r.ActorName, strings.Join(lacks, " and "))
	if r.Fix != nil {
		q += fmt.Sprintf(" Assign %s to %s at environment scope?", strings.Join(r.Fix.Names, " + "), r.ActorName)
	}
	return q
}

func skipCost(r *RoleReport) string {
	if g, ok := r.Gate(GateAdminOnly); ok && g.Coverage == Missing {
		return "PingOne refuses the user's sign-in (access_denied)."
	}
	return "its calls return HTTP 403."
}

// chooseFix writes the chosen fix into the plan: the assign step then makes it so.
func chooseFix(s *State, choice string) {
	var names []string
	switch choice {
	case FixAssign:
		if s.Report.Fix != nil {
			names = s.Report.Fix.Names
		}
	case FixAdminOnlyOff:
		s.Plan.Application.AdminOnly = Bool(false)
		names = s.Report.AdminOnlyOff.Names
	default:
		return
	}
	for _, name := range names {
		if s.Report.ActorKind == "application" {
			s.Plan.Application.RoleAssignments = appendUnique(s.Plan.Application.RoleAssignments, RoleAssignment{Role: name, Scope: "environment"})
		} else {
			s.Plan.UserRoleAssignments = appendUniqueUser(s.Plan.UserRoleAssignments, UserRoleAssignment{User: s.SignInUser.Username, Role: name, Scope: "environment"})
		}
	}
}

// runRoleFix applies the proposed fix without asking when the plan says `roles: fix` (apply);
// the wizard asks instead.
func runRoleFix(ctx context.Context, env Env, s State) (Result, error) {
	if env.Interactive || s.Plan.Roles != RolesFix || s.Report.Fix == nil {
		return nil, nil
	}
	if !s.Report.Fix.Grantable {
		return nil, fmt.Errorf("roles: fix: %s", askAdminText(*s.Report))
	}
	return func(s *State) { s.FixChoice = FixAssign; chooseFix(s, FixAssign) }, nil
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

// checkRoleNames finds every role the plan names among the tenant's before anything is written:
// a name that matches none is a problem of its field, with the closest name when one is close.
func checkRoleNames(ctx context.Context, api API, s State) error {
	p := s.Plan
	if len(p.Application.RoleAssignments) == 0 && len(p.UserRoleAssignments) == 0 {
		return nil
	}
	roles := s.Roles
	if roles == nil {
		var err error
		if roles, err = api.ListRoles(ctx); err != nil {
			return wrap("list roles", err)
		}
	}
	var names []string
	for _, r := range roles {
		names = append(names, r.Name)
	}
	var problems []Problem
	var pops map[string]bool // the target environment's populations, read once if a scope names one
	popsUnknown := false
	check := func(field, name, scope string) {
		if _, ok := roleByName(roles, name); !ok {
			problems = append(problems, Problem{Field: field + ".role", Message: fmt.Sprintf("no role named %q on this tenant%s", name, suggest(name, names))})
		}
		typ, id, err := ParseScope(scope)
		if err != nil || typ != pingone.ScopeTypePopulation {
			return
		}
		if pops == nil {
			pops = map[string]bool{}
			list, err := api.ListPopulations(ctx, s.Target.ID)
			if err != nil {
				popsUnknown = true // cannot tell: PingOne will say at the assignment
			}
			for _, p := range list {
				pops[strings.ToLower(p.ID)] = true
			}
		}
		if !popsUnknown && !pops[strings.ToLower(id)] {
			problems = append(problems, Problem{Field: field + ".scope", Message: fmt.Sprintf("no population %s in the target environment: give the ID of one of its populations", id)})
		}
	}
	for i, r := range p.Application.RoleAssignments {
		check(fmt.Sprintf("application.roleAssignments[%d]", i), r.Role, r.Scope)
	}
	for i, r := range p.UserRoleAssignments {
		check(fmt.Sprintf("userRoleAssignments[%d]", i), r.Role, r.Scope)
	}
	if len(problems) > 0 {
		return &PlanError{Problems: problems}
	}
	return nil
}

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
	var access Result
	if s.FixChoice == FixAdminOnlyOff {
		// The admin chose to open the app to every user instead of granting an admin role.
		var err error
		if access, err = fieldStep(StepAccess, accessFields)(ctx, env, s); err != nil {
			return nil, err
		}
		if access != nil {
			access(&s)
		}
	}
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
	var created []LedgerEntry
	for _, t := range targets {
		cs, made, err := assignAll(ctx, env, s, roles, t.kind, t.id, t.name, t.wants)
		if err != nil {
			return nil, err
		}
		changes, created = append(changes, cs...), append(created, made...)
	}
	apply := func(s *State) {
		if access != nil {
			access(s)
		}
		s.Roles = roles
		s.record(changes...)
		s.Created = append(s.Created, created...)
	}
	if env.DryRun {
		// Judge the setup the plan makes, with the roles it now assigns.
		next := s
		apply(&next)
		recheck, err := runRoleCheck(ctx, env, withoutRoleFindings(next))
		if err != nil {
			return nil, err
		}
		return func(s *State) { apply(s); *s = withoutRoleFindings(*s); recheck(s) }, nil
	}
	// The verify step checks the roles again: the verdict rests on what PingOne then says.
	return apply, nil
}

// assignAll gives one user or app every role of wants it lacks, creating the missing
// assignments in parallel. It reads the current assignments unless the role check already did.
func assignAll(ctx context.Context, env Env, s State, roles []pingone.Role, kind, id, name string, wants []RoleAssignment) ([]Change, []LedgerEntry, error) {
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
			return nil, nil, wrap(fmt.Sprintf("read role assignments of %s %s", kind, name), err)
		}
	}
	object := fmt.Sprintf("%s %s", kind, name)
	changes := make([]*Change, len(wants))
	made := make([]*LedgerEntry, len(wants))
	var jobs []func() error
	for i, w := range wants {
		role, ok := roleByName(roles, w.Role)
		if !ok {
			return nil, nil, fmt.Errorf("no role named %q on this tenant", w.Role)
		}
		scope, err := scopeFor(s, w.Scope)
		if err != nil {
			return nil, nil, err
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
			got, err := createLooking(ctx, env,
				func() (*pingone.RoleAssignment, error) {
					if kind == "user" {
						return env.API.CreateUserRoleAssignment(ctx, envID, id, ra)
					}
					return env.API.CreateApplicationRoleAssignment(ctx, envID, id, ra)
				},
				func() (*pingone.RoleAssignment, bool, error) {
					// The response was lost: it counts only if PingOne now lists the assignment.
					return findAssignment(ctx, env, kind, envID, id, role.ID, scope)
				})
			switch {
			case err == nil:
				changes[i] = &change
				kindOf := map[string]string{"user": CreatedUserRoleAssignment, "application": CreatedAppRoleAssignment}[kind]
				made[i] = &LedgerEntry{Kind: kindOf, ID: got.ID, ParentID: id, Name: fmt.Sprintf("%s (%s) for %s", role.Name, strings.ToLower(scope.Type), name), At: time.Now().UTC()}
			case pingone.IsUniquenessViolation(err):
				// Already covered, e.g. by the same role at a broader scope.
			default:
				return wrap(fmt.Sprintf("assign %s to %s", role.Name, object), err)
			}
			return nil
		})
	}
	if err := parallel(jobs...); err != nil {
		return nil, nil, err
	}
	var out []Change
	for _, c := range changes {
		if c != nil {
			out = append(out, *c)
		}
	}
	var created []LedgerEntry
	for _, c := range made {
		if c != nil {
			created = append(created, *c)
		}
	}
	return out, created, nil
}

func findAssignment(ctx context.Context, env Env, kind, envID, id, roleID string, scope pingone.RoleScope) (*pingone.RoleAssignment, bool, error) {
	var have []pingone.RoleAssignment
	var err error
	if kind == "user" {
		have, err = env.API.ListUserRoleAssignments(ctx, envID, id)
	} else {
		have, err = env.API.ListApplicationRoleAssignments(ctx, envID, id)
	}
	if err != nil {
		return nil, false, err
	}
	for _, ra := range have {
		if ra.Role.ID == roleID && ra.Scope.ID == scope.ID && ra.Scope.Type == scope.Type {
			return &ra, true, nil
		}
	}
	return nil, false, nil
}

var roleCodes = map[string]bool{FindRoleCheckSkipped: true, FindRoleMissing: true, FindRolePopulationOnly: true, FindPermissionUnknown: true,
	FindRoleUnneeded: true, FindGuideDiffers: true, FindAdminOnlyGate: true, FindGroupPolicyGate: true, FindRoleViaGroup: true,
	FindRoleCannotTell: true, FindRolePending: true, FindVerifyFailed: true}

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
