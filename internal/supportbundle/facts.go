package supportbundle

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// appReadOnly are the application keys PingOne sets itself; a snapshot's fields leave them out.
var appReadOnly = []string{"_links", "id", "environment", "createdAt", "updatedAt", "clientSecret"}

// Tenant turns the facts behind a verdict into a simulator state with no secret in it. notes
// say what was left out because it points outside the facts (a role assignment at a scope that
// was not read, a grant's scope that was not read): none of it changes a verdict about the
// facts' environment, since such a scope does not cover it.
func Tenant(f flows.Facts) (pingonetest.Snapshot, []string, error) {
	snap := pingonetest.Snapshot{Format: pingonetest.SnapshotFormat, Organization: pingonetest.SnapshotOrganization{ID: f.OrganizationID, Name: "Organization (from a support bundle)"}}
	var notes []string
	if snap.Organization.ID == "" {
		for _, a := range f.Assignments {
			if a.Assignment.Scope.Type == pingone.ScopeTypeOrganization {
				snap.Organization.ID = a.Assignment.Scope.ID
				break
			}
		}
	}
	if snap.Organization.ID == "" {
		snap.Organization.ID = "00000000-0000-4000-8000-000000000000" // not read; nothing refers to it
	}
	envs := map[string]bool{}
	for _, e := range f.Environments {
		if envs[e.ID] {
			continue
		}
		envs[e.ID] = true
		snap.Environments = append(snap.Environments, pingonetest.SnapshotEnvironment{ID: e.ID, Name: e.Name, Description: e.Description, Type: e.Type, Region: e.Region})
	}
	pops := map[string]bool{}
	addPop := func(p pingonetest.SnapshotPopulation) {
		if !pops[p.ID] && envs[p.EnvironmentID] {
			pops[p.ID] = true
			snap.Populations = append(snap.Populations, p)
		}
	}
	for _, p := range f.Populations {
		addPop(pingonetest.SnapshotPopulation{ID: p.ID, EnvironmentID: refID(p.Environment, f.Environments[0].ID), Name: p.Name, Description: p.Description, Default: p.Default})
	}
	users := map[string]bool{}
	for _, u := range f.Users {
		envID := refID(u.Environment, f.Environments[0].ID)
		popID := refID(u.Population, "")
		if popID == "" || !pops[popID] {
			if popID == "" {
				popID = "population-of-" + u.ID
			}
			notes = append(notes, fmt.Sprintf("the population of user %s was not read; it stands in by its ID", u.Username))
			addPop(pingonetest.SnapshotPopulation{ID: popID, EnvironmentID: envID, Name: "Population (not read)"})
		}
		su := pingonetest.SnapshotUser{ID: u.ID, EnvironmentID: envID, PopulationID: popID, Username: u.Username, Email: u.Email, Enabled: u.Enabled == nil || *u.Enabled}
		if u.Name != nil {
			su.GivenName, su.FamilyName = u.Name.Given, u.Name.Family
		}
		users[u.ID] = true
		snap.Users = append(snap.Users, su)
	}
	groups := map[string]bool{}
	static := map[string]bool{}
	for _, g := range f.Groups {
		if groups[g.ID] {
			continue
		}
		groups[g.ID] = true
		static[g.ID] = g.UserFilter == ""
		snap.Groups = append(snap.Groups, pingonetest.SnapshotGroup{ID: g.ID, EnvironmentID: refID(g.Environment, f.Environments[0].ID), Name: g.Name, Description: g.Description, UserFilter: g.UserFilter})
	}
	userIDs := make([]string, 0, len(f.Memberships))
	for uid := range f.Memberships {
		userIDs = append(userIDs, uid)
	}
	slices.Sort(userIDs)
	for _, uid := range userIDs {
		for _, gid := range f.Memberships[uid] {
			if users[uid] && static[gid] {
				snap.Memberships = append(snap.Memberships, pingonetest.SnapshotMembership{GroupID: gid, UserID: uid})
			}
		}
	}
	resources := map[string]bool{}
	for _, r := range f.Resources {
		resources[r.ID] = true
		snap.Resources = append(snap.Resources, pingonetest.SnapshotResource{ID: r.ID, EnvironmentID: refID(r.Environment, f.Environments[0].ID), Name: r.Name,
			Type: r.Type, Audience: r.Audience, Description: r.Description, AccessTokenValiditySeconds: r.AccessTokenValiditySeconds})
	}
	scopes := map[string]bool{}
	for _, sc := range f.Scopes {
		res := refID(sc.Resource, "")
		if scopes[sc.ID] || !resources[res] {
			continue
		}
		scopes[sc.ID] = true
		snap.Scopes = append(snap.Scopes, pingonetest.SnapshotScope{ID: sc.ID, EnvironmentID: refID(sc.Environment, f.Environments[0].ID), ResourceID: res, Name: sc.Name, Description: sc.Description})
	}
	apps := map[string]bool{}
	for _, a := range []*pingone.Application{&f.App, f.ActorApp} {
		if a == nil || apps[a.ID] {
			continue
		}
		fields, err := appFields(*a)
		if err != nil {
			return pingonetest.Snapshot{}, nil, err
		}
		apps[a.ID] = true
		snap.Applications = append(snap.Applications, pingonetest.SnapshotApplication{ID: a.ID, EnvironmentID: refID(a.Environment, f.Environments[0].ID), Fields: fields})
	}
	for _, g := range f.Grants {
		sg := pingonetest.SnapshotGrant{ID: g.ID, EnvironmentID: f.Environments[0].ID, ApplicationID: f.App.ID, ResourceID: g.Resource.ID}
		if !resources[g.Resource.ID] {
			notes = append(notes, fmt.Sprintf("grant %s: its resource %s was not read; left out", g.ID, g.Resource.ID))
			continue
		}
		for _, s := range g.Scopes {
			if scopes[s.ID] {
				sg.ScopeIDs = append(sg.ScopeIDs, s.ID)
			} else {
				notes = append(notes, fmt.Sprintf("grant %s: scope %s was not read; left out", g.ID, s.ID))
			}
		}
		snap.Grants = append(snap.Grants, sg)
	}
	names := map[string]string{}
	for _, r := range f.Roles {
		names[r.ID] = r.Name
	}
	for _, r := range f.Roles {
		sr := pingonetest.SnapshotRole{ID: r.ID, Name: r.Name, Description: r.Description, ApplicableTo: slices.Clone(r.ApplicableTo), Permissions: []string{}}
		for _, p := range r.Permissions {
			sr.Permissions = append(sr.Permissions, p.ID)
		}
		for _, c := range r.CanAssign {
			if n := names[c.ID]; n != "" {
				sr.CanAssign = append(sr.CanAssign, n)
			}
		}
		snap.Roles = append(snap.Roles, sr)
	}
	for _, a := range f.Assignments {
		ra := a.Assignment
		inScope := false
		switch ra.Scope.Type {
		case pingone.ScopeTypeOrganization:
			inScope = ra.Scope.ID == snap.Organization.ID
		case pingone.ScopeTypeEnvironment:
			inScope = envs[ra.Scope.ID]
		case pingone.ScopeTypePopulation:
			inScope = pops[ra.Scope.ID]
		case pingone.ScopeTypeApplication:
			inScope = apps[ra.Scope.ID]
		}
		subject := map[string]map[string]bool{"user": users, "application": apps, "group": groups}[a.Kind]
		switch {
		case !inScope:
			notes = append(notes, fmt.Sprintf("role assignment %s (%s at %s %s): its scope is outside the facts; left out", ra.ID, names[ra.Role.ID], ra.Scope.Type, ra.Scope.ID))
			continue
		case names[ra.Role.ID] == "" || !subject[a.SubjectID]:
			notes = append(notes, fmt.Sprintf("role assignment %s: its role or its %s was not read; left out", ra.ID, a.Kind))
			continue
		}
		snap.RoleAssignments = append(snap.RoleAssignments, pingonetest.SnapshotRoleAssigned{ID: ra.ID, EnvironmentID: a.EnvironmentID, SubjectKind: a.Kind,
			SubjectID: a.SubjectID, RoleID: ra.Role.ID, ScopeType: ra.Scope.Type, ScopeID: ra.Scope.ID})
	}
	switch id := f.Identity; {
	case id.IsUser() && users[id.UserID]:
		snap.Actor = &pingonetest.SnapshotActor{Kind: "user", ID: id.UserID, EnvironmentID: id.EnvironmentID}
	case !id.IsUser() && apps[id.ClientID]:
		snap.Actor = &pingonetest.SnapshotActor{Kind: "application", ID: id.ClientID, EnvironmentID: id.EnvironmentID}
	}
	return snap, notes, nil
}

// appFields are an application's settings as JSON, read-only keys and anything secret left out.
func appFields(a pingone.Application) (map[string]any, error) {
	raw, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("application %s: %w", a.ID, err)
	}
	var m map[string]any
	if err := json.Unmarshal(pingone.Redact(raw), &m); err != nil {
		return nil, fmt.Errorf("application %s: %w", a.ID, err)
	}
	for _, k := range appReadOnly {
		delete(m, k)
	}
	for k, v := range m {
		if v == pingone.Redacted {
			delete(m, k)
		}
	}
	return m, nil
}

func refID(r *pingone.Ref, fallback string) string {
	if r == nil || r.ID == "" {
		return fallback
	}
	return r.ID
}
