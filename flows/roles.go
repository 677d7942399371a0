package flows

import (
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
	// Unknown: no role on this tenant lists the permission at all, so it cannot be judged.
	Unknown Coverage = "unknown"
)

// PermissionVerdict is the verdict on one permission.
type PermissionVerdict struct {
	Permission string   `json:"permission"`
	Coverage   Coverage `json:"coverage"`
	// Via names the role and scope that cover it, e.g. "Identity Data Admin (environment)".
	Via string `json:"via,omitempty"`
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

// RoleFix is the smallest set of roles that covers what is missing.
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
}

// RoleReport is the role check's verdict for one actor (the signing-in user or the app).
type RoleReport struct {
	ActorKind     string              `json:"actorKind"` // "user" or "application"
	ActorID       string              `json:"actorId"`
	ActorName     string              `json:"actorName"`
	EnvironmentID string              `json:"environmentId"`
	Capabilities  []CapabilityVerdict `json:"capabilities"`
	Missing       []string            `json:"missing,omitempty"`
	Fix           *RoleFix            `json:"fix,omitempty"`
	// Unneeded lists held role assignments that give nothing the connector needs (over-privilege).
	Unneeded []string `json:"unneeded,omitempty"`
	// GuideNote says where the vendor's guide differs from PingOne's role table.
	GuideNote string `json:"guideNote,omitempty"`
}

// OK reports whether every capability is covered.
func (r RoleReport) OK() bool { return len(r.Missing) == 0 && !r.hasCoverage(PopulationOnly) }

func (r RoleReport) hasCoverage(c Coverage) bool {
	for _, cv := range r.Capabilities {
		if cv.Coverage == c {
			return true
		}
	}
	return false
}

// RoleCheck is the input of CheckRoles: everything is read from the live tenant beforehand.
type RoleCheck struct {
	// Roles is GET /roles (built-in) plus any custom roles.
	Roles []pingone.Role
	// Assignments are the actor's role assignments, all pages.
	Assignments []pingone.RoleAssignment
	// Environment is the target environment (its organization decides organization scope).
	Environment pingone.Environment
	ActorKind   string
	ActorID     string
	ActorName   string
	// Capabilities are the connector's needs.
	Capabilities []Capability
	// AdminAssignments are the role assignments of whoever will apply the fix; nil means unknown.
	AdminAssignments []pingone.RoleAssignment
	// AdminKnown tells AdminAssignments nil from "the admin holds no role".
	AdminKnown bool
	// ForApplication excludes roles PingOne will not give to a worker (the DaVinci roles).
	ForApplication bool
	// Preset, when set, is checked for a vendor guide claim.
	Preset *Preset
}

// CheckRoles decides, per capability, whether the actor's calls will be authorised in the target
// environment, and finds the smallest set of roles that fixes what is missing. It reads only its
// input: roles' permissions come from the live tenant.
func CheckRoles(in RoleCheck) RoleReport {
	byID := map[string]pingone.Role{}
	listed := map[string]bool{}
	for _, r := range in.Roles {
		byID[r.ID] = r
		for _, p := range r.Permissions {
			listed[p.ID] = true
		}
	}
	rep := RoleReport{ActorKind: in.ActorKind, ActorID: in.ActorID, ActorName: in.ActorName, EnvironmentID: in.Environment.ID}
	needed := map[string]bool{}
	missing := map[string]bool{}
	for _, c := range in.Capabilities {
		cv := CapabilityVerdict{Capability: c, ID: c.ID, Title: c.Title, Calls: c.Calls, Coverage: Covered}
		for _, perm := range c.Permissions {
			needed[perm] = true
			pv := PermissionVerdict{Permission: perm, Coverage: Missing}
			if !listed[perm] {
				pv.Coverage = Unknown
			}
			for _, ra := range in.Assignments {
				role, ok := byID[ra.Role.ID]
				if !ok || !holds(role, perm) {
					continue
				}
				switch scopeCovers(ra.Scope, in.Environment) {
				case Covered:
					pv.Coverage, pv.Via = Covered, describe(role, ra.Scope)
				case PopulationOnly:
					if pv.Coverage != Covered && strings.HasPrefix(perm, "dir:") {
						pv.Coverage, pv.Via = PopulationOnly, describe(role, ra.Scope)
					}
				}
				if pv.Coverage == Covered {
					break
				}
			}
			if pv.Coverage == Missing || pv.Coverage == PopulationOnly {
				missing[perm] = true
			}
			cv.Permissions = append(cv.Permissions, pv)
			cv.Coverage = worse(cv.Coverage, pv.Coverage)
		}
		rep.Capabilities = append(rep.Capabilities, cv)
	}
	rep.Missing = sortedKeys(missing)
	if len(rep.Missing) > 0 {
		rep.Fix = solveFix(in, rep.Missing)
	}
	rep.Unneeded = unneeded(in, byID, needed)
	rep.GuideNote = guideNote(in, byID, needed)
	return rep
}

func worse(a, b Coverage) Coverage {
	rank := map[Coverage]int{Covered: 0, Unknown: 1, PopulationOnly: 2, Missing: 3}
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
// missing permission any role holds. Among sets of equal size it prefers the one granting the
// fewest permissions (least privilege), then the one the admin may grant.
func solveFix(in RoleCheck, missing []string) *RoleFix {
	byID := map[string]pingone.Role{}
	for _, r := range in.Roles {
		byID[r.ID] = r
	}
	var candidates []pingone.Role
	coverable := map[string]bool{}
	for _, r := range in.Roles {
		if !slices.Contains(r.ApplicableTo, pingone.ScopeTypeEnvironment) {
			continue
		}
		if in.ForApplication && strings.HasPrefix(r.Name, "DaVinci") {
			continue
		}
		useful := false
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
	if len(covers) == 0 {
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
	set := smallestCover(mine, covers)
	fix := &RoleFix{ScopeType: pingone.ScopeTypeEnvironment, ScopeID: in.Environment.ID, Grantable: set != nil, Covers: covers}
	if set == nil {
		set = smallestCover(candidates, covers)
	}
	if set == nil {
		return nil
	}
	fix.Roles = set
	for _, r := range set {
		fix.Names = append(fix.Names, r.Name)
	}
	return fix
}

// smallestCover finds the fewest roles that together hold every permission of need; among sets
// of that size, the least privileged: fewest permissions that change something, then fewest in
// all (a read-only role with many reads grants less than one that can delete apps). Exact search:
// PingOne has 19 built-in roles.
func smallestCover(roles []pingone.Role, need []string) []pingone.Role {
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
