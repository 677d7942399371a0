package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/internal/securefile"
	"github.com/pingone-setup/pingone-setup/internal/simsignin"
	"github.com/pingone-setup/pingone-setup/internal/supportbundle"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// serveSimulator starts the simulated PingOne on a loopback address and returns its base URL.
// sim nil serves a new seeded one.
func serveSimulator(addr string, sim *pingonetest.Server) (*pingonetest.Server, string, func(), error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, "", nil, badUsage("--listen %q: want 127.0.0.1:PORT", addr)
	}
	if !pingone.IsLoopbackHost(host) {
		return nil, "", nil, badUsage("--listen %q: the simulator listens on loopback addresses only", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	if sim == nil {
		sim = pingonetest.New()
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	return sim, "http://" + ln.Addr().String(), stop, nil
}

// startDemo runs the simulated PingOne in-process and signs in as its seeded admin, so the
// wizard runs with no account and no network.
func startDemo(ctx context.Context, c *common) (*session, error) {
	sim, base, stop, err := serveSimulator("127.0.0.1:0", nil)
	if err != nil {
		return nil, err
	}
	seed := sim.Seed()
	ep := pingone.Endpoints{APIURL: base + "/v1", AuthURL: base}
	s := &session{
		endpoints: ep, region: "NA", closers: []func(){stop},
		identity: flows.Identity{UserID: seed.Admin.ID, Username: seed.Admin.Username, EnvironmentID: seed.Production.ID},
	}
	s.client = pingone.NewClient(ctx, ep.APIURL, oauth2.ReuseTokenSource(nil, demoToken{sim: sim, envID: seed.Production.ID, userID: seed.Admin.ID}))
	// The demo's users type their own passwords: verification signs them in through the new app
	// for real, and the simulator's gates may refuse them.
	hook := simsignin.Hook(sim, base, ep.APIURL, nil)
	s.signInAs = func(ctx context.Context, req flows.SignInRequest) (flows.API, error) {
		api, err := hook(ctx, req)
		if c, ok := api.(*pingone.Client); ok {
			s.instrument(c)
		}
		return api, err
	}
	if err := s.openRecorders(c.transcript, c.debug); err != nil {
		stop()
		return nil, err
	}
	return s, nil
}

// simulateOptions are simulate's flags: where to listen, what to start from and save to, and the
// faults to switch on (the ones the tests use).
type simulateOptions struct {
	listen, seed, save   string
	latency, propagation time.Duration
	pageSize             int
	failRate, lostRate   float64
}

func newSimulateCmd(s *streams) *cobra.Command {
	var o simulateOptions
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Serve the simulated PingOne on a loopback address",
		Long: `simulate serves the simulated PingOne that --demo runs inside the wizard: the Management API, the
sign-in endpoints and a seeded organization with an admin worker, an admin user, and jdoe, who holds
no admin role (the classic 403 trap). It prints the URLs and credentials to use, and the
environment variables that point every command at it, and runs until Ctrl-C (or SIGTERM). It
listens on loopback addresses only.

--seed starts it from a support bundle (pingone-setup bundle: a customer's tenant facts, signed in
as the bundle's maker) or from a state it saved; --save writes its state to a file (mode 0600) when
it stops. The fault flags switch on what the tests use: latency, small pages, refused requests
(429/503) and lost responses (the write happens, the answer does not arrive), and role assignments
that take a while to apply.`,
		Example: `  # Serve it, then set up an app against it from another terminal
  pingone-setup simulate --listen 127.0.0.1:8701
  export PINGONE_CLIENT_SECRET=SECRET_IT_PRINTED
  pingone-setup --api-url http://127.0.0.1:8701/v1 --auth-url http://127.0.0.1:8701 \
      --environment-id ENV_ID_IT_PRINTED --client-id CLIENT_ID_IT_PRINTED

  # Replay a customer's support bundle, keeping what you change for tomorrow
  pingone-setup simulate --seed bundle.zip --save replay.json

  # A slow, flaky PingOne: 200 ms a call, 10% refused, 5% of answers lost, pages of 5
  pingone-setup simulate --latency 200ms --fail-rate 0.1 --lost-response-rate 0.05 --page-size 5`,
		Annotations: map[string]string{annFooter: `Exit codes:
  0    stopped (Ctrl-C or SIGTERM), and the state saved where --save asked
  1    could not listen on that address, or could not save the state
  2    usage error, or a --seed file that is not a bundle or a saved state`},
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSimulate(cmd.Context(), o, s.out)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8701", "loopback address to serve the simulated PingOne on")
	metavar(fs, "listen", "127.0.0.1:PORT")
	fs.StringVar(&o.seed, "seed", "", "start from a support bundle (.zip) or a state saved with --save (.json)")
	metavar(fs, "seed", "FILE")
	fs.StringVar(&o.save, "save", "", "write the state to this file (mode 0600, secrets of the simulated tenant included) on exit")
	metavar(fs, "save", "FILE")
	fs.DurationVar(&o.latency, "latency", 0, "wait this long before answering each request")
	fs.IntVar(&o.pageSize, "page-size", 0, "items per page of every list (default 100)")
	metavar(fs, "page-size", "N")
	fs.Float64Var(&o.failRate, "fail-rate", 0, "share of Management API requests refused before any write, half 429 and half 503 (0 to 1)")
	metavar(fs, "fail-rate", "RATE")
	fs.Float64Var(&o.lostRate, "lost-response-rate", 0, "share of Management API requests handled whose answer is lost: a dropped connection or a 503 after the write (0 to 1)")
	metavar(fs, "lost-response-rate", "RATE")
	fs.DurationVar(&o.propagation, "propagation-delay", 0, "how long a role assignment made through the API takes to apply")
	return cmd
}

// validate checks the flags before anything is served.
func (o simulateOptions) validate() error {
	switch {
	case o.latency < 0:
		return badUsage("--latency %s: want 0 or more", o.latency)
	case o.propagation < 0:
		return badUsage("--propagation-delay %s: want 0 or more", o.propagation)
	case o.pageSize < 0:
		return badUsage("--page-size %d: want 1 or more", o.pageSize)
	case o.failRate < 0 || o.failRate > 1:
		return badUsage("--fail-rate %g: want a share between 0 and 1", o.failRate)
	case o.lostRate < 0 || o.lostRate > 1:
		return badUsage("--lost-response-rate %g: want a share between 0 and 1", o.lostRate)
	case o.failRate+o.lostRate > 1:
		return badUsage("--fail-rate plus --lost-response-rate is %g: at most 1", o.failRate+o.lostRate)
	}
	if o.save != "" {
		if err := checkWritable("--save", o.save); err != nil {
			return err
		}
	}
	return nil
}

// loadSeed reads --seed: a support bundle (a zip) or a saved state (JSON). A bundle's manifest
// comes back too, nil for a saved state.
func loadSeed(path string) (*pingonetest.Server, *supportbundle.Manifest, error) {
	data, err := readLimited(path, supportbundle.MaxSize)
	if err != nil {
		return nil, nil, badUsage("--seed %s: %v", path, unwrapPath(err))
	}
	var snap pingonetest.Snapshot
	var man *supportbundle.Manifest
	if supportbundle.IsZip(data) {
		b, err := supportbundle.Read(data)
		if err != nil {
			return nil, nil, badUsage("--seed %s: %v", path, err)
		}
		snap, man = b.Tenant, &b.Manifest
	} else if snap, err = pingonetest.ParseSnapshot(data); err != nil {
		return nil, nil, badUsage("--seed %s: %v (want a support bundle .zip from pingone-setup bundle, or a state saved with simulate --save)", path, err)
	}
	sim, err := pingonetest.NewFromSnapshot(snap)
	if err != nil {
		return nil, nil, badUsage("--seed %s: %v", path, err)
	}
	return sim, man, nil
}

// readLimited reads a file of at most limit bytes.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d MiB", limit>>20)
	}
	return data, nil
}

