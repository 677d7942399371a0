package flows

import (
	"cmp"
	"context"
	"sort"
	"strings"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// WhoAmI is what `auth status` says of a signed-in user: who, where, and the admin roles they
// hold (their own and their groups'), each at its scope.
type WhoAmI struct {
	UserID      string     `json:"userId"`
	Username    string     `json:"username,omitempty"`
	Name        string     `json:"name,omitempty"`
	Environment EnvSummary `json:"environment"`
	Roles       []HeldRole `json:"roles"`
	// Unreadable lists what could not be read, with the permission that reads it.
	Unreadable []string `json:"unreadable,omitempty"`
}

// EnvSummary names an environment.
type EnvSummary struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Region string `json:"region,omitempty"`
}

// HeldRole is one role a user holds at one scope; Group names the group it comes through.
type HeldRole struct {
	Role      string `json:"role"`
	ScopeType string `json:"scopeType"`
	ScopeID   string `json:"scopeId"`
	ScopeName string `json:"scopeName,omitempty"`
	Group     string `json:"group,omitempty"`
}

// String is "Environment Admin (environment Example Production, via group Admins)".
func (h HeldRole) String() string {
	s := h.Role + " (" + strings.ToLower(h.ScopeType)
	if h.ScopeName != "" {
		s += " " + h.ScopeName
	}
	if h.Group != "" {
		s += ", via group " + h.Group
	}
	return s + ")"
}

// ReadWhoAmI reads who userID of envID is and the roles they hold, in two rounds of parallel
// reads. A read the user may not make is listed in Unreadable; the names of roles and scopes fall
// back to IDs when they cannot be read.
func ReadWhoAmI(ctx context.Context, api API, envID, userID string) (WhoAmI, error) {
	w := WhoAmI{UserID: userID, Environment: EnvSummary{ID: envID}}
	var user *pingone.User
	var envs []pingone.Environment
	var roles []pingone.Role
	var actor actorRoles
	err := parallel(
		func() (err error) {
			if user, err = api.GetUser(ctx, envID, userID); pingone.IsForbidden(err) {
				w.Unreadable = append(w.Unreadable, "your own user (needs identity:read:user)")
				return nil
			}
			return wrap("read your user", err)
		},
		func() (err error) {
			// Names of the environments scopes point at; without them, IDs.
			if envs, err = api.ListEnvironments(ctx); pingone.IsForbidden(err) {
				return nil
			}
			return wrap("list environments", err)
		},
		func() (err error) {
			roles, err = api.ListRoles(ctx)
			return wrap("list roles", err)
		},
		func() (err error) {
			actor, err = readUserRoles(ctx, api, envID, userID, "you")
			return err
		},
	)
	if err != nil {
		return w, err
	}
	if user != nil {
		w.Username = user.Username
		if n := user.Name; n != nil {
			w.Name = cmp.Or(n.Formatted, strings.TrimSpace(n.Given+" "+n.Family))
		}
	}
	envName := map[string]string{}
	for _, e := range envs {
		envName[e.ID] = e.Name
		if e.ID == envID {
			w.Environment.Name, w.Environment.Region = e.Name, e.Region
		}
	}
	roleName := map[string]string{}
	for _, r := range roles {
		roleName[r.ID] = r.Name
	}
	add := func(ra pingone.RoleAssignment, group string) {
		h := HeldRole{Role: cmp.Or(roleName[ra.Role.ID], ra.Role.ID), ScopeType: ra.Scope.Type, ScopeID: ra.Scope.ID, Group: group}
		if ra.Scope.Type == "ENVIRONMENT" {
			h.ScopeName = envName[ra.Scope.ID]
		}
		w.Roles = append(w.Roles, h)
	}
	for _, ra := range actor.own {
		add(ra, "")
	}
	for _, g := range actor.groups {
		for _, ra := range g.Assignments {
			add(ra, g.Name)
		}
	}
	sort.SliceStable(w.Roles, func(i, j int) bool {
		a, b := w.Roles[i], w.Roles[j]
		return a.Role+a.ScopeType+a.ScopeName+a.Group < b.Role+b.ScopeType+b.ScopeName+b.Group
	})
	w.Unreadable = append(w.Unreadable, actor.unreadable...)
	sort.Strings(w.Unreadable)
	return w, nil
}
