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

// Finding codes of doctor: stable, for scripts and support.
const (
	FindAppNotFound         = "APP_NOT_FOUND"
	FindAppDisabled         = "APP_DISABLED"
	FindNotWorker           = "NOT_A_WORKER"
	FindGrantsInconsistent  = "GRANTS_INCONSISTENT"
	FindNoRedirectURI       = "REDIRECT_URI_MISSING"
	FindRedirectTrailing    = "REDIRECT_URI_TRAILING_SLASH"
	FindRedirectInvalid     = "REDIRECT_URI_INVALID"
	FindRefreshNoOffline    = "REFRESH_WITHOUT_OFFLINE_ACCESS"
	FindRefreshOrder        = "REFRESH_DURATIONS_OUT_OF_ORDER"
	FindAdminOnlyOff        = "ADMIN_ONLY_OFF"
	FindRoleMissing         = "ROLE_MISSING"
	FindRolePopulationOnly  = "ROLE_POPULATION_ONLY"
	FindRoleUnneeded        = "ROLE_UNNEEDED"
	FindRoleCheckSkipped    = "ROLE_CHECK_SKIPPED"
	FindPermissionUnknown   = "PERMISSION_UNKNOWN"
	FindGuideDiffers        = "GUIDE_DIFFERS"
	FindAdminOnlyGate       = "ADMIN_ONLY_GATE"
	FindGroupPolicyGate     = "GROUP_POLICY_GATE"
	FindUnmodelled          = "SETTINGS_NOT_IN_PLANS"
	FindRoleViaGroup        = "ROLE_VIA_GROUP"
	FindRoleCannotTell      = "ROLE_CANNOT_TELL"
	FindRolePending         = "ROLE_PENDING"
	FindVerifyFailed        = "VERIFY_FAILED"
	FindPreviousSecretValid = "PREVIOUS_SECRET_VALID"
)

// Diagnosis is doctor's result.
type Diagnosis struct {
	Live     *Live
	Plan     Plan
	Report   *RoleReport
	Findings []Finding
	// SecretFingerprint names the app's current secret without revealing it ("" when it has none
	// or it could not be read); PreviousExpiresAt is when a rotated-out secret stops working.
	SecretFingerprint string
	PreviousExpiresAt time.Time
}

// Healthy reports whether doctor found no error or warning.
func (d Diagnosis) Healthy() bool {
	for _, f := range d.Findings {
		if f.Severity != SeverityInfo {
			return false
		}
	}
	return true
}

// Doctor reads a live application and the user who will sign in (for user grants) and reports
// what will go wrong, each finding with its fix. capabilities may be empty: the preset that best
// matches the app decides them.
func Doctor(ctx context.Context, env Env, envID, appRef, user string, capabilities []string) (Diagnosis, error) {
	env.API = Cached(env.API) // the role check reuses what reading the app read
	// The user and everyone's roles are read beside the app, not after it.
	wait := Prefetch(ctx, env, doctorSteps(), State{Plan: Plan{EnvironmentID: envID, SignInUser: user,
		Application: AppSpec{GrantTypes: []string{pingone.GrantAuthorizationCode}}}})
	defer wait()
	live, err := readLive(ctx, env.API, envID, appRef, true)
	if err != nil {
		if errors.Is(err, ErrAppNotFound) {
			return Diagnosis{Findings: []Finding{{Code: FindAppNotFound, Severity: SeverityError,
				Message: err.Error(), Fix: "Check the name (exact, case-sensitive) or ID and the environment, or create the app with pingone-setup apply."}}}, nil
		}
		return Diagnosis{}, err
	}
	plan := Export(*live)
	if len(capabilities) > 0 {
		plan.Capabilities = capabilities
	} else {
		plan.Preset = guessPreset(live.App) // for the vendor-guide check
	}
	plan.SignInUser = user
	d := Diagnosis{Live: live, Plan: plan}
	d.Findings = configFindings(*live)
	if more := Unmodelled(live.App); len(more) > 0 {
		d.Findings = append(d.Findings, Finding{Code: FindUnmodelled, Severity: SeverityInfo,
			Message: "The app also has " + strings.Join(more, ", ") + ", which no plan key carries: export lists them in a comment, and apply keeps them as they are",
			Fix:     "Nothing to do for this app; an app made from its exported plan does not get them (set them in the console there)."})
	}

	// The role check runs the wizard's own steps on the live app.
	s := State{Plan: plan, Target: live.Environment, App: &live.App, Roles: live.Roles, GrantedScopes: live.grantedScopes()}
	s, err = Run(ctx, Env{API: env.API, Identity: env.Identity}, doctorSteps(), s)
	if err != nil {
		return d, err
	}
	d.Report = s.Report
	d.Findings = append(d.Findings, s.Findings...)
	d.secretFacts(ctx, env, live)
	return d, nil
}

