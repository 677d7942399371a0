package flows

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// canAssign is PingOne's rule of which built-in role may assign which (pingone-api.md §6, from
// Ping's "roles and permissions" reference). GET /roles does not return it for built-in roles, so
// it is the one role fact compiled in; custom roles carry their own canAssign list. A role not
// listed here assigns nothing.
var canAssign = map[string]func(target string) bool{
	"Organization Admin": func(t string) bool { return t == "Environment Admin" },
	"Environment Admin":  func(t string) bool { return t != "Organization Admin" },
	"Identity Data Admin": func(t string) bool {
		return slices.Contains([]string{"Identity Data Admin", "Identity Data Read Only", "Help Desk Admin"}, t)
	},
	"DaVinci Admin": func(t string) bool { return t == "DaVinci Admin" || t == "DaVinci Admin Read Only" },
}

// readOnlyOf names the role whose read-only variant each read-only built-in role is: holding the
// parent lets an admin assign the variant (pingone-api.md §6).
var readOnlyOf = map[string]string{
	"Identity Data Read Only": "Identity Data Admin",
	"Configuration Read Only": "Environment Admin",
	"DaVinci Admin Read Only": "DaVinci Admin",
}

// Coverage is how well an actor's roles cover one permission in the target environment.
type Coverage string

// Coverage values.
const (
	// Covered: some assigned role holds the permission at a scope covering the environment.
	Covered Coverage = "covered"
	// PopulationOnly: held only at population scope, so calls see only that population's users.
	PopulationOnly Coverage = "population-only"
	// Missing: no assignment covers it; the call returns HTTP 403.
	Missing Coverage = "missing"
	// CannotTell: something the verdict needs could not be read (the actor's groups, a group's
	// roles, or no role on this tenant lists the permission), so it is not known either way.
	CannotTell Coverage = "cannot-tell"
	// Pending: assigned, but PingOne has not applied it yet (calls still return 403).
	Pending Coverage = "pending"
)

// PermissionVerdict is the verdict on one permission.
type PermissionVerdict struct {
	Permission string   `json:"permission"`
	Coverage   Coverage `json:"coverage"`
	// Via names the role and scope that cover it, e.g. "Identity Data Admin (environment)", and
	// the group it comes from, e.g. "… via group Connector Admins".
	Via string `json:"via,omitempty"`
	// Reason says why it cannot be told, or what is pending.
	Reason string `json:"reason,omitempty"`
}

// CapabilityVerdict is the verdict on one capability of the connector.
type CapabilityVerdict struct {
	Capability  Capability          `json:"-"`
	ID          string              `json:"capability"`
	Title       string              `json:"title"`
	Calls       string              `json:"calls"`
	Coverage    Coverage            `json:"coverage"`
	Permissions []PermissionVerdict `json:"permissions"`
}

// Gate ids: what PingOne checks when the user signs in to the app (or the app asks for a token),
// before any Management API call is authorised.
const (
	GateEnabled     = "app-enabled"
	GateAdminOnly   = "admin-only"
	GateGroupPolicy = "group-policy"
	GateGrant       = "grant-type"
	GateScopes      = "scopes"
)

// AdminOnlyRoles are the roles PingOne's admin-only access (accessControl.role.type
// ADMIN_USERS_ONLY) admits: the console's Access tab lists exactly these four. Read-only roles,
// Help Desk and custom roles do not open the gate. [unconfirmed] which scope counts: the verdict
// asks for one covering the app's environment (organization or environment scope).
var AdminOnlyRoles = []string{"Organization Admin", "Environment Admin", "Identity Data Admin", "Client Application Developer"}

// GateVerdict is the verdict on one gate: Covered means it passes, Missing that PingOne will refuse.
type GateVerdict struct {
	ID       string   `json:"gate"`
	Title    string   `json:"title"`
	Coverage Coverage `json:"coverage"`
	// Detail says why, in words: which role opens it and from where, or what is lacking.
	Detail string `json:"detail"`
}

