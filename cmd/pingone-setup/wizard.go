package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/tui"
)

// wizardOptions are the flags only the wizard has.
type wizardOptions struct {
	preset, appName, user string
	// accessible runs the wizard as line-by-line prompts (also ACCESSIBLE=1, or TERM=dumb).
	accessible bool
	// showSecret puts the client secret in the --output json document.
	showSecret bool
}

// newWizardCmd is the root command: the interactive wizard.
func newWizardCmd(s *streams) *cobra.Command {
	var c common
	var o wizardOptions
	cmd := &cobra.Command{
		Use:   "pingone-setup",
		Short: "Set up a PingOne Worker application for a connector",
		Long: `pingone-setup takes you from "I have a PingOne account" to "my connector has a working Worker
application, with the right roles, and I have proved it works". It creates the app, enables it,
sets its OIDC settings, scopes and admin-only access, checks that whoever will sign in holds the
roles the connector needs (and offers the smallest set that fixes it), hands off the credentials,
and verifies them with a real sign-in.

Without a command it runs the interactive wizard: flags and environment variables prefill its
answers and skip the questions they settle. apply, doctor and export run the same steps without a
terminal, from a plan file.

With no sign-in given, the wizard's first step signs you in: paste your environment ID or console
URL, then choose the browser, a device code, an existing worker's credentials or an access token
(and, the first time, it shows how to create the sign-in app PingOne requires). The sign-in is
saved as a profile, offered first on the next run. The same sign-ins as flags: as yourself with
the browser or a device code (--login browser|device --login-client-id ID --environment-id ID),
as an existing worker (--client-id with --client-secret-file or PINGONE_CLIENT_SECRET), or with
an access token (--token-file or PINGONE_API_ACCESS_TOKEN). Secrets are never flag values.`,
		Example: `  # Try it against the built-in simulated PingOne: no account, no network
  pingone-setup --demo

  # Sign in with your browser and set up the StackOne connector
  pingone-setup --login browser --login-client-id APP_ID --environment-id ENV_ID --preset stackone

  # Sign in as an existing worker, its secret from the environment
  export PINGONE_CLIENT_SECRET=...
  pingone-setup --region EU --environment-id ENV_ID --client-id CLIENT_ID`,
		Annotations: map[string]string{annFooter: `Environment:
  PINGONE_REGION_CODE, PINGONE_ENVIRONMENT_ID, PINGONE_CLIENT_ID, PINGONE_CLIENT_SECRET,
  PINGONE_API_ACCESS_TOKEN, PINGONE_API_URL and PINGONE_AUTH_URL stand in for the flags above
  that name them (a flag wins; with --output json, apply, doctor and export say which was used).
  PINGONE_API_SERVICE_HOSTNAME and PINGONE_AUTH_SERVICE_HOSTNAME name custom-domain hosts (both,
  or one beside the other's URL flag). Credentials go only to hosts named by these or the flags.
  PINGONE_SETUP_DEBUG=api prints one line per PingOne API call (method, path, status, duration,
  error id; redacted, as --transcript) to stderr as it happens. While the wizard has the screen,
  and stderr is that same terminal, the lines are printed when it exits.
  PINGONE_SETUP_DEBUG_FILE=PATH appends those lines to PATH instead: tail -f it beside the wizard.

Exit codes:
  0    done, and verified (or every check passed where no live proof is possible)
  1    failed, or set up but not working
  2    usage error
  130  interrupted (Ctrl-C)`},
		Args: rootArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWizard(cmd.Context(), &c, o, s.in, s.out, s.err)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().StringVar(&o.preset, "preset", "", "preselect a preset: "+strings.Join(flows.PresetNames(), ", "))
	cmd.Flags().StringVar(&o.appName, "app-name", "", "prefill the application name")
	metavar(cmd.Flags(), "preset", "NAME")
	metavar(cmd.Flags(), "app-name", "NAME")
	cmd.Flags().StringVar(&o.user, "user", "", "prefill the user who will sign in")
	metavar(cmd.Flags(), "user", "USERNAME")
	complete(cmd, "preset", flows.PresetNames()...)
	cmd.Flags().BoolVar(&o.accessible, "accessible", false, "ask line by line, without moving the cursor or colour, for screen readers (also ACCESSIBLE=1, and TERM=dumb)")
	cmd.Flags().BoolVar(&o.showSecret, "show-secret", false, "with --output json: include the client secret in the document")
	c.register(cmd)
	return cmd
}

func runWizard(ctx context.Context, c *common, o wizardOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	preset, appName, user := o.preset, o.appName, o.user
	if err := c.validate(); err != nil {
		return err
	}
	if _, ok := flows.PresetByName(preset); preset != "" && !ok {
		return badUsage("--preset: unknown %q (choose from %s)", preset, strings.Join(flows.PresetNames(), ", "))
	}
	accessible := o.accessible || isOn(os.Getenv("ACCESSIBLE")) || os.Getenv("TERM") == "dumb"
	// With --output json stdout holds only the document: the wizard talks on stderr, or, when
	// stderr is not a terminal either, on the terminal itself.
	talk, closeTalk, err := wizardOutput(stdout, stderr, c.output == "json", accessible)
	if err != nil {
		return failJSON(c, stdout, "wizard", flows.State{}, err)
	}
	defer closeTalk()
	in, _ := stdin.(*os.File)
	if !accessible {
		if out, _ := talk.(*os.File); in == nil || out == nil || !isatty.IsTerminal(in.Fd()) || !isatty.IsTerminal(out.Fd()) {
			return failJSON(c, stdout, "wizard", flows.State{}, usagef("the wizard needs a terminal. Without one, use a plan: pingone-setup apply --plan FILE (see pingone-setup export to get one from an existing app), or --accessible to answer line by line"))
		}
	}
	plan := flows.Plan{EnvironmentID: c.targetEnv, SignInUser: user}
	if preset != "" {
		plan.Preset = preset
		plan, _ = plan.WithPreset()
	}
	if appName != "" {
		plan.Application.Name = appName
	}
	dbg, err := openDebug(talk, stderr, !accessible)
	if err != nil {
		return err
	}
	defer func() { dbg.release(stderr); dbg.close() }()
	c.debug = dbg
	opts := tui.Options{Plan: plan, Steps: flows.Steps(), Stdout: talk}
	var sess *session
	var onScreen *wizardSignIn
	if c.needsSignInStep() {
		// No sign-in given: the wizard's first step signs in, on screen.
		onScreen = newWizardSignIn(c)
		defer onScreen.close()
		opts.SignIn = onScreen.options()
	} else {
		sess, err = signIn(ctx, c, stdin, stderr)
		if err != nil {
			return failJSON(c, stdout, "wizard", flows.State{}, err)
		}
		defer sess.close()
		opts.Env = sess.env(true, false)
	}
	var (
		state       flows.State
		created     []flows.Change
		envFiles    []string
		runErr      error
		interrupted bool
	)
	if accessible {
		var res tui.LineResult
		res, runErr = tui.RunAccessible(ctx, opts, stdin, talk)
		state, created, envFiles = res.State, res.Created, res.EnvFiles
		interrupted = errors.Is(runErr, tui.ErrInterrupted) || errors.Is(runErr, tui.ErrInputEnded)
		if onScreen != nil {
			sess, c.signedIn = onScreen.session()
		}
	} else {
		p := tea.NewProgram(tui.New(opts), tea.WithAltScreen(), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(talk))
		final, err := p.Run()
		dbg.release(stderr) // the wizard has left the screen: the held debug lines can be read now
		fm, _ := final.(tui.Model)
		if onScreen != nil {
			sess, c.signedIn = onScreen.session()
		}
		state, runErr = fm.Result()
		created = fm.Created()
		interrupted = errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, tea.ErrInterrupted) || fm.Interrupted()
		if err != nil && !interrupted {
			return err
		}
	}
	if state.App != nil && !c.demo {
		recordLedger(state, stderr, envFiles...) // what was created, interrupted or not, for teardown
	}
	if interrupted {
		if errors.Is(runErr, tui.ErrInputEnded) {
			fmt.Fprintln(stderr, "The input ended before the setup finished.")
		}
		printCreatedOnExit(stderr, created)
		if c.output == "json" {
			return failJSON(c, stdout, "wizard", state, errInterrupted)
		}
		return errInterrupted
	}
	var outcome error
	switch {
	case runErr != nil:
		outcome = runErr
	case state.App != nil && state.App.ID != "" && !state.Succeeded():
		// Exit 0 only when verified, or when no live proof is possible and every check passed.
		outcome = notWorking{"the app was set up, but it does not work yet (see the hand-off's checks)"}
	}
	if c.output == "json" {
		rep := summarize("wizard", state, runErr)
		rep.SignIn = c.signedIn
		if sess != nil {
			rep.Transaction = sess.client.TransactionID
		}
		if o.showSecret && state.Credentials != nil {
			rep.Credentials = state.Credentials
		} else if state.Credentials != nil {
			cr := *state.Credentials
			cr.ClientSecret = "" // only with --show-secret
			rep.Credentials = &cr
		}
		if err := writeJSON(stdout, rep); err != nil {
			return err
		}
		if outcome != nil {
			return reported{outcome}
		}
		return nil
	}
	printSummary(stdout, state)
	if runErr != nil {
		tx := ""
		if sess != nil {
			tx = sess.client.TransactionID
		}
		return explain(runErr, tx)
	}
	return outcome
}

