package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/internal/securefile"
)

// applyOptions are apply's own flags.
type applyOptions struct {
	planFile, envFile                 string
	dryRun, yes, showSecret, detailed bool
}

func newApplyCmd(s *streams) *cobra.Command {
	var c common
	var o applyOptions
	cmd := &cobra.Command{
		Use:   "apply --plan FILE",
		Short: "Make PingOne match a plan file, without a terminal",
		Long: `apply makes the live tenant match a plan file (YAML; its keys mirror the PingOne API): it
creates the Worker application of the plan's name in the target environment, or updates it in
place, with its settings, scopes, admin-only access and role assignments; then hands off the
credentials and verifies them with a real sign-in. It is idempotent: a second apply of the same
plan changes nothing, and nothing is ever created twice.

Without --yes it shows the changes and asks first; with no terminal to ask on, it refuses.
--dry-run shows the changes and makes none.`,
		Example: `  # See what would change, then apply and write the credentials to a private .env file
  pingone-setup apply --plan stackone.yaml --dry-run
  pingone-setup apply --plan stackone.yaml --yes --env-file .env

  # In CI: exit 2 when the tenant has drifted from the plan (as terraform plan -detailed-exitcode)
  pingone-setup apply --plan stackone.yaml --dry-run --detailed-exitcode --output json

  # Reproduce an existing app in another environment
  pingone-setup export --app "StackOne Integration" > stackone.yaml
  pingone-setup apply --plan stackone.yaml --target-environment-id ENV_ID --yes`,
		Annotations: map[string]string{annFooter: `Exit codes:
  0    applied, or nothing to change, and working
  1    failed, or applied but not working (an [error] finding remains, or verification failed)
  2    usage error; with --dry-run --detailed-exitcode: changes are pending
  130  interrupted (Ctrl-C)`},
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runApply(cmd.Context(), &c, o, s.in, s.out, s.err)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&o.planFile, "plan", "", "the plan file (YAML) to apply")
	metavar(fs, "plan", "FILE")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the changes and make none")
	fs.BoolVar(&o.detailed, "detailed-exitcode", false, "with --dry-run: exit 2 when changes are pending (as terraform plan)")
	fs.BoolVar(&o.yes, "yes", false, "apply without asking")
	fs.StringVar(&o.envFile, "env-file", "", "write the credentials to this .env file (mode 0600)")
	metavar(fs, "env-file", "PATH")
	fs.BoolVar(&o.showSecret, "show-secret", false, "include the client secret in the output")
	_ = cmd.MarkFlagFilename("plan", "yaml", "yml")
	_ = cmd.MarkFlagFilename("env-file")
	c.register(cmd)
	return cmd
}

// maxPlanFile bounds a plan file: plans are a page of YAML.
const maxPlanFile = 4 << 20

