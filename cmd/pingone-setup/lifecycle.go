package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/pingone-setup/pingone-setup/flows"
)

// The rest of an app's life: a new secret, and removing what the tool created.

func newRotateSecretCmd(s *streams) *cobra.Command {
	var c common
	var app, envFile string
	var keep time.Duration
	var yes, showSecret bool
	cmd := &cobra.Command{
		Use:   "rotate-secret --app NAME|ID",
		Short: "Give an app a new client secret, keeping the previous one for a grace period",
		Long: `rotate-secret generates a new client secret for an application (the console's "Generate New
Secret"), keeps the previous one valid for the grace period you choose (1 minute to 30 days; 0 ends
it at once), hands the new one over like the wizard (hidden unless --show-secret; --env-file
writes it at mode 0600), proves it with a token request where the app has the client credentials
grant, and says when the previous one stops working. A rotation whose answer is lost is looked up,
never sent twice: a second one would end the secret the first kept.`,
		Example: `  # A new secret; connectors have a day to move to it
  pingone-setup rotate-secret --app "Sync Worker" --previous-expires 24h --env-file .env --yes`,
		Annotations: map[string]string{annFooter: `Exit codes:
  0    rotated (and proven, or said why it cannot be here)
  1    failed, or the new secret does not work
  2    usage error
  130  interrupted (Ctrl-C)`},
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRotate(cmd.Context(), &c, app, keep, envFile, yes, showSecret, s.in, s.out, s.err)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&app, "app", "", "the application: its exact name or its ID (client ID)")
	metavar(fs, "app", "NAME|ID")
	fs.DurationVar(&keep, "previous-expires", 24*time.Hour, "how long the previous secret keeps working (1m to 720h; 0 ends it now)")
	metavar(fs, "previous-expires", "DURATION")
	fs.StringVar(&envFile, "env-file", "", "write the new credentials to this .env file (mode 0600)")
	metavar(fs, "env-file", "PATH")
	fs.BoolVar(&yes, "yes", false, "rotate without asking")
	fs.BoolVar(&showSecret, "show-secret", false, "include the new client secret in the output")
	c.register(cmd)
	return cmd
}

func runRotate(ctx context.Context, c *common, app string, keep time.Duration, envFile string, yes, showSecret bool, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := c.validate(); err != nil {
		return err
	}
	if app == "" {
		return badUsage("rotate-secret needs --app NAME|ID")
	}
	if keep != 0 && (keep < flows.MinPreviousValid || keep > flows.MaxPreviousValid) {
		return badUsage("--previous-expires: the previous secret can stay valid for 1m to 720h (30 days), or 0 to end it now; not %s", keep)
	}
	if !yes {
		if !isTerminal(stdin) {
			return failJSON(c, stdout, "rotate-secret", flows.State{}, usagef("rotate-secret changes a secret connectors use and there is no terminal to confirm: pass --yes"))
		}
		// The question goes to the terminal (stderr), so piping the output does not hide it.
		if !ask(stdin, stderr, fmt.Sprintf("Give %s a new client secret (the previous one works for %s more)? [y/N] ", app, keep)) {
			return failJSON(c, stdout, "rotate-secret", flows.State{}, errDeclined)
		}
	}
	sess, done, err := openSession(ctx, c, "rotate-secret", stdin, stdout, stderr)
	if err != nil {
		return err
	}
	defer done()
	r, err := flows.RotateSecret(ctx, sess.env(false, false), targetOf(c, sess), app, keep)
	st := flows.State{Changes: r.Changes, Verified: r.Verified, Target: r.Environment}
	if r.App.ID != "" {
		st.App, st.Credentials = &r.App, &r.Credentials
	}
	if err != nil {
		return failJSON(c, stdout, "rotate-secret", st, explain(err, sess.client.TransactionID))
	}
	if envFile != "" {
		err = writeEnv(envFile, r.Credentials, yes, stdin, stderr) // its questions go to the terminal
	}
	if err == nil && r.Verified != nil && r.Verified.Outcome == flows.OutcomeFailed {
		err = notWorking{"rotated, but " + r.Verified.Message}
	}
	if c.output == "json" {
		rep := summarize("rotate-secret", st, err)
		if showSecret {
			rep.Credentials = &r.Credentials
		}
		if werr := writeJSON(stdout, rep); werr != nil {
			return werr
		}
		if err != nil {
			return reported{err}
		}
		return nil
	}
	fmt.Fprintf(stdout, "Application %s  client ID %s: new client secret %s\n", r.App.Name, r.App.ID, r.Credentials.SecretFingerprint)
	switch {
	case showSecret:
		fmt.Fprintf(stdout, "Client secret: %s\n", r.Credentials.ClientSecret)
	case envFile != "" && err == nil:
		fmt.Fprintf(stdout, "Credentials written to %s (mode 0600).\n", envFile)
	default:
		fmt.Fprintln(stdout, "Client secret: hidden (use --env-file PATH or --show-secret).")
	}
	if r.PreviousExpiresAt.IsZero() {
		fmt.Fprintln(stdout, "The previous secret no longer works.")
	} else {
		fmt.Fprintf(stdout, "The previous secret works until %s.\n", r.PreviousExpiresAt.Local().Format("2006-01-02 15:04 MST"))
	}
	if v := r.Verified; v != nil {
		fmt.Fprintf(stdout, "Verify (%s): %s: %s\n", v.Method, v.Outcome, v.Message)
	}
	return err
}

