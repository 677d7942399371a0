package main

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// runWith runs the tool with stdin and an environment of its own (HOME, the ledger, no
// sign-in variables), and returns exit code, stdout and stderr.
func runWith(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	for _, k := range []string{"PINGONE_CLIENT_ID", "PINGONE_CLIENT_SECRET", "PINGONE_ENVIRONMENT_ID", "PINGONE_REGION_CODE",
		"PINGONE_API_URL", "PINGONE_AUTH_URL", "PINGONE_API_ACCESS_TOKEN", "PINGONE_SETUP_DEBUG", "PINGONE_SETUP_DEBUG_FILE", "ACCESSIBLE"} {
		t.Setenv(k, "")
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// demoAnswers take the demo from its first question to the hand-off's menu, as a person at a
// screen reader would answer: the default environment, preset and settings, jdoe, the go-ahead
// after the review before writing, the proposed fix.
const demoAnswers = "\n\n\njdoe\n\n\n"

var escape = regexp.MustCompile("\x1b")

func TestTheAccessibleWizardRunsTheDemoLineByLineToAVerifiedHandOff(t *testing.T) {
	// A colour terminal: --accessible alone must drop the colour.
	old := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(termenv.TrueColor)
	t.Cleanup(func() { lipgloss.SetColorProfile(old) })
	code, out, errOut := runWith(t, demoAnswers+"\n", "--demo", "--accessible")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"Step 1 of 18: Choose environment",
		"Target environment [Enter chooses 1]",
		"1. Example Production",
		"The stackone preset sets:",
		"Suggestions: admin, jdoe",
		"will return HTTP 403",                  // the verdict, before the fix question
		"1. Assign them (recommended)",          // the fix question
		"✓ created user jdoe: role",             // what the fix did
		"✓ Your Worker app is ready (verified)", // the hand-off's title
		"Client secret   hidden",
		"✓ Verified: signed in as jdoe through the app",
		"1. Finish",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the transcript lacks %q:\n%s", want, out)
		}
	}
	if escape.MatchString(out) || escape.MatchString(errOut) {
		t.Errorf("no colour and no cursor movement in accessible mode: an escape sequence was written:\n%q", out)
	}
	if strings.Index(out, "will return HTTP 403") > strings.Index(out, "1. Assign them") {
		t.Error("the verdict must come before the question that fixes it")
	}
}

func TestTheAccessibleHandOffShowsTheSecretOnlyWhenAsked(t *testing.T) {
	code, out, errOut := runWith(t, demoAnswers+"2\n\n", "--demo", "--accessible")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	m := regexp.MustCompile(`Client secret: (\S+)`).FindStringSubmatch(out)
	if m == nil || m[1] == "hidden" {
		t.Fatalf("choosing 2 should print the secret:\n%s", out)
	}
	if strings.Count(out, m[1]) != 1 {
		t.Errorf("the secret should appear once, where it was asked for:\n%s", out)
	}
}

func TestTheAccessibleHandOffWritesTheEnvFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "creds.env")
	code, out, errOut := runWith(t, demoAnswers+"3\n"+path+"\n\n", "--demo", "--accessible")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the .env file should be written at 0600: %v %v\n%s", fi, err, out)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "PINGONE_CLIENT_SECRET=") {
		t.Errorf(".env content:\n%s", data)
	}
}

func TestTermDumbAndAccessibleOneAskLineByLine(t *testing.T) {
	for name, setenv := range map[string][2]string{"TERM=dumb": {"TERM", "dumb"}, "ACCESSIBLE=1": {"ACCESSIBLE", "1"}} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("TERM", "xterm-256color")
			code, out, errOut := func() (int, string, string) {
				t.Setenv("XDG_STATE_HOME", t.TempDir())
				t.Setenv("ACCESSIBLE", "")
				t.Setenv(setenv[0], setenv[1])
				var o, e bytes.Buffer
				c := run(context.Background(), []string{"--demo"}, strings.NewReader(demoAnswers+"\n"), &o, &e)
				return c, o.String(), e.String()
			}()
			if code != 0 || !strings.Contains(out, "Your Worker app is ready (verified)") {
				t.Errorf("exit %d: without a terminal, %s should run the wizard line by line:\n%s\n%s", code, name, out, errOut)
			}
		})
	}
}

func TestTheAccessibleWizardStopsWhenItsInputEnds(t *testing.T) {
	code, out, errOut := runWith(t, "\n\n", "--demo", "--accessible")
	if code != exitInterrupt {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitInterrupt, out, errOut)
	}
	if !strings.Contains(errOut, "The input ended before the setup finished") {
		t.Errorf("say why it stopped:\n%s", errOut)
	}
}

