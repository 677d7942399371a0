package flows_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/internal/simsignin"
	"github.com/pingone-setup/pingone-setup/internal/spec"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// tenant is a simulated PingOne with clients whose every request and response is checked
// against PingOne's OpenAPI spec.
type tenant struct {
	t     *testing.T
	sim   *pingonetest.Server
	srv   *httptest.Server
	seed  pingonetest.Seed
	spec  *spec.Spec
	sleep struct {
		sync.Mutex
		total time.Duration // the client's retry waits
		flows time.Duration // the flows' own waits
	}
}

func newTenant(t *testing.T, opts ...pingonetest.Option) *tenant {
	t.Helper()
	tn := &tenant{t: t, sim: pingonetest.New(opts...), spec: spec.Load(t)}
	tn.srv = httptest.NewServer(tn.sim)
	t.Cleanup(tn.srv.Close)
	tn.seed = tn.sim.Seed()
	t.Cleanup(func() {
		st := tn.spec.Stats()
		flows.RecordSpecStats(st.Requests, st.Responses, st.Operations)
	})
	return tn
}

// client returns an API client holding token, with fast fake retry sleeps.
func (tn *tenant) client(token string) *pingone.Client {
	base := &http.Client{Transport: tn.spec.Transport(tn.t, nil)}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, base)
	c := pingone.NewClient(ctx, tn.srv.URL+"/v1", pingone.StaticToken(token))
	c.Retry.Sleep = tn.clientSleep
	return c
}

// clientSleep counts the client's retry waits without waiting.
func (tn *tenant) clientSleep(ctx context.Context, d time.Duration) error {
	tn.sleep.Lock()
	tn.sleep.total += d
	tn.sleep.Unlock()
	return ctx.Err()
}

// fakeSleep counts the waits of the flows (role propagation, re-sends) without waiting.
func (tn *tenant) fakeSleep(ctx context.Context, d time.Duration) error {
	tn.sleep.Lock()
	tn.sleep.flows += d
	tn.sleep.Unlock()
	return ctx.Err()
}

// admin is the seeded admin signed in as a user of Production.
func (tn *tenant) admin() flows.Env {
	sd := tn.seed
	tok := tn.sim.IssueUserToken(sd.Production.ID, sd.Admin.ID, time.Hour)
	return flows.Env{
		API:      tn.client(tok),
		Identity: flows.Identity{UserID: sd.Admin.ID, Username: sd.Admin.Username, EnvironmentID: sd.Production.ID},
		Region:   "NA",
		SignInAs: func(ctx context.Context, req flows.SignInRequest) (flows.API, error) {
			hook := simsignin.Hook(tn.sim, tn.srv.URL, tn.srv.URL+"/v1", &http.Client{Transport: tn.spec.Transport(tn.t, nil)})
			api, err := hook(ctx, req)
			if c, ok := api.(*pingone.Client); ok {
				c.Retry.Sleep = tn.clientSleep
			}
			return api, err
		},
		Sleep: tn.fakeSleep,
		AppClient: func(ctx context.Context, c flows.Credentials) (flows.API, error) {
			base := &http.Client{Transport: tn.spec.Transport(tn.t, nil)}
			ctx = context.WithValue(ctx, oauth2.HTTPClient, base)
			ts := pingone.ClientCredentials(ctx, tn.srv.URL, c.EnvironmentID, c.ClientID, c.ClientSecret, c.AuthMethod)
			if _, err := ts.Token(); err != nil {
				return nil, err
			}
			api := pingone.NewClient(ctx, tn.srv.URL+"/v1", ts)
			api.Retry.Sleep = tn.clientSleep
			return api, nil
		},
	}
}

// worker is the seeded admin worker signed in with client credentials.
func (tn *tenant) worker() flows.Env {
	sd := tn.seed
	env := tn.admin()
	env.API = tn.client(tn.sim.IssueAppToken(sd.Production.ID, sd.AdminWorker.ID, time.Hour))
	env.Identity = flows.Identity{ClientID: sd.AdminWorker.ClientID, EnvironmentID: sd.Production.ID}
	return env
}

// user signs in as a seeded user of Production.
func (tn *tenant) user(u pingonetest.SeedUser) flows.Env {
	env := tn.admin()
	env.API = tn.client(tn.sim.IssueUserToken(u.EnvironmentID, u.ID, time.Hour))
	env.Identity = flows.Identity{UserID: u.ID, Username: u.Username, EnvironmentID: u.EnvironmentID}
	return env
}

// writes counts the Management API requests that changed something (token requests to the
// auth server are not writes).
func (tn *tenant) writes() int {
	n := 0
	for _, r := range tn.sim.Requests() {
		if r.Method != http.MethodGet && strings.HasPrefix(r.Path, "/v1/") {
			n++
		}
	}
	return n
}

func (tn *tenant) apply(env flows.Env, plan flows.Plan) (flows.State, error) {
	tn.t.Helper()
	p, err := plan.WithPreset()
	if err != nil {
		tn.t.Fatal(err)
	}
	return flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: p})
}

func (tn *tenant) appsNamed(envID, name string) []map[string]any {
	var out []map[string]any
	for _, a := range tn.sim.Applications(envID) {
		if a["name"] == name {
			out = append(out, a)
		}
	}
	return out
}