// RoleFix is the smallest set of roles that covers what is missing and opens every gate roles
// can open.
type RoleFix struct {
	Roles []pingone.Role `json:"-"`
	Names []string       `json:"roles"`
	// ScopeType and ScopeID are where to assign them: the target environment.
	ScopeType string `json:"scopeType"`
	ScopeID   string `json:"scopeId"`
	// Grantable is false when the admin running the setup may not assign these roles.
	Grantable bool `json:"grantable"`
	// Covers lists the missing permissions the fix covers; anything missing but not listed cannot
	// be covered by any role on this tenant.
	Covers []string `json:"covers"`
	// OpensAdminOnly is true when the fix includes a role that opens the admin-only gate.
	OpensAdminOnly bool `json:"opensAdminOnly,omitempty"`
}

// RoleReport is the role check's verdict for one actor (the signing-in user or the app).
type RoleReport struct {
	ActorKind     string              `json:"actorKind"` // "user" or "application"
	ActorID       string              `json:"actorId"`
	ActorName     string              `json:"actorName"`
	EnvironmentID string              `json:"environmentId"`
	Capabilities  []CapabilityVerdict `json:"capabilities"`
	Gates         []GateVerdict       `json:"gates,omitempty"`
	Missing       []string            `json:"missing,omitempty"`
	Fix           *RoleFix            `json:"fix,omitempty"`
	// AdminOnlyOff is the honest alternative when the admin-only gate is what fails: the roles
	// needed if admin-only access were turned off (possibly none).
	AdminOnlyOff *RoleFix `json:"adminOnlyOff,omitempty"`
	// Unreadable lists what could not be read, each with the permission needed to read it; while
	// it is not empty, nothing it could have covered is called missing.
	Unreadable []string `json:"unreadable,omitempty"`
	// ViaGroups lists roles held through groups, e.g. "Identity Data Admin (environment) via group Connector Admins".
	ViaGroups []string `json:"viaGroups,omitempty"`
	// Unneeded lists held role assignments that give nothing the connector needs (over-privilege).
	Unneeded []string `json:"unneeded,omitempty"`
	// GuideNote says where the vendor's guide differs from PingOne's role table.
	GuideNote string `json:"guideNote,omitempty"`
}

// OK reports whether every capability is covered and every gate passes: nothing missing,
// partial, pending or unknown.
func (r RoleReport) OK() bool {
	for _, c := range r.Capabilities {
		if c.Coverage != Covered {
			return false
		}
	}
	for _, g := range r.Gates {
		if g.Coverage != Covered {
			return false
		}
	}
	return true
}

// Gate returns the verdict on gate id, if it was judged.
func (r RoleReport) Gate(id string) (GateVerdict, bool) {
	for _, g := range r.Gates {
		if g.ID == id {
			return g, true
		}
	}
	return GateVerdict{}, false
}

func (r RoleReport) hasCoverage(c Coverage) bool {
	for _, cv := range r.Capabilities {
		if cv.Coverage == c {
			return true
		}
	}
	return false
}

// GroupRoles are the role assignments a group gives its members.
type GroupRoles struct {
	ID          string
	Name        string
	Assignments []pingone.RoleAssignment
}

