package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// Step ids.
const (
	StepEnvironment = "environment"
	StepApplication = "application"
	StepAdopt       = "adopt"
	StepReview      = "review"
	StepSettings    = "settings"
	StepSignInUser  = "signin-user"
	StepCreate      = "create"
	StepEnable      = "enable"
	StepOIDC        = "oidc"
	StepScopes      = "scopes"
	StepAccess      = "access"
	StepRoles       = "roles"
	StepRoleFix     = "role-fix"
	StepAssign      = "assign"
	StepHandoff     = "handoff"
	StepVerify      = "verify"
)

// ErrAmbiguousName is returned when more than one app in the environment has the plan's name:
// the setup never guesses which one is meant.
var ErrAmbiguousName = errors.New("more than one application has this name")

// Steps returns the setup's steps in order (product.md steps 2-10; sign-in happens before).
func Steps() []Step {
	return []Step{
		{ID: StepEnvironment, Title: "Choose environment", Doing: "Choosing the environment", Prepare: prepareEnvironment, Inputs: environmentInputs, Run: runEnvironment},
		// The preset's review comes first and names the app too: accepting it is one key.
		{ID: StepReview, Title: "Review the preset", Doing: "Looking for an app of that name", Interactive: true, Skip: func(s *State) bool { return s.Plan.Preset == "custom" }, Inputs: reviewInputs,
			Run: func(ctx context.Context, env Env, s State) (Result, error) {
				if !keepsPreset(&s) {
					return nil, nil // the name is asked next, and looked for then
				}
				return runLookup(ctx, env, s)
			}},
		{ID: StepApplication, Title: "Name the Worker app", Doing: "Looking for an app of that name", Skip: keepsPreset, Inputs: applicationInputs, Run: runLookup},
		{ID: StepAdopt, Title: "Update the existing app?", Interactive: true, Skip: func(s *State) bool { return len(s.SameName) != 1 }, Inputs: adoptInputs},
		{ID: StepSettings, Title: "OIDC and refresh tokens", Interactive: true, Skip: keepsPreset, Inputs: settingsInputs},
		{ID: StepMore, Title: "More settings", Interactive: true, Skip: keepsPreset, Inputs: moreChoiceInputs},
		{ID: StepMoreValues, Title: "More settings", Interactive: true, Skip: func(s *State) bool { return keepsPreset(s) || len(moreValueInputs(s)) == 0 }, Inputs: moreValueInputs},
		{ID: StepSignInUser, Title: "Who will sign in", Doing: "Finding the user who will sign in", Skip: rolesToApp, Prepare: prepareSignInUser, Inputs: signInUserInputs, Run: runSignInUser},
		{ID: StepPreview, Title: "Review before writing", Doing: "Working out what will change", Interactive: true, Prepare: preparePreview, Inputs: previewInputs},
		{ID: StepCreate, Title: "Create the Worker app", Doing: "Creating the Worker app", Run: runCreate},
		{ID: StepEnable, Title: "Enable it", Doing: "Enabling it", Run: fieldStep(StepEnable, enableFields)},
		{ID: StepOIDC, Title: "OIDC and refresh settings", Doing: "Applying the OIDC and refresh settings", Run: fieldStep(StepOIDC, slices.Concat(detailFields, overviewFields, oidcFields, configFields))},
		{ID: StepScopes, Title: "Scopes", Doing: "Granting the scopes", Skip: func(s *State) bool { return len(s.Plan.Application.Scopes) == 0 }, Run: runScopes},
		{ID: StepAccess, Title: "Admin-only access", Doing: "Restricting access to admins", Run: runAccess},
		{ID: StepRoles, Title: "Check roles", Doing: "Checking roles", Run: runRoleCheck},
		{ID: StepRoleFix, Title: "Fix roles", Doing: "Applying your choice", Skip: func(s *State) bool {
			return s.Report == nil || (s.Report.Fix == nil && s.Report.AdminOnlyOff == nil)
		}, Inputs: roleFixInputs, Run: runRoleFix},
		{ID: StepAssign, Title: "Assign roles", Doing: "Assigning roles", Skip: func(s *State) bool {
			return len(s.Plan.UserRoleAssignments)+len(s.Plan.Application.RoleAssignments) == 0
		}, Run: runAssign},
		{ID: StepHandoff, Title: "Hand-off", Doing: "Reading the credentials", Run: runHandoff},
		{ID: StepVerify, Title: "Verify", Doing: "Verifying", Run: runVerify},
	}
}

