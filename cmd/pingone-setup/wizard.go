package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-isatty"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/tui"
)

func wizardCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var c common
	var preset, appName, user string
	fs := newFlagSet("pingone-setup", stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage, "\nFlags:\n"); fs.PrintDefaults() }
	c.register(fs)
	fs.StringVar(&preset, "preset", "", "preselect a preset: stackone, sync-worker, cli-login or custom")
	fs.StringVar(&appName, "app-name", "", "prefill the application name")
	fs.StringVar(&user, "user", "", "prefill the user who will sign in")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := c.validate(); err != nil {
		return err
	}
	in, _ := stdin.(*os.File)
	out, _ := stdout.(*os.File)
	if in == nil || out == nil || !isatty.IsTerminal(in.Fd()) || !isatty.IsTerminal(out.Fd()) {
		return usagef("the wizard needs a terminal. Without one, use a plan: pingone-setup apply --plan FILE (see pingone-setup export to get one from an existing app)")
	}
	plan := flows.Plan{EnvironmentID: c.targetEnv, SignInUser: user}
	if preset != "" {
		if _, ok := flows.PresetByName(preset); !ok {
			return usagef("--preset: unknown %q", preset)
		}
		plan.Preset = preset
		plan, _ = plan.WithPreset()
	}
	if appName != "" {
		plan.Application.Name = appName
	}
	sess, err := signIn(ctx, &c, stdin, stderr)
	if err != nil {
		return err
	}
	defer sess.close()

	m := tui.New(tui.Options{Env: sess.env(true, false), Plan: plan, Steps: flows.Steps(), Stdout: out})
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	final, err := p.Run()
	fm, _ := final.(tui.Model)
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
