package flows

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// ErrNoLiveSignIn says a user sign-in through the new app cannot be made from here, e.g. because
// its redirect URI belongs to the connector (StackOne's callback), not to this machine.
var ErrNoLiveSignIn = errors.New("a sign-in through this app cannot be completed from here")

// ErrSignInRefused says PingOne refused the user's sign-in through the app (access_denied): a
// gate such as admin-only access or the group policy kept the user out.
var ErrSignInRefused = errors.New("PingOne refused the sign-in")

// Outcome is what the verify step could prove.
type Outcome string

// Outcomes. Only OutcomeVerified is a proof; OutcomeUnverified means no live proof was possible
// and the checks that could be made all passed (and says so); the others mean the connector will
// not work now.
const (
	OutcomeVerified   Outcome = "verified"
	OutcomeUnverified Outcome = "unverified"
	OutcomePending    Outcome = "pending"
	OutcomeFailed     Outcome = "failed"
)

// Probe results.
const (
	ProbePassed    = "passed"
	ProbeFailed    = "failed"
	ProbePending   = "pending"
	ProbeNotProbed = "not-probed"
)

// Probe is one live check of the verification: a real call, and what PingOne answered.
type Probe struct {
	Capability string `json:"capability,omitempty"`
	Title      string `json:"title"`
	Call       string `json:"call,omitempty"`
	Result     string `json:"result"`
	Message    string `json:"message,omitempty"`
}

// Verification is the proof at the end: which real calls were made and what they proved.
type Verification struct {
	// OK is true only when the outcome is verified.
	OK      bool    `json:"ok"`
	Outcome Outcome `json:"outcome"`
	Method  string  `json:"method"`
	// Call is the first call that failed, or the sign-in made.
	Call    string  `json:"call,omitempty"`
	Message string  `json:"message"`
	Probes  []Probe `json:"probes,omitempty"`
	// Waited is how long the verification waited for PingOne to apply new roles.
	Waited time.Duration `json:"waitedNs,omitempty"`
}

// Succeeded reports whether what the setup claims is true: verified by live calls, or (where no
// live proof is possible from here) every gate and capability the role check could judge passes
// and no error finding remains. Exit code 0 rests on it.
func (s State) Succeeded() bool {
	for _, f := range s.Findings {
		if f.Severity == SeverityError {
			return false
		}
	}
	v := s.Verified
	if v == nil {
		return false
	}
	switch v.Outcome {
	case OutcomeVerified:
		return true
	case OutcomeUnverified:
		return s.Report == nil || s.Report.OK()
	}
	return false
}

func runVerify(ctx context.Context, env Env, s State) (Result, error) {
	if env.DryRun || s.App == nil || s.App.ID == "" {
		return nil, nil
	}
	if RolesGoToFor(s.App.GrantTypes) == RolesToUser {
		return verifyUser(ctx, env, s)
	}
	return verifyApp(ctx, env, s)
}

// assignedThisRun reports whether this run created role assignments, whose effect PingOne may
// not have applied yet: only then is a 403 worth waiting for.
func assignedThisRun(s State) bool {
	return slices.ContainsFunc(s.Changes, func(c Change) bool { return c.Step == StepAssign && c.Applied && c.Action == Created })
}