// keepsPreset reports whether the admin accepted a preset's settings (name included) as they are.
func keepsPreset(s *State) bool { return s.Plan.Preset != "custom" && !s.EditSettings }

func rolesToApp(s *State) bool { return RolesGoToFor(s.Plan.Application.GrantTypes) == RolesToApp }

// --- environment -----------------------------------------------------------------------------

func prepareEnvironment(ctx context.Context, env Env, s State) (Result, error) {
	var envs []pingone.Environment
	var roles []pingone.Role
	err := parallel(
		func() (err error) { envs, err = env.API.ListEnvironments(ctx); return wrap("list environments", err) },
		func() (err error) { roles, err = env.API.ListRoles(ctx); return wrap("list roles", err) },
	)
	if err != nil {
		return nil, err
	}
	return func(s *State) {
		s.Environments, s.Roles = envs, roles
		if s.Plan.EnvironmentID == "" {
			s.Plan.EnvironmentID = env.Identity.EnvironmentID
		}
	}, nil
}

func environmentInputs(s *State) []Input {
	var envOpts []Option
	for _, e := range s.Environments {
		envOpts = append(envOpts, Option{Label: fmt.Sprintf("%s (%s, %s)  %s", e.Name, e.Type, e.Region, e.ID), Value: e.ID})
	}
	var presetOpts []Option
	for _, p := range Presets {
		presetOpts = append(presetOpts, Option{Label: fmt.Sprintf("%-12s %s", p.Name, p.Title), Value: p.Name})
	}
	return []Input{
		{
			Key: "environmentId", Title: "Target environment", Kind: Select, Options: envOpts,
			Help: "Where the Worker app will live. Listed: the environments your sign-in can read.",
			Get:  func(s *State) string { return s.Plan.EnvironmentID },
			Set: func(s *State, v string) error {
				if err := ValidateUUID(v); err != nil {
					return err
				}
				s.Plan.EnvironmentID = v
				return nil
			},
		},
		{
			Key: "preset", Title: "What are you connecting?", Kind: Select, Options: presetOpts,
			Help: "A preset fills in every setting; you can still change each one.",
			Get:  func(s *State) string { return s.Plan.Preset },
			Set: func(s *State, v string) error {
				if _, ok := PresetByName(v); !ok {
					return fmt.Errorf("unknown preset %q", v)
				}
				if s.Plan.Preset != v {
					// A new preset replaces the previous one's defaults, but not what the admin
					// gave: the signing-in user and an app name of their own.
					prev := s.Plan
					s.Plan = Plan{Preset: v, EnvironmentID: prev.EnvironmentID, SignInUser: prev.SignInUser}
					if old, ok := PresetByName(prev.Preset); prev.Application.Name != "" && (!ok || prev.Application.Name != old.App.Name) {
						s.Plan.Application.Name = prev.Application.Name
					}
				}
				p, err := s.Plan.WithPreset()
				s.Plan = p
				return err
			},
		},
	}
}

func runEnvironment(ctx context.Context, env Env, s State) (Result, error) {
	id := s.Plan.EnvironmentID
	if id == "" {
		return nil, fmt.Errorf("no target environment: give environmentId in the plan or --target-environment-id")
	}
	for _, e := range s.Environments {
		if e.ID == id {
			return func(s *State) { s.Target = e }, nil
		}
	}
	e, err := env.API.GetEnvironment(ctx, id)
	if err != nil {
		if pingone.IsNotFound(err) || pingone.IsForbidden(err) {
			return nil, fmt.Errorf("environment %s does not exist or this sign-in cannot read it (check the ID and the region): %w", id, err)
		}
		return nil, wrap("read environment "+id, err)
	}
	return func(s *State) { s.Target = *e }, nil
}

// --- application -----------------------------------------------------------------------------

