package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// runArgs runs the command line with nothing on stdin, outside any simulator.
func runArgs(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func testTree(t *testing.T) *cobra.Command {
	t.Helper()
	root := newRootCmd(&streams{in: strings.NewReader(""), out: new(bytes.Buffer), err: new(bytes.Buffer)})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	return root
}

// signInFlags are the flags of every command that signs in, with the environment variables of
// product.md's command line contract ("=VAR": the flag defaults to VAR; "<VAR": VAR is read
// instead of the file the flag names).
var signInFlags = []string{
	"target-environment-id", "propagation-timeout",
	"region=PINGONE_REGION_CODE", "environment-id=PINGONE_ENVIRONMENT_ID", "client-id=PINGONE_CLIENT_ID",
	"client-secret-file<PINGONE_CLIENT_SECRET", "token-file<PINGONE_API_ACCESS_TOKEN",
	"login", "login-client-id", "login-port", "profile=PINGONE_PROFILE", "private-key-file",
	"api-url=PINGONE_API_URL", "auth-url=PINGONE_AUTH_URL", "demo",
	"output", "transcript",
}

func TestTheCommandLineContractIsPinned(t *testing.T) {
	with := func(own ...string) []string { return append(own, signInFlags...) }
	want := map[string][]string{
		"pingone-setup":                 with("preset", "app-name", "user", "accessible", "show-secret", "version"),
		"pingone-setup apply":           with("plan", "dry-run", "detailed-exitcode", "yes", "env-file", "show-secret"),
		"pingone-setup doctor":          with("app", "user", "capabilities"),
		"pingone-setup export":          with("app", "format", "user"),
		"pingone-setup rotate-secret":   with("app", "previous-expires", "env-file", "yes", "show-secret"),
		"pingone-setup teardown":        with("app", "dry-run", "yes"),
		"pingone-setup bundle":          with("app", "user", "capabilities", "out"),
		"pingone-setup simulate":        {"listen", "seed", "save", "latency", "page-size", "fail-rate", "lost-response-rate", "propagation-delay"},
		"pingone-setup logout":          {},
		"pingone-setup auth":            {},
		"pingone-setup auth login":      with(),
		"pingone-setup auth status":     {"profile=PINGONE_PROFILE", "output"},
		"pingone-setup profiles":        {"output"},
		"pingone-setup profiles list":   {},
		"pingone-setup profiles use":    {},
		"pingone-setup profiles delete": {},
		"pingone-setup help":            {},
	}
	got := map[string][]string{}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Name() == "completion" || c.Name() == cobra.ShellCompRequestCmd || c.Name() == cobra.ShellCompNoDescRequestCmd {
			return // cobra's own
		}
		flags := []string{}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" {
				return
			}
			name := f.Name
			if v := annotation(f, annEnv); v != "" {
				name += "=" + v
			}
			if v := annotation(f, annEnvInstead); v != "" {
				name += "<" + v
			}
			flags = append(flags, name)
		})
		got[c.CommandPath()] = flags
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(testTree(t))
	for _, m := range []map[string][]string{want, got} {
		for _, v := range m {
			sort.Strings(v)
		}
	}
	if !reflect.DeepEqual(got, want) {
		for path := range mergeKeys(got, want) {
			if !reflect.DeepEqual(got[path], want[path]) {
				t.Errorf("%s:\n got  %v\n want %v", path, got[path], want[path])
			}
		}
	}
}

func mergeKeys(ms ...map[string][]string) map[string]bool {
	keys := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			keys[k] = true
		}
	}
	return keys
}

func TestEachEnvironmentVariableStandsInForItsFlagAndTheFlagWins(t *testing.T) {
	for _, spec := range signInFlags {
		name, envVar, ok := strings.Cut(spec, "=")
		if !ok {
			continue
		}
		for _, path := range []string{"", "apply", "doctor", "export"} {
			t.Setenv(envVar, "from-the-environment")
			root := testTree(t)
			cmd, _, err := root.Find(strings.Fields(path))
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.ParseFlags(nil); err != nil {
				t.Fatal(err)
			}
			if err := envDefaults(cmd.Flags()); err != nil {
				t.Fatal(err)
			}
			if v := cmd.Flags().Lookup(name).Value.String(); v != "from-the-environment" {
				t.Errorf("%s --%s with %s set: %q", cmd.CommandPath(), name, envVar, v)
			}
			cmd, _, _ = testTree(t).Find(strings.Fields(path))
			if err := cmd.ParseFlags([]string{"--" + name, "from-the-flag"}); err != nil {
				t.Fatal(err)
			}
			_ = envDefaults(cmd.Flags())
			if v := cmd.Flags().Lookup(name).Value.String(); v != "from-the-flag" {
				t.Errorf("%s --%s given and %s set: %q, want the flag's value", cmd.CommandPath(), name, envVar, v)
			}
		}
	}
}

