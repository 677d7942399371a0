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

Sign in as yourself with the browser or a device code (--login browser|device --login-client-id
ID --environment-id ID), as an existing worker (--client-id with --client-secret-file or
PINGONE_CLIENT_SECRET), or with an access token (--token-file or PINGONE_API_ACCESS_TOKEN).
Secrets are never flag values.`,
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
	in, _ := stdin.(*os.File)
	out, _ := stdout.(*os.File)
	if in == nil || out == nil || !isatty.IsTerminal(in.Fd()) || !isatty.IsTerminal(out.Fd()) {
		return usagef("the wizard needs a terminal. Without one, use a plan: pingone-setup apply --plan FILE (see pingone-setup export to get one from an existing app)")
	}
	plan := flows.Plan{EnvironmentID: c.targetEnv, SignInUser: user}
	if preset != "" {
		plan.Preset = preset
		plan, _ = plan.WithPreset()
	}
	if appName != "" {
		plan.Application.Name = appName
	}
	dbg, err := openDebug(stdout, stderr, true)
	if err != nil {
		return err
	}
	defer func() { dbg.release(stderr); dbg.close() }()
	c.debug = dbg
	sess, err := signIn(ctx, c, stdin, stderr)
	if err != nil {
		return err
	}
	defer sess.close()

	m := tui.New(tui.Options{Env: sess.env(true, false), Plan: plan, Steps: flows.Steps(), Stdout: out})
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	final, err := p.Run()
	dbg.release(stderr) // the wizard has left the screen: the held debug lines can be read now
	fm, _ := final.(tui.Model)
	if st, _ := fm.Result(); st.App != nil && !c.demo {
		recordLedger(st, stderr) // what was created, interrupted or not, for teardown
	}
	if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, tea.ErrInterrupted) || fm.Interrupted() {
		printCreatedOnExit(stderr, fm.Created())
		return errInterrupted
	}
	if err != nil {
		return err
	}
	state, runErr := fm.Result()
	printSummary(stdout, state)
	if runErr != nil {
		return explain(runErr, sess.client.TransactionID)
	}
	if state.App != nil && state.App.ID != "" && !state.Succeeded() {
		// Exit 0 only when verified, or when no live proof is possible and every check passed.
		return notWorking{"the app was set up, but it does not work yet (see the hand-off's checks)"}
	}
	return nil
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
