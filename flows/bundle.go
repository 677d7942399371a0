package flows

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// Facts are the tenant facts a verdict about one application used, as read through the API: what
// a support bundle carries so that the simulator can replay the verdict. They hold no secret.
type Facts struct {
	// OrganizationID is the organization of the environments.
	OrganizationID string
	// Environments are the target environment, then the actor's when it is another one.
	Environments []pingone.Environment
	// Populations are those of the environments, where they could be read.
	Populations []pingone.Population
	App         pingone.Application
	Grants      []pingone.ApplicationGrant
	// Resources and Scopes are the target's resources, and the scopes of those the app is
	// granted and of openid.
	Resources []pingone.Resource
	Scopes    []pingone.ResourceScope
	Roles     []pingone.Role
	// Users are the sign-in user and the actor when it is a user; Groups the groups they belong
	// to and those the app's group policy names; Memberships user ID → group IDs.
	Users       []pingone.User
	Groups      []pingone.Group
	Memberships map[string][]string
	// Assignments are the role assignments of the app, the users, their groups and the actor.
	Assignments []SubjectAssignment
	// Identity is who read them (the actor); ActorApp is the actor when it is an application
	// (client credentials).
	Identity Identity
	ActorApp *pingone.Application
	// Unread lists what could not be read (PingOne refused), and so is not in the facts.
	Unread []string
}

// SubjectAssignment is a role assignment with the user, application or group that holds it.
type SubjectAssignment struct {
	Kind          string // "user", "application" or "group"
	SubjectID     string
	EnvironmentID string
	Assignment    pingone.RoleAssignment
}

// GatherFacts reads the facts behind a verdict about live.App: the environment and its
// populations, resources and scopes, the role table, the sign-in user (user, "" = the signed-in
// user where a user signed in), the groups and role assignments of each, and the actor's own.
// A read PingOne refuses (403) is noted in Unread rather than failing the whole.
func GatherFacts(ctx context.Context, api API, id Identity, live Live, user string) (Facts, error) {
	env := live.Environment
	f := Facts{Environments: []pingone.Environment{env}, App: live.App, Grants: live.Grants, Roles: live.Roles, Memberships: map[string][]string{}, Identity: id}
	if env.Organization != nil {
		f.OrganizationID = env.Organization.ID
	}
	var mu sync.Mutex
	// soft runs a read whose refusal is a fact, not a failure.
	soft := func(what string, err error) error {
		if err == nil {
			return nil
		}
		if pingone.IsForbidden(err) {
			mu.Lock()
			f.Unread = append(f.Unread, what)
			mu.Unlock()
			return nil
		}
		return wrap(what, err)
	}
	add := func(kind, subject, envID string, ras []pingone.RoleAssignment) {
		mu.Lock()
		defer mu.Unlock()
		for _, ra := range ras {
			if !slices.ContainsFunc(f.Assignments, func(x SubjectAssignment) bool { return x.Assignment.ID == ra.ID && ra.ID != "" }) {
				f.Assignments = append(f.Assignments, SubjectAssignment{Kind: kind, SubjectID: subject, EnvironmentID: envID, Assignment: ra})
			}
		}
	}
	add("application", live.App.ID, env.ID, live.AppRoles)

	granted := map[string]bool{live.OpenIDResource: true}
	for _, g := range live.Grants {
		granted[g.Resource.ID] = true
	}
	err := parallel(
		func() error {
			pops, err := api.ListPopulations(ctx, env.ID)
			f.Populations = append(f.Populations, pops...)
			return soft("list populations of "+env.ID, err)
		},
		func() error {
			res, err := api.ListResources(ctx, env.ID)
			if err != nil {
				return soft("list resources", err)
			}
			f.Resources = res
			for _, r := range res {
				if !granted[r.ID] {
					continue
				}
				scopes, err := api.ListResourceScopes(ctx, env.ID, r.ID)
				if err != nil {
					return soft("list scopes of resource "+r.Name, err)
				}
				f.Scopes = append(f.Scopes, scopes...)
			}
			return nil
		},
	)
	if err == nil {
		err = f.gatherPeople(ctx, api, id, live, user, soft, add)
	}
	if err != nil {
		return Facts{}, err
	}
	slices.Sort(f.Unread)
	return f, nil
}