func TestTheEnvironmentReachesTheCommands(t *testing.T) {
	e := newEnv(t)
	plan := e.file("p.yaml", greenPlan)
	for _, tc := range []struct {
		env, value, want string
	}{
		{"PINGONE_REGION_CODE", "MARS", "--region"},
		{"PINGONE_ENVIRONMENT_ID", "not-a-uuid", "--environment-id"},
		{"PINGONE_API_URL", "http://api.example.com/v1", "loopback"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			t.Setenv(tc.env, tc.value)
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"apply", "--plan", plan, "--dry-run", "--auth-url", e.srv.URL}, strings.NewReader(""), &out, &errb)
			if code != 2 || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("exit %d: %s", code, errb.String())
			}
		})
	}
	// A worker's client ID and secret from the environment alone sign in.
	t.Setenv("PINGONE_API_ACCESS_TOKEN", "")
	t.Setenv("PINGONE_CLIENT_ID", e.seed.AdminWorker.ClientID)
	t.Setenv("PINGONE_CLIENT_SECRET", e.seed.AdminWorker.ClientSecret)
	t.Setenv("PINGONE_ENVIRONMENT_ID", e.seed.Production.ID)
	if code, out, stderr := e.run("apply", "--plan", plan, "--dry-run"); code != 0 || !strings.Contains(out, "Dry run") {
		t.Errorf("worker from the environment: exit %d\n%s\n%s", code, out, stderr)
	}
}

