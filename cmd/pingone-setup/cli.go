package main

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pingone-setup/pingone-setup/flows"
)

// annFooter is a command annotation: text the help prints after the flags (exit codes, the
// environment).
const annFooter = "pingone-setup/footer"

// newRootCmd builds the command tree: the wizard at the root, one subcommand per task, and
// cobra's help and completion commands. Built afresh for every run, so the environment is read
// then.
func newRootCmd(s *streams) *cobra.Command {
	root := newWizardCmd(s)
	root.AddGroup(&cobra.Group{ID: "main", Title: "Commands:"}, &cobra.Group{ID: "more", Title: "More commands:"})
	for _, sub := range []*cobra.Command{newApplyCmd(s), newDoctorCmd(s), newExportCmd(s), newRotateSecretCmd(s), newTeardownCmd(s), newBundleCmd(s)} {
		sub.GroupID = "main"
		root.AddCommand(sub)
	}
	for _, sub := range []*cobra.Command{newAuthCmd(s), newProfilesCmd(s), newSimulateCmd(s), newLogoutCmd(s)} {
		sub.GroupID = "more"
		root.AddCommand(sub)
	}
	root.SetHelpCommand(newHelpCmd(root))
	root.SetHelpCommandGroupID("more")
	root.SetCompletionCommandGroupID("more")

	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	// Errors are printed once, by exitCode, as one line; never the whole usage.
	root.SilenceUsage = true
	root.SilenceErrors = true
	root.SuggestionsMinimumDistance = 2

	root.Version = versionString()
	root.SetVersionTemplate("{{.Name}} version {{.Version}}\n")
	root.Flags().Bool("version", false, "print the version, commit and build date")

	root.SetFlagErrorFunc(flagError)
	root.SetHelpFunc(printHelp)
	root.SetUsageFunc(func(c *cobra.Command) error {
		_, err := fmt.Fprint(c.OutOrStderr(), usageText(c))
		return err
	})
	root.PersistentPreRunE = func(c *cobra.Command, _ []string) error { return envDefaults(c.Flags()) }
	return root
}

// newHelpCmd replaces cobra's help command, which shows the root's help for a topic it does not
// know: this one says so, with the suggestion, and exits 2.
func newHelpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:     "help [COMMAND]",
		Short:   "Help about any command",
		Long:    "help prints the help of a command: what it does, examples, its flags and exit codes.",
		Example: `  pingone-setup help apply`,
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var names []cobra.Completion
			if len(args) == 0 {
				for _, sub := range root.Commands() {
					if sub.IsAvailableCommand() {
						names = append(names, cobra.CompletionWithDesc(sub.Name(), sub.Short))
					}
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(_ *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil {
				return badUsage("%v", err)
			}
			if len(rest) > 0 {
				return unknownCommand(target, rest[0])
			}
			return target.Help()
		},
	}
}

// printHelp is every command's --help: the summary, the description, then the usage.
func printHelp(c *cobra.Command, _ []string) {
	w := c.OutOrStdout()
	fmt.Fprintln(w, c.Short)
	if long := strings.TrimSpace(c.Long); long != "" && long != c.Short {
		fmt.Fprintf(w, "\n%s\n", long)
	}
	fmt.Fprintf(w, "\n%s", usageText(c))
}

// flagGroups are the sections flags are listed in, in order; "" is the command's own flags.
var flagGroups = []string{"", groupSignIn, groupOutput}

// usageText is the usage part of the help: how to call the command, examples, subcommands, the
// flags by group, and the footer.
func usageText(c *cobra.Command) string {
	var b strings.Builder
	b.WriteString("Usage:\n")
	if c.Runnable() {
		fmt.Fprintf(&b, "  %s\n", c.UseLine())
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "  %s COMMAND\n", c.CommandPath())
	}
	if ex := strings.TrimRight(c.Example, "\n "); ex != "" {
		fmt.Fprintf(&b, "\nExamples:\n%s\n", ex)
	}
	if c.HasAvailableSubCommands() {
		writeCommands(&b, c)
	}
	writeFlags(&b, c)
	if footer := strings.TrimSpace(c.Annotations[annFooter]); footer != "" {
		fmt.Fprintf(&b, "\n%s\n", footer)
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "\nRun '%s COMMAND --help' for a command's flags and examples.\n", c.CommandPath())
	}
	return b.String()
}