func applicationInputs(s *State) []Input {
	return []Input{
		{
			Key: "name", Title: "Application name", Kind: Text,
			Help:     "Shown in the PingOne console. An app of the same name is updated in place, never duplicated.",
			Get:      func(s *State) string { return s.Plan.Application.Name },
			Validate: ValidateName,
			Set: func(s *State, v string) error {
				if err := ValidateName(v); err != nil {
					return err
				}
				s.Plan.Application.Name = strings.TrimSpace(v)
				return nil
			},
		},
		{
			Key: "description", Title: "Description", Kind: Text,
			Get:      func(s *State) string { return s.Plan.Application.Description },
			Validate: ValidateDescription,
			Set: func(s *State, v string) error {
				if err := ValidateDescription(v); err != nil {
					return err
				}
				s.Plan.Application.Description = v
				return nil
			},
		},
	}
}

// runLookup finds apps of the chosen name so the wizard can ask before adopting one. The create
// step looks again itself, so apply and doctor skip this read.
func runLookup(ctx context.Context, env Env, s State) (Result, error) {
	if !env.Interactive {
		return nil, nil
	}
	same, err := sameName(ctx, env, s.Target.ID, s.Plan.Application.Name)
	if err != nil {
		return nil, err
	}
	if c := s.CreatedApp; c != nil {
		// This run's own app (the admin went Back): the create step takes it again, unasked.
		same = slices.DeleteFunc(same, func(a pingone.Application) bool { return a.ID == c.ID })
	}
	return func(s *State) { s.SameName = same }, nil
}

// sameName lists the apps of envID named name; more than one is ErrAmbiguousName.
func sameName(ctx context.Context, env Env, envID, name string) ([]pingone.Application, error) {
	apps, err := env.API.ListApplications(ctx, envID)
	if err != nil {
		return nil, wrap("list applications", err)
	}
	var same []pingone.Application
	for _, a := range apps {
		if a.Name == name {
			same = append(same, a)
		}
	}
	if len(same) > 1 {
		ids := make([]string, len(same))
		for i, a := range same {
			ids[i] = a.ID
		}
		return nil, fmt.Errorf("%w: %d applications are named %q (%s); rename or delete all but one, or choose another name", ErrAmbiguousName, len(same), name, strings.Join(ids, ", "))
	}
	return same, nil
}

func adoptInputs(s *State) []Input {
	return []Input{{
		Key: "adopt", Kind: Confirm,
		Title: fmt.Sprintf("An application named %q already exists (%s). Update it in place?", s.SameName[0].Name, s.SameName[0].ID),
		Help:  "Yes keeps its client ID and secret and changes only what differs. No: go back and choose another name.",
		Get:   func(s *State) string { return fmt.Sprint(s.Adopt) },
		Set: func(s *State, v string) error {
			if v != "true" {
				return fmt.Errorf("choose another name (press Esc to go back), or update the existing app")
			}
			s.Adopt = true
			return nil
		},
	}}
}

// --- create and update -----------------------------------------------------------------------

func runCreate(ctx context.Context, env Env, s State) (Result, error) {
	if errs := s.Plan.Validate(); len(errs) > 0 {
		return nil, &PlanError{Problems: errs}
	}
	// The groups of a group membership policy are found before anything is written: a name
	// that matches none stops the run here.
	refs, names, err := resolveGroups(ctx, env.API, s.Target.ID, s.Plan.Application.GroupAccess)
	if err != nil {
		return nil, err
	}
	s.GroupRefs, s.GroupNames = refs, names
	if _, err := resolvePolicies(ctx, env.API, s.Target.ID, s.Plan.Application.SignOnPolicies); err != nil {
		return nil, err // a policy name that matches none: found before anything is written
	}
	if err := checkRoleNames(ctx, env.API, s); err != nil {
		return nil, err
	}
	res, err := createApp(ctx, env, s)
	if err != nil {
		return nil, err
	}
	return func(st *State) {
		if res != nil {
			res(st)
		}
		st.GroupRefs, st.GroupNames = refs, names
	}, nil
}