// secretFacts reads the app's secret to name it by fingerprint and to report a previous secret
// that still works (after rotate-secret). The secret itself never leaves this function. A
// sign-in that may not read secrets just gets neither.
func (d *Diagnosis) secretFacts(ctx context.Context, env Env, live *Live) {
	if live.App.TokenEndpointAuthMethod == pingone.AuthMethodNone {
		return
	}
	sec, err := live.secret, live.secretErr
	if sec == nil && err == nil {
		sec, err = env.API.GetApplicationSecret(ctx, live.Environment.ID, live.App.ID)
	}
	if err != nil || sec == nil {
		return
	}
	d.SecretFingerprint = Fingerprint(sec.Secret)
	if sec.Previous == nil || sec.Previous.ExpiresAt == "" {
		return // no previous secret: the normal state
	}
	t, err := time.Parse(time.RFC3339Nano, sec.Previous.ExpiresAt)
	if err != nil || !t.After(time.Now()) {
		return
	}
	d.PreviousExpiresAt = t
	d.Findings = append(d.Findings, Finding{Code: FindPreviousSecretValid, Severity: SeverityInfo,
		Message: fmt.Sprintf("The previous client secret (%s) still works until %s (kept by a rotation for connectors not yet updated); the current one is %s",
			Fingerprint(sec.Previous.Secret), t.Local().Format("2006-01-02 15:04 MST"), d.SecretFingerprint),
		Fix: "Update every connector to the current secret before then; to end the previous one now, revoke it in the console (Applications > the app > Configuration)."})
}

// guessPreset picks the preset whose settings the app matches best, to decide what the connector
// calls when the user did not say.
func guessPreset(a pingone.Application) string {
	switch {
	case slices.Contains(a.RedirectURIs, "https://api.stackone.com/connect/oauth2/pingone/callback"):
		return "stackone"
	case a.TokenEndpointAuthMethod == pingone.AuthMethodNone && slices.Contains(a.GrantTypes, pingone.GrantAuthorizationCode):
		return "cli-login"
	case slices.Contains(a.GrantTypes, pingone.GrantClientCredentials):
		return "sync-worker"
	}
	return "stackone"
}

// configFindings checks an app's own settings.
func configFindings(l Live) []Finding {
	a := l.App
	var out []Finding
	add := func(code string, sev Severity, msg, fix string) {
		out = append(out, Finding{Code: code, Severity: sev, Message: msg, Fix: fix})
	}
	if a.Type != pingone.AppTypeWorker {
		add(FindNotWorker, SeverityError, fmt.Sprintf("%q is a %s application, not a WORKER: it cannot call the Management API with its own or an admin's roles", a.Name, a.Type),
			"Create a Worker app (pingone-setup apply with a preset); an app's type cannot be changed.")
	}
	if !a.Enabled {
		add(FindAppDisabled, SeverityError, fmt.Sprintf("%q is disabled: every sign-in and token request fails with invalid_client", a.Name),
			"Enable it: plan application.enabled: true, then pingone-setup apply (or the toggle in the console).")
	}
	spec := Export(l).Application
	for _, p := range consistency(spec) {
		code := FindGrantsInconsistent
		if strings.Contains(p.Message, "redirect URI") {
			code = FindNoRedirectURI
		}
		add(code, SeverityError, p.Message, fmt.Sprintf("Set %s in the plan and apply it.", p.Field))
	}
	for _, u := range a.RedirectURIs {
		warn, err := ValidateRedirectURI(u)
		switch {
		case err != nil:
			add(FindRedirectInvalid, SeverityError, err.Error(), "Use the connector's exact https callback (http only on 127.0.0.1 or localhost), without a fragment.")
		case warn != "":
			add(FindRedirectTrailing, SeverityWarning, warn, "Compare with the connector's documented callback, character for character.")
		}
	}
	if slices.Contains(a.GrantTypes, pingone.GrantRefreshToken) && !slices.Contains(spec.Scopes, "offline_access") {
		add(FindRefreshNoOffline, SeverityWarning, "The app has the REFRESH_TOKEN grant but no offline_access scope, so connectors that ask for offline_access get invalid_scope and no refresh token",
			"Add offline_access to application.scopes in the plan and apply it.")
	}
	if d, r := a.RefreshTokenDuration, a.RefreshTokenRollingDuration; d != nil && r != nil && *d > *r {
		add(FindRefreshOrder, SeverityError, fmt.Sprintf("refreshTokenDuration (%s) is longer than refreshTokenRollingDuration (%s)", Duration(*d), Duration(*r)),
			"Make the rolling duration at least the refresh token duration (e.g. 30d and 180d).")
	}
	userGrant := RolesGoToFor(a.GrantTypes) == RolesToUser
	adminOnly := a.AccessControl != nil && a.AccessControl.Role != nil && a.AccessControl.Role.Type == pingone.AccessControlAdminUsersOnly
	if userGrant && !adminOnly {
		add(FindAdminOnlyOff, SeverityWarning, "Any user of the environment can sign in to this Management API integration, not only admins",
			"Set application.adminOnly: true (accessControl.role.type ADMIN_USERS_ONLY) and apply.")
	}
	return out
}

// grantedScopes names the openid scopes granted to the live app.
func (l Live) grantedScopes() []string {
	out := []string{}
	for _, g := range l.Grants {
		if g.Resource.ID != l.OpenIDResource {
			continue
		}
		for _, sc := range g.Scopes {
			if name, ok := l.OpenIDScopes[sc.ID]; ok {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// doctorSteps are the wizard's own steps that judge a live app: who signs in, and their roles.
func doctorSteps() []Step {
	var steps []Step
	for _, st := range Steps() {
		if st.ID == StepSignInUser || st.ID == StepRoles {
			steps = append(steps, st)
		}
	}
	return steps
}
