package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// SignOnPolicyAPI reads and writes an application's sign-on policy assignments (the console's
// Policies tab); *pingone.Client has it. An API without it (a fake) cannot carry a plan's
// signOnPolicies: the step says so.
type SignOnPolicyAPI interface {
	ListSignOnPolicies(ctx context.Context, envID string) ([]pingone.SignOnPolicy, error)
	ListSignOnPolicyAssignments(ctx context.Context, envID, appID string) ([]pingone.SignOnPolicyAssignment, error)
	CreateSignOnPolicyAssignment(ctx context.Context, envID, appID string, a pingone.SignOnPolicyAssignment) (*pingone.SignOnPolicyAssignment, error)
	DeleteSignOnPolicyAssignment(ctx context.Context, envID, appID, assignmentID string) error
}

// sopAPI finds the sign-on policy calls behind api (through the run's remembered reads).
func sopAPI(api API) (SignOnPolicyAPI, bool) {
	if r, ok := api.(*Reads); ok {
		api = r.API
	}
	s, ok := api.(SignOnPolicyAPI)
	return s, ok
}

// StepPolicies is the step that assigns the plan's sign-on policies.
const StepPolicies = "policies"

// resolvePolicies finds the plan's sign-on policies by name in envID, in the plan's order.
func resolvePolicies(ctx context.Context, api API, envID string, names []string) ([]pingone.SignOnPolicy, error) {
	if len(names) == 0 {
		return nil, nil
	}
	sop, ok := sopAPI(api)
	if !ok {
		return nil, errors.New("this connection cannot read sign-on policies")
	}
	all, err := sop.ListSignOnPolicies(ctx, envID)
	if err != nil {
		return nil, wrap("list sign-on policies", err)
	}
	var out []pingone.SignOnPolicy
	var missing []string
	for _, n := range names {
		i := slices.IndexFunc(all, func(p pingone.SignOnPolicy) bool { return p.Name == n || strings.EqualFold(p.ID, n) })
		if i < 0 {
			missing = append(missing, fmt.Sprintf("%q", n))
			continue
		}
		out = append(out, all[i])
	}
	if len(missing) > 0 {
		var have []string
		for _, p := range all {
			have = append(have, fmt.Sprintf("%q", p.Name))
		}
		return nil, &PlanError{Problems: []Problem{{Field: "application.signOnPolicies",
			Message: fmt.Sprintf("no sign-on policy named %s in the target environment (its policies: %s)", strings.Join(missing, ", "), strings.Join(have, ", "))}}}
	}
	return out, nil
}