func runApply(ctx context.Context, c *common, o applyOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	planFile, envFile := o.planFile, o.envFile
	dryRun, yes, showSecret, detailed := o.dryRun, o.yes, o.showSecret, o.detailed
	if err := c.validate(); err != nil {
		return failJSON(c, stdout, "apply", flows.State{}, err)
	}
	if planFile == "" {
		return failJSON(c, stdout, "apply", flows.State{}, badUsage("apply needs --plan FILE"))
	}
	data, err := readPlan(planFile)
	if err != nil {
		return failJSON(c, stdout, "apply", flows.State{}, err)
	}
	plan, warnings, err := flows.ParsePlanWarnings(data)
	if err != nil {
		return failJSON(c, stdout, "apply", flows.State{}, usageError{msg: fmt.Sprintf("%s: %v", planFile, err), err: err})
	}
	for _, w := range warnings {
		// As the wizard warns while the value is typed; stderr keeps stdout for the output.
		fmt.Fprintf(stderr, "warning: %s: %s\n", planFile, w)
	}
	if c.targetEnv != "" {
		if plan.EnvironmentID != "" && !strings.EqualFold(plan.EnvironmentID, c.targetEnv) {
			return failJSON(c, stdout, "apply", flows.State{}, conflict(
				fmt.Sprintf("the plan's environmentId %s (%s line %d)", plan.EnvironmentID, planFile, yamlKeyLine(data, "environmentId")),
				"--target-environment-id "+c.targetEnv, "they name two different target environments",
				"apply the plan to its own environment", "apply it to "+c.targetEnv))
		}
		plan.EnvironmentID = c.targetEnv
	}
	if envFile != "" {
		if err := checkEnvFile(envFile, yes || dryRun, isTerminal(stdin)); err != nil {
			return failJSON(c, stdout, "apply", flows.State{}, err)
		}
	}
	dbg, err := openDebug(stdout, stderr, false)
	if err != nil {
		return failJSON(c, stdout, "apply", flows.State{}, err)
	}
	defer dbg.close()
	c.debug = dbg
	sess, err := signIn(ctx, c, stdin, stderr)
	if err != nil {
		return failJSON(c, stdout, "apply", flows.State{}, err)
	}
	defer sess.close()

	// The preview and the questions go to stderr, the terminal: stdout holds the outcome (or the
	// JSON document), and piping it into a file or a pager must not hide the question.
	talk := stderr
	// Every run first goes through the plan without writing: every name and ID the steps resolve
	// is resolved, so a plan that cannot be applied fails here, before anything is created, not
	// half way. Without --yes the changes it finds are shown and confirmed.
	state, err := flows.Run(ctx, sess.env(false, true), flows.Steps(), flows.State{Plan: plan})
	if err == nil && !dryRun {
		if !yes && writes(state.Changes) > 0 {
			fmt.Fprintln(talk, "Changes to make:")
			printChanges(talk, state.Changes)
			if !isTerminal(stdin) {
				return failJSON(c, stdout, "apply", state, usagef("apply would change PingOne and there is no terminal to confirm: pass --yes, or --dry-run to only see the changes"))
			}
			if !ask(stdin, talk, "Apply these changes? [y/N] ") {
				return failJSON(c, stdout, "apply", state, errDeclined)
			}
		}
		// Consent given, or nothing to write: the real run hands over credentials and verifies.
		state, err = flows.Run(ctx, sess.env(false, false), flows.Steps(), flows.State{Plan: plan})
	}
	envWritten := ""
	if err == nil && envFile != "" && state.Credentials != nil {
		if err = writeEnv(envFile, *state.Credentials, yes, stdin, talk); err != nil {
			err = credentialsNotWritten{path: envFile, state: state, err: err}
		} else {
			envWritten = envFile
			offerGitignore(envFile, stdin, talk)
		}
	}
	if !dryRun && !c.demo {
		// What this run created, for teardown (a run that failed midway included). The demo's
		// tenant ends with the program: nothing to record.
		recordLedger(state, stderr, nonEmpty(envWritten)...)
	}
	rep := summarize("apply", state, err)
	rep.SignIn = c.signedIn
	rep.DryRun = dryRun
	rep.Transaction = sess.client.TransactionID
	if showSecret && state.Credentials != nil {
		rep.Credentials = state.Credentials
	}
	if err == nil {
		err = applyOutcome(state, dryRun, detailed)
	}
	if c.output == "json" {
		if werr := writeJSON(stdout, rep); werr != nil {
			return werr
		}
		if err != nil {
			return reported{err}
		}
		return nil
	}
	var nw notWorking
	var cw credentialsNotWritten
	if err != nil && !errors.As(err, &nw) && !errors.Is(err, errChangesPending) && !errors.As(err, &cw) {
		return explain(err, sess.client.TransactionID)
	}
	printApply(stdout, state, dryRun, showSecret, envWritten)
	return err
}

// readPlan reads the plan file, naming --plan and the file in every refusal.
func readPlan(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, badUsage("--plan %s: %v", path, unwrapPath(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, badUsage("--plan %s is a directory: give the plan file (YAML) in it", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxPlanFile+1))
	if err != nil {
		return nil, badUsage("--plan %s: %v", path, unwrapPath(err))
	}
	if len(data) > maxPlanFile {
		return nil, badUsage("--plan %s is over %d MiB: that is not a plan file", path, maxPlanFile>>20)
	}
	return data, nil
}

// yamlKeyLine is the line of a top-level key of a YAML document, 0 if it is not there.
func yamlKeyLine(data []byte, key string) int {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return 0
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i].Line
		}
	}
	return 0
}

// checkEnvFile refuses, before PingOne is changed, an --env-file that could not be written: its
// directory is missing, it is a directory or a link, or it exists and may not be replaced
// (no --yes and no terminal to ask on).
func checkEnvFile(path string, mayReplace, canAsk bool) error {
	if err := checkWritable("--env-file", path); err != nil {
		return err
	}
	if _, err := os.Lstat(path); err == nil && !mayReplace && !canAsk {
		return badUsage("--env-file %s exists: not overwritten (pass --yes to replace it, or give another file)", path)
	}
	return nil
}

// credentialsNotWritten is an apply that set the app up but could not write the --env-file: the
// app exists, so the message says how to get its secret. Exit 1.
type credentialsNotWritten struct {
	path  string
	state flows.State
	err   error
}

func (e credentialsNotWritten) Error() string {
	app := "the application"
	if a := e.state.App; a != nil {
		app = fmt.Sprintf("application %q (client ID %s)", a.Name, a.ID)
	}
	return fmt.Sprintf("%s is set up in PingOne, but its credentials were not written to %s: %v. "+
		"To get the secret, run this apply again with an --env-file it can write (it reads the existing app's secret; nothing is created twice) "+
		"or with --show-secret, or see it in the PingOne console (Applications > the app > Configuration), where you can also rotate it",
		app, e.path, e.err)
}

func (e credentialsNotWritten) Unwrap() error { return e.err }

// errChangesPending is a dry run's "changes are pending" under --detailed-exitcode: exit 2, as
// terraform plan does.
var errChangesPending = errors.New("changes are pending")

// notWorking is a run that finished but whose result does not work (yet): an error finding
// remains, or verification failed or is pending. Exit 1: a script must not take it for done.
type notWorking struct{ reason string }

func (e notWorking) Error() string { return e.reason }

