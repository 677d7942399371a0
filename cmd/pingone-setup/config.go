package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/signin"
)

// usageError is a command line mistake, or for doctor a failure to connect: exit code 2.
type usageError struct {
	msg string
	err error
	// hint: the command line itself is wrong, so the message is followed by where to read the
	// command's usage.
	hint bool
}

func (e usageError) Error() string { return e.msg }

// Unwrap returns the cause, if any, so a cancellation still exits 130.
func (e usageError) Unwrap() error { return e.err }

// usagef is an exit-2 error that is not a mistake in the flags (no terminal, cannot connect).
func usagef(format string, a ...any) error { return usageError{msg: fmt.Sprintf(format, a...)} }

// badUsage is a mistake in the command line: a missing or wrong flag or argument.
func badUsage(format string, a ...any) error {
	return usageError{msg: fmt.Sprintf(format, a...), hint: true}
}

// common are the flags every command that signs in shares (product.md's command line contract).
// Each also reads the environment variables PingOne's SDK and Terraform provider use.
type common struct {
	region           string
	environmentID    string
	targetEnv        string
	clientID         string
	clientSecretFile string
	tokenFile        string
	login            string
	loginClientID    string
	loginPort        int
	apiURL           string
	authURL          string
	output           string
	transcript       string
	demo             bool
	propagation      time.Duration
	profile          string
	privateKeyFile   string
	// profileUsed names the profile that stood in for the sign-in flags, if one did;
	// profileSaved the profile the sign-in was saved as.
	profileUsed, profileSaved string

	// debug hears every API call when PINGONE_SETUP_DEBUG is set; nil otherwise. Not a flag.
	debug *debugLog

	// The wizard's Sign in step signs in through connect with these instead of flags: a secret
	// and a token as typed, the URL or device code shown on its screen instead of printed, and
	// the browser opened by openURL (nil: none here), and a saved profile's sign-in from the cache alone (never a new browser or device sign-in).
	typedSecret, typedToken string
	showURL                 func(url string)
	openURL                 func(url string) error
	showDevice              func(signin.DeviceCode)
	cachedOnly              bool

	// fs is the command's flag set, to tell a flag given from one its environment variable set.
	fs *pflag.FlagSet
	// regionCode is the region validate settled (given, or that of a PingOne URL given);
	// regionGiven says it was asked for (flag or PINGONE_REGION_CODE).
	regionCode  pingone.Region
	regionGiven bool
	// signedIn is how the session signed in, once it has, for the JSON document.
	signedIn *signInInfo
}

// Flag annotations: which group of the help a flag is listed in, and its environment variable.
const (
	annGroup = "pingone-setup/group"
	// annEnv: the flag's value defaults to this environment variable.
	annEnv = "pingone-setup/env"
	// annEnvInstead: this environment variable is read instead of the flag (a secret the flag
	// names the file of).
	annEnvInstead = "pingone-setup/env-instead"
	// annVar names the flag's value in the help.
	annVar = "pingone-setup/var"

	groupSignIn = "Sign-in flags"
	groupOutput = "Output flags"
)