// verifyUser re-reads the signing-in user's roles (their own and their groups'), judges the gates
// again, and where the app can be signed in to from here, signs in as that user through the new
// app and makes a Management API call per capability with that token.
func verifyUser(ctx context.Context, env Env, s State) (Result, error) {
	if s.SignInUser == nil {
		v := Verification{Outcome: OutcomeUnverified, Method: "role check", Message: "not verified: no signing-in user was named, so nobody's roles could be checked"}
		return func(s *State) { s.Verified = &v }, nil
	}
	user := s.SignInUser.Username
	signIn := env.SignInAs != nil && s.Credentials != nil
	// The roles are read again from PingOne (not from what this run remembers) while the user
	// signs in. A refusal is worth waiting for only when this run just assigned roles and the
	// fresh check finds every gate passing on paper: otherwise PingOne's "no" is final.
	var gateFails atomic.Bool
	checked := make(chan struct{})
	w := newWaiter(env, assignedThisRun(s))
	// Whether to wait out a refusal is decided once the fresh check is in, never before.
	w.giveUp = func() bool { <-checked; return gateFails.Load() }
	var recheck Result
	var rep RoleReport
	var api API
	var signErr error
	err := parallel(
		func() (err error) {
			defer close(checked)
			if recheck, err = runRoleCheck(WithMaxAge(ctx, 0), env, withoutRoleFindings(s)); err != nil {
				gateFails.Store(true) // the run fails anyway: no point waiting
				return err
			}
			probe := withoutRoleFindings(s)
			recheck(&probe)
			rep = *probe.Report
			gateFails.Store(slices.ContainsFunc(rep.Gates, func(g GateVerdict) bool { return g.Coverage != Covered }))
			return nil
		},
		func() error {
			if signIn {
				signErr = w.retry(ctx, isRefusal, func() (err error) {
					api, err = env.SignInAs(ctx, SignInRequest{Credentials: *s.Credentials, App: *s.App, Username: user, UserID: s.SignInUser.ID,
						Scopes: s.Plan.Application.Scopes, Show: env.Progress})
					return err
				})
			}
			return nil
		},
	)
	if err != nil {
		return nil, err
	}
	v := Verification{Method: "sign-in as " + user}
	if !signIn {
		v = unverified(rep, "no sign-in through the app can be made here")
		return finishVerify(recheck, rep, v), nil
	}
	err = signErr
	v.Waited = w.waited
	switch {
	case errors.Is(err, ErrNoLiveSignIn):
		v = unverified(rep, err.Error())
		return finishVerify(recheck, rep, v), nil
	case err != nil && w.timedOut:
		v.Outcome, v.Message = OutcomePending, fmt.Sprintf("PingOne still refuses %s's sign-in after waiting %s for the new roles to apply: %v", user, w.waited.Round(time.Second), err)
		return finishVerify(recheck, rep, v), nil
	case err != nil:
		v.Outcome, v.Message = OutcomeFailed, fmt.Sprintf("the sign-in as %s through the app failed: %v", user, err)
		return finishVerify(recheck, rep, v), nil
	}
	v.Call = "sign-in as " + user + " through " + s.App.Name
	// PingOne let the user in: every sign-in gate passed, whatever could not be read before.
	for i, g := range rep.Gates {
		if g.Coverage != Covered {
			rep.Gates[i].Coverage, rep.Gates[i].Detail = Covered, "PingOne let "+user+" sign in through the app"
		}
	}
	probeAll(ctx, env, s, api, &rep, &v, w)
	return finishVerify(recheck, rep, v), nil
}

// verifyApp gets a token as the new app (client credentials) and makes a Management API read per
// capability; at the same time it checks the app's roles again.
func verifyApp(ctx context.Context, env Env, s State) (Result, error) {
	// The app's roles are read again from PingOne while the app asks for its token.
	var recheck Result
	var rep RoleReport
	var api API
	var tokenErr error
	canSignIn := env.AppClient != nil && s.Credentials != nil
	err := parallel(
		func() (err error) {
			if recheck, err = runRoleCheck(WithMaxAge(ctx, 0), env, withoutRoleFindings(s)); err != nil {
				return err
			}
			probe := withoutRoleFindings(s)
			recheck(&probe)
			if probe.Report != nil {
				rep = *probe.Report
			}
			return nil
		},
		func() error {
			if canSignIn {
				api, tokenErr = env.AppClient(ctx, *s.Credentials)
			}
			return nil
		},
	)
	if err != nil {
		return nil, err
	}
	v := Verification{Method: "client credentials"}
	if !canSignIn {
		v = unverified(rep, "no token request as the app can be made here")
		return finishVerify(recheck, rep, v), nil
	}
	if errors.Is(tokenErr, pingone.ErrNoClientKey) {
		// A PRIVATE_KEY_JWT app signs its token requests with the connector's private key.
		v = unverified(rep, "the app authenticates with PRIVATE_KEY_JWT and the connector's private key was not given (--private-key-file)")
		return finishVerify(recheck, rep, v), nil
	}
	if err := tokenErr; err != nil {
		v.Outcome, v.Call, v.Message = OutcomeFailed, "POST /as/token", "the token request as the app failed: "+err.Error()
		return finishVerify(recheck, rep, v), nil
	}
	probeAll(ctx, env, s, api, &rep, &v, newWaiter(env, assignedThisRun(s)))
	return finishVerify(recheck, rep, v), nil
}

