package flows

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// field is one application setting the plan controls, as data: how to read it from a live app,
// how to set it from the plan, and whether the plan sets it at all.
type field struct {
	Name string
	Get  func(a pingone.Application) string
	Set  func(a *pingone.Application, s AppSpec)
	// InPlan reports whether the plan sets this field (unset fields keep their live value).
	InPlan func(s AppSpec) bool
}

func listField(name string, get func(*pingone.Application) *[]string, spec func(AppSpec) []string) field {
	return field{
		Name:   name,
		Get:    func(a pingone.Application) string { return strings.Join(sortedCopy(*get(&a)), ", ") },
		Set:    func(a *pingone.Application, s AppSpec) { *get(a) = slices.Clone(spec(s)) },
		InPlan: func(s AppSpec) bool { return spec(s) != nil },
	}
}

func stringField(name string, get func(*pingone.Application) *string, spec func(AppSpec) string) field {
	return field{
		Name:   name,
		Get:    func(a pingone.Application) string { return *get(&a) },
		Set:    func(a *pingone.Application, s AppSpec) { *get(a) = spec(s) },
		InPlan: func(s AppSpec) bool { return spec(s) != "" },
	}
}

func durationField(name string, get func(*pingone.Application) **int, spec func(AppSpec) *Duration) field {
	return field{
		Name: name,
		Get: func(a pingone.Application) string {
			if p := *get(&a); p != nil {
				return Duration(*p).String()
			}
			return ""
		},
		Set: func(a *pingone.Application, s AppSpec) {
			v := int(*spec(s))
			*get(a) = &v
		},
		InPlan: func(s AppSpec) bool { return spec(s) != nil },
	}
}

// Field groups, one per step that owns them.
var (
	detailFields = []field{
		stringField("description", func(a *pingone.Application) *string { return &a.Description }, func(s AppSpec) string { return s.Description }),
	}
	// The field table's settings of the console's Overview and Configuration tabs.
	overviewFields = moreFields("Overview")
	configFields   = moreFields("Configuration")
	enableFields   = []field{{
		Name:   "enabled",
		Get:    func(a pingone.Application) string { return strconv.FormatBool(a.Enabled) },
		Set:    func(a *pingone.Application, s AppSpec) { a.Enabled = s.Enabled == nil || *s.Enabled },
		InPlan: func(AppSpec) bool { return true },
	}}
	oidcFields = []field{
		listField("grantTypes", func(a *pingone.Application) *[]string { return &a.GrantTypes }, func(s AppSpec) []string { return s.GrantTypes }),
		listField("responseTypes", func(a *pingone.Application) *[]string { return &a.ResponseTypes }, func(s AppSpec) []string { return s.ResponseTypes }),
		stringField("pkceEnforcement", func(a *pingone.Application) *string { return &a.PKCEEnforcement }, func(s AppSpec) string { return s.PKCEEnforcement }),
		listField("redirectUris", func(a *pingone.Application) *[]string { return &a.RedirectURIs }, func(s AppSpec) []string { return s.RedirectURIs }),
		stringField("tokenEndpointAuthMethod", func(a *pingone.Application) *string { return &a.TokenEndpointAuthMethod }, func(s AppSpec) string { return s.TokenEndpointAuthMethod }),
		durationField("refreshTokenDuration", func(a *pingone.Application) **int { return &a.RefreshTokenDuration }, func(s AppSpec) *Duration { return s.RefreshTokenDuration }),
		durationField("refreshTokenRollingDuration", func(a *pingone.Application) **int { return &a.RefreshTokenRollingDuration }, func(s AppSpec) *Duration { return s.RefreshTokenRollingDuration }),
		durationField("refreshTokenRollingGracePeriodDuration", func(a *pingone.Application) **int { return &a.RefreshTokenRollingGracePeriodDuration }, func(s AppSpec) *Duration { return s.RefreshTokenRollingGracePeriodDuration }),
	}
	accessFields = []field{{
		Name: "accessControl.role.type",
		Get: func(a pingone.Application) string {
			if a.AccessControl != nil && a.AccessControl.Role != nil {
				return a.AccessControl.Role.Type
			}
			return ""
		},
		Set: func(a *pingone.Application, s AppSpec) {
			// Copy before changing: the live app's AccessControl must stay as it was.
			var ac pingone.AccessControl
			if a.AccessControl != nil {
				ac = *a.AccessControl
			}
			ac.Role = nil
			if *s.AdminOnly {
				ac.Role = &pingone.AccessControlRole{Type: pingone.AccessControlAdminUsersOnly}
			}
			a.AccessControl = &ac
			if ac.Role == nil && ac.Group == nil {
				a.AccessControl = nil
			}
		},
		InPlan: func(s AppSpec) bool { return s.AdminOnly != nil },
	}}
	allFields = slices.Concat(detailFields, overviewFields, enableFields, oidcFields, configFields, accessFields)
)

func sortedCopy(v []string) []string {
	c := slices.Clone(v)
	slices.Sort(c)
	return c
}

// applyFields sets fs from the plan on a copy of live and returns the copy with the changes.
func applyFields(step string, live pingone.Application, spec AppSpec, fs []field, applied bool) (pingone.Application, []Change) {
	want := live
	// Lists and pointers are replaced, never mutated in place, so live stays as it was.
	var changes []Change
	for _, f := range fs {
		if !f.InPlan(spec) {
			continue
		}
		before := f.Get(want)
		f.Set(&want, spec)
		if after := f.Get(want); after != before {
			changes = append(changes, Change{Step: step, Action: Updated, Object: appObject(live), Field: f.Name, From: orNone(before), To: orNone(after), Applied: applied})
		}
	}
	return want, changes
}

// NewApplication builds the create request for a plan: a WORKER OIDC app with every field the
// plan sets, and assignActorRoles false unless asked (otherwise PingOne gives the new worker every
// role of its creator).
func NewApplication(spec AppSpec) pingone.Application {
	app := pingone.Application{Name: spec.Name, Type: pingone.AppTypeWorker, Protocol: pingone.ProtocolOpenIDConnect}
	app, _ = applyFields("", app, spec, allFields, false)
	actor := spec.AssignActorRoles
	app.AssignActorRoles = &actor
	return app
}

// createdChanges lists the fields a create sets, for the report.
func createdChanges(step string, app pingone.Application, applied bool) []Change {
	out := []Change{{Step: step, Action: Created, Object: appObject(app), Applied: applied}}
	for _, f := range slices.Concat(allFields, []field{groupField(AppSpec{}, nil, nil)}) { // never append to a shared slice
		if st, ok := SettingByKey(f.Name); ok && st.Default != "" && f.Get(app) == st.Default {
			continue // PingOne's default, which the plan did not ask for
		}
		if v := f.Get(app); v != "" {
			out = append(out, Change{Step: step, Action: Created, Object: appObject(app), Field: f.Name, To: v, Applied: applied})
		}
	}
	return out
}

func appObject(a pingone.Application) string {
	if a.ID == "" {
		return fmt.Sprintf("application %q", a.Name)
	}
	return fmt.Sprintf("application %q (%s)", a.Name, a.ID)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