// runAccess brings admin-only access, the group membership policy and the sign-on policies to
// the plan's (the console's Access and Policies tabs).
func runAccess(ctx context.Context, env Env, s State) (Result, error) {
	fs := append(slices.Clone(accessFields), groupField(s.Plan.Application, s.GroupRefs, s.GroupNames))
	access, err := fieldStep(StepAccess, fs)(ctx, env, s)
	if err != nil {
		return nil, err
	}
	if access != nil {
		access(&s)
	}
	policies, err := runPolicies(ctx, env, s)
	if err != nil {
		return nil, err
	}
	if access == nil && policies == nil {
		return nil, nil
	}
	return func(st *State) {
		if access != nil {
			access(st)
		}
		if policies != nil {
			policies(st)
		}
	}, nil
}

// createApp creates the plan's app, or adopts the one of its name (see runCreate).
func createApp(ctx context.Context, env Env, s State) (Result, error) {
	// Look again right before creating, whatever the state says: after Back, a retry or a lost
	// response, the app of this name may exist already, and a setup never creates a twin. A list
	// read moments ago (prefetched) will do; one from before the admin's answers will not.
	same, err := sameName(WithMaxAge(ctx, 5*time.Second), env, s.Target.ID, s.Plan.Application.Name)
	if err != nil {
		return nil, err
	}
	if c := s.CreatedApp; c != nil && c.Name != s.Plan.Application.Name && !env.DryRun {
		// This run already created an app and the admin went back and renamed it: rename that
		// app rather than leave it behind and create a second one.
		if len(same) > 0 {
			return nil, fmt.Errorf("this run created %q (%s) and another application is already named %q (%s): choose another name, or go back to the first one", c.Name, c.ID, s.Plan.Application.Name, same[0].ID)
		}
		return renameCreated(ctx, env, s, *c)
	}
	if len(same) == 1 {
		live := same[0]
		return func(s *State) {
			s.App, s.SameName = &live, same
			s.record(Change{Step: StepCreate, Action: Adopted, Object: appObject(live), Applied: true})
		}, nil
	}
	want := NewApplication(s.Plan.Application)
	want, _ = applyFields("", want, s.Plan.Application, []field{groupField(s.Plan.Application, s.GroupRefs, s.GroupNames)}, false)
	if env.DryRun {
		return func(s *State) { s.App = &want; s.record(createdChanges(StepCreate, want, false)...) }, nil
	}
	app, err := createLooking(ctx, env,
		func() (*pingone.Application, error) { return env.API.CreateApplication(ctx, s.Target.ID, want) },
		func() (*pingone.Application, bool, error) {
			// The create may have happened: look before trying again, never create twice.
			found, err := findByName(ctx, env, s.Target.ID, want.Name)
			return found, found != nil, err
		})
	if err != nil {
		return nil, wrap(fmt.Sprintf("create application %q", want.Name), err)
	}
	return func(s *State) {
		s.App, s.AppCreated, s.CreatedApp = app, true, app
		s.record(createdChanges(StepCreate, *app, true)...)
		s.Created = append(s.Created, LedgerEntry{Kind: CreatedApplication, ID: app.ID, Name: app.Name, At: time.Now().UTC()})
	}, nil
}

// renameCreated renames the app this run created to the plan's name, reading it first so the
// full-body PUT carries what later steps already set.
func renameCreated(ctx context.Context, env Env, s State, c pingone.Application) (Result, error) {
	live, err := env.API.GetApplication(ctx, s.Target.ID, c.ID)
	if err != nil {
		return nil, wrap(fmt.Sprintf("read application %q", c.Name), err)
	}
	want := *live
	want.Name = s.Plan.Application.Name
	app, err := env.API.UpdateApplication(ctx, s.Target.ID, c.ID, want)
	if err != nil {
		return nil, wrap(fmt.Sprintf("rename application %q to %q", c.Name, want.Name), err)
	}
	change := Change{Step: StepCreate, Action: Updated, Object: appObject(*app), Field: "name", From: c.Name, To: app.Name, Applied: true}
	return func(s *State) { s.App, s.CreatedApp = app, app; s.record(change) }, nil
}