// isOn reads a switch from the environment: set, and not 0, false or no.
func isOn(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}

// wizardOutput is where the wizard draws or talks: stdout, or with --output json (stdout holds
// the document) stderr, or the terminal when stderr is not one (the screen wizard needs a
// terminal; the line-by-line one talks on stderr whatever it is).
func wizardOutput(stdout, stderr io.Writer, json, accessible bool) (io.Writer, func(), error) {
	if !json {
		return stdout, func() {}, nil
	}
	if f, ok := stderr.(*os.File); accessible || (ok && isatty.IsTerminal(f.Fd())) {
		return stderr, func() {}, nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, usagef("with --output json the wizard draws on stderr or the terminal, and there is neither: use --accessible, or apply --plan FILE --output json")
	}
	return tty, func() { tty.Close() }, nil
}

func printCreatedOnExit(w io.Writer, changes []flows.Change) {
	if len(changes) == 0 {
		fmt.Fprintln(w, "Interrupted: nothing was changed in PingOne.")
		return
	}
	fmt.Fprintln(w, "Interrupted. Already done in PingOne (run again to finish; nothing is created twice):")
	printChanges(w, changes)
}

func printSummary(w io.Writer, s flows.State) {
	if s.App == nil || s.App.ID == "" {
		return
	}
	fmt.Fprintf(w, "Application %q  client ID %s  environment %s\n", s.App.Name, s.App.ID, s.Target.ID)
	if v := s.Verified; v != nil {
		fmt.Fprintf(w, "Verification: %s: %s\n", v.Outcome, v.Message)
	}
}
