package flows

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// Step is one step of the setup, as data. The same list drives the interactive wizard and the
// non-interactive commands: Prepare reads what the step's questions need, Inputs are the questions
// (the wizard asks them; apply takes the answers from the plan), Run does the step's API work.
// Prepare and Run never change the State they are given: they return a Result that the caller
// applies, so the TUI can run them as commands and apply results in Update.
type Step struct {
	ID    string
	Title string
	// Doing says what the step does while its Run is in flight ("Creating the Worker app").
	Doing string
	// Skip reports whether the step does not apply to this setup.
	Skip func(s *State) bool
	// Prepare, if set, reads what Inputs need (e.g. the list of environments).
	Prepare func(ctx context.Context, env Env, s State) (Result, error)
	// Inputs, if set, are the step's questions, given the prepared state.
	Inputs func(s *State) []Input
	// Run, if set, does the step's work once its inputs are answered.
	Run func(ctx context.Context, env Env, s State) (Result, error)
	// Interactive steps are only for the wizard: apply and doctor skip them.
	Interactive bool
}

// Result is what a Prepare or Run produced, applied to the state by the caller.
type Result func(s *State)

// Env is what steps need besides the state: the API, who signed in, and ways to act as the new app.
type Env struct {
	API      API
	Identity Identity
	// AppClient returns an API client authenticated as the application with the given
	// credentials (client credentials grant), for the verify step. Nil skips that proof.
	AppClient func(ctx context.Context, c Credentials) (API, error)
	// Region is written into the hand-off.
	Region string
	// Interactive is true in the wizard: questions are asked instead of taken from the plan.
	Interactive bool
	// DryRun computes every change without writing any.
	DryRun bool
	// SignInAs signs in as a user through the new app (a user grant) and returns an API client
	// acting as that user, for the verify step. It returns an error wrapping ErrNoLiveSignIn when
	// that cannot be done from here (a third-party redirect), and one wrapping ErrSignInRefused
	// when PingOne refuses the user (access_denied). Nil: no live sign-in.
	SignInAs func(ctx context.Context, req SignInRequest) (API, error)
	// PersonSignIn signs in as a user through the new app with a person at a browser (the
	// wizard offers it on the hand-off when no automatic sign-in was possible: see Prove). Nil:
	// not offered.
	PersonSignIn func(ctx context.Context, req SignInRequest) (API, error)
	// PropagationTimeout bounds the wait for role assignments made by this run to take effect
	// (0 = DefaultPropagationTimeout).
	PropagationTimeout time.Duration
	// Sleep waits d or until ctx is done; nil = a timer. Tests pass one that moves a fake clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// Progress, when set, is told what a long step is waiting for. It may be called from several
	// goroutines at once.
	Progress func(msg string)
}

// DefaultPropagationTimeout is how long the verify step waits for PingOne to apply new role
// assignments. PingOne publishes no propagation time; Terraform's provider waits up to 10 minutes.
const DefaultPropagationTimeout = 2 * time.Minute

// SignInRequest asks Env.SignInAs to sign in as Username through the app.
type SignInRequest struct {
	Credentials Credentials
	App         pingone.Application
	Username    string
	// UserID is who must sign in: a sign-in as anyone else proves nothing and is refused.
	UserID string
	Scopes []string
	// Show, when set, is given what a person must do (open this URL and sign in as Username).
	Show func(msg string)
}

// InputKind is the kind of question.
type InputKind int

// Input kinds.
const (
	Text InputKind = iota
	Select
	MultiSelect
	Confirm
)

// Option is one choice of a Select or MultiSelect.
type Option struct {
	Label string
	Value string
}

// Input is one question of a step, bound to the state by Get and Set. Values travel as strings;
// MultiSelect values are joined with commas.
type Input struct {
	Key     string
	Title   string
	Help    string
	Kind    InputKind
	Options []Option
	Get     func(s *State) string
	// Set stores the answer; an error is shown inline and keeps the step open.
	Set func(s *State, v string) error
	// Validate checks an answer as it is typed; nil accepts anything Set accepts.
	Validate func(v string) error
	// Warn returns a non-blocking warning for an answer (e.g. a trailing slash on a URI).
	Warn func(v string) string
	// Suggestions complete a Text answer as it is typed (tab accepts one).
	Suggestions []string
}

// Split reads a MultiSelect or list answer.
func Split(v string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' || r == ' ' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// StepError is a failed step, with what was being done.
type StepError struct {
	Step string
	Err  error
}

func (e *StepError) Error() string { return fmt.Sprintf("%s: %v", e.Step, e.Err) }

// Unwrap returns the cause, so errors.As finds a *pingone.Error.
func (e *StepError) Unwrap() error { return e.Err }

// Run drives steps non-interactively (apply, doctor): for each step that does not skip, Prepare
// then Run, applying results in order. Interactive-only steps are skipped. It stops at the first
// error, returning the state so far.
func Run(ctx context.Context, env Env, steps []Step, s State) (State, error) {
	// Reads are remembered for the run and started ahead of the steps that need them.
	env.API = Cached(env.API)
	wait := Prefetch(ctx, env, steps, s)
	defer wait()
	secretRead := false
	for i := 0; i < len(steps); i++ {
		if !secretRead && s.App != nil && s.App.ID != "" && !env.DryRun && hasStep(steps, StepHandoff) {
			// The app exists: its secret can be read while the grants and roles are written.
			secretRead = true
			defer PrefetchSecret(ctx, env, s.Target.ID, *s.App)()
		}
		if i = Next(steps, i, env, &s); i == len(steps) {
			break
		}
		st := steps[i]
		for _, phase := range []func(context.Context, Env, State) (Result, error){st.Prepare, st.Run} {
			if phase == nil {
				continue
			}
			res, err := phase(ctx, env, s)
			if err != nil {
				return s, &StepError{Step: st.Title, Err: err}
			}
			if res != nil {
				res(&s)
			}
		}
	}
	return s, nil
}

func hasStep(steps []Step, id string) bool {
	for _, st := range steps {
		if st.ID == id {
			return true
		}
	}
	return false
}