// RoleCheck is the input of CheckRoles: everything is read from the live tenant beforehand.
type RoleCheck struct {
	// Roles is GET /roles (built-in) plus any custom roles.
	Roles []pingone.Role
	// Assignments are the actor's own role assignments, all pages.
	Assignments []pingone.RoleAssignment
	// Groups are the groups the user belongs to, with their role assignments: a user's effective
	// roles are their own plus those of every group they belong to.
	Groups []GroupRoles
	// Unreadable lists what could not be read (e.g. "the groups of jdoe (needs
	// dir:read:groupMembership)"): permissions the actor's own roles do not cover are then
	// "cannot tell", never "missing".
	Unreadable []string
	// GroupNames names groups by ID (those of the app's group policy), for messages.
	GroupNames map[string]string
	// Environment is the target environment (its organization decides organization scope).
	Environment pingone.Environment
	ActorKind   string
	ActorID     string
	ActorName   string
	// Capabilities are the connector's needs.
	Capabilities []Capability
	// App, when set, is judged for the gates PingOne applies at sign-in.
	App *pingone.Application
	// GrantedScopes are the scope names granted to the app; WantScopes those the connector asks
	// for. GrantedScopes nil means not known (the scopes gate is then not judged).
	GrantedScopes, WantScopes []string
	// AdminAssignments are the role assignments of whoever will apply the fix; nil means unknown.
	AdminAssignments []pingone.RoleAssignment
	// AdminKnown tells AdminAssignments nil from "the admin holds no role".
	AdminKnown bool
	// ForApplication excludes roles PingOne will not give to a worker (the DaVinci roles).
	ForApplication bool
	// Preset, when set, is checked for a vendor guide claim.
	Preset *Preset
}

// held is one role assignment the actor holds, its own or through a group.
type held struct {
	ra    pingone.RoleAssignment
	group string // the group's name; "" for the actor's own assignment
}

func (h held) describe(r pingone.Role) string {
	d := describe(r, h.ra.Scope)
	if h.group != "" {
		d += " via group " + h.group
	}
	return d
}

func effective(in RoleCheck) []held {
	out := make([]held, 0, len(in.Assignments))
	for _, ra := range in.Assignments {
		out = append(out, held{ra: ra})
	}
	for _, g := range in.Groups {
		name := g.Name
		if name == "" {
			name = g.ID
		}
		for _, ra := range g.Assignments {
			out = append(out, held{ra: ra, group: name})
		}
	}
	return out
}

// CheckRoles decides, per capability, whether the actor's calls will be authorised in the target
// environment and, per gate, whether PingOne will let the actor in at all; it finds the smallest
// set of roles that fixes what is missing. It reads only its input: roles' permissions come from
// the live tenant. Nothing is rounded up: what cannot be read is "cannot tell".
func CheckRoles(in RoleCheck) RoleReport {
	byID := map[string]pingone.Role{}
	listed := map[string]bool{}
	for _, r := range in.Roles {
		byID[r.ID] = r
		for _, p := range r.Permissions {
			listed[p.ID] = true
		}
	}
	all := effective(in)
	rep := RoleReport{ActorKind: in.ActorKind, ActorID: in.ActorID, ActorName: in.ActorName, EnvironmentID: in.Environment.ID,
		Unreadable: in.Unreadable}
	unreadable := strings.Join(in.Unreadable, "; ")
	needed := map[string]bool{}
	missing := map[string]bool{}
	for _, c := range in.Capabilities {
		cv := CapabilityVerdict{Capability: c, ID: c.ID, Title: c.Title, Calls: c.Calls, Coverage: Covered}
		for _, perm := range c.Permissions {
			needed[perm] = true
			pv := PermissionVerdict{Permission: perm, Coverage: Missing}
			for _, h := range all {
				role, ok := byID[h.ra.Role.ID]
				if !ok || !holds(role, perm) {
					continue
				}
				switch scopeCovers(h.ra.Scope, in.Environment) {
				case Covered:
					pv.Coverage, pv.Via = Covered, h.describe(role)
				case PopulationOnly:
					if pv.Coverage != Covered && strings.HasPrefix(perm, "dir:") {
						pv.Coverage, pv.Via = PopulationOnly, h.describe(role)
					}
				}
				if pv.Coverage == Covered {
					break
				}
			}
			switch {
			case pv.Coverage == Covered:
			case !listed[perm]:
				pv.Coverage, pv.Reason = CannotTell, "no role on this tenant lists "+perm
			case unreadable != "":
				pv.Coverage, pv.Reason = CannotTell, "could not read "+unreadable
			}
			if pv.Coverage == Missing || pv.Coverage == PopulationOnly {
				missing[perm] = true
			}
			cv.Permissions = append(cv.Permissions, pv)
			cv.Coverage = worse(cv.Coverage, pv.Coverage)
		}
		rep.Capabilities = append(rep.Capabilities, cv)
	}
	rep.Gates = gates(in, byID, all)
	rep.Missing = sortedKeys(missing)
	adminGate, _ := rep.Gate(GateAdminOnly)
	needAdmin := adminGate.Coverage == Missing
	if len(rep.Missing) > 0 || needAdmin {
		rep.Fix = solveFix(in, all, rep.Missing, needAdmin)
		if needAdmin {
			rep.AdminOnlyOff = solveFix(in, all, rep.Missing, false)
			if rep.AdminOnlyOff == nil && len(rep.Missing) == 0 {
				rep.AdminOnlyOff = &RoleFix{ScopeType: pingone.ScopeTypeEnvironment, ScopeID: in.Environment.ID, Grantable: true}
			}
		}
	}
	for _, h := range all {
		if role, ok := byID[h.ra.Role.ID]; ok && h.group != "" {
			rep.ViaGroups = append(rep.ViaGroups, h.describe(role))
		}
	}
	rep.Unneeded = unneeded(in, byID, needed)
	rep.GuideNote = guideNote(in, byID, needed)
	return rep
}

