package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pingone-setup/pingone-setup/flows"
)

func doctorCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var c common
	var app, user, caps string
	fs := newFlagSet("doctor", stderr)
	c.register(fs)
	fs.StringVar(&app, "app", "", "the application to diagnose: its exact name or its ID (client ID)")
	fs.StringVar(&user, "user", "", "username or email of the user who will sign in (default: you)")
	fs.StringVar(&caps, "capabilities", "", "what the connector calls, comma separated (default: from the app's preset): "+strings.Join(flows.CapabilityIDs(), ", "))
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := c.validate(); err != nil {
		return err
	}
	if app == "" {
		return usagef("doctor needs --app NAME|ID")
	}
	capList := flows.Split(caps)
	for _, id := range capList {
		if _, ok := flows.CapabilityByID(id); !ok {
			return usagef("--capabilities: unknown %q (choose from %s)", id, strings.Join(flows.CapabilityIDs(), ", "))
		}
	}
	sess, err := signIn(ctx, &c, stdin, stderr)
	if err != nil {
		return failJSON(&c, stdout, "doctor", flows.State{}, connectionError(err))
	}
	defer sess.close()
	envID := targetOf(&c, sess)
	d, err := flows.Doctor(ctx, sess.env(false, false), envID, app, user, capList)
	if err != nil {
		return failJSON(&c, stdout, "doctor", flows.State{}, connectionError(explain(err, sess.client.TransactionID)))
	}
	st := flows.State{Findings: d.Findings, Report: d.Report}
	if d.Live != nil {
		st.App, st.Target = &d.Live.App, d.Live.Environment
	}
	if c.output == "json" {
		if err := writeJSON(stdout, summarize("doctor", st, nil)); err != nil {
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

func exportCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var c common
	var app string
	fs := newFlagSet("export", stderr)
	c.register(fs)
	fs.StringVar(&app, "app", "", "the application to export: its exact name or its ID")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := c.validate(); err != nil {
		return err
	}
	if app == "" {
		return usagef("export needs --app NAME|ID")
	}
	sess, err := signIn(ctx, &c, stdin, stderr)
	if err != nil {
		return failJSON(&c, stdout, "export", flows.State{}, err)
	}
	defer sess.close()
	live, err := flows.ReadLive(ctx, sess.client, targetOf(&c, sess), app)
	if err != nil {
		return failJSON(&c, stdout, "export", flows.State{}, explain(err, sess.client.TransactionID))
	}
	plan := flows.Export(*live)
	if c.output == "json" {
		rep := summarize("export", flows.State{App: &live.App, Target: live.Environment}, nil)
		rep.Plan = &plan
		return writeJSON(stdout, rep)
	}
	fmt.Fprintf(stdout, "# Exported by pingone-setup from application %s in environment %s.\n# Apply with: pingone-setup apply --plan FILE [--target-environment-id ID]\n", live.App.ID, live.Environment.ID)
	enc := yaml.NewEncoder(stdout)
	enc.SetIndent(2)
	if err := enc.Encode(plan); err != nil {
		return err
	}
	return enc.Close()
}