func newTeardownCmd(s *streams) *cobra.Command {
	var c common
	var app string
	var yes, dryRun bool
	cmd := &cobra.Command{
		Use:   "teardown --app NAME|ID",
		Short: "Remove exactly what this tool created for an app",
		Long: `teardown removes what this tool created for an application, as recorded in its local ledger
(one file per environment and app in your state directory, no secret in it): the role assignments
it gave users, then the app itself, whose grants and own role assignments go with it. It never
removes a role assignment it found already there, nor one of your own that you may be using. It
shows the list and asks first (--yes for scripts, --dry-run to only look). An app this machine has
no ledger for can be removed alone, and only when named by its ID.`,
		Example: `  # See what would go
  pingone-setup teardown --app "StackOne Integration" --dry-run

  # Remove it
  pingone-setup teardown --app "StackOne Integration" --yes`,
		Annotations: map[string]string{annFooter: `Exit codes:
  0    removed (or, with --dry-run, listed)
  1    failed, or declined
  2    usage error
  130  interrupted (Ctrl-C)`},
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTeardown(cmd.Context(), &c, app, yes, dryRun, s.in, s.out, s.err)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&app, "app", "", "the application: its exact name or its ID (client ID)")
	metavar(fs, "app", "NAME|ID")
	fs.BoolVar(&dryRun, "dry-run", false, "list what would be removed and remove nothing")
	fs.BoolVar(&yes, "yes", false, "remove without asking")
	c.register(cmd)
	return cmd
}

func runTeardown(ctx context.Context, c *common, app string, yes, dryRun bool, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := c.validate(); err != nil {
		return err
	}
	if app == "" {
		return badUsage("teardown needs --app NAME|ID")
	}
	dir, err := flows.LedgerDir()
	if err != nil {
		return fmt.Errorf("find the ledger directory: %w", err)
	}
	sess, done, err := openSession(ctx, c, "teardown", stdin, stdout, stderr)
	if err != nil {
		return err
	}
	defer done()
	env, envID := sess.env(false, dryRun), targetOf(c, sess)
	p, err := flows.PlanTeardown(ctx, env, dir, envID, app)
	if err != nil {
		return failJSON(c, stdout, "teardown", flows.State{}, explain(err, sess.client.TransactionID))
	}
	talk := stdout
	if c.output == "json" {
		talk = stderr
	}
	fmt.Fprintf(talk, "To remove from %s:\n", envID)
	for _, r := range p.Remove {
		fmt.Fprintf(talk, "  %s %s\n", r.Kind, r.Name)
	}
	for _, k := range p.Kept {
		fmt.Fprintf(talk, "  kept: %s\n", k)
	}
	if p.NoLedger {
		fmt.Fprintln(talk, "  (no ledger on this machine: the app alone; anything else made for it stays)")
	}
	st := flows.State{App: &p.App}
	if dryRun {
		fmt.Fprintln(talk, "Dry run: nothing was removed.")
		if c.output == "json" {
			return writeJSON(stdout, summarize("teardown", st, nil))
		}
		return nil
	}
	if !yes {
		if !isTerminal(stdin) {
			return failJSON(c, stdout, "teardown", st, usagef("teardown removes things from PingOne and there is no terminal to confirm: pass --yes, or --dry-run to only look"))
		}
		if !ask(stdin, stderr, "Remove these? [y/N] ") {
			return failJSON(c, stdout, "teardown", st, errDeclined)
		}
	}
	st.Changes, err = flows.Teardown(ctx, env, dir, envID, p)
	if c.output == "json" {
		if werr := writeJSON(stdout, summarize("teardown", st, err)); werr != nil {
			return werr
		}
		if err != nil {
			return reported{err}
		}
		return nil
	}
	if err != nil {
		return explain(err, sess.client.TransactionID)
	}
	printChanges(stdout, st.Changes)
	return nil
}

// recordLedger adds what a run created to its app's ledger, for teardown. A ledger that cannot be
// written is said, not fatal: the setup itself is done.
func recordLedger(s flows.State, stderr io.Writer, envFiles ...string) {
	dir, err := flows.LedgerDir()
	if err == nil {
		err = flows.RecordRun(dir, s, envFiles...)
	}
	if err != nil {
		fmt.Fprintf(stderr, "warning: could not record what was created (teardown will not know it): %v\n", err)
	}
}

// openSession opens the debug log and signs in, for a command that prints one JSON document on
// failure; done closes both.
func openSession(ctx context.Context, c *common, command string, stdin io.Reader, stdout, stderr io.Writer) (*session, func(), error) {
	dbg, err := openDebug(stdout, stderr, false)
	if err != nil {
		return nil, nil, err
	}
	c.debug = dbg
	sess, err := signIn(ctx, c, stdin, stderr)
	if err != nil {
		dbg.close()
		return nil, nil, failJSON(c, stdout, command, flows.State{}, err)
	}
	return sess, func() { sess.close(); dbg.close() }, nil
}