func TestExitCodesScriptsCanTrust(t *testing.T) {
	e := newEnv(t)
	green, broken := e.file("g.yaml", greenPlan), e.file("b.yaml", stackonePlan)
	for _, args := range [][]string{{"--help"}, {"apply", "--help"}, {"logout", "-h"}, {"--version"}, {"completion", "bash"}, {"help", "doctor"}} {
		if code, _, stderr := runArgs(args...); code != 0 {
			t.Errorf("%v: exit %d, want 0\n%s", args, code, stderr)
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"dry run, nothing wrong", []string{"apply", "--plan", green, "--dry-run"}, 0},
		{"dry run, changes pending, detailed", []string{"apply", "--plan", green, "--dry-run", "--detailed-exitcode"}, 2},
		{"dry run, the plan would not work", []string{"apply", "--plan", broken, "--dry-run"}, 1},
		{"applied but not working", []string{"apply", "--plan", broken, "--yes"}, 1},
		{"doctor finds problems", []string{"doctor", "--app", "StackOne Integration", "--user", "jdoe"}, 1},
		{"mistyped command", []string{"aply"}, 2},
		{"unknown flag", []string{"apply", "--bogus"}, 2},
		{"missing --plan", []string{"apply"}, 2},
		{"bad --output", []string{"apply", "--plan", green, "--output", "yaml"}, 2},
		{"bad --propagation-timeout", []string{"apply", "--plan", green, "--propagation-timeout", "soon"}, 2},
		{"a secret as a flag value", []string{"apply", "--client-secret", "s3cret"}, 2},
		{"unexpected argument", []string{"export", "--app", "x", "extra"}, 2},
		{"unknown help topic", []string{"help", "aply"}, 2},
		{"simulator off loopback", []string{"simulate", "--listen", "0.0.0.0:0"}, 2},
	} {
		if code, out, stderr := e.run(tc.args...); code != tc.want {
			t.Errorf("%s: exit %d, want %d\n%s\n%s", tc.name, code, tc.want, out, stderr)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code := run(ctx, []string{"apply", "--plan", green, "--yes", "--demo"}, strings.NewReader(""), new(bytes.Buffer), new(bytes.Buffer)); code != 130 {
		t.Errorf("interrupted: exit %d, want 130", code)
	}
}

// usageLines checks a usage error: exit 2, nothing on stdout, and on stderr the one line that
// says what is wrong and where to read the usage: never the flag list.
func usageLines(t *testing.T, args []string, wantFirst, helpOf string) {
	t.Helper()
	code, out, stderr := runArgs(args...)
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	want := []string{wantFirst, "Run '" + helpOf + " --help' for usage."}
	if code != 2 || out != "" || !reflect.DeepEqual(lines, want) {
		t.Errorf("%v: exit %d, stdout %q, stderr:\n%s\nwant:\n%s", args, code, out, stderr, strings.Join(want, "\n"))
	}
}

func TestAMistypedCommandSuggestsTheRightOne(t *testing.T) {
	usageLines(t, []string{"aply"}, `pingone-setup: unknown command "aply". Did you mean apply?`, "pingone-setup")
	usageLines(t, []string{"aply", "--plan", "p.yaml", "--dry-run"}, `pingone-setup: unknown command "aply". Did you mean apply?`, "pingone-setup")
	usageLines(t, []string{"doctr", "--app", "x"}, `pingone-setup: unknown command "doctr". Did you mean doctor?`, "pingone-setup")
	usageLines(t, []string{"frobnicate"}, `pingone-setup: unknown command "frobnicate"`, "pingone-setup")
}

func TestUsageErrorsPrintOneLineAndWhereTheUsageIs(t *testing.T) {
	usageLines(t, []string{"apply", "--bogus"}, "pingone-setup: unknown flag --bogus", "pingone-setup apply")
	usageLines(t, []string{"apply", "--paln", "p.yaml"}, "pingone-setup: unknown flag --paln. Did you mean --plan?", "pingone-setup apply")
	usageLines(t, []string{"apply"}, "pingone-setup: apply needs --plan FILE", "pingone-setup apply")
	usageLines(t, []string{"apply", "--plan"}, "pingone-setup: flag needs an argument: --plan", "pingone-setup apply")
	usageLines(t, []string{"apply", "--plan", "p.yaml", "--output", "yaml"}, `pingone-setup: --output must be text or json, not "yaml"`, "pingone-setup apply")
	usageLines(t, []string{"doctor", "--app", "x", "--login-port", "eighty"}, `pingone-setup: --login-port "eighty": want a whole number`, "pingone-setup doctor")
	usageLines(t, []string{"apply", "--dry-run=maybe"}, `pingone-setup: --dry-run "maybe": want true or false`, "pingone-setup apply")
	usageLines(t, []string{"doctor"}, "pingone-setup: doctor needs --app NAME|ID", "pingone-setup doctor")
	usageLines(t, []string{"export", "--app", "x", "extra"}, `pingone-setup: unexpected argument "extra"`, "pingone-setup export")
	usageLines(t, []string{"--preset", "nope"}, `pingone-setup: --preset: unknown "nope" (choose from stackone, sync-worker, cli-login, custom)`, "pingone-setup")
	usageLines(t, []string{"logout", "--all"}, "pingone-setup: unknown flag --all", "pingone-setup logout")
}

func TestASecretGivenAsAFlagValueSaysWhereSecretsComeFrom(t *testing.T) {
	for _, args := range [][]string{
		{"apply", "--plan", "p.yaml", "--client-secret", "s3cret"},
		{"apply", "--client-secret=s3cret"},
		{"--client-secret", "s3cret"},
		{"doctor", "-client-secret", "s3cret"},
	} {
		code, out, stderr := runArgs(args...)
		if code != 2 || out != "" || strings.Count(stderr, "\n") != 1 || strings.Contains(stderr, "s3cret") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
		for _, want := range []string{"--client-secret-file", "stdin", "PINGONE_CLIENT_SECRET"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%v: %q does not name %s", args, stderr, want)
			}
		}
	}
	code, _, stderr := runArgs("apply", "--token", "eyJ...")
	if code != 2 || !strings.Contains(stderr, "--token-file") || !strings.Contains(stderr, "PINGONE_API_ACCESS_TOKEN") || strings.Contains(stderr, "eyJ") {
		t.Errorf("--token: exit %d, %q", code, stderr)
	}
}

func TestEveryCommandsHelpSaysWhatItDoesWithExamples(t *testing.T) {
	for _, cmd := range testTree(t).Commands() {
		if cmd.Hidden || cmd.Name() == "completion" {
			continue
		}
		if cmd.Short == "" || cmd.Long == "" || cmd.Example == "" {
			t.Errorf("%s: Short, Long and Example are all needed", cmd.Name())
		}
	}
	for _, args := range [][]string{
		{"--help"}, {"apply", "--help"}, {"doctor", "--help"}, {"export", "-h"}, {"simulate", "--help"},
		{"logout", "--help"}, {"help", "apply"}, {"help"}, {"completion", "--help"},
	} {
		code, out, stderr := runArgs(args...)
		cmd, _, _ := testTree(t).Find(args)
		if args[0] == "help" {
			cmd, _, _ = testTree(t).Find(args[1:])
		}
		first, _, _ := strings.Cut(strings.TrimSpace(cmd.Long), ".")
		if code != 0 || stderr != "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
		if !strings.HasPrefix(out, cmd.Short+"\n") || !strings.Contains(oneLine(out), oneLine(first)) {
			t.Errorf("%v: the help does not start with the summary and its description:\n%s", args, out)
		}
		if cmd.Example != "" && (!strings.Contains(out, "Examples:\n") || !strings.Contains(out, cmd.Example)) {
			t.Errorf("%v: no examples:\n%s", args, out)
		}
		if strings.Contains(out, "Usage of") {
			t.Errorf("%v: the standard flag package's usage:\n%s", args, out)
		}
	}
	_, out, _ := runArgs("logout", "--help")
	if !strings.HasPrefix(out, "Forget cached browser and device sign-ins\n\nlogout removes every PingOne sign-in") {
		t.Errorf("logout --help:\n%s", out)
	}
	_, out, _ = runArgs("apply", "--help")
	for _, want := range []string{"\nFlags:\n      --plan FILE ", "\nSign-in flags:\n      --region CODE ", "\nOutput flags:\n      --output text|json ", "\nExit codes:\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("apply --help lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(oneLine(out), "--client-secret-file FILE file holding that worker's secret, or - for stdin (env PINGONE_CLIENT_SECRET)") {
		t.Errorf("apply --help does not say where the secret comes from:\n%s", out)
	}
}

func TestVersionPrintsTheVersion(t *testing.T) {
	code, out, stderr := runArgs("--version")
	if code != 0 || stderr != "" || !strings.HasPrefix(out, "pingone-setup version ") || strings.Count(out, "\n") != 1 {
		t.Errorf("exit %d, %q, %q", code, out, stderr)
	}
	for _, tc := range []struct {
		v, c, d string
		bi      *debug.BuildInfo
		want    string
	}{
		{"", "", "", nil, "dev"},
		{"v1.2.0", "0ad4f108b592", "2025-01-02T03:04:05Z", nil, "v1.2.0 (commit 0ad4f108b592, built 2025-01-02T03:04:05Z)"},
		{"", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}}, "v1.3.0"},
		{"", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0ad4f108b592d0c0ffee0ad4f108b592d0c0ffee"}, {Key: "vcs.time", Value: "2025-11-26T23:58:00Z"}, {Key: "vcs.modified", Value: "true"},
		}}, "dev (commit 0ad4f108b592, modified, committed 2025-11-26T23:58:00Z)"},
		{"v2.0.0", "abc", "2026-01-01", &debug.BuildInfo{Main: debug.Module{Version: "v1.0.0"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "ffff"}, {Key: "vcs.modified", Value: "true"},
		}}, "v2.0.0 (commit abc, built 2026-01-01)"},
	} {
		if got := describeVersion(tc.v, tc.c, tc.d, tc.bi); got != tc.want {
			t.Errorf("describeVersion(%q, %q, %q, %v) = %q, want %q", tc.v, tc.c, tc.d, tc.bi, got, tc.want)
		}
	}
}