// replayTokenTTL is how long the token simulate prints for a bundle's maker lasts.
const replayTokenTTL = 12 * time.Hour

func runSimulate(ctx context.Context, o simulateOptions, stdout io.Writer) error {
	sim, base, man, stop, err := startSimulate(o)
	if err != nil {
		return err
	}
	// One write, so a reader never sees half of it.
	var msg strings.Builder
	printSimulator(&msg, sim, base, man, o)
	fmt.Fprint(stdout, msg.String())
	<-ctx.Done()
	stop()
	if o.save != "" {
		raw, err := json.MarshalIndent(sim.Snapshot(), "", "  ")
		if err == nil {
			err = securefile.Replace(o.save, raw)
		}
		if err != nil {
			return fmt.Errorf("save the simulator's state to %s: %w", o.save, err)
		}
		fmt.Fprintf(stdout, "State saved to %s (mode 0600); start from it again with --seed %s\n", o.save, o.save)
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return nil
	}
	return ctx.Err()
}

// startSimulate checks the flags, loads --seed, serves the simulator with the faults asked for,
// and returns it with its base URL and, for a bundle, its manifest.
func startSimulate(o simulateOptions) (*pingonetest.Server, string, *supportbundle.Manifest, func(), error) {
	if err := o.validate(); err != nil {
		return nil, "", nil, nil, err
	}
	var sim *pingonetest.Server
	var man *supportbundle.Manifest
	if o.seed != "" {
		var err error
		if sim, man, err = loadSeed(o.seed); err != nil {
			return nil, "", nil, nil, err
		}
	}
	sim, base, stop, err := serveSimulator(o.listen, sim)
	if err != nil {
		return nil, "", nil, nil, err
	}
	sim.SetLatency(o.latency)
	if o.pageSize > 0 {
		sim.SetPageSize(o.pageSize)
	}
	sim.SetChaos(pingonetest.Chaos{RefuseRate: o.failRate, LostRate: o.lostRate})
	sim.SetPropagationDelay(o.propagation)
	return sim, base, man, stop, nil
}

