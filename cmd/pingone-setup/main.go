// Command pingone-setup sets up PingOne Worker applications for connectors: an interactive wizard,
// and non-interactive apply, doctor and export commands that run the same steps from a plan file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/pingone-setup/pingone-setup/flows"
)

// Exit codes (product.md).
const (
	exitOK        = 0
	exitFailed    = 1
	exitUsage     = 2
	exitInterrupt = 130
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `pingone-setup sets up a PingOne Worker application for a connector.

Usage:
  pingone-setup [flags]                      the interactive wizard
  pingone-setup --demo                       the wizard against a built-in simulated PingOne
  pingone-setup apply --plan FILE [--dry-run] [--yes] [--env-file PATH]
  pingone-setup doctor --app NAME|ID [--user USERNAME]
  pingone-setup export --app NAME|ID
  pingone-setup simulate [--listen 127.0.0.1:PORT]
  pingone-setup logout                       forget cached browser and device sign-ins

Sign in with --login browser|device --login-client-id ID --environment-id ID, with a worker's
--client-id and --client-secret-file (or PINGONE_CLIENT_SECRET), or with --token-file.

Run "pingone-setup COMMAND -h" for a command's flags.
`

// run is main without the process: testable, and the only place exit codes are decided.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "":
		err = wizardCmd(ctx, args, stdin, stdout, stderr)
	case "apply":
		err = applyCmd(ctx, args, stdin, stdout, stderr)
	case "doctor":
		err = doctorCmd(ctx, args, stdin, stdout, stderr)
	case "export":
		err = exportCmd(ctx, args, stdin, stdout, stderr)
	case "simulate":
		err = simulateCmd(ctx, args, stdout, stderr)
	case "logout":
		err = logoutCmd(args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
	return exitCode(err, stderr)
}

// Sentinel outcomes that are not failures of the tool itself.
var (
	errInterrupted = errors.New("interrupted")
	// errProblems: doctor found problems (exit 1), already reported.
	errProblems = errors.New("problems found")
	// errDeclined: the user answered no to apply's question (exit 1: nothing applied).
	errDeclined = errors.New("not applied: nothing was changed")
)

// reported is an error already printed in the JSON document: its exit code still follows the
// error it wraps, but it is not printed again.
type reported struct{ err error }

func (r reported) Error() string { return r.err.Error() }
func (r reported) Unwrap() error { return r.err }

func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	code := exitFailed
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errInterrupted), errors.Is(err, context.Canceled):
		return exitInterrupt
	case errors.Is(err, errProblems):
		return exitFailed
	case errors.Is(err, errChangesPending):
		return exitUsage // 2: as terraform plan -detailed-exitcode
	case errors.As(err, &ue):
		code = exitUsage
	}
	if !errors.As(err, new(reported)) {
		fmt.Fprintf(stderr, "pingone-setup: %v\n", err)
	}
	return code
}

func asPlanError(err error, target **flows.PlanError) bool { return errors.As(err, target) }

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses flags, turning a bad flag into a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{msg: err.Error(), err: err}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