func findByName(ctx context.Context, env Env, envID, name string) (*pingone.Application, error) {
	apps, err := env.API.ListApplications(ctx, envID)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		if a.Name == name {
			return &a, nil
		}
	}
	return nil, nil
}

// fieldStep makes a step that brings the fields fs of the live app to the plan's values with one
// full-body PUT (PingOne's PUT replaces the whole app, so every other field is sent unchanged).
func fieldStep(step string, fs []field) func(context.Context, Env, State) (Result, error) {
	return func(ctx context.Context, env Env, s State) (Result, error) {
		if s.App == nil {
			return nil, fmt.Errorf("no application yet")
		}
		want, changes := applyFields(step, *s.App, s.Plan.Application, fs, !env.DryRun)
		if len(changes) == 0 {
			return nil, nil
		}
		for _, c := range changes {
			if st, ok := SettingByKey(c.Field); ok && st.CreateOnly && !s.AppCreated {
				return nil, fmt.Errorf("%s can be set only when PingOne creates the app, and it refuses a change (the app has %s, the plan %s): drop %s from the plan to keep the app's, or delete the app and apply again",
					c.Field, c.From, c.To, c.Field)
			}
		}
		if env.DryRun || s.App.ID == "" {
			return func(s *State) { s.App = &want; s.record(changes...) }, nil
		}
		app, err := env.API.UpdateApplication(ctx, s.Target.ID, s.App.ID, want)
		if err != nil {
			return nil, wrap(fmt.Sprintf("update application %q", want.Name), err)
		}
		return func(s *State) { s.App = app; s.record(changes...) }, nil
	}
}

// --- scopes ----------------------------------------------------------------------------------

func runScopes(ctx context.Context, env Env, s State) (Result, error) {
	envID := s.Target.ID
	var resources []pingone.Resource
	var grants []pingone.ApplicationGrant
	err := parallel(
		func() (err error) {
			resources, err = env.API.ListResources(ctx, envID)
			return wrap("list resources", err)
		},
		func() (err error) {
			if s.App.ID == "" || s.AppCreated {
				return nil // a new app has no grants yet
			}
			grants, err = env.API.ListApplicationGrants(ctx, envID, s.App.ID)
			return wrap("list application grants", err)
		},
	)
	if err != nil {
		return nil, err
	}
	var openid *pingone.Resource
	for i, r := range resources {
		if r.Type == pingone.ResourceTypeOpenIDConnect {
			openid = &resources[i]
		}
	}
	if openid == nil {
		return nil, fmt.Errorf("the environment has no openid resource (type OPENID_CONNECT); PingOne creates it with every environment, so this sign-in probably cannot read resources")
	}
	scopes, err := env.API.ListResourceScopes(ctx, envID, openid.ID)
	if err != nil {
		return nil, wrap("list scopes of the openid resource", err)
	}
	byName := map[string]string{}
	nameOf := map[string]string{}
	for _, sc := range scopes {
		byName[sc.Name] = sc.ID
		nameOf[sc.ID] = sc.Name
	}
	var want []pingone.Ref
	for _, name := range s.Plan.Application.Scopes {
		id, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("the openid resource has no scope %q", name)
		}
		want = append(want, pingone.Ref{ID: id})
	}
	have := map[string]bool{}
	for _, g := range grants {
		if g.Resource.ID == openid.ID {
			for _, sc := range g.Scopes {
				have[sc.ID] = true
			}
		}
	}
	var missing []pingone.Ref
	var names []string
	for i, r := range want {
		if !have[r.ID] {
			missing = append(missing, r)
			names = append(names, s.Plan.Application.Scopes[i])
		}
	}
	granted := slices.Clone(names)
	for id := range have {
		granted = append(granted, nameOf[id])
	}
	slices.Sort(granted)
	if len(missing) == 0 {
		return func(s *State) { s.Grants, s.GrantedScopes = grants, granted }, nil
	}
	change := Change{Step: StepScopes, Action: Created, Object: "grant on the openid resource", Field: "scopes", To: strings.Join(names, ", "), Applied: !env.DryRun}
	if env.DryRun || s.App.ID == "" {
		return func(s *State) { s.GrantedScopes = granted; s.record(change) }, nil
	}
	// Each missing scope gets its own grant only if no grant on the resource exists yet; an
	// existing grant is extended with the missing scopes instead. [unconfirmed] whether PingOne
	// allows two grants on one resource; extending avoids depending on it.
	for _, g := range grants {
		if g.Resource.ID == openid.ID {
			g.Scopes = slices.Concat(g.Scopes, missing) // never into a remembered read's array
			updated, err := env.API.UpdateApplicationGrant(ctx, envID, s.App.ID, g.ID, pingone.ApplicationGrant{Resource: g.Resource, Scopes: g.Scopes})
			if err != nil {
				return nil, wrap("update the openid grant", err)
			}
			change.Action = Updated
			kept := slices.DeleteFunc(slices.Clone(grants), func(x pingone.ApplicationGrant) bool { return x.ID == g.ID })
			return func(s *State) { s.Grants, s.GrantedScopes = append(kept, *updated), granted; s.record(change) }, nil
		}
	}
	g, err := createLooking(ctx, env,
		func() (*pingone.ApplicationGrant, error) {
			return env.API.CreateApplicationGrant(ctx, envID, s.App.ID, pingone.ApplicationGrant{Resource: pingone.Ref{ID: openid.ID}, Scopes: missing})
		},
		func() (*pingone.ApplicationGrant, bool, error) {
			// The response was lost: look whether PingOne made the grant before anything else.
			return findGrant(ctx, env, envID, s.App.ID, openid.ID, missing)
		})
	if err != nil {
		return nil, wrap("grant scopes "+strings.Join(names, ", "), err)
	}
	return func(s *State) {
		s.Grants, s.GrantedScopes = append(grants, *g), granted
		s.record(change)
		s.Created = append(s.Created, LedgerEntry{Kind: CreatedGrant, ID: g.ID, ParentID: s.App.ID, Name: "grant of " + strings.Join(names, ", "), At: time.Now().UTC()})
	}, nil
}