// TestMakeBuildStampsTheVersion builds with the Makefile's build target, as a release would.
func TestMakeBuildStampsTheVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed")
	}
	bin := filepath.Join(t.TempDir(), "pingone-setup")
	cmd := exec.Command("make", "-C", "../..", "build", "BIN="+bin, "VERSION=v9.8.7", "COMMIT=c0ffee", "DATE=2025-06-07T08:09:10Z")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if want := "pingone-setup version v9.8.7 (commit c0ffee, built 2025-06-07T08:09:10Z)\n"; err != nil || string(out) != want {
		t.Errorf("--version: %q %v, want %q", out, err, want)
	}
}

func TestCompletionPrintsAScriptForEachShell(t *testing.T) {
	for shell, want := range map[string]string{
		"bash":       "__start_pingone-setup",
		"zsh":        "#compdef pingone-setup",
		"fish":       "complete -c pingone-setup",
		"powershell": "Register-ArgumentCompleter",
	} {
		code, out, stderr := runArgs("completion", shell)
		if code != 0 || stderr != "" || !strings.Contains(out, want) {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %q", shell, code, len(out), stderr)
		}
	}
	// The script asks the binary; the binary answers with the flag's values.
	code, out, _ := runArgs(cobra.ShellCompNoDescRequestCmd, "apply", "--region", "")
	if code != 0 || !strings.Contains(out, "NA\nEU\nCA\nAU\nSG\nAP\n") {
		t.Errorf("completing --region: exit %d\n%s", code, out)
	}
	_, out, _ = runArgs(cobra.ShellCompNoDescRequestCmd, "ap")
	if !strings.HasPrefix(out, "apply\n") {
		t.Errorf("completing ap:\n%s", out)
	}
}

