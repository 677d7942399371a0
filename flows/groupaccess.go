package flows

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// resolveGroups finds the groups a plan's group membership policy names, by name or ID, in
// envID. A name that matches no group is an error that lists some that exist: nothing has been
// written yet when it is found (the create step resolves them first).
func resolveGroups(ctx context.Context, api API, envID string, ga *GroupAccess) ([]pingone.Ref, map[string]string, error) {
	if ga == nil {
		return nil, nil, nil
	}
	groups, err := api.ListGroups(ctx, envID, "")
	if err != nil {
		return nil, nil, wrap("list groups, for the group membership policy", err)
	}
	names := map[string]string{}
	for _, g := range groups {
		names[g.ID] = g.Name
	}
	var refs []pingone.Ref
	var missing []string
	for _, want := range ga.Groups {
		i := slices.IndexFunc(groups, func(g pingone.Group) bool { return g.Name == want || strings.EqualFold(g.ID, want) })
		if i < 0 {
			missing = append(missing, fmt.Sprintf("%q", want))
			continue
		}
		if !slices.ContainsFunc(refs, func(r pingone.Ref) bool { return r.ID == groups[i].ID }) {
			refs = append(refs, pingone.Ref{ID: groups[i].ID})
		}
	}
	if len(missing) > 0 {
		var some []string
		for _, g := range groups[:min(len(groups), 10)] {
			some = append(some, fmt.Sprintf("%q", g.Name))
		}
		known := "the environment has no groups"
		if len(some) > 0 {
			known = "its groups include " + strings.Join(some, ", ")
		}
		return nil, nil, &PlanError{Problems: []Problem{{Field: "application.groupAccess.groups",
			Message: fmt.Sprintf("no group named %s in the target environment (%s): group names are exact, case included", strings.Join(missing, ", "), known)}}}
	}
	slices.SortFunc(refs, func(a, b pingone.Ref) int { return cmp.Compare(a.ID, b.ID) })
	return refs, names, nil
}

// groupField is the group membership policy as a field of the update request, with the groups
// resolved: refs nil leaves the policy alone (the plan sets none).
func groupField(spec AppSpec, refs []pingone.Ref, names map[string]string) field {
	return field{
		Name: "accessControl.group",
		Get: func(a pingone.Application) string {
			if a.AccessControl == nil || a.AccessControl.Group == nil {
				return ""
			}
			var gs []string
			for _, r := range a.AccessControl.Group.Groups {
				gs = append(gs, cmp.Or(names[r.ID], r.ID))
			}
			slices.Sort(gs)
			return a.AccessControl.Group.Type + ": " + strings.Join(gs, ", ")
		},
		Set: func(a *pingone.Application, s AppSpec) {
			var ac pingone.AccessControl
			if a.AccessControl != nil {
				ac = *a.AccessControl
			}
			ac.Group = &pingone.AccessControlGroup{Type: s.GroupAccess.policyType(), Groups: slices.Clone(refs)}
			a.AccessControl = &ac
		},
		InPlan: func(s AppSpec) bool { return s.GroupAccess != nil && refs != nil },
	}
}

// validateGroupAccess checks a policy's shape; the names are checked against PingOne when the
// run starts writing.
func validateGroupAccess(ga *GroupAccess) []Problem {
	if ga == nil {
		return nil
	}
	var out []Problem
	if ga.Type != "" && ga.Type != pingone.GroupPolicyAnyGroup && ga.Type != pingone.GroupPolicyAllGroups {
		out = append(out, Problem{Field: "application.groupAccess.type", Message: fmt.Sprintf("%q is not one of ANY_GROUP (a member of any of the groups), ALL_GROUPS (of all of them)", ga.Type)})
	}
	if len(ga.Groups) == 0 {
		out = append(out, Problem{Field: "application.groupAccess.groups", Message: "name at least one group whose members may sign in (or remove groupAccess)"})
	}
	for i, g := range ga.Groups {
		if strings.TrimSpace(g) == "" {
			out = append(out, Problem{Field: fmt.Sprintf("application.groupAccess.groups[%d]", i), Message: "a group name is empty"})
		}
	}
	return out
}