func (c *common) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	c.fs = fs
	// What to set up: listed with the command's own flags.
	fs.StringVar(&c.targetEnv, "target-environment-id", "", "the target environment, where the app is or goes (default: the sign-in environment)")
	metavar(fs, "target-environment-id", "ID")
	fs.DurationVar(&c.propagation, "propagation-timeout", flows.DefaultPropagationTimeout, "how long verification waits for PingOne to apply new role assignments")

	fs.StringVar(&c.region, "region", "", "PingOne region: NA, EU, CA, AU, SG or AP (default: found from the environment)")
	metavar(fs, "region", "CODE")
	envFlag(fs, "region", annEnv, "PINGONE_REGION_CODE")
	fs.StringVar(&c.environmentID, "environment-id", "", "the environment you sign in to")
	metavar(fs, "environment-id", "ID")
	envFlag(fs, "environment-id", annEnv, "PINGONE_ENVIRONMENT_ID")
	fs.StringVar(&c.clientID, "client-id", "", "client ID of an existing worker to sign in with")
	metavar(fs, "client-id", "ID")
	envFlag(fs, "client-id", annEnv, "PINGONE_CLIENT_ID")
	fs.StringVar(&c.clientSecretFile, "client-secret-file", "", "file holding that worker's secret, or - for stdin")
	metavar(fs, "client-secret-file", "FILE")
	envFlag(fs, "client-secret-file", annEnvInstead, "PINGONE_CLIENT_SECRET")
	fs.StringVar(&c.tokenFile, "token-file", "", "file holding an access token, or - for stdin")
	metavar(fs, "token-file", "FILE")
	envFlag(fs, "token-file", annEnvInstead, "PINGONE_API_ACCESS_TOKEN")
	fs.StringVar(&c.login, "login", "", "sign in as yourself, in the browser or with a device code")
	metavar(fs, "login", "browser|device")
	fs.StringVar(&c.loginClientID, "login-client-id", "", "client ID of the sign-in app used for --login")
	metavar(fs, "login-client-id", "ID")
	fs.IntVar(&c.loginPort, "login-port", 7464, "loopback port of the browser sign-in's callback (http://127.0.0.1:PORT/callback)")
	metavar(fs, "login-port", "PORT")
	fs.StringVar(&c.apiURL, "api-url", "", "explicit API base URL, ending in /v1; give --auth-url too, unless it is PingOne's own (api.pingone.X, whose auth host is auth.pingone.X) or loopback")
	metavar(fs, "api-url", "URL")
	envFlag(fs, "api-url", annEnv, "PINGONE_API_URL")
	fs.StringVar(&c.authURL, "auth-url", "", "explicit auth base URL; give --api-url too, unless it is PingOne's own (auth.pingone.X) or loopback")
	metavar(fs, "auth-url", "URL")
	envFlag(fs, "auth-url", annEnv, "PINGONE_AUTH_URL")
	fs.BoolVar(&c.demo, "demo", false, "run against the built-in simulated PingOne (no account needed)")
	fs.StringVar(&c.profile, "profile", "", "sign in as a saved profile (default: the default profile, when no other sign-in is given)")
	metavar(fs, "profile", "NAME")
	envFlag(fs, "profile", annEnv, "PINGONE_PROFILE")
	for _, name := range []string{"region", "environment-id", "client-id", "client-secret-file", "token-file", "login", "login-client-id", "login-port", "api-url", "auth-url", "demo", "profile"} {
		annotate(fs, name, annGroup, groupSignIn)
	}

	fs.StringVar(&c.output, "output", "text", "output format: text, or json for one JSON document on stdout")
	metavar(fs, "output", "text|json")
	fs.StringVar(&c.transcript, "transcript", "", "write every API call (redacted) as JSON lines to this file")
	metavar(fs, "transcript", "FILE")
	fs.StringVar(&c.privateKeyFile, "private-key-file", "", "PEM private key of a PRIVATE_KEY_JWT app (a key of its JWKS), to verify it signs in; read, never kept")
	metavar(fs, "private-key-file", "FILE")
	annotate(fs, "output", annGroup, groupOutput)
	annotate(fs, "private-key-file", annGroup, groupOutput)
	annotate(fs, "transcript", annGroup, groupOutput)

	complete(cmd, "region", regionNames()...)
	complete(cmd, "login", "browser", "device")
	complete(cmd, "output", "text", "json")
	for _, name := range []string{"client-secret-file", "token-file", "transcript", "private-key-file"} {
		_ = cmd.MarkFlagFilename(name)
	}
}

func regionNames() []string {
	var names []string
	for _, r := range pingone.Regions {
		names = append(names, string(r))
	}
	return names
}

// annotate sets a flag's annotation; the flag must exist (a typo panics in every test).
func annotate(fs *pflag.FlagSet, name, key, value string) {
	if err := fs.SetAnnotation(name, key, []string{value}); err != nil {
		panic(err)
	}
}

