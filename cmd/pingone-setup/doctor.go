package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/pingone-setup/pingone-setup/flows"
)

func newDoctorCmd(s *streams) *cobra.Command {
	var c common
	var app, user, caps string
	cmd := &cobra.Command{
		Use:   "doctor --app NAME|ID",
		Short: "Diagnose an existing application and the user who will sign in",
		Long: `doctor reads a live application and judges it as PingOne will at sign-in: is it enabled, are its
grant types and scopes right, does admin-only access or a group policy refuse the user, and for
each capability the connector needs, does the user who will sign in (or, for client credentials,
the app itself) hold a role that covers it in the target environment, directly or through a
group. Each problem says which calls will fail and how to fix it. doctor changes nothing.`,
		Example: `  # Will jdoe's sign-in through the StackOne app work?
  pingone-setup doctor --app "StackOne Integration" --user jdoe@example.com

  # The same check for a sync worker's own roles, as JSON for a script
  pingone-setup doctor --app CLIENT_ID --capabilities users,groups --output json`,
		Annotations: map[string]string{annFooter: `Exit codes:
  0    healthy
  1    problems found
  2    usage error, or PingOne could not be reached or read
  130  interrupted (Ctrl-C)`},
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDoctor(cmd.Context(), &c, app, user, caps, s.in, s.out, s.err)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&app, "app", "", "the application to diagnose: its exact name or its ID (client ID)")
	metavar(fs, "app", "NAME|ID")
	fs.StringVar(&user, "user", "", "username or email of the user who will sign in (default: you)")
	metavar(fs, "user", "USERNAME")
	fs.StringVar(&caps, "capabilities", "", "what the connector calls, comma separated (default: from the app's preset): "+strings.Join(flows.CapabilityIDs(), ", "))
	metavar(fs, "capabilities", "LIST")
	complete(cmd, "capabilities", flows.CapabilityIDs()...)
	c.register(cmd)
	return cmd
}

func runDoctor(ctx context.Context, c *common, app, user, caps string, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := c.validate(); err != nil {
		return failJSON(c, stdout, "doctor", flows.State{}, err)
	}
	if app == "" {
		return badUsage("doctor needs --app NAME|ID")
	}
	capList := flows.Split(caps)
	for _, id := range capList {
		if _, ok := flows.CapabilityByID(id); !ok {
			return badUsage("--capabilities: unknown %q (choose from %s)", id, strings.Join(flows.CapabilityIDs(), ", "))
		}
	}
	dbg, err := openDebug(stdout, stderr, false)
	if err != nil {
		return err
	}
	defer dbg.close()
	c.debug = dbg
	sess, err := signIn(ctx, c, stdin, stderr)
	if err != nil {
		return failJSON(c, stdout, "doctor", flows.State{}, connectionError(err))
	}
	defer sess.close()
	envID := targetOf(c, sess)
	d, err := flows.Doctor(ctx, sess.env(false, false), envID, app, user, capList)
	if err != nil {
		return failJSON(c, stdout, "doctor", flows.State{}, connectionError(explain(err, sess.client.TransactionID)))
	}
	st := flows.State{Findings: d.Findings, Report: d.Report}
	if d.Live != nil {
		st.App, st.Target = &d.Live.App, d.Live.Environment
	}
	if c.output == "json" {
		rep := summarize("doctor", st, nil)
		rep.SignIn = c.signedIn
		if err := writeJSON(stdout, rep); err != nil {
			return err
		}
	} else {
		if d.Live != nil {
			fmt.Fprintf(stdout, "Application %q (%s) in %s\n", d.Live.App.Name, d.Live.App.ID, d.Live.Environment.Name)
		}
		if d.Report != nil {
			printRoleReport(stdout, *d.Report)
		}
		if d.Healthy() {
			fmt.Fprintln(stdout, "Healthy: no problem found.")
		} else {
			fmt.Fprintln(stdout, "Problems:")
		}
		printFindings(stdout, d.Findings)
	}
	if !d.Healthy() {
		return errProblems
	}
	return nil
}

// connectionError makes a failure to reach or read PingOne exit 2, as doctor's contract says.
func connectionError(err error) error {
	if _, ok := err.(usageError); ok {
		return err
	}
	return usageError{msg: err.Error(), err: err}
}

func targetOf(c *common, s *session) string {
	if c.targetEnv != "" {
		return c.targetEnv
	}
	return s.identity.EnvironmentID
}

func printRoleReport(w io.Writer, r flows.RoleReport) {
	fmt.Fprintf(w, "Roles of the %s %s in this environment:\n", r.ActorKind, r.ActorName)
	for _, c := range r.Capabilities {
		mark := map[flows.Coverage]string{flows.Covered: "ok ", flows.Missing: "403", flows.PopulationOnly: "part", flows.CannotTell: "?  "}[c.Coverage]
		fmt.Fprintf(w, "  [%s] %-32s %s\n", mark, c.Title, c.Calls)
	}
}