func TestTheAccessibleWizardWithOutputJSONTalksOnStderrAndPrintsOneDocument(t *testing.T) {
	code, out, errOut := runWith(t, demoAnswers+"\n", "--demo", "--accessible", "--output", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var doc struct {
		Command     string `json:"command"`
		Application *struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"application"`
		Environment  *struct{ ID string }      `json:"environment"`
		Credentials  map[string]string         `json:"credentials"`
		Verification *struct{ Outcome string } `json:"verification"`
		Changes      []json.RawMessage         `json:"changes"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout must be one JSON document: %v\n%s", err, out)
	}
	if doc.Command != "wizard" || doc.Application == nil || doc.Application.Name != "StackOne Integration" || doc.Verification == nil || doc.Verification.Outcome != "verified" || len(doc.Changes) == 0 {
		t.Errorf("document: %s", out)
	}
	if _, ok := doc.Credentials["clientSecret"]; ok || doc.Credentials["clientId"] != doc.Application.ID {
		t.Errorf("credentials without the secret, named by client ID, unless --show-secret: %v", doc.Credentials)
	}
	if !strings.Contains(errOut, "Step 1 of 18") {
		t.Errorf("the questions go to stderr:\n%s", errOut)
	}

	code, out, _ = runWith(t, demoAnswers+"\n", "--demo", "--accessible", "--output", "json", "--show-secret")
	if code != 0 || !regexp.MustCompile(`"clientSecret": "\S+"`).MatchString(out) {
		t.Errorf("--show-secret puts the secret in the document: exit %d\n%s", code, out)
	}
}

// TestTheScreenWizardWithOutputJSONDrawsOnTheTerminalAndPrintsTheDocument runs the wizard in a
// real terminal with stdout redirected to a file: the screen is drawn on stderr (the terminal),
// and the file holds one JSON document, without the secret.
func TestTheScreenWizardWithOutputJSONDrawsOnTheTerminalAndPrintsTheDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("real terminal test")
	}
	dir := buildBinary(t)
	tm := startTmux(t, dir, "bash --norc --noprofile")
	tm.shell("bin/pingone-setup --demo --preset stackone --user jdoe --output json > out.json; echo EXIT=$?")
	tm.throughToRoles()
	tm.press("Enter", regexp.MustCompile(`Your Worker app is ready \(verified\)`))
	tm.press("Enter", regexp.MustCompile(`EXIT=0`))
	data, err := os.ReadFile(filepath.Join(dir, "out.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Command      string                    `json:"command"`
		Application  *struct{ ID string }      `json:"application"`
		Credentials  map[string]string         `json:"credentials"`
		Verification *struct{ Outcome string } `json:"verification"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("out.json must be one JSON document (the screen went elsewhere): %v\n%s", err, data)
	}
	if doc.Command != "wizard" || doc.Application == nil || doc.Verification == nil || doc.Verification.Outcome != "verified" {
		t.Errorf("document:\n%s", data)
	}
	if _, ok := doc.Credentials["clientSecret"]; ok {
		t.Errorf("no secret without --show-secret:\n%s", data)
	}
}

// TestApplysQuestionGoesToTheTerminalWhenStdoutIsPiped runs apply in a real terminal with stdout
// redirected to a file: the preview and "Apply these changes? [y/N]" are on the screen, and the
// file holds only the outcome.
func TestApplysQuestionGoesToTheTerminalWhenStdoutIsPiped(t *testing.T) {
	if testing.Short() {
		t.Skip("real terminal test")
	}
	dir := buildBinary(t)
	if err := os.WriteFile(filepath.Join(dir, "plan.yaml"), []byte("preset: sync-worker\napplication:\n  name: Piped Worker\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tm := startTmux(t, dir, "bash --norc --noprofile")
	tm.shell("XDG_STATE_HOME=$PWD/state bin/pingone-setup apply --demo --plan plan.yaml > out.txt; echo EXIT=$?")
	tm.waitFor(regexp.MustCompile(`Apply these changes\? \[y/N\]`), screenTimeout)
	if !strings.Contains(tm.screen(), "Changes to make:") {
		t.Errorf("the preview belongs on the screen, before the question:\n%s", tm.screen())
	}
	tm.typeText("y")
	tm.press("Enter", regexp.MustCompile(`EXIT=\d+`))
	data, err := os.ReadFile(filepath.Join(dir, "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "Apply these changes") || strings.Contains(string(data), "Changes to make") {
		t.Errorf("the question went to stdout:\n%s", data)
	}
	if !strings.Contains(string(data), "Piped Worker") {
		t.Errorf("stdout should hold the outcome:\n%s", data)
	}
}

func gitWorkTree(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	return dir
}

func TestTheAccessibleHandOffOffersToGitignoreTheEnvFile(t *testing.T) {
	dir := gitWorkTree(t)
	path := filepath.Join(dir, "creds.env")
	code, out, errOut := runWith(t, demoAnswers+"3\n"+path+"\n\n\n", "--demo", "--accessible")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "does not ignore it") || !strings.Contains(out, "1. Yes, add it") {
		t.Errorf("the question is missing:\n%s", out)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, ".gitignore")); string(data) != "/creds.env\n" {
		t.Errorf(".gitignore: %q", data)
	}
}

func TestApplyWithoutATerminalSaysHowToIgnoreTheEnvFileAndChangesNothing(t *testing.T) {
	dir := gitWorkTree(t)
	plan := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(plan, []byte("preset: sync-worker\nroles: fix\napplication:\n  name: Ignored Worker\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := filepath.Join(dir, "prod.env")
	code, out, errOut := runWith(t, "", "apply", "--demo", "--plan", plan, "--yes", "--env-file", env)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "git does not ignore it") || !strings.Contains(errOut, "/prod.env") {
		t.Errorf("stderr should say the file is not ignored and the line that ignores it:\n%s", errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, ".gitignore")); err == nil {
		t.Error(".gitignore was changed without a yes")
	}
	if strings.Contains(out, "does not ignore") {
		t.Errorf("the advice belongs on stderr:\n%s", out)
	}
}

// TestTermDumbRunsTheWizardLineByLineInARealTerminal answers the line-by-line wizard in a real
// terminal, as a person with TERM=dumb (or a screen reader) would: numbered choices, a typed
// name, Enter for the defaults; no colour on the screen.
func TestTermDumbRunsTheWizardLineByLineInARealTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("real terminal test")
	}
	tm := startTmux(t, buildBinary(t), "bash --norc --noprofile")
	tm.shell("TERM=dumb bin/pingone-setup --demo; echo EXIT=$?")
	tm.waitFor(regexp.MustCompile(`Enter a number between 1 and 2`), screenTimeout)
	tm.press("Enter", regexp.MustCompile(`What are you connecting\?`))
	tm.press("Enter", regexp.MustCompile(`1\. Use these settings`))
	tm.press("Enter", regexp.MustCompile(`Who will sign in through the app\?`))
	tm.typeText("jdoe")
	tm.press("Enter", regexp.MustCompile(`1\. Make these changes`))
	tm.press("Enter", regexp.MustCompile(`1\. Assign them \(recommended\)`))
	tm.press("Enter", regexp.MustCompile(`What next\?`))
	if sc := tm.screen(); !strings.Contains(sc, "Your Worker app is ready (verified)") {
		t.Errorf("the hand-off should say it is verified:\n%s", sc)
	}
	if raw := tm.rawScreen(); regexp.MustCompile(`\x1b\[[0-9;]*m`).MatchString(raw) {
		t.Errorf("colour on a dumb terminal:\n%q", raw)
	}
	tm.press("Enter", regexp.MustCompile(`EXIT=0`))
}

func TestTheWizardWithOutputJSONAndNoTerminalAnswersInJSON(t *testing.T) {
	code, out, _ := runWith(t, "", "--demo", "--output", "json")
	var doc struct {
		Command string `json:"command"`
		Error   *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitUsage || doc.Command != "wizard" || doc.Error == nil ||
		!strings.Contains(doc.Error.Message, "--accessible") {
		t.Errorf("exit %d, err %v: without a terminal the refusal is the JSON document, pointing at --accessible:\n%s", code, err, out)
	}
}

func TestCtrlCStopsTheLineByLineWizardWith130(t *testing.T) {
	if testing.Short() {
		t.Skip("real terminal test")
	}
	tm := startTmux(t, buildBinary(t), "bash --norc --noprofile")
	tm.shell("bin/pingone-setup --demo --accessible; echo EXIT=$?")
	tm.waitFor(regexp.MustCompile(`Enter a number between 1 and 2`), screenTimeout)
	tm.press("C-c", regexp.MustCompile(`EXIT=130`))
	if sc := tm.screen(); !strings.Contains(sc, "nothing was changed") {
		t.Errorf("say that nothing was changed:\n%s", sc)
	}
}

// TestRotateAndTeardownQuestionsGoToTheTerminalWhenStdoutIsPiped: as apply's, the questions of
// rotate-secret and teardown are on the screen, not in the piped output.
func TestRotateAndTeardownQuestionsGoToTheTerminalWhenStdoutIsPiped(t *testing.T) {
	if testing.Short() {
		t.Skip("real terminal test")
	}
	dir := buildBinary(t)
	worker := pingonetest.New().Seed().AdminWorker.ClientID
	tm := startTmux(t, dir, "bash --norc --noprofile")
	for _, tc := range []struct{ cmd, question string }{
		{`bin/pingone-setup rotate-secret --demo --app "Admin Worker" > out.txt; echo EXIT=$?`, `Give Admin Worker a new client secret .*\[y/N\]`},
		{"bin/pingone-setup teardown --demo --app " + worker + " > out.txt; echo EXIT=$?", `Remove these\? \[y/N\]`},
	} {
		tm.shell("clear")
		tm.shell("XDG_STATE_HOME=$PWD/state " + tc.cmd)
		tm.waitFor(regexp.MustCompile(tc.question), screenTimeout)
		tm.typeText("n")
		tm.press("Enter", regexp.MustCompile(`EXIT=1`))
		data, err := os.ReadFile(filepath.Join(dir, "out.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if regexp.MustCompile(tc.question).Match(data) {
			t.Errorf("%s: the question went to stdout:\n%s", tc.cmd, data)
		}
	}
}