// unverified is the outcome where no live proof is possible: it says which checks were made.
func unverified(rep RoleReport, why string) Verification {
	v := Verification{Outcome: OutcomeUnverified, Method: "role check"}
	var passed []string
	for _, g := range rep.Gates {
		if g.Coverage == Covered {
			passed = append(passed, g.Title)
		}
	}
	switch {
	case rep.OK():
		v.Message = fmt.Sprintf("not proven by a live call (%s); checked and passing: %s; every capability is covered by %s's roles. The final sign-in happens on the connector's side.",
			why, strings.Join(append(passed, "role assignments"), ", "), rep.ActorName)
	case onlyCannotTell(rep):
		v.Message = fmt.Sprintf("not proven by a live call (%s), and the role check cannot tell: see below", why)
	default:
		v.Message = fmt.Sprintf("not proven by a live call (%s), and the role check does not pass: see below", why)
	}
	return v
}

// finishVerify applies the fresh role check, then what the live calls proved: a capability whose
// call is still refused after the wait is pending, one refused outright is missing.
func finishVerify(recheck Result, rep RoleReport, v Verification) Result {
	return func(s *State) {
		*s = withoutRoleFindings(*s)
		recheck(s)
		s.Report = &rep
		s.Findings = append(withoutRoleFindings(*s).Findings, roleFindings(rep)...)
		if v.Outcome == OutcomeFailed || v.Outcome == OutcomePending {
			s.Findings = append(s.Findings, Finding{Code: FindVerifyFailed, Severity: SeverityError,
				Message: "Verification " + string(v.Outcome) + ": " + v.Message,
				Fix:     verifyFix(*s, v)})
		}
		v.OK = v.Outcome == OutcomeVerified
		s.Verified = &v
	}
}

func verifyFix(s State, v Verification) string {
	check := "pingone-setup doctor --app " + quoteArg(s.App.Name)
	if s.SignInUser != nil {
		check += " --user " + quoteArg(s.SignInUser.Username)
	}
	if v.Outcome == OutcomePending {
		return "PingOne applies new roles with a delay. Check again in a few minutes with: " + check
	}
	return "See the findings above; check again with: " + check
}