// envFlag ties a flag to an environment variable: the annotation is what reads it (annEnv), and
// what the help and the contract test show.
func envFlag(fs *pflag.FlagSet, name, kind, envVar string) { annotate(fs, name, kind, envVar) }

// metavar names a flag's value in the help: --plan FILE.
func metavar(fs *pflag.FlagSet, name, v string) { annotate(fs, name, annVar, v) }

// complete offers fixed values for a flag in shell completion.
func complete(cmd *cobra.Command, name string, values ...string) {
	if err := cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)); err != nil {
		panic(err)
	}
}

// envDefaults gives every flag tied to an environment variable (annEnv) that variable's value,
// unless the flag was given: flags win over the environment.
func envDefaults(fs *pflag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		envVar := annotation(f, annEnv)
		if envVar == "" || f.Changed || err != nil {
			return
		}
		if v := os.Getenv(envVar); v != "" {
			if e := f.Value.Set(v); e != nil {
				err = badUsage("%s=%q: %v", envVar, v, e)
			}
		}
	})
	return err
}

func annotation(f *pflag.Flag, key string) string {
	if v := f.Annotations[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// validate checks every sign-in and output input before anything is read or sent: values,
// conflicts between sign-ins, the endpoints (no credential goes to a host the user did not name)
// and the files the run will write.
func (c *common) validate() error {
	if c.output != "text" && c.output != "json" {
		return badUsage("--output must be text or json, not %q", c.output)
	}
	if c.login != "" && c.login != "browser" && c.login != "device" {
		return badUsage("--login must be browser or device, not %q", c.login)
	}
	for _, name := range []string{"environment-id", "target-environment-id"} {
		if err := c.readEnvironmentRef(name); err != nil {
			return err
		}
	}
	if c.propagation <= 0 {
		return badUsage("--propagation-timeout %s: want a positive duration, such as 2m or 30s", c.propagation)
	}
	if c.given("login-port") && (c.loginPort < 1 || c.loginPort > 65535) {
		return badUsage("--login-port %d: want a port from 1 to 65535", c.loginPort)
	}
	if err := c.checkSignInInputs(); err != nil {
		return err
	}
	if c.profile != "" {
		if err := checkProfileName(c.profile); err != nil {
			return err
		}
	}
	if err := c.applyProfile(); err != nil {
		return err
	}
	if !c.demo {
		if err := c.resolveEndpoints(); err != nil {
			return err
		}
	}
	if c.transcript != "" {
		if err := checkWritable("--transcript", c.transcript); err != nil {
			return err
		}
	}
	return nil
}

// readEnvironmentRef takes an environment flag's value as an admin pastes it: an environment ID
// or a PingOne console (or portal) URL, which also names the region. The flag keeps the ID; the
// URL's region is used when no region was given, and a different one given is a conflict.
func (c *common) readEnvironmentRef(name string) error {
	f := c.fs.Lookup(name)
	v := f.Value.String()
	if v == "" {
		return nil
	}
	ref, err := pingone.ParseEnvironmentRef(v)
	if err != nil {
		return badUsage("--%s%s: %v", name, c.viaEnv(name), err)
	}
	if err := f.Value.Set(ref.ID); err != nil {
		return badUsage("--%s: %v", name, err)
	}
	if ref.Region == "" {
		return nil
	}
	if c.region == "" {
		c.region = string(ref.Region)
		return nil
	}
	if r, err := pingone.ParseRegion(c.region); err == nil && r != ref.Region {
		return conflict("--region "+string(r)+c.viaEnv("region"), "--"+name+" "+v+c.viaEnv(name), "the URL is in region "+string(ref.Region),
			"use region "+string(r), "use the URL's region")
	}
	return nil
}

// session is a signed-in connection to PingOne: the API client, who signed in, and the endpoints.
type session struct {
	client    *pingone.Client
	identity  flows.Identity
	endpoints pingone.Endpoints
	region    string
	closers   []func()
	// transcript collects every call when --transcript is set; debug prints each one when
	// PINGONE_SETUP_DEBUG is set.
	transcript *transcriptFile
	debug      *debugLog
	recordMu   sync.Mutex // one order of calls for both
	// signInAs signs in as a user through a new app, for verification; nil where it cannot.
	signInAs func(ctx context.Context, req flows.SignInRequest) (flows.API, error)
	// person signs in as a user through a new app with a person at a browser (the wizard's
	// "prove it"); nil in the demo, which signs its users in by itself.
	person func(ctx context.Context, req flows.SignInRequest) (flows.API, error)
	// propagation bounds the wait for new role assignments; progress hears what a step waits for.
	propagation time.Duration
	progress    io.Writer
	// reads remembers the session's reads across its runs (apply's dry pass, then the real run).
	reads *flows.Reads
	// clientKey signs a PRIVATE_KEY_JWT app's token requests in verification (--private-key-file).
	clientKey *pingone.ClientKey
	// expiry is when the access token signed in with expires (zero: unknown).
	expiry time.Time
}

func (s *session) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// env is the flows.Env of this session.
func (s *session) env(interactive, dryRun bool) flows.Env {
	if s.reads == nil {
		s.reads = flows.Cached(s.client)
	}
	return flows.Env{
		API: s.reads, Identity: s.identity, Region: s.region, Interactive: interactive, DryRun: dryRun,
		SignInAs: s.signInAs, PersonSignIn: s.person, PropagationTimeout: s.propagation, Progress: s.say,
		AppClient: func(ctx context.Context, cr flows.Credentials) (flows.API, error) {
			ts := pingone.ClientCredentials(ctx, s.endpoints.AuthURL, cr.EnvironmentID, cr.ClientID, cr.ClientSecret, cr.AuthMethod)
			if cr.AuthMethod == pingone.AuthMethodPrivateKeyJWT && s.clientKey != nil {
				ts = pingone.ClientCredentialsJWT(ctx, s.endpoints.AuthURL, cr.EnvironmentID, cr.ClientID, "", *s.clientKey)
			}
			if _, err := ts.Token(); err != nil {
				return nil, err
			}
			c := pingone.NewClient(ctx, s.endpoints.APIURL, ts)
			s.instrument(c)
			return c, nil
		},
	}
}

// say prints what a step waits for (apply, doctor); the wizard shows it on screen instead.
func (s *session) say(msg string) {
	if s.progress != nil {
		fmt.Fprintln(s.progress, msg+"…")
	}
}

func (s *session) instrument(c *pingone.Client) {
	if s.transcript != nil || s.debug != nil {
		c.Transcript = s.record
	}
	if s.client != nil && s.client != c {
		c.TransactionID = s.client.TransactionID
	}
}

// signIn connects by the first method the flags and environment give: demo, access token,
// client credentials. Secrets come from files, stdin or the environment, never from flag values.
func signIn(ctx context.Context, c *common, stdin io.Reader, stderr io.Writer) (*session, error) {
	var key *pingone.ClientKey
	if c.privateKeyFile != "" {
		k, err := readClientKey(c.privateKeyFile)
		if err != nil {
			return nil, err
		}
		key = &k
	}
	s, err := connect(ctx, c, stdin, stderr)
	if err == nil {
		s.clientKey = key
		s.propagation, s.progress = c.propagation, stderr
		if s.signInAs == nil {
			var open func(string) error
			if signin.CanOpenBrowser() {
				open = signin.OpenBrowser
			}
			s.person = s.personSignIn(open)
		}
	}
	return s, err
}

func connect(ctx context.Context, c *common, stdin io.Reader, stderr io.Writer) (*session, error) {
	if c.demo {
		c.signedIn = &signInInfo{Method: "demo", Source: "flag --demo"}
		return startDemo(ctx, c)
	}
	// An explicit --token-file wins; then a worker's client ID (flag or environment); then a token
	// from the environment: an exported PINGONE_API_ACCESS_TOKEN must not beat explicit flags.
	token, err := readSecret("--token-file", c.tokenFile, "", stdin)
	if err != nil {
		return nil, err
	}
	tokenSource := "flag --token-file"
	if c.typedToken != "" {
		token, tokenSource = c.typedToken, "pasted in the wizard"
	}
	if token == "" && c.clientID == "" && c.login == "" {
		token = strings.TrimSpace(os.Getenv("PINGONE_API_ACCESS_TOKEN"))
		tokenSource = "env PINGONE_API_ACCESS_TOKEN"
	}
	useToken := token != "" && c.login == ""
	var claims pingone.TokenClaims
	envID := c.environmentID
	if useToken {
		if claims, err = pingone.ParseTokenClaims(token); err != nil {
			return nil, fmt.Errorf("the access token (%s) is not a PingOne JWT: %w", tokenSource, err)
		}
		if claims.Expired(timeNow()) {
			return nil, fmt.Errorf("the access token (%s) expired at %s: get a new one", tokenSource, claims.ExpiresAt.Format("2006-01-02 15:04 MST"))
		}
		if e := claims.Environment(); e != "" {
			envID = e
		}
	}
	region := c.regionCode
	if region == "" {
		region = pingone.RegionNA
		if c.apiURL == "" && c.authURL == "" && envID != "" {
			region = discoverRegion(ctx, envID, stderr)
		}
	}
	ep, err := pingone.ResolveEndpoints(region, c.apiURL, c.authURL)
	if err != nil {
		return nil, badUsage("%v", err)
	}
	s := &session{endpoints: ep, region: string(region)}
	var ts oauth2.TokenSource
	switch {
	case c.login != "":
		c.signedIn = &signInInfo{Method: c.login, Source: "flag --login"}
		if c.profileUsed != "" {
			c.signedIn.Source = "profile " + c.profileUsed
		}
		ts, s.identity, err = interactiveLogin(ctx, c, ep, stderr)
		if err != nil {
			return nil, err
		}

	case useToken:
		c.signedIn = &signInInfo{Method: "access_token", Source: tokenSource}
		s.identity = flows.Identity{UserID: claims.Subject, ClientID: claims.ClientID, EnvironmentID: envID}
		ts = pingone.StaticToken(token)
		s.expiry = claims.ExpiresAt
	case c.clientID != "":
		secret, err := readSecret("--client-secret-file", c.clientSecretFile, "PINGONE_CLIENT_SECRET", stdin)
		if err != nil {
			return nil, err
		}
		if c.typedSecret != "" {
			secret = c.typedSecret
		}
		if secret == "" {
			return nil, badUsage("--client-id needs the secret: --client-secret-file FILE (or - for stdin) or PINGONE_CLIENT_SECRET")
		}
		if c.environmentID == "" {
			return nil, badUsage("--client-id needs --environment-id (the worker's environment)")
		}
		c.signedIn = &signInInfo{Method: "client_credentials", Source: c.source("client-id"), SecretSource: c.source("client-secret-file")}
		if ts, err = workerSignIn(ctx, ep, c.environmentID, c.clientID, secret); err != nil {
			return nil, signInError(fmt.Sprintf("sign in as worker %s", c.clientID), c.environmentID, ep, err)
		}
		s.identity = flows.Identity{ClientID: c.clientID, EnvironmentID: c.environmentID}
	default:
		return nil, badUsage("no sign-in: use --login browser|device with --login-client-id (saved as a profile for the next runs), --client-id with --client-secret-file, --token-file, or --demo to try the simulated PingOne")
	}
	if s.expiry.IsZero() {
		if t, err := ts.Token(); err == nil {
			s.expiry = t.Expiry
		}
	}
	s.client = pingone.NewClient(ctx, ep.APIURL, ts)
	if err := s.openRecorders(c.transcript, c.debug); err != nil {
		return nil, err
	}
	if note := c.rememberProfile(ctx, s); note != "" {
		fmt.Fprintln(stderr, note)
	}
	return s, nil
}

// signInError says, for a sign-in refused because the environment is not there (PingOne answers
// 404 at /{envID}/as/token), which environment and where it was looked for.
func signInError(doing, envID string, ep pingone.Endpoints, err error) error {
	var te *pingone.TokenError
	if errors.As(err, &te) && te.Status == http.StatusNotFound {
		return fmt.Errorf("%s: environment %s was not found at %s: check the ID and the region (--region, or --api-url and --auth-url): %w", doing, envID, ep.AuthURL, err)
	}
	return fmt.Errorf("%s: %w", doing, err)
}

// workerSignIn gets a client-credentials token, sending the secret the way the worker expects:
// Basic first (PingOne's usual), then form fields, which workers made with
// CLIENT_SECRET_POST (the stackone and sync-worker presets) require.
func workerSignIn(ctx context.Context, ep pingone.Endpoints, envID, clientID, secret string) (oauth2.TokenSource, error) {
	var first error
	for _, method := range []string{pingone.AuthMethodClientSecretBasic, pingone.AuthMethodClientSecretPost} {
		ts := pingone.ClientCredentials(ctx, ep.AuthURL, envID, clientID, secret, method)
		_, err := ts.Token()
		if err == nil {
			return ts, nil
		}
		var te *pingone.TokenError
		if !errors.As(err, &te) || te.Code != "invalid_client" {
			return nil, err
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// readClientKey reads --private-key-file: a PEM private key, never echoed in an error.
func readClientKey(path string) (pingone.ClientKey, error) {
	data, err := readFileAtMost(path, maxSecretFile)
	if err != nil {
		return pingone.ClientKey{}, badUsage("--private-key-file %s: %v", path, unwrapPath(err))
	}
	k, err := pingone.ParseClientKey(data, "")
	if err != nil {
		return pingone.ClientKey{}, badUsage("--private-key-file %s: %v", path, err)
	}
	return k, nil
}

func readFileAtMost(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = fmt.Errorf("holds over %d KiB: that is not a private key", limit>>10)
	}
	return data, err
}

// maxSecretFile bounds what a secret or token file may hold: an access token is a few KiB.
const maxSecretFile = 64 << 10

// readSecret reads a secret from a file ("-" = stdin) or, without one, an environment variable.
// flag names the file's flag in errors; a file that is empty, too large, or holds more than one
// word is refused, since it cannot be the secret.
func readSecret(flag, file, envVar string, stdin io.Reader) (string, error) {
	noun := "the secret"
	if flag == "--token-file" {
		noun = "the access token"
	}
	if file == "" {
		if envVar == "" {
			return "", nil
		}
		return strings.TrimSpace(os.Getenv(envVar)), nil
	}
	what := file
	var data []byte
	var err error
	if file == "-" {
		what = "- (stdin)"
		data, err = io.ReadAll(io.LimitReader(stdin, maxSecretFile+1))
	} else {
		var f *os.File
		if f, err = os.Open(file); err == nil {
			data, err = io.ReadAll(io.LimitReader(f, maxSecretFile+1))
			f.Close()
		}
	}
	if err != nil {
		return "", badUsage("%s %s: %v", flag, what, unwrapPath(err))
	}
	if len(data) > maxSecretFile {
		return "", badUsage("%s %s holds over %d KiB: that is not a secret or an access token", flag, what, maxSecretFile>>10)
	}
	secret := strings.TrimSpace(string(data))
	switch {
	case secret == "":
		return "", badUsage("%s %s is empty: put %s in it, alone on one line", flag, what, noun)
	case strings.ContainsFunc(secret, unicode.IsSpace):
		return "", badUsage("%s %s holds more than one word: put %s in it alone (not a .env file)", flag, what, noun)
	}
	return secret, nil
}