// runPolicies makes the app's sign-on policy assignments the plan's, in its order (priority 1,
// 2, ...): missing ones are created, others removed, and a policy at the wrong priority is
// removed and assigned again. A plan without signOnPolicies leaves the app's as they are. A
// create whose outcome is unknown (a lost response) is looked up, never sent twice.
func runPolicies(ctx context.Context, env Env, s State) (Result, error) {
	names := s.Plan.Application.SignOnPolicies
	if len(names) == 0 || s.App == nil {
		return nil, nil
	}
	envID := s.Target.ID
	want, err := resolvePolicies(ctx, env.API, envID, names)
	if err != nil {
		return nil, err
	}
	sop, _ := sopAPI(env.API)
	var have []pingone.SignOnPolicyAssignment
	if s.App.ID != "" && !s.AppCreated {
		if have, err = sop.ListSignOnPolicyAssignments(ctx, envID, s.App.ID); err != nil {
			return nil, wrap("list the app's sign-on policy assignments", err)
		}
	}
	obj := appObject(*s.App)
	nameOf := map[string]string{}
	for _, p := range want {
		nameOf[p.ID] = p.Name
	}
	var changes []Change
	var created []LedgerEntry
	// What stays: a wanted policy already at its priority.
	keep := map[string]bool{}
	for _, a := range have {
		if i := slices.IndexFunc(want, func(p pingone.SignOnPolicy) bool { return p.ID == a.SignOnPolicy.ID }); i >= 0 && a.Priority == i+1 {
			keep[a.ID] = true
		}
	}
	apply := !env.DryRun && s.App.ID != ""
	for _, a := range have {
		if keep[a.ID] {
			continue
		}
		changes = append(changes, Change{Step: StepPolicies, Action: Removed, Object: obj, Field: "signOnPolicy",
			From: fmt.Sprintf("%s at priority %d", policyName(nameOf, a.SignOnPolicy.ID), a.Priority), To: "(none)", Applied: apply})
		if apply {
			if err := sop.DeleteSignOnPolicyAssignment(ctx, envID, s.App.ID, a.ID); err != nil && !pingone.IsNotFound(err) {
				return nil, wrap("remove a sign-on policy assignment", err)
			}
		}
	}
	for i, p := range want {
		if slices.ContainsFunc(have, func(a pingone.SignOnPolicyAssignment) bool { return keep[a.ID] && a.SignOnPolicy.ID == p.ID }) {
			continue
		}
		changes = append(changes, Change{Step: StepPolicies, Action: Created, Object: obj, Field: "signOnPolicy",
			To: fmt.Sprintf("%s at priority %d", p.Name, i+1), Applied: apply})
		if !apply {
			continue
		}
		a, err := sop.CreateSignOnPolicyAssignment(ctx, envID, s.App.ID, pingone.SignOnPolicyAssignment{SignOnPolicy: pingone.Ref{ID: p.ID}, Priority: i + 1})
		if errors.Is(err, pingone.ErrOutcomeUnknown) {
			// The create may have happened: look, and send it again only if it did not.
			list, lerr := sop.ListSignOnPolicyAssignments(ctx, envID, s.App.ID)
			if lerr != nil {
				return nil, wrap("look for a sign-on policy assignment whose answer was lost", lerr)
			}
			if j := slices.IndexFunc(list, func(x pingone.SignOnPolicyAssignment) bool { return x.SignOnPolicy.ID == p.ID && x.Priority == i+1 }); j >= 0 {
				a, err = &list[j], nil
			} else {
				a, err = sop.CreateSignOnPolicyAssignment(ctx, envID, s.App.ID, pingone.SignOnPolicyAssignment{SignOnPolicy: pingone.Ref{ID: p.ID}, Priority: i + 1})
			}
		}
		if err != nil {
			return nil, wrap(fmt.Sprintf("assign sign-on policy %q", p.Name), err)
		}
		created = append(created, LedgerEntry{Kind: CreatedSignOnPolicyAssignment, ID: a.ID, ParentID: s.App.ID, Name: p.Name, At: time.Now().UTC()})
	}
	if len(changes) == 0 {
		return nil, nil
	}
	return func(s *State) { s.record(changes...); s.Created = append(s.Created, created...) }, nil
}

func policyName(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return "policy " + id
}

// livePolicies reads an app's sign-on policies by name in priority order, for export; nil when
// it has none or they cannot be read.
func livePolicies(ctx context.Context, api API, envID, appID string) []string {
	sop, ok := sopAPI(api)
	if !ok {
		return nil
	}
	var as []pingone.SignOnPolicyAssignment
	var all []pingone.SignOnPolicy
	var errA, errP error
	_ = parallel( // both at once: no round trip waits for the other
		func() error { as, errA = sop.ListSignOnPolicyAssignments(ctx, envID, appID); return nil },
		func() error { all, errP = sop.ListSignOnPolicies(ctx, envID); return nil },
	)
	if errA != nil || len(as) == 0 {
		return nil
	}
	if errP != nil {
		all = nil // the IDs stand in for the names
	}
	names := map[string]string{}
	for _, p := range all {
		names[p.ID] = p.Name
	}
	slices.SortFunc(as, func(a, b pingone.SignOnPolicyAssignment) int { return a.Priority - b.Priority })
	var out []string
	for _, a := range as {
		out = append(out, policyName(names, a.SignOnPolicy.ID))
	}
	return out
}
