package flows

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// Live is an application as PingOne has it, with what hangs off it.
type Live struct {
	Environment pingone.Environment
	App         pingone.Application
	Grants      []pingone.ApplicationGrant
	// OpenIDScopes maps the openid resource's scope IDs to names.
	OpenIDScopes   map[string]string
	OpenIDResource string
	Roles          []pingone.Role
	AppRoles       []pingone.RoleAssignment
	// GroupNames names the groups of the app's group membership policy, by ID (read only when
	// the app has one).
	GroupNames map[string]string
	// SignOnPolicies are the app's sign-on policies by name in priority order (nil when it has
	// none or they cannot be read).
	SignOnPolicies []string

	// secret is the app's secret, read beside the rest for doctor only (readLive's withSecret).
	secret    *pingone.ApplicationSecret
	secretErr error
}

// ReadLive finds an application by ID or exact name in envID and reads its grants, its role
// assignments and the role table, in parallel where the reads are independent.
func ReadLive(ctx context.Context, api API, envID, ref string) (*Live, error) {
	return readLive(ctx, api, envID, ref, false)
}

// readLive is ReadLive that also reads the app's secret beside its grants when withSecret
// (doctor names it by fingerprint): no round trip waits for it.
func readLive(ctx context.Context, api API, envID, ref string, withSecret bool) (*Live, error) {
	l := &Live{}
	var app *pingone.Application
	err := parallel(
		func() (err error) {
			e, err := api.GetEnvironment(ctx, envID)
			if err == nil {
				l.Environment = *e
			}
			return wrap("read environment "+envID, err)
		},
		func() (err error) { l.Roles, err = api.ListRoles(ctx); return wrap("list roles", err) },
		func() (err error) {
			if app, err = findApp(ctx, api, envID, ref); err != nil {
				return err
			}
			// Its grants and roles as soon as the app is known, beside the other reads.
			return parallel(
				func() (err error) {
					l.Grants, err = api.ListApplicationGrants(ctx, envID, app.ID)
					return wrap("list grants", err)
				},
				func() (err error) {
					l.AppRoles, err = api.ListApplicationRoleAssignments(ctx, envID, app.ID)
					return wrap("list the application's role assignments", err)
				},
				func() error {
					if app.AccessControl == nil || app.AccessControl.Group == nil {
						return nil
					}
					groups, err := api.ListGroups(ctx, envID, "")
					if err != nil {
						return nil // names only: without them the export keeps the IDs
					}
					l.GroupNames = map[string]string{}
					for _, g := range groups {
						l.GroupNames[g.ID] = g.Name
					}
					return nil
				},
				func() error {
					l.SignOnPolicies = livePolicies(ctx, api, envID, app.ID)
					return nil
				},
				func() error {
					if withSecret && app.TokenEndpointAuthMethod != pingone.AuthMethodNone {
						l.secret, l.secretErr = api.GetApplicationSecret(ctx, envID, app.ID)
					}
					return nil
				},
			)
		},
		func() error {
			res, err := api.ListResources(ctx, envID)
			if err != nil {
				return wrap("list resources", err)
			}
			for _, r := range res {
				if r.Type == pingone.ResourceTypeOpenIDConnect {
					l.OpenIDResource = r.ID
					scopes, err := api.ListResourceScopes(ctx, envID, r.ID)
					if err != nil {
						return wrap("list openid scopes", err)
					}
					l.OpenIDScopes = map[string]string{}
					for _, s := range scopes {
						l.OpenIDScopes[s.ID] = s.Name
					}
				}
			}
			return nil
		},
	)
	if err != nil {
		return nil, err
	}
	l.App = *app
	return l, nil
}

// ErrAppNotFound is returned when no application matches a name or ID.
var ErrAppNotFound = errors.New("application not found")

func findApp(ctx context.Context, api API, envID, ref string) (*pingone.Application, error) {
	if ValidateUUID(ref) == nil {
		app, err := api.GetApplication(ctx, envID, ref)
		if err == nil {
			return app, nil
		}
		if !pingone.IsNotFound(err) {
			return nil, wrap("read application "+ref, err)
		}
	}
	apps, err := api.ListApplications(ctx, envID)
	if err != nil {
		return nil, wrap("list applications", err)
	}
	var same []pingone.Application
	for _, a := range apps {
		if a.Name == ref {
			same = append(same, a)
		}
	}
	switch len(same) {
	case 0:
		return nil, fmt.Errorf("%w: no application named or with ID %q in environment %s", ErrAppNotFound, ref, envID)
	case 1:
		return &same[0], nil
	}
	ids := make([]string, len(same))
	for i, a := range same {
		ids[i] = a.ID
	}
	return nil, fmt.Errorf("%w: %d applications are named %q (%s): give the ID", ErrAmbiguousName, len(same), ref, strings.Join(ids, ", "))
}