func newExportCmd(s *streams) *cobra.Command {
	var c common
	var app, format, user string
	cmd := &cobra.Command{
		Use:   "export --app NAME|ID",
		Short: "Print the plan file (or Terraform) that reproduces a live application",
		Long: `export reads a live application and prints the plan file (YAML) that reproduces it, with no
secret in it: apply it to another environment with --target-environment-id, keep it in version
control, or compare the tenant with it later with apply --dry-run. With --output json the plan is
the "plan" key of the JSON document.

--format terraform prints HCL for the pingidentity/pingone provider instead: the application with
its oidc_options, its resource grants and role assignments, and with --user the sign-in user's role
assignments, each with a Terraform 1.5 import block so terraform plan adopts what exists. A comment
at the end lists what the provider cannot express. With --output json the HCL is the "terraform"
key.`,
		Example: `  # Keep an app's settings in a file
  pingone-setup export --app "StackOne Integration" > stackone.yaml

  # Check later that nothing has drifted
  pingone-setup apply --plan stackone.yaml --dry-run --detailed-exitcode

  # Manage it with Terraform from now on, jdoe's roles included
  pingone-setup export --app "StackOne Integration" --format terraform --user jdoe > stackone.tf`,
		Annotations: map[string]string{annFooter: `Exit codes:
  0    printed
  1    failed (the app was not found, or PingOne refused)
  2    usage error
  130  interrupted (Ctrl-C)`},
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExport(cmd.Context(), &c, exportOptions{app: app, format: format, user: user}, s.in, s.out, s.err)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().StringVar(&app, "app", "", "the application to export: its exact name or its ID (client ID)")
	metavar(cmd.Flags(), "app", "NAME|ID")
	cmd.Flags().StringVar(&format, "format", "yaml", "what to print: yaml (a plan file) or terraform (HCL for the pingidentity/pingone provider)")
	metavar(cmd.Flags(), "format", "yaml|terraform")
	complete(cmd, "format", "yaml", "terraform")
	cmd.Flags().StringVar(&user, "user", "", "also export this sign-in user and the roles they hold of their own (userRoleAssignments; with --format terraform, their role assignments)")
	metavar(cmd.Flags(), "user", "USERNAME")
	c.register(cmd)
	return cmd
}

// exportOptions are export's own flags.
type exportOptions struct{ app, format, user string }

func runExport(ctx context.Context, c *common, o exportOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := c.validate(); err != nil {
		return failJSON(c, stdout, "export", flows.State{}, err)
	}
	app := o.app
	if app == "" {
		return badUsage("export needs --app NAME|ID")
	}
	switch {
	case o.format != "yaml" && o.format != "terraform":
		return badUsage("--format %q: choose yaml or terraform", o.format)
	}
	sess, done, err := openSession(ctx, c, "export", stdin, stdout, stderr)
	if err != nil {
		return err
	}
	defer done()
	if o.format == "terraform" {
		return exportTerraform(ctx, c, sess, o, stdout)
	}
	live, err := flows.ReadLive(ctx, sess.client, targetOf(c, sess), app)
	if err != nil {
		return failJSON(c, stdout, "export", flows.State{}, explain(err, sess.client.TransactionID))
	}
	plan := flows.Export(*live)
	if o.user != "" {
		if err := flows.ExportUser(ctx, sess.client, *live, &plan, o.user); err != nil {
			return failJSON(c, stdout, "export", flows.State{}, explain(err, sess.client.TransactionID))
		}
	}
	if c.output == "json" {
		rep := summarize("export", flows.State{App: &live.App, Target: live.Environment}, nil)
		rep.SignIn = c.signedIn
		rep.Plan = &plan
		return writeJSON(stdout, rep)
	}
	// The first line names the plan's JSON Schema, so editors complete and check the file.
	fmt.Fprintf(stdout, "%s\n# Exported by pingone-setup from application %s in environment %s.\n# Apply with: pingone-setup apply --plan FILE [--target-environment-id ID]\n", flows.SchemaHeader, live.App.ID, live.Environment.ID)
	if more := flows.Unmodelled(live.App); len(more) > 0 {
		fmt.Fprintf(stdout, "# Not in this plan (no plan key carries them yet; an update keeps them as they are, a new app\n# made from this plan does not get them): %s\n", strings.Join(more, ", "))
	}
	enc := yaml.NewEncoder(stdout)
	enc.SetIndent(2)
	if err := enc.Encode(plan); err != nil {
		return err
	}
	return enc.Close()
}

// exportTerraform prints the HCL of the app (export --format terraform).
func exportTerraform(ctx context.Context, c *common, sess *session, o exportOptions, stdout io.Writer) error {
	in, err := flows.ReadTerraform(ctx, sess.client, targetOf(c, sess), o.app, o.user)
	if err != nil {
		return failJSON(c, stdout, "export", flows.State{}, explain(err, sess.client.TransactionID))
	}
	hcl := flows.Terraform(in)
	if c.output == "json" {
		rep := summarize("export", flows.State{App: &in.Live.App, Target: in.Live.Environment}, nil)
		rep.SignIn = c.signedIn
		return writeJSON(stdout, struct {
			report
			Terraform string `json:"terraform"`
		}{rep, string(hcl)})
	}
	_, err = stdout.Write(hcl)
	return err
}