// printSimulator says where the simulator is, who can sign in, and how to point every command
// at it.
func printSimulator(w io.Writer, sim *pingonetest.Server, base string, man *supportbundle.Manifest, o simulateOptions) {
	sd := sim.Seed()
	fmt.Fprintf(w, `Simulated PingOne on %[1]s (Ctrl-C to stop)
  API URL   %[1]s/v1
  Auth URL  %[1]s
  Token URL %[1]s/%[2]s/as/token
`, base, sd.Production.ID)
	if faults := o.faults(); faults != "" {
		fmt.Fprintf(w, "  Faults    %s\n", faults)
	}
	if man != nil {
		printReplay(w, sim, base, *man)
		return
	}
	fmt.Fprintf(w, `
Organization  %[3]s  %[4]s
Environments  %[2]s  %[5]s (sign-in environment)
              %[6]s  %[7]s
`, base, sd.Production.ID, sd.OrganizationID, sd.OrganizationName, sd.Production.Name, sd.Sandbox.ID, sd.Sandbox.Name)
	if sd.AdminWorker.ClientID == "" {
		// A state saved from a bundle replay: sign in as the bundle's maker again.
		if tok, ok := sim.ActorToken(replayTokenTTL); ok {
			fmt.Fprintf(w, `
Point every command at it (signed in as the state's actor for %[3]s):
  export PINGONE_API_URL=%[1]s/v1 PINGONE_AUTH_URL=%[1]s PINGONE_ENVIRONMENT_ID=%[2]s
  export PINGONE_API_ACCESS_TOKEN=%[4]s
`, base, sd.Production.ID, replayTokenTTL, tok)
		}
		return
	}
	fmt.Fprintf(w, `Admin worker  client ID %[8]s  secret %[9]s
              (Environment Admin at organization scope; client credentials, CLIENT_SECRET_BASIC)
Users         %[10]s / %[11]s  (admin roles)
              %[12]s / %[13]s  (no admin role: the classic 403 trap)
              %[14]s / %[15]s  (Identity Data Admin at population scope only: refused by admin-only apps)
              %[16]s / %[17]s  (no role of their own; roles through the group Connector Admins)
              %[18]s / %[19]s  (read-only roles: reads everything, refused by admin-only apps)

Point every command at it (each reads these, or takes the same as flags:
--api-url, --auth-url, --environment-id, --client-id, --client-secret-file -):
  export PINGONE_API_URL=%[1]s/v1 PINGONE_AUTH_URL=%[1]s
  export PINGONE_ENVIRONMENT_ID=%[2]s PINGONE_CLIENT_ID=%[8]s
  export PINGONE_CLIENT_SECRET=%[9]s
  pingone-setup                                   # the wizard
  pingone-setup doctor --app "Admin Sign-In" --user jdoe

Or by hand:
  curl -s -u %[8]s:$PINGONE_CLIENT_SECRET -d grant_type=client_credentials %[1]s/%[2]s/as/token
`, base, sd.Production.ID, sd.OrganizationID, sd.OrganizationName, sd.Production.Name, sd.Sandbox.ID, sd.Sandbox.Name,
		sd.AdminWorker.ClientID, sd.AdminWorker.ClientSecret, sd.Admin.Username, sd.Admin.Password,
		sd.JDoe.Username, sd.JDoe.Password, sd.Helpdesk.Username, sd.Helpdesk.Password,
		sd.GroupAdmin.Username, sd.GroupAdmin.Password, sd.Auditor.Username, sd.Auditor.Password)
}