// helpWidth is the width the help is wrapped to.
const helpWidth = 100

// writeFlags lists the command's flags by group, in one column layout for all groups.
func writeFlags(b *strings.Builder, c *cobra.Command) {
	groups := map[string][]*pflag.Flag{}
	col := 0
	add := func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		g := annotation(f, annGroup)
		groups[g] = append(groups[g], f)
		col = max(col, len(flagLeft(f)))
	}
	c.LocalFlags().VisitAll(add)
	c.InheritedFlags().VisitAll(add)
	for _, g := range flagGroups {
		if len(groups[g]) == 0 {
			continue
		}
		title := g
		if title == "" {
			title = "Flags"
		}
		fmt.Fprintf(b, "\n%s:\n", title)
		for _, f := range groups[g] {
			left := flagLeft(f)
			b.WriteString(left + strings.Repeat(" ", col-len(left)+3))
			b.WriteString(wrap(flagRight(f), helpWidth-col-3, col+3))
			b.WriteByte('\n')
		}
	}
}

// flagLeft is "  -h, --name VALUE".
func flagLeft(f *pflag.Flag) string {
	left := "      --" + f.Name
	if f.Shorthand != "" {
		left = "  -" + f.Shorthand + ", --" + f.Name
	}
	v := annotation(f, annVar)
	if v == "" {
		if name, _ := pflag.UnquoteUsage(f); name != "" {
			v = strings.ToUpper(name)
		}
	}
	if v != "" {
		left += " " + v
	}
	return left
}

// flagRight is the flag's usage, its default and its environment variable.
func flagRight(f *pflag.Flag) string {
	_, usage := pflag.UnquoteUsage(f)
	switch d := f.DefValue; {
	case d == "" || d == "0" || d == "false" || d == "0s" || d == "[]":
	case f.Value.Type() == "string":
		usage += fmt.Sprintf(" (default %q)", d)
	default:
		usage += fmt.Sprintf(" (default %s)", d)
	}
	if env := annotation(f, annEnv) + annotation(f, annEnvInstead); env != "" {
		usage += " (env " + env + ")"
	}
	return usage
}

// wrap breaks text into lines of at most width columns, indenting every line after the first.
func wrap(text string, width, indent int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(text) {
		if i > 0 && n+1+len(w) > width {
			b.WriteString("\n" + strings.Repeat(" ", indent))
			n = 0
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

func writeCommands(b *strings.Builder, c *cobra.Command) {
	listed := func(sub *cobra.Command) bool { return sub.IsAvailableCommand() || sub.Name() == "help" }
	width := 0
	for _, sub := range c.Commands() {
		if listed(sub) && len(sub.Name()) > width {
			width = len(sub.Name())
		}
	}
	groups := append([]*cobra.Group{}, c.Groups()...)
	if len(groups) == 0 {
		groups = []*cobra.Group{{Title: "Commands:"}}
	}
	for _, g := range groups {
		fmt.Fprintf(b, "\n%s\n", g.Title)
		for _, sub := range c.Commands() {
			if listed(sub) && (sub.GroupID == g.ID || len(c.Groups()) == 0) {
				fmt.Fprintf(b, "  %-*s  %s\n", width, sub.Name(), sub.Short)
			}
		}
	}
}

// noArgs refuses positional arguments: every input of a subcommand is a flag.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return badUsage("unexpected argument %q", args[0])
	}
	return nil
}

// rootArgs: a word after pingone-setup is a command name, so a stray one is a mistyped command.
func rootArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return unknownCommand(c, args[0])
	}
	return nil
}

func unknownCommand(c *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q", name)
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2
	}
	if s := c.SuggestionsFor(name); len(s) > 0 {
		msg += ". Did you mean " + strings.Join(s, " or ") + "?"
	}
	return badUsage("%s", msg)
}