// applyOutcome decides what apply's exit code says: 0 only when what it claims is true.
func applyOutcome(s flows.State, dryRun, detailed bool) error {
	var errs []string
	for _, f := range s.Findings {
		if f.Severity == flows.SeverityError && f.Code != flows.FindVerifyFailed {
			errs = append(errs, f.Code)
		}
	}
	if dryRun {
		switch {
		case len(errs) > 0:
			return notWorking{fmt.Sprintf("the plan would not work: %s (see the findings)", strings.Join(errs, ", "))}
		case detailed && writes(s.Changes) > 0:
			return errChangesPending
		}
		return nil
	}
	if s.Succeeded() {
		return nil
	}
	switch v := s.Verified; {
	case v != nil && (v.Outcome == flows.OutcomeFailed || v.Outcome == flows.OutcomePending):
		return notWorking{fmt.Sprintf("applied, but verification %s: %s", v.Outcome, v.Message)}
	case len(errs) > 0:
		return notWorking{fmt.Sprintf("applied, but it will not work: %s (see the findings)", strings.Join(errs, ", "))}
	}
	return notWorking{"applied, but not verified and the checks do not all pass (see the findings)"}
}

// writes counts the changes that write to PingOne (adopting an existing app writes nothing).
func writes(cs []flows.Change) int {
	n := 0
	for _, c := range cs {
		if c.Action != flows.Adopted {
			n++
		}
	}
	return n
}

// printApply writes apply's outcome; envFile is the .env file the credentials were written to,
// if they were.
func printApply(w io.Writer, s flows.State, dryRun, showSecret bool, envFile string) {
	if dryRun {
		fmt.Fprintln(w, "Dry run: nothing was changed.")
	}
	printChanges(w, s.Changes)
	if len(s.Findings) > 0 {
		fmt.Fprintln(w, "Findings:")
		printFindings(w, s.Findings)
	}
	if s.App != nil && s.App.ID != "" {
		fmt.Fprintf(w, "Application: %s  client ID %s  environment %s\n", s.App.Name, s.App.ID, s.Target.ID)
	}
	if s.Credentials != nil {
		switch {
		case showSecret && s.Credentials.ClientSecret != "":
			fmt.Fprintf(w, "Client secret: %s\n", s.Credentials.ClientSecret)
		case envFile != "":
			fmt.Fprintf(w, "Credentials written to %s (mode 0600).\n", envFile)
		case s.Credentials.ClientSecret != "":
			fmt.Fprintln(w, "Client secret: hidden (use --env-file PATH or --show-secret).")
		}
	}
	if v := s.Verified; v != nil {
		fmt.Fprintf(w, "Verify (%s): %s: %s\n", v.Method, strings.ToUpper(string(v.Outcome)), v.Message)
		for _, p := range v.Probes {
			fmt.Fprintf(w, "  %-10s %s\n", p.Result, p.Call)
		}
	}
}

// writeEnvFile writes the .env file; a test makes it fail.
var writeEnvFile = flows.WriteEnvFile

// writeEnv writes the .env file, asking before overwriting an existing one.
func writeEnv(path string, cr flows.Credentials, yes bool, stdin io.Reader, stdout io.Writer) error {
	// Looked at again: the file may have changed since checkEnvFile, and a link is never
	// replaced by a file holding the secret.
	if err := securefile.CheckWritable(path); err != nil {
		return err
	}
	err := writeEnvFile(path, cr, yes)
	if errors.Is(err, flows.ErrFileExists) && isTerminal(stdin) && ask(stdin, stdout, fmt.Sprintf("%s exists. Overwrite it? [y/N] ", path)) {
		err = writeEnvFile(path, cr, true)
	}
	if errors.Is(err, flows.ErrFileExists) {
		return fmt.Errorf("%s exists: not overwritten (pass --yes to replace it)", path)
	}
	return unwrapPath(err)
}

// offerGitignore keeps a .env file written in a git work tree out of commits: when git does not
// ignore it, it asks (on a terminal) whether to add it to the work tree's .gitignore, and
// otherwise says how. .gitignore is never changed without a yes.
func offerGitignore(path string, stdin io.Reader, talk io.Writer) {
	g, need, err := flows.GitIgnoreFor(path)
	if err != nil || !need {
		return
	}
	fmt.Fprintf(talk, "%s is in a git work tree and git does not ignore it: a commit would publish the client secret.\n", path)
	if !isTerminal(stdin) {
		fmt.Fprintf(talk, "Add this line to %s: %s\n", g.File, g.Entry)
		return
	}
	if !ask(stdin, talk, fmt.Sprintf("Add %s to %s? [y/N] ", g.Entry, g.File)) {
		return
	}
	if err := g.Add(); err != nil {
		fmt.Fprintf(talk, "Could not add %s to %s: %v\n", g.Entry, g.File, err)
		return
	}
	fmt.Fprintf(talk, "Added %s to %s.\n", g.Entry, g.File)
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

func ask(stdin io.Reader, stdout io.Writer, prompt string) bool {
	fmt.Fprint(stdout, prompt)
	line, _ := bufio.NewReader(stdin).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