// printReplay is printSimulator's part for a support bundle: what it is of, and the commands
// that sign in as its maker and replay its verdict.
func printReplay(w io.Writer, sim *pingonetest.Server, base string, m supportbundle.Manifest) {
	tok, ok := sim.ActorToken(replayTokenTTL)
	if !ok {
		fmt.Fprintf(w, `
Support bundle of application %q (%s) in environment %s, made with pingone-setup %s.
Its maker could not be read when it was made, so there is no one to sign in as: the facts are
served, but no command can sign in to them.
`, m.Application.Name, m.Application.ID, m.EnvironmentID, m.ToolVersion)
		return
	}
	fmt.Fprintf(w, `
Support bundle of application %q (%s) in environment %s,
made by %s %s with pingone-setup %s on %s.

Point every command at it, signed in as the bundle's maker (the token lasts %s):
  export PINGONE_API_URL=%s/v1 PINGONE_AUTH_URL=%s PINGONE_ENVIRONMENT_ID=%s
  export PINGONE_API_ACCESS_TOKEN=%s
  %s
`, m.Application.Name, m.Application.ID, m.EnvironmentID, m.Actor.Kind, m.Actor.ID, m.ToolVersion,
		m.CreatedAt.UTC().Format(time.RFC3339), replayTokenTTL, base, base, m.EnvironmentID, tok, m.DoctorCommand())
}

// faults describes the fault flags that are on, "" when none is.
func (o simulateOptions) faults() string {
	var parts []string
	if o.latency > 0 {
		parts = append(parts, fmt.Sprintf("latency %s", o.latency))
	}
	if o.pageSize > 0 {
		parts = append(parts, fmt.Sprintf("pages of %d", o.pageSize))
	}
	if o.failRate > 0 {
		parts = append(parts, fmt.Sprintf("%g%% refused (429/503)", o.failRate*100))
	}
	if o.lostRate > 0 {
		parts = append(parts, fmt.Sprintf("%g%% of answers lost", o.lostRate*100))
	}
	if o.propagation > 0 {
		parts = append(parts, fmt.Sprintf("role assignments apply after %s", o.propagation))
	}
	return strings.Join(parts, ", ")
}

// demoToken signs the demo admin in when the first call needs a token, not before the first
// frame: the simulator generates its signing key meanwhile.
type demoToken struct {
	sim           *pingonetest.Server
	envID, userID string
}

func (d demoToken) Token() (*oauth2.Token, error) {
	const ttl = 8 * time.Hour
	return &oauth2.Token{AccessToken: d.sim.IssueUserToken(d.envID, d.userID, ttl), TokenType: "Bearer", Expiry: time.Now().Add(ttl - time.Minute)}, nil
}