// gates judges what PingOne checks before it authorises any call: the app is enabled, it allows
// the actor's grant type, it grants the scopes asked for, and for a user: the admin-only role
// list and the group membership policy.
func gates(in RoleCheck, byID map[string]pingone.Role, all []held) []GateVerdict {
	app := in.App
	if app == nil {
		return nil
	}
	var out []GateVerdict
	add := func(id, title string, ok bool, yes, no string) {
		g := GateVerdict{ID: id, Title: title, Coverage: Covered, Detail: yes}
		if !ok {
			g.Coverage, g.Detail = Missing, no
		}
		out = append(out, g)
	}
	add(GateEnabled, "App enabled", app.Enabled, "the app is enabled",
		"the app is disabled: every sign-in and token request fails with invalid_client")
	user := in.ActorKind != "application"
	if user {
		ok := slices.ContainsFunc(app.GrantTypes, func(g string) bool {
			return g == pingone.GrantAuthorizationCode || g == pingone.GrantDeviceCode || g == pingone.GrantImplicit
		})
		add(GateGrant, "User sign-in grant", ok, "the app allows a user sign-in ("+strings.Join(app.GrantTypes, ", ")+")",
			"the app has no user sign-in grant (AUTHORIZATION_CODE or DEVICE_CODE)")
	} else {
		add(GateGrant, "Client credentials grant", slices.Contains(app.GrantTypes, pingone.GrantClientCredentials),
			"the app allows CLIENT_CREDENTIALS", "the app has no CLIENT_CREDENTIALS grant: its token request fails with unauthorized_client")
	}
	if len(in.WantScopes) > 0 && in.GrantedScopes != nil {
		var lack []string
		for _, w := range in.WantScopes {
			if !slices.Contains(in.GrantedScopes, w) {
				lack = append(lack, w)
			}
		}
		add(GateScopes, "Scopes granted", len(lack) == 0, "the app is granted "+strings.Join(in.WantScopes, ", "),
			"the app is not granted "+strings.Join(lack, ", ")+": a sign-in asking for it fails with invalid_scope")
	}
	if !user {
		return out
	}
	ac := app.AccessControl
	if ac != nil && ac.Role != nil && ac.Role.Type == pingone.AccessControlAdminUsersOnly {
		out = append(out, adminOnlyGate(in, byID, all))
	}
	if ac != nil && ac.Group != nil && len(ac.Group.Groups) > 0 {
		out = append(out, groupPolicyGate(in, ac.Group))
	}
	return out
}