// Export returns the plan that reproduces a live application: apply it to another environment to
// get the same app, grants and app roles.
func Export(l Live) Plan {
	a := l.App
	spec := AppSpec{
		Name: a.Name, Description: a.Description, Enabled: Bool(a.Enabled),
		GrantTypes: sortedCopy(a.GrantTypes), ResponseTypes: sortedCopy(a.ResponseTypes),
		PKCEEnforcement: a.PKCEEnforcement, TokenEndpointAuthMethod: a.TokenEndpointAuthMethod,
		RedirectURIs: slices.Clone(a.RedirectURIs),
		AdminOnly:    Bool(a.AccessControl != nil && a.AccessControl.Role != nil && a.AccessControl.Role.Type == pingone.AccessControlAdminUsersOnly),
	}
	dur := func(p *int) *Duration {
		if p == nil {
			return nil
		}
		d := Duration(*p)
		return &d
	}
	spec.RefreshTokenDuration = dur(a.RefreshTokenDuration)
	spec.RefreshTokenRollingDuration = dur(a.RefreshTokenRollingDuration)
	spec.RefreshTokenRollingGracePeriodDuration = dur(a.RefreshTokenRollingGracePeriodDuration)
	if len(spec.ResponseTypes) == 0 {
		spec.ResponseTypes = nil
	}
	spec.Scopes = liveScopes(l)
	spec.More = moreFromLive(a) // the field table's settings
	spec.SignOnPolicies = slices.Clone(l.SignOnPolicies)
	if ac := a.AccessControl; ac != nil && ac.Group != nil && len(ac.Group.Groups) > 0 {
		ga := &GroupAccess{Type: ac.Group.Type}
		for _, g := range ac.Group.Groups {
			ga.Groups = append(ga.Groups, cmp.Or(l.GroupNames[g.ID], g.ID))
		}
		sort.Strings(ga.Groups)
		spec.GroupAccess = ga
	}
	byID := map[string]string{}
	for _, r := range l.Roles {
		byID[r.ID] = r.Name
	}
	for _, ra := range l.AppRoles {
		spec.RoleAssignments = append(spec.RoleAssignments, RoleAssignment{Role: byID[ra.Role.ID], Scope: scopeString(ra.Scope, l.Environment)})
	}
	// What the connector calls is not stored in PingOne: take it from the preset the app matches,
	// so applying the export checks roles for something rather than nothing.
	pr, _ := PresetByName(guessPreset(a))
	return Plan{Application: spec, Capabilities: slices.Clone(pr.Capabilities)}
}

// liveScopes lists the names of the openid scopes granted to the app, in catalogue order.
func liveScopes(l Live) []string {
	var out []string
	for _, g := range l.Grants {
		if g.Resource.ID != l.OpenIDResource {
			continue
		}
		for _, s := range g.Scopes {
			if name := l.OpenIDScopes[s.ID]; name != "" && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return slices.Index(OpenIDScopes, a) - slices.Index(OpenIDScopes, b) })
	return out
}

func scopeString(s pingone.RoleScope, env pingone.Environment) string {
	switch s.Type {
	case pingone.ScopeTypeEnvironment:
		if s.ID == env.ID {
			return "environment"
		}
		return "environment:" + s.ID
	case pingone.ScopeTypeOrganization:
		return "organization"
	}
	return strings.ToLower(s.Type) + ":" + s.ID
}

// Unmodelled lists the settings a live app has that no plan key carries (corsSettings, icon,
// signing, ...), sorted: apply leaves them as they are (an update sends them back unchanged), and
// export says so in a comment rather than drop them silently.
func Unmodelled(a pingone.Application) []string {
	var out []string
	for k, v := range a.Extra {
		if _, ok := settingIndex[k]; ok || slices.Contains(readOnlyExtra, k) || string(v) == "null" {
			continue
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// readOnlyExtra are keys PingOne returns that are not settings: identifiers and secrets.
var readOnlyExtra = []string{"clientId", "clientSecret", "_embedded"}

// ExportUser adds to an exported plan the user who signs in through the app and the roles they
// hold of their own (not through groups: a group's roles belong to the group), so applying the
// plan elsewhere checks and gives that user the same roles.
func ExportUser(ctx context.Context, api API, l Live, p *Plan, user string) error {
	u, err := FindUser(ctx, api, l.Environment.ID, user)
	if err != nil {
		return err
	}
	ras, err := api.ListUserRoleAssignments(ctx, l.Environment.ID, u.ID)
	if err != nil {
		return wrap("list the role assignments of "+u.Username, err)
	}
	names := map[string]string{}
	for _, r := range l.Roles {
		names[r.ID] = r.Name
	}
	p.SignInUser = u.Username
	p.UserRoleAssignments = nil
	for _, ra := range ras {
		if names[ra.Role.ID] == "" || ra.Scope.Type == pingone.ScopeTypeApplication {
			continue
		}
		p.UserRoleAssignments = append(p.UserRoleAssignments, UserRoleAssignment{User: u.Username, Role: names[ra.Role.ID], Scope: scopeString(ra.Scope, l.Environment)})
	}
	slices.SortFunc(p.UserRoleAssignments, func(a, b UserRoleAssignment) int { return cmp.Compare(a.Role+a.Scope, b.Role+b.Scope) })
	return nil
}
