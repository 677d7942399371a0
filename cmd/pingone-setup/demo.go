package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/internal/simsignin"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// serveSimulator starts the simulated PingOne on a loopback address and returns its base URL.
func serveSimulator(addr string) (*pingonetest.Server, string, func(), error) {
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
	sim := pingonetest.New()
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
	sim, base, stop, err := serveSimulator("127.0.0.1:0")
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

func newSimulateCmd(s *streams) *cobra.Command {
	var listen string
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Serve the simulated PingOne on a loopback address",
		Long: `simulate serves the simulated PingOne that --demo runs inside the wizard: the Management API, the
sign-in endpoints and a seeded organization with an admin worker, an admin user, and jdoe, who holds
no admin role (the classic 403 trap). It prints the URLs and credentials to use and runs until
Ctrl-C. Point any command at it with --api-url and --auth-url. It listens on loopback addresses
only, and keeps nothing when it stops.`,
		Example: `  # Serve it, then set up an app against it from another terminal
  pingone-setup simulate --listen 127.0.0.1:8701
  export PINGONE_CLIENT_SECRET=SECRET_IT_PRINTED
  pingone-setup --api-url http://127.0.0.1:8701/v1 --auth-url http://127.0.0.1:8701 \
      --environment-id ENV_ID_IT_PRINTED --client-id CLIENT_ID_IT_PRINTED`,
		Annotations: map[string]string{annFooter: `Exit codes:
  0    stopped (Ctrl-C)
  1    could not listen on that address
  2    usage error`},
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSimulate(cmd.Context(), listen, s.out)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8701", "loopback address to serve the simulated PingOne on")
	metavar(cmd.Flags(), "listen", "127.0.0.1:PORT")
	return cmd
}

func runSimulate(ctx context.Context, listen string, stdout io.Writer) error {
	sim, base, stop, err := serveSimulator(listen)
	if err != nil {
		return err
	}
	defer stop()
	sd := sim.Seed()
	fmt.Fprintf(stdout, `Simulated PingOne on %[1]s (Ctrl-C to stop)
  API URL   %[1]s/v1
  Auth URL  %[1]s
  Token URL %[1]s/%[2]s/as/token

Organization  %[3]s  %[4]s
Environments  %[2]s  %[5]s (sign-in environment)
              %[6]s  %[7]s
Admin worker  client ID %[8]s  secret %[9]s
              (Environment Admin at organization scope; client credentials, CLIENT_SECRET_BASIC)
Users         %[10]s / %[11]s  (admin roles)
              %[12]s / %[13]s  (no admin role: the classic 403 trap)
              %[14]s / %[15]s  (Identity Data Admin at population scope only: refused by admin-only apps)
              %[16]s / %[17]s  (no role of their own; roles through the group Connector Admins)
              %[18]s / %[19]s  (read-only roles: reads everything, refused by admin-only apps)

Try it:
  export PINGONE_CLIENT_SECRET=%[9]s
  pingone-setup --api-url %[1]s/v1 --auth-url %[1]s --environment-id %[2]s --client-id %[8]s
  curl -s -u %[8]s:$PINGONE_CLIENT_SECRET -d grant_type=client_credentials %[1]s/%[2]s/as/token
`, base, sd.Production.ID, sd.OrganizationID, sd.OrganizationName, sd.Production.Name, sd.Sandbox.ID, sd.Sandbox.Name,
		sd.AdminWorker.ClientID, sd.AdminWorker.ClientSecret, sd.Admin.Username, sd.Admin.Password,
		sd.JDoe.Username, sd.JDoe.Password, sd.Helpdesk.Username, sd.Helpdesk.Password,
		sd.GroupAdmin.Username, sd.GroupAdmin.Password, sd.Auditor.Username, sd.Auditor.Password)
	<-ctx.Done()
	if errors.Is(ctx.Err(), context.Canceled) {
		return nil
	}
	return ctx.Err()
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
