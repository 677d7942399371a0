// Command pingone-setup sets up PingOne Worker applications for connectors: an interactive wizard,
// and non-interactive apply, doctor and export commands that run the same steps from a plan file.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

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

// run is main without the process: testable, and the only place exit codes are decided.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(&streams{in: stdin, out: stdout, err: stderr})
	if args == nil {
		args = []string{} // nil would make cobra read os.Args
	}
	root.SetArgs(oneDashLongFlags(root, args))
	cmd, err := root.ExecuteContextC(ctx)
	return exitCode(err, cmd, stderr)
}

// streams are the process's standard input and outputs, injected so tests can run commands.
type streams struct {
	in       io.Reader
	out, err io.Writer
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

// exitCode prints err (once, one line for a command line mistake, then where to read the usage)
// and returns the exit code it means. cmd is the command that failed, for that pointer.
func exitCode(err error, cmd *cobra.Command, stderr io.Writer) int {
	var ue usageError
	code := exitFailed
	switch {
	case err == nil:
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
		if ue.hint && cmd != nil {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	}
	return code
}

func asPlanError(err error, target **flows.PlanError) bool { return errors.As(err, target) }