// findGrant looks for a grant on resource holding every scope of want, after a create whose
// outcome is unknown.
func findGrant(ctx context.Context, env Env, envID, appID, resource string, want []pingone.Ref) (*pingone.ApplicationGrant, bool, error) {
	grants, err := env.API.ListApplicationGrants(ctx, envID, appID)
	if err != nil {
		return nil, false, err
	}
	for _, g := range grants {
		if g.Resource.ID != resource {
			continue
		}
		if !slices.ContainsFunc(want, func(w pingone.Ref) bool { return !slices.Contains(g.Scopes, w) }) {
			return &g, true, nil
		}
	}
	return nil, false, nil
}

// --- helpers ---------------------------------------------------------------------------------

// wrap says what was being done; nil stays nil.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// parallel runs independent reads at once (each is a round trip to PingOne) and returns the
// first error.
func parallel(fs ...func() error) error {
	errs := make([]error, len(fs))
	var wg sync.WaitGroup
	for i, f := range fs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f() }()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// maxCreates bounds how often one create is sent when its outcome keeps being unknown.
const maxCreates = 4

// createLooking makes a create whose outcome may be unknown safe. After a 5xx or a dropped
// connection PingOne may or may not have made the object, so it looks: found, the object is
// taken as created; not found, the create provably did not happen and is sent again (after a
// short wait), at most maxCreates times in all. A create is never re-sent without that look.
func createLooking[T any](ctx context.Context, env Env, create func() (T, error), find func() (T, bool, error)) (T, error) {
	delay := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		v, err := create()
		if err == nil || !errors.Is(err, pingone.ErrOutcomeUnknown) {
			return v, err
		}
		found, ok, ferr := find()
		switch {
		case ferr != nil:
			// Cannot tell: say so rather than guess or re-send.
			return v, fmt.Errorf("%w (and looking whether it happened failed: %v)", err, ferr)
		case ok:
			return found, nil
		case attempt >= maxCreates:
			return v, err
		}
		w := newWaiter(env, true)
		if serr := w.sleep(ctx, delay); serr != nil {
			return v, err
		}
		delay *= 2
	}
}