func quoteArg(s string) string {
	if strings.ContainsAny(s, " \t'\"$`\\") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

// probeAll makes one live read per capability, at once, each waiting for role propagation when
// this run assigned roles. Capabilities that only write are not probed (a probe must not change
// data); the role check speaks for them.
func probeAll(ctx context.Context, env Env, s State, api API, rep *RoleReport, v *Verification, w *waiter) {
	staticOK := rep.OK()
	caps := capabilitiesOf(s.Plan)
	probes := make([]Probe, len(caps))
	errs := make([]error, len(caps))
	waiters := make([]*waiter, len(caps))
	jobs := make([]func() error, 0, len(caps))
	for i, c := range caps {
		call, do := probeFor(api, s, c)
		probes[i] = Probe{Capability: c.ID, Title: c.Title, Call: call, Result: ProbeNotProbed, Message: "not probed: " + call}
		if do == nil {
			continue
		}
		waiters[i] = w.fork()
		if cv := capVerdict(rep, c.ID); cv == nil || cv.Coverage != Covered {
			// Not covered on paper: a 403 is the expected answer, not a delay.
			waiters[i].active = false
		}
		jobs = append(jobs, func() error {
			err := waiters[i].retry(ctx, pingone.IsActorNotAuthorized, func() error { return do(ctx) })
			errs[i] = err
			switch {
			case err == nil:
				probes[i].Result, probes[i].Message = ProbePassed, "PingOne answered "+call
			case waiters[i].timedOut:
				probes[i].Result, probes[i].Message = ProbePending, "still HTTP 403 after waiting for the new roles: "+err.Error()
			default:
				probes[i].Result, probes[i].Message = ProbeFailed, err.Error()
			}
			return nil
		})
	}
	_ = parallel(jobs...)
	v.Probes = probes
	// A read PingOne answered proves its capability, where the role check could not tell.
	for _, p := range probes {
		if cv := capVerdict(rep, p.Capability); cv != nil && p.Result == ProbePassed && cv.Coverage == CannotTell {
			cv.Coverage = Covered
			for j := range cv.Permissions {
				if cv.Permissions[j].Coverage == CannotTell {
					cv.Permissions[j].Coverage, cv.Permissions[j].Via, cv.Permissions[j].Reason = Covered, "proven by "+p.Call, ""
				}
			}
		}
	}
	staticOK = staticOK || rep.OK()
	outcome := OutcomeVerified
	for i, p := range probes {
		if waiters[i] != nil && waiters[i].waited > v.Waited {
			v.Waited = waiters[i].waited
		}
		cv := capVerdict(rep, p.Capability)
		switch p.Result {
		case ProbePending:
			outcome = worseOutcome(outcome, OutcomePending)
			if cv != nil {
				cv.Coverage = Pending
				for j := range cv.Permissions {
					cv.Permissions[j].Reason = "assigned; PingOne has not applied it yet"
				}
			}
		case ProbeFailed:
			outcome = worseOutcome(outcome, OutcomeFailed)
			if cv != nil && pingone.IsForbidden(errs[i]) {
				// PingOne's answer outranks the prediction.
				cv.Coverage = Missing
				for j := range cv.Permissions {
					cv.Permissions[j].Coverage, cv.Permissions[j].Reason = Missing, "PingOne answered 403 to "+p.Call
				}
			}
		case ProbeNotProbed:
			if cv != nil && cv.Coverage != Covered {
				outcome = worseOutcome(outcome, OutcomeFailed)
			}
		}
	}
	if !staticOK {
		outcome = worseOutcome(outcome, OutcomeFailed)
	}
	v.Outcome = outcome
	var passed, bad []string
	for _, p := range probes {
		switch p.Result {
		case ProbePassed:
			passed = append(passed, strings.ToLower(p.Title))
		case ProbeFailed, ProbePending:
			bad = append(bad, p.Call+": "+p.Message)
			if v.Call == "" || strings.HasPrefix(v.Call, "sign-in") {
				v.Call = p.Call
			}
		}
	}
	switch outcome {
	case OutcomeVerified:
		reads := fmt.Sprintf("PingOne answered a read for each capability (%s)", strings.Join(passed, "; "))
		if len(passed) == 0 {
			reads = "no capability has a read to prove it"
		}
		if v.Method != "client credentials" {
			v.Message = fmt.Sprintf("signed in as %s through the app; %s", strings.TrimPrefix(v.Method, "sign-in as "), reads)
		} else {
			v.Message = "the app got a token; " + reads
		}
		if v.Waited > 0 {
			v.Message += fmt.Sprintf(" (after waiting %s for the new roles to apply)", v.Waited.Round(time.Second))
		}
	case OutcomePending:
		v.Message = fmt.Sprintf("the new roles are assigned but PingOne has not applied them after %s: %s", v.Waited.Round(time.Second), strings.Join(bad, "; "))
	default:
		if len(bad) == 0 {
			v.Message = "the role check does not pass: see the findings"
		} else {
			v.Message = strings.Join(bad, "; ")
		}
	}
}

func capVerdict(rep *RoleReport, id string) *CapabilityVerdict {
	for i := range rep.Capabilities {
		if rep.Capabilities[i].ID == id {
			return &rep.Capabilities[i]
		}
	}
	return nil
}

func worseOutcome(a, b Outcome) Outcome {
	rank := map[Outcome]int{OutcomeVerified: 0, OutcomeUnverified: 1, OutcomePending: 2, OutcomeFailed: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// probeFor picks a read that proves capability c works with api; nil when c only writes (or no
// read proves it) and is therefore not probed.
func probeFor(api API, s State, c Capability) (string, func(context.Context) error) {
	envID := s.Target.ID
	who := "pingone-setup-probe"
	if s.SignInUser != nil {
		who = s.SignInUser.Username
	}
	switch c.ID {
	case CapUsersRead:
		filter := fmt.Sprintf(`username eq "%s"`, who)
		return "GET /environments/" + envID + "/users?filter=" + filter, func(ctx context.Context) error {
			_, err := api.ListUsers(ctx, envID, filter)
			return err
		}
	case CapGroupsRead:
		if s.SignInUser != nil {
			u := s.SignInUser.ID
			return "GET /environments/" + envID + "/users/" + u + "?include=memberOfGroupIDs", func(ctx context.Context) error {
				_, err := api.GetUserGroupIDs(ctx, envID, u)
				return err
			}
		}
		return "GET /environments/" + envID + "/groups", func(ctx context.Context) error { _, err := api.ListGroups(ctx, envID, ""); return err }
	case CapPopulationsRead:
		return "GET /environments/" + envID + "/populations", func(ctx context.Context) error { _, err := api.ListPopulations(ctx, envID); return err }
	case CapApplicationsRead:
		// One application proves applications:read:application without paging them all.
		appID := s.App.ID
		return "GET /environments/" + envID + "/applications/" + appID, func(ctx context.Context) error {
			_, err := api.GetApplication(ctx, envID, appID)
			return err
		}
	case CapEnvironmentsRead:
		return "GET /environments", func(ctx context.Context) error { _, err := api.ListEnvironments(ctx); return err }
	}
	return c.Calls + " (a write, or no read proves it)", nil
}

func isRefusal(err error) bool { return errors.Is(err, ErrSignInRefused) }

// waiter retries a call while PingOne has not applied new role assignments: from 0.5 s, doubling
// up to 10 s between tries, until the propagation timeout. It waits only when this run assigned
// roles; otherwise a refusal is final at once.
type waiter struct {
	env    Env
	active bool
	// giveUp, when set, stops the wait as soon as it reports true (a refusal became final).
	giveUp   func() bool
	timeout  time.Duration
	waited   time.Duration
	timedOut bool
}

func newWaiter(env Env, active bool) *waiter {
	return &waiter{env: env, active: active, timeout: cmpDuration(env.PropagationTimeout, DefaultPropagationTimeout)}
}

func (w *waiter) fork() *waiter { c := *w; c.waited, c.timedOut, c.giveUp = 0, false, nil; return &c }

func cmpDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (w *waiter) retry(ctx context.Context, retryable func(error) bool, do func() error) error {
	delay := 500 * time.Millisecond
	for {
		err := do()
		if err == nil || !w.active || !retryable(err) || (w.giveUp != nil && w.giveUp()) {
			return err
		}
		if w.waited >= w.timeout {
			w.timedOut = true
			return err
		}
		if w.env.Progress != nil {
			w.env.Progress(fmt.Sprintf("waiting for PingOne to apply the new roles (%d s)", int(w.waited.Seconds())))
		}
		d := min(delay, w.timeout-w.waited)
		if serr := w.sleep(ctx, d); serr != nil {
			return err
		}
		w.waited += d
		if w.giveUp != nil && w.giveUp() {
			return err
		}
		delay = min(2*delay, 10*time.Second)
	}
}

func (w *waiter) sleep(ctx context.Context, d time.Duration) error {
	if w.env.Sleep != nil {
		return w.env.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// onlyCannotTell reports whether everything in rep that does not pass is "cannot tell".
func onlyCannotTell(rep RoleReport) bool {
	some := false
	for _, g := range rep.Gates {
		some = some || g.Coverage == CannotTell
		if g.Coverage != Covered && g.Coverage != CannotTell {
			return false
		}
	}
	for _, c := range rep.Capabilities {
		some = some || c.Coverage == CannotTell
		if c.Coverage != Covered && c.Coverage != CannotTell {
			return false
		}
	}
	return some
}

// OnlyCannotTell reports whether nothing in the report is known to fail, but something could
// not be told.
func (r RoleReport) OnlyCannotTell() bool { return onlyCannotTell(r) }

// CanProve reports whether the wizard may offer a person's sign-in as the user through the app to
// prove a setup that no automatic sign-in could: a user grant, an app whose authorization code
// redirect comes back to this machine (a loopback URI), and no live proof yet.
func CanProve(env Env, s State) bool {
	if env.PersonSignIn == nil || s.App == nil || s.SignInUser == nil || s.Credentials == nil || s.Verified == nil {
		return false
	}
	if s.Verified.Outcome != OutcomeUnverified || !slices.Contains(s.App.GrantTypes, pingone.GrantAuthorizationCode) {
		return false
	}
	_, _, ok := LoopbackRedirect(s.App.RedirectURIs)
	return ok
}

// Prove verifies again with a person signing in as the user through the app (Env.PersonSignIn):
// the same proof the demo makes automatically.
func Prove(ctx context.Context, env Env, s State) (Result, error) {
	env.SignInAs = env.PersonSignIn
	return verifyUser(ctx, env, s)
}

// LoopbackRedirect finds a redirect URI of this machine (http on 127.0.0.1, ::1 or localhost with
// a port) and returns its port and path.
func LoopbackRedirect(uris []string) (port int, path string, ok bool) {
	for _, raw := range uris {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "http" || !pingone.IsLoopbackHost(u.Hostname()) || u.Port() == "" {
			continue
		}
		p, err := strconv.Atoi(u.Port())
		if err != nil {
			continue
		}
		return p, cmpOr(u.Path, "/"), true
	}
	return 0, "", false
}