// gatherPeople reads the sign-in user and the actor, their groups and all their assignments.
func (f *Facts) gatherPeople(ctx context.Context, api API, id Identity, live Live, user string,
	soft func(string, error) error, add func(kind, subject, envID string, ras []pingone.RoleAssignment)) error {
	env := live.Environment
	type person struct{ envID, userID, name string }
	var people []person
	switch {
	case user != "":
		u, err := FindUser(ctx, api, env.ID, user)
		if err != nil {
			if pingone.IsForbidden(err) {
				return soft(fmt.Sprintf("find user %q", user), err)
			}
			return err
		}
		people = append(people, person{env.ID, u.ID, u.Username})
	}
	if id.IsUser() {
		people = append(people, person{id.EnvironmentID, id.UserID, id.Username})
	}
	if id.EnvironmentID != "" && id.EnvironmentID != env.ID {
		e, err := api.GetEnvironment(ctx, id.EnvironmentID)
		if err != nil {
			if err := soft("read the sign-in environment "+id.EnvironmentID, err); err != nil {
				return err
			}
			// Unreadable, it still has to exist for the actor to be replayed.
			e = &pingone.Environment{ID: id.EnvironmentID, Name: "Sign-in environment (not read)"}
		}
		f.Environments = append(f.Environments, *e)
		pops, err := api.ListPopulations(ctx, id.EnvironmentID)
		if err := soft("list populations of "+id.EnvironmentID, err); err != nil {
			return err
		}
		f.Populations = append(f.Populations, pops...)
	}
	if !id.IsUser() && id.ClientID != "" {
		app, err := api.GetApplication(ctx, id.EnvironmentID, id.ClientID)
		if err := soft("read the signed-in application "+id.ClientID, err); err != nil {
			return err
		}
		if app != nil {
			f.ActorApp = app
			ras, err := api.ListApplicationRoleAssignments(ctx, id.EnvironmentID, id.ClientID)
			if err := soft("list the signed-in application's role assignments", err); err != nil {
				return err
			}
			add("application", id.ClientID, id.EnvironmentID, ras)
		}
	}
	wantGroups := map[string]bool{}
	if ac := live.App.AccessControl; ac != nil && ac.Group != nil {
		for _, g := range ac.Group.Groups {
			wantGroups[g.ID] = true
		}
	}
	seen := map[string]bool{}
	for _, p := range people {
		if seen[p.userID] {
			continue
		}
		seen[p.userID] = true
		u, err := api.GetUser(ctx, p.envID, p.userID)
		if err != nil {
			if err := soft(fmt.Sprintf("read user %s", p.userID), err); err != nil {
				return err
			}
			continue
		}
		f.Users = append(f.Users, *u)
		ras, err := api.ListUserRoleAssignments(ctx, p.envID, p.userID)
		if err := soft(fmt.Sprintf("list the role assignments of user %s", u.Username), err); err != nil {
			return err
		}
		add("user", u.ID, p.envID, ras)
		gids, err := api.GetUserGroupIDs(ctx, p.envID, p.userID)
		if err := soft(fmt.Sprintf("list the groups of user %s", u.Username), err); err != nil {
			return err
		}
		f.Memberships[u.ID] = gids
		for _, g := range gids {
			wantGroups[g] = true
		}
	}
	if len(wantGroups) == 0 {
		return nil
	}
	for _, envID := range f.environmentIDs() {
		groups, err := api.ListGroups(ctx, envID, "")
		if err := soft("list groups of "+envID, err); err != nil {
			return err
		}
		for _, g := range groups {
			if !wantGroups[g.ID] {
				continue
			}
			if g.Environment == nil {
				g.Environment = &pingone.Ref{ID: envID}
			}
			f.Groups = append(f.Groups, g)
			if g.UserFilter != "" {
				continue // PingOne allows no admin role on a dynamic group
			}
			ras, err := api.ListGroupRoleAssignments(ctx, envID, g.ID)
			if err := soft("list the role assignments of group "+g.Name, err); err != nil {
				return err
			}
			add("group", g.ID, envID, ras)
		}
	}
	return nil
}

func (f *Facts) environmentIDs() []string {
	var out []string
	for _, e := range f.Environments {
		out = append(out, e.ID)
	}
	return out
}