func adminOnlyGate(in RoleCheck, byID map[string]pingone.Role, all []held) GateVerdict {
	g := GateVerdict{ID: GateAdminOnly, Title: "Admin-only access"}
	var partial string
	for _, h := range all {
		role, ok := byID[h.ra.Role.ID]
		if !ok || !slices.Contains(AdminOnlyRoles, role.Name) {
			continue
		}
		if scopeCovers(h.ra.Scope, in.Environment) == Covered {
			g.Coverage, g.Detail = Covered, fmt.Sprintf("%s holds %s, which admin-only access admits", in.ActorName, h.describe(role))
			return g
		}
		partial = h.describe(role)
	}
	who := in.ActorName
	switch {
	case len(in.Unreadable) > 0:
		g.Coverage = CannotTell
		g.Detail = fmt.Sprintf("%s holds none of %s of their own, and whether a group gives one cannot be told: could not read %s",
			who, strings.Join(AdminOnlyRoles, ", "), strings.Join(in.Unreadable, "; "))
	default:
		g.Coverage = Missing
		g.Detail = fmt.Sprintf("the app admits administrators only, and %s holds none of %s for this environment: PingOne refuses the sign-in (access_denied)",
			who, strings.Join(AdminOnlyRoles, ", "))
		if partial != "" {
			g.Detail += fmt.Sprintf(" (%s does not count: it does not cover the environment)", partial)
		}
	}
	return g
}

func groupPolicyGate(in RoleCheck, pol *pingone.AccessControlGroup) GateVerdict {
	g := GateVerdict{ID: GateGroupPolicy, Title: "Group membership policy"}
	member := map[string]string{}
	for _, gr := range in.Groups {
		member[gr.ID] = gr.Name
	}
	if len(in.Unreadable) > 0 {
		g.Coverage = CannotTell
		g.Detail = "the app admits members of certain groups only, and " + in.ActorName + "'s groups could not be read: " + strings.Join(in.Unreadable, "; ")
		return g
	}
	var in_, out []string
	for _, ref := range pol.Groups {
		if name, ok := member[ref.ID]; ok {
			in_ = append(in_, cmp.Or(name, ref.ID))
		} else {
			out = append(out, cmp.Or(in.GroupNames[ref.ID], ref.ID))
		}
	}
	pass := len(in_) > 0
	if pol.Type == "ALL_GROUPS" {
		pass = len(out) == 0
	}
	if pass {
		g.Coverage, g.Detail = Covered, fmt.Sprintf("%s is a member of %s (%s)", in.ActorName, strings.Join(in_, ", "), pol.Type)
		return g
	}
	g.Coverage = Missing
	g.Detail = fmt.Sprintf("the app admits only members of %s of its groups (%s), and %s is not a member of group %s: PingOne refuses the sign-in (access_denied)",
		map[string]string{"ALL_GROUPS": "all", "ANY_GROUP": "one"}[pol.Type], pol.Type, in.ActorName, strings.Join(out, ", "))
	return g
}