// secretFlags are flags people try that would put a secret on the command line: each answer says
// where the secret comes from instead.
var secretFlags = map[string]string{
	"client-secret": "secrets are never flag values (they would land in shell history and ps): give the client secret with --client-secret-file FILE, --client-secret-file - (stdin) or PINGONE_CLIENT_SECRET",
	"secret":        "secrets are never flag values (they would land in shell history and ps): give the client secret with --client-secret-file FILE, --client-secret-file - (stdin) or PINGONE_CLIENT_SECRET",
	"token":         "tokens are never flag values (they would land in shell history and ps): give the access token with --token-file FILE, --token-file - (stdin) or PINGONE_API_ACCESS_TOKEN",
	"access-token":  "tokens are never flag values (they would land in shell history and ps): give the access token with --token-file FILE, --token-file - (stdin) or PINGONE_API_ACCESS_TOKEN",
}

// flagError turns pflag's parse errors into one-line usage errors (exit 2).
func flagError(c *cobra.Command, err error) error {
	var unknown *pflag.NotExistError
	if errors.As(err, &unknown) && unknown.GetSpecifiedShortnames() == "" {
		name := unknown.GetSpecifiedName()
		if msg, ok := secretFlags[name]; ok {
			return usageError{msg: msg, err: err} // says what to do: no pointer to the help
		}
		if !c.HasParent() && len(c.Flags().Args()) > 0 {
			// pingone-setup aply --plan x: the flag is unknown because the command is.
			return unknownCommand(c, c.Flags().Args()[0])
		}
		if s := suggestFlags(c, name); len(s) > 0 {
			return usageError{msg: fmt.Sprintf("unknown flag --%s. Did you mean --%s?", name, strings.Join(s, " or --")), err: err, hint: true}
		}
		return usageError{msg: "unknown flag --" + name, err: err, hint: true}
	}
	var bad *pflag.InvalidValueError
	if errors.As(err, &bad) {
		f := bad.GetFlag()
		why := errors.Unwrap(bad)
		var num *strconv.NumError
		switch {
		case f.Value.Type() == "bool":
			why = errors.New("want true or false")
		case f.Value.Type() == "duration":
			why = errors.New("want a duration such as 2m, 90s or 1h30m")
		case errors.As(why, &num):
			why = errors.New("want a whole number")
		}
		return usageError{msg: fmt.Sprintf("--%s %q: %v", f.Name, bad.GetValue(), why), err: err, hint: true}
	}
	return usageError{msg: err.Error(), err: err, hint: true}
}

// suggestFlags are the command's flags within two edits of name, or that start with it.
func suggestFlags(c *cobra.Command, name string) []string {
	var out []string
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && (flows.EditDistance(name, f.Name) <= 2 || (len(name) >= 3 && strings.HasPrefix(f.Name, name))) {
			out = append(out, f.Name)
		}
	})
	sort.Strings(out)
	return out
}

// oneDashLongFlags rewrites -name and -name=value to --name for the tree's long flags: the
// standard flag package this tool used before cobra took both, and its help printed one dash,
// so scripts written from it keep working.
func oneDashLongFlags(root *cobra.Command, args []string) []string {
	if len(args) > 0 && strings.HasPrefix(args[0], "__complete") {
		return args // shell completion passes words as typed
	}
	takesValue := map[string]bool{"help": false, "version": false}
	for name := range secretFlags {
		takesValue[name] = true
	}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) { takesValue[f.Name] = f.NoOptDefVal == "" })
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		var name string
		switch {
		case strings.HasPrefix(a, "--"):
			name = a[2:]
		case strings.HasPrefix(a, "-") && len(a) > 2:
			name = a[1:]
			if n, _, _ := strings.Cut(name, "="); len(n) > 1 {
				if _, known := takesValue[n]; known {
					a = "-" + a
				}
			}
		}
		out = append(out, a)
		if n, _, hasValue := strings.Cut(name, "="); !hasValue && takesValue[n] && i+1 < len(args) {
			i++ // the flag's value, whatever it looks like
			out = append(out, args[i])
		}
	}
	return out
}

// oneLine folds a text's whitespace, newlines included, into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