func TestLongFlagsWithOneDashStillWork(t *testing.T) {
	root := testTree(t)
	for _, tc := range []struct{ in, want string }{
		{"apply -plan p.yaml -dry-run", "apply --plan p.yaml --dry-run"},
		{"apply -plan=p.yaml -yes -output json", "apply --plan=p.yaml --yes --output json"},
		{"doctor --app -plan -user jdoe", "doctor --app -plan --user jdoe"}, // a value is left alone
		{"apply -h -x -- -plan", "apply -h -x -- -plan"},                    // short flags, and after --
		{"-demo -preset stackone -help", "--demo --preset stackone --help"}, // the wizard's
		{"apply -client-secret s3cret", "apply --client-secret s3cret"},     // so it gets its answer
		{"__complete apply -pla", "__complete apply -pla"},                  // completion words as typed
	} {
		if got := strings.Join(oneDashLongFlags(root, strings.Fields(tc.in)), " "); got != tc.want {
			t.Errorf("%q -> %q, want %q", tc.in, got, tc.want)
		}
	}
	e := newEnv(t)
	if code, out, stderr := e.run("apply", "-plan", e.file("p.yaml", greenPlan), "-dry-run"); code != 0 || !strings.Contains(out, "Dry run") {
		t.Errorf("exit %d\n%s\n%s", code, out, stderr)
	}
}

func TestTheJSONDocumentKeepsItsShape(t *testing.T) {
	e := newEnv(t)
	keys := func(out string) (top, app []string) {
		var doc map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("not one JSON document: %v\n%s", err, out)
		}
		var a map[string]any
		_ = json.Unmarshal(doc["application"], &a)
		for k := range doc {
			top = append(top, k)
		}
		for k := range a {
			app = append(app, k)
		}
		sort.Strings(top)
		sort.Strings(app)
		return top, app
	}
	for _, tc := range []struct {
		name     string
		args     []string
		top, app string
	}{
		{"apply", []string{"apply", "--plan", e.file("s.yaml", syncPlan), "--yes", "--show-secret", "--output", "json"},
			"application changes command credentials environment findings roles signIn transactionId verification", "enabled id name"},
		{"dry run", []string{"apply", "--plan", e.file("g.yaml", greenPlan), "--dry-run", "--output", "json"},
			"application changes command dryRun environment findings roles signIn transactionId", "enabled id name"},
		{"doctor", []string{"doctor", "--app", "Sync Worker", "--output", "json"},
			"application changes command environment findings roles signIn", "enabled id name"},
		{"export", []string{"export", "--app", "Sync Worker", "--output", "json"},
			"application changes command environment findings plan signIn", "enabled id name"},
		{"a failure", []string{"apply", "--plan", e.file("s.yaml", syncPlan), "--yes", "--output", "json", "--token-file", e.file("t", "not-a-jwt")},
			"changes command error findings", ""},
	} {
		_, out, _ := e.run(tc.args...)
		top, app := keys(out)
		if strings.Join(top, " ") != tc.top || strings.Join(app, " ") != tc.app {
			t.Errorf("%s: keys %v, application %v\nwant %s / %s", tc.name, top, app, tc.top, tc.app)
		}
	}
}

func TestTheFlagTableInTheHelpNamesEveryEnvironmentVariable(t *testing.T) {
	_, out, _ := runArgs("--help")
	for _, v := range []string{"PINGONE_REGION_CODE", "PINGONE_ENVIRONMENT_ID", "PINGONE_CLIENT_ID", "PINGONE_CLIENT_SECRET", "PINGONE_API_ACCESS_TOKEN", "PINGONE_API_URL", "PINGONE_AUTH_URL", envDebug, envDebugFile} {
		if !strings.Contains(out, v) {
			t.Errorf("--help does not mention %s", v)
		}
	}
	if os.Getenv("PINGONE_CLIENT_ID") == "" {
		t.Setenv("PINGONE_CLIENT_ID", "client-id-from-env")
		if _, out, _ := runArgs("--help"); strings.Contains(out, "client-id-from-env") {
			t.Error("the help shows a value from the environment")
		}
	}
}
