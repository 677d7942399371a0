package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/oauth2"
	"gopkg.in/yaml.v3"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/internal/securefile"
	"github.com/pingone-setup/pingone-setup/internal/supportbundle"
	"github.com/pingone-setup/pingone-setup/pingone"
)

func newBundleCmd(s *streams) *cobra.Command {
	var c common
	var app, user, caps, out string
	cmd := &cobra.Command{
		Use:   "bundle --app NAME|ID",
		Short: "Write a secret-free support bundle that simulate --seed replays",
		Long: `bundle reads an application as doctor does and writes a zip for support: the plan that
reproduces the app, doctor's findings and the role verdict for the sign-in user, the tenant facts
the verdict used (the app and its grants, the role table with permissions, the role assignments of
the user, its groups and yours), a redacted transcript of the calls it made, the tool's version,
and a README that says how to replay it. It holds no client secret, access token or password.
"pingone-setup simulate --seed bundle.zip" serves those facts, and doctor against it gives the
same findings. bundle changes nothing in PingOne.`,
		Example: `  # What support needs to see why jdoe's sign-in through the StackOne app fails
  pingone-setup bundle --app "StackOne Integration" --user jdoe -o stackone-bundle.zip

  # Replay it
  pingone-setup simulate --seed stackone-bundle.zip`,
		Annotations: map[string]string{annFooter: `Exit codes:
  0    written
  1    failed (the app was not found, its name is ambiguous, or PingOne refused); nothing written
  2    usage error, or PingOne could not be reached
  130  interrupted (Ctrl-C)`},
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBundle(cmd.Context(), &c, bundleOptions{app: app, user: user, caps: caps, out: out}, s.in, s.out, s.err)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&app, "app", "", "the application: its exact name or its ID (client ID)")
	metavar(fs, "app", "NAME|ID")
	fs.StringVar(&user, "user", "", "username or email of the user who will sign in (default: you)")
	metavar(fs, "user", "USERNAME")
	fs.StringVar(&caps, "capabilities", "", "what the connector calls, comma separated (default: from the app's preset): "+strings.Join(flows.CapabilityIDs(), ", "))
	metavar(fs, "capabilities", "LIST")
	complete(cmd, "capabilities", flows.CapabilityIDs()...)
	fs.StringVarP(&out, "out", "o", "bundle.zip", "the zip to write (mode 0600; replaced if it exists)")
	metavar(fs, "out", "FILE")
	c.register(cmd)
	return cmd
}

type bundleOptions struct{ app, user, caps, out string }