func worse(a, b Coverage) Coverage {
	rank := map[Coverage]int{Covered: 0, CannotTell: 1, Pending: 2, PopulationOnly: 3, Missing: 4}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

func holds(r pingone.Role, perm string) bool {
	for _, p := range r.Permissions {
		if p.ID == perm {
			return true
		}
	}
	return false
}

// scopeCovers decides whether an assignment's scope covers calls on the target environment:
// organization covers every environment of the organization, environment only itself, population
// only its own users, application only that application.
func scopeCovers(s pingone.RoleScope, env pingone.Environment) Coverage {
	switch s.Type {
	case pingone.ScopeTypeOrganization:
		// When the environment's organization is not known (a token that cannot read it), an
		// organization-scoped role of the same actor is taken to cover it: PingOne organizations
		// hold all the environments an actor can see.
		if env.Organization == nil || env.Organization.ID == "" || env.Organization.ID == s.ID {
			return Covered
		}
	case pingone.ScopeTypeEnvironment:
		if s.ID == env.ID {
			return Covered
		}
	case pingone.ScopeTypePopulation:
		return PopulationOnly
	}
	return Missing
}

func describe(r pingone.Role, s pingone.RoleScope) string {
	return fmt.Sprintf("%s (%s)", r.Name, strings.ToLower(s.Type))
}

// grantableBy reports whether an actor holding assigns may give role target at environment scope
// on env. PingOne asks two things (pingone-api.md §6): a held role whose can-assign rule names the
// target, and the target itself (or the role it is the read-only variant of) held at the same or
// a broader scope ("Must have role at the same or broader scope").
func grantableBy(assigns []pingone.RoleAssignment, byID map[string]pingone.Role, target pingone.Role, env pingone.Environment) bool {
	holds := false
	for _, ra := range assigns {
		held, ok := byID[ra.Role.ID]
		if ok && scopeCovers(ra.Scope, env) == Covered && (held.ID == target.ID || held.Name == readOnlyOf[target.Name]) {
			holds = true
		}
	}
	if !holds {
		return false
	}
	for _, ra := range assigns {
		held, ok := byID[ra.Role.ID]
		if !ok || scopeCovers(ra.Scope, env) != Covered {
			continue
		}
		if rule, ok := canAssign[held.Name]; ok && rule(target.Name) {
			return true
		}
		for _, c := range target.CanBeAssignedBy {
			if c.ID == held.ID {
				return true
			}
		}
	}
	return false
}

// solveFix finds the smallest set of roles, assignable at environment scope, that holds every
// missing permission any role holds and, when needAdmin, opens the admin-only gate. Roles the
// actor already holds (itself or through a group) are never proposed. Among sets of equal size it
// prefers the one granting the fewest permissions (least privilege), then the one the admin may
// grant.
func solveFix(in RoleCheck, all []held, missing []string, needAdmin bool) *RoleFix {
	byID := map[string]pingone.Role{}
	for _, r := range in.Roles {
		byID[r.ID] = r
	}
	already := map[string]bool{}
	for _, h := range all {
		if scopeCovers(h.ra.Scope, in.Environment) == Covered {
			already[h.ra.Role.ID] = true
		}
	}
	var candidates []pingone.Role
	coverable := map[string]bool{}
	for _, r := range in.Roles {
		if already[r.ID] || !slices.Contains(r.ApplicableTo, pingone.ScopeTypeEnvironment) {
			continue
		}
		if in.ForApplication && strings.HasPrefix(r.Name, "DaVinci") {
			continue
		}
		useful := needAdmin && isAdminOnlyRole(r)
		for _, m := range missing {
			if holds(r, m) {
				useful, coverable[m] = true, true
			}
		}
		if useful {
			candidates = append(candidates, r)
		}
	}
	covers := make([]string, 0, len(coverable))
	for _, m := range missing {
		if coverable[m] {
			covers = append(covers, m)
		}
	}
	if len(covers) == 0 && !needAdmin {
		return nil
	}
	grantable := func(r pingone.Role) bool {
		return in.AdminKnown && grantableBy(in.AdminAssignments, byID, r, in.Environment)
	}
	// Among the roles the admin may grant first; only when they cannot cover it, the smallest set
	// of any roles, offered as advice for an admin who may grant them.
	var mine []pingone.Role
	for _, r := range candidates {
		if grantable(r) {
			mine = append(mine, r)
		}
	}
	set := smallestCover(mine, covers, needAdmin)
	fix := &RoleFix{ScopeType: pingone.ScopeTypeEnvironment, ScopeID: in.Environment.ID, Grantable: set != nil, Covers: covers}
	if set == nil {
		set = smallestCover(candidates, covers, needAdmin)
	}
	if set == nil {
		return nil
	}
	fix.Roles = set
	for _, r := range set {
		fix.Names = append(fix.Names, r.Name)
		fix.OpensAdminOnly = fix.OpensAdminOnly || isAdminOnlyRole(r)
	}
	return fix
}

func isAdminOnlyRole(r pingone.Role) bool { return slices.Contains(AdminOnlyRoles, r.Name) }

// smallestCover finds the fewest roles that together hold every permission of need; among sets
// of that size, the least privileged (with needAdmin, only sets holding a role that opens the
// admin-only gate): fewest permissions that change something, then fewest in
// all (a read-only role with many reads grants less than one that can delete apps). Exact search:
// PingOne has 19 built-in roles.
func smallestCover(roles []pingone.Role, need []string, needAdmin bool) []pingone.Role {
	var best []pingone.Role
	bestPerms := 0
	for size := 1; size <= len(roles) && best == nil; size++ {
		forEachSubset(len(roles), size, func(idx []int) {
			set := make([]pingone.Role, len(idx))
			perms := 0
			for i, k := range idx {
				set[i] = roles[k]
				perms += privilege(roles[k])
			}
			for _, m := range need {
				if !slices.ContainsFunc(set, func(r pingone.Role) bool { return holds(r, m) }) {
					return
				}
			}
			if needAdmin && !slices.ContainsFunc(set, isAdminOnlyRole) {
				return
			}
			if best == nil || perms < bestPerms {
				best, bestPerms = set, perms
			}
		})
	}
	return best
}

// privilege weighs a role for least privilege: each permission that is not a read counts as much
// as a thousand reads.
func privilege(r pingone.Role) int {
	n := 0
	for _, p := range r.Permissions {
		if parts := strings.Split(p.ID, ":"); len(parts) == 3 && parts[1] == "read" {
			n++
		} else {
			n += 1000
		}
	}
	return n
}

// forEachSubset calls f with every combination of k indexes out of n.
func forEachSubset(n, k int, f func([]int)) {
	idx := make([]int, k)
	var rec func(start, depth int)
	rec = func(start, depth int) {
		if depth == k {
			f(idx)
			return
		}
		for i := start; i <= n-(k-depth); i++ {
			idx[depth] = i
			rec(i+1, depth+1)
		}
	}
	rec(0, 0)
}

// unneeded lists the actor's assignments whose role holds no permission the connector needs, for
// an application (whose roles are its own, so extra ones are pure over-privilege).
func unneeded(in RoleCheck, byID map[string]pingone.Role, needed map[string]bool) []string {
	if in.ActorKind != "application" {
		return nil
	}
	var out []string
	for _, ra := range in.Assignments {
		role, ok := byID[ra.Role.ID]
		if !ok {
			continue
		}
		useful := false
		for _, p := range role.Permissions {
			if needed[p.ID] {
				useful = true
				break
			}
		}
		if !useful {
			out = append(out, describe(role, ra.Scope))
		}
	}
	return out
}

// guideNote compares the vendor guide's role claim with the live role table.
func guideNote(in RoleCheck, byID map[string]pingone.Role, needed map[string]bool) string {
	if in.Preset == nil || len(in.Preset.GuideRoles) == 0 {
		return ""
	}
	var notes []string
	for _, name := range in.Preset.GuideRoles {
		var role *pingone.Role
		for i := range in.Roles {
			if in.Roles[i].Name == name {
				role = &in.Roles[i]
			}
		}
		if role == nil {
			continue
		}
		var lacks []string
		for p := range needed {
			if !holds(*role, p) {
				lacks = append(lacks, p)
			}
		}
		if len(lacks) > 0 {
			sort.Strings(lacks)
			notes = append(notes, fmt.Sprintf("%s lacks %s", name, strings.Join(lacks, ", ")))
		}
	}
	if len(notes) == 0 {
		return ""
	}
	return fmt.Sprintf("The %s guide says %q, but PingOne's role table on this tenant disagrees: %s.", in.Preset.Title, in.Preset.GuideClaim, strings.Join(notes, "; "))
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