// runBundle writes the support bundle. Every failure happens before the file is written.
func runBundle(ctx context.Context, c *common, o bundleOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := c.validate(); err != nil {
		return err
	}
	if o.app == "" {
		return badUsage("bundle needs --app NAME|ID")
	}
	capList := flows.Split(o.caps)
	for _, id := range capList {
		if _, ok := flows.CapabilityByID(id); !ok {
			return badUsage("--capabilities: unknown %q (choose from %s)", id, strings.Join(flows.CapabilityIDs(), ", "))
		}
	}
	if err := checkWritable("--out", o.out); err != nil {
		return err
	}
	sess, done, err := openSession(ctx, c, "bundle", stdin, stdout, stderr)
	if err != nil {
		return connectionError(err)
	}
	defer done()
	// Every call of the bundle's own client goes to its transcript too (already redacted).
	rec := &pingone.Recorder{}
	if prev := sess.client.Transcript; prev != nil {
		sess.client.Transcript = func(call pingone.Call) { prev(call); rec.Record(call) }
	} else {
		sess.client.Transcript = rec.Record
	}
	envID := targetOf(c, sess)
	env := sess.env(false, false)
	d, err := flows.Doctor(ctx, env, envID, o.app, o.user, capList)
	if err != nil {
		return failJSON(c, stdout, "bundle", flows.State{}, explain(err, sess.client.TransactionID))
	}
	if d.Live == nil {
		msg := "application not found"
		if len(d.Findings) > 0 {
			msg = d.Findings[0].Message
		}
		return failJSON(c, stdout, "bundle", flows.State{Findings: d.Findings}, errors.New(msg+": nothing was written"))
	}
	facts, err := flows.GatherFacts(ctx, env.API, sess.identity, *d.Live, o.user)
	if err != nil {
		return failJSON(c, stdout, "bundle", flows.State{}, explain(err, sess.client.TransactionID))
	}
	tenant, notes, err := supportbundle.Tenant(facts)
	if err != nil {
		return err
	}
	b := supportbundle.Bundle{Tenant: tenant, Manifest: supportbundle.Manifest{
		ToolVersion: versionString(), CreatedAt: timeNow().UTC().Truncate(time.Second), EnvironmentID: d.Live.Environment.ID,
		Application: supportbundle.App{ID: d.Live.App.ID, Name: d.Live.App.Name}, User: o.user, Capabilities: capList,
	}}
	if tenant.Actor != nil {
		b.Manifest.Actor = *tenant.Actor
	}
	if b.Plan, err = planYAML(d); err != nil {
		return err
	}
	if b.Doctor, err = doctorJSON(d, facts.Unread, notes); err != nil {
		return err
	}
	var tr bytes.Buffer
	enc := json.NewEncoder(&tr)
	for _, call := range rec.Calls() {
		if err := enc.Encode(call); err != nil {
			return err
		}
	}
	b.Transcript = tr.Bytes()
	zip, err := supportbundle.Write(b, bundleSecrets(ctx, sess, d.Live)...)
	if err != nil {
		return err
	}
	if err := securefile.Replace(o.out, zip); err != nil {
		return fmt.Errorf("write %s: %w", o.out, err)
	}
	if c.output == "json" {
		rep := summarize("bundle", flows.State{App: &d.Live.App, Target: d.Live.Environment, Findings: d.Findings, Report: d.Report}, nil)
		rep.SignIn = c.signedIn
		return writeJSON(stdout, struct {
			report
			Bundle string `json:"bundle"`
			Bytes  int    `json:"bytes"`
		}{rep, o.out, len(zip)})
	}
	fmt.Fprintf(stdout, "Support bundle of %q (%s) written to %s (%d bytes, mode 0600, no secret in it).\n", d.Live.App.Name, d.Live.App.ID, o.out, len(zip))
	fmt.Fprintf(stdout, "Replay it: pingone-setup simulate --seed %s\n", o.out)
	return nil
}

// planYAML is the exported plan, as export prints it.
func planYAML(d flows.Diagnosis) ([]byte, error) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Exported by pingone-setup bundle from application %s in environment %s.\n", d.Live.App.ID, d.Live.Environment.ID)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(flows.Export(*d.Live)); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// doctorJSON is doctor's JSON document, with what the facts could not hold.
func doctorJSON(d flows.Diagnosis, unread, notes []string) ([]byte, error) {
	doc := struct {
		report
		Healthy bool     `json:"healthy"`
		Unread  []string `json:"unread,omitempty"`
		Notes   []string `json:"factNotes,omitempty"`
	}{summarize("doctor", flows.State{App: &d.Live.App, Target: d.Live.Environment, Findings: d.Findings, Report: d.Report}, nil), d.Healthy(), unread, notes}
	return json.MarshalIndent(doc, "", "  ")
}

// bundleSecrets are values the bundle must not hold: the session's access token and the app's
// client secret (read only to be looked for).
func bundleSecrets(ctx context.Context, sess *session, live *flows.Live) []string {
	var out []string
	if hc := sess.client.HTTP; hc != nil {
		if t, ok := hc.Transport.(*oauth2.Transport); ok && t.Source != nil {
			if tok, err := t.Source.Token(); err == nil {
				out = append(out, tok.AccessToken, tok.RefreshToken)
			}
		}
	}
	if sec, err := sess.client.GetApplicationSecret(ctx, live.Environment.ID, live.App.ID); err == nil {
		out = append(out, sec.Secret)
		if sec.Previous != nil {
			out = append(out, sec.Previous.Secret)
		}
	}
	if v := strings.TrimSpace(os.Getenv("PINGONE_CLIENT_SECRET")); v != "" {
		out = append(out, v)
	}
	return out
}
