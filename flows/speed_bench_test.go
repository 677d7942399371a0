package flows_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/internal/simsignin"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// The speed benchmarks run each flow against pingonetest over a real loopback listener with
// 100 ms added to every request, the token request included (the admin worker signs in with
// client credentials), and report the sequential round trips (requests in flight together count
// once), the requests and the wall time. At scale the tenant holds 5,000 users and 1,000 apps and
// pages hold 100 items.

const benchLatency = 100 * time.Millisecond

type speedRig struct {
	sim  *pingonetest.Server
	srv  *httptest.Server
	seed pingonetest.Seed
	hc   *http.Client
}

func newSpeedRigT(t *testing.T) *speedRig {
	b := &testing.B{}
	_ = b
	return newSpeedRigTB(t, false)
}

func newSpeedRig(b *testing.B, scale bool) *speedRig { return newSpeedRigTB(b, scale) }

func newSpeedRigTB(b testing.TB, scale bool) *speedRig {
	b.Helper()
	sim := pingonetest.New(pingonetest.WithSigningKey(chaosKey()))
	r := &speedRig{sim: sim, srv: httptest.NewServer(sim), seed: sim.Seed(),
		hc: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}}
	b.Cleanup(r.srv.Close)
	prod := r.seed.Production.ID
	// The worker may then grant the stackone fix (it holds the roles it gives).
	if err := sim.AssignAppRole(prod, r.seed.AdminWorker.ID, "Client Application Developer", "ENVIRONMENT", prod); err != nil {
		b.Fatal(err)
	}
	if scale {
		for i := range 5000 {
			sim.AddUser(prod, fmt.Sprintf("user%04d", i), "")
		}
		for i := range 1000 {
			sim.AddApplication(prod, map[string]any{"name": fmt.Sprintf("App %04d", i), "enabled": true, "type": "WORKER",
				"protocol": "OPENID_CONNECT", "grantTypes": []any{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC"})
		}
		sim.SetPageSize(100)
	}
	return r
}

// env signs in as the admin worker with client credentials (the token request is the first trip).
func (r *speedRig) env() flows.Env {
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, r.hc)
	w := r.seed.AdminWorker
	api := pingone.NewClient(ctx, r.srv.URL+"/v1", pingone.ClientCredentials(ctx, r.srv.URL, w.EnvironmentID, w.ClientID, w.ClientSecret, pingone.AuthMethodClientSecretBasic))
	return flows.Env{
		API: api, Region: "NA",
		Identity: flows.Identity{ClientID: w.ClientID, EnvironmentID: w.EnvironmentID},
		AppClient: func(ctx context.Context, c flows.Credentials) (flows.API, error) {
			ctx = context.WithValue(ctx, oauth2.HTTPClient, r.hc)
			// As the command does: the token first, so a refused one says so at once.
			ts := pingone.ClientCredentials(ctx, r.srv.URL, c.EnvironmentID, c.ClientID, c.ClientSecret, c.AuthMethod)
			if _, err := ts.Token(); err != nil {
				return nil, err
			}
			return pingone.NewClient(ctx, r.srv.URL+"/v1", oauth2.ReuseTokenSource(nil, ts)), nil
		},
		SignInAs: simsignin.Hook(r.sim, r.srv.URL, r.srv.URL+"/v1", r.hc),
	}
}

// measure runs f with the latency on and reports its trips, requests and wall time.
func (r *speedRig) measure(b *testing.B, f func(env flows.Env) error) {
	b.Helper()
	env := r.env()
	r.sim.SetLatency(benchLatency)
	r.sim.ResetRequests()
	start := time.Now()
	err := f(env)
	wall := time.Since(start)
	r.sim.SetLatency(0)
	if err != nil {
		b.Fatal(err)
	}
	recs := r.sim.Requests()
	b.ReportMetric(float64(pingonetest.RoundTrips(recs)), "trips")
	b.ReportMetric(float64(len(recs)), "requests")
	b.ReportMetric(float64(wall.Milliseconds()), "wall-ms")
}

func apply(env flows.Env, preset string) (flows.State, error) {
	p, err := flows.Plan{Preset: preset, SignInUser: "jdoe", Roles: flows.RolesFix}.WithPreset()
	if err != nil {
		return flows.State{}, err
	}
	s, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: p})
	if err == nil && !s.Succeeded() {
		err = fmt.Errorf("%s did not succeed: %+v", preset, s.Verified)
	}
	return s, err
}

func BenchmarkSpeed(b *testing.B) {
	for _, scale := range []bool{false, true} {
		size := "seed"
		if scale {
			size = "scale"
		}
		for _, preset := range []string{"stackone", "sync-worker", "cli-login"} {
			b.Run(preset+"-apply/"+size, func(b *testing.B) {
				for range b.N {
					r := newSpeedRig(b, scale)
					r.measure(b, func(env flows.Env) error { _, err := apply(env, preset); return err })
				}
			})
		}
		b.Run("re-apply/"+size, func(b *testing.B) {
			for range b.N {
				r := newSpeedRig(b, scale)
				if _, err := apply(r.env(), "stackone"); err != nil {
					b.Fatal(err)
				}
				r.measure(b, func(env flows.Env) error { _, err := apply(env, "stackone"); return err })
			}
		})
		b.Run("doctor/"+size, func(b *testing.B) {
			for range b.N {
				r := newSpeedRig(b, scale)
				if _, err := apply(r.env(), "stackone"); err != nil {
					b.Fatal(err)
				}
				r.measure(b, func(env flows.Env) error {
					_, err := flows.Doctor(context.Background(), env, r.seed.Production.ID, "StackOne Integration", "jdoe", nil)
					return err
				})
			}
		})
		b.Run("export/"+size, func(b *testing.B) {
			for range b.N {
				r := newSpeedRig(b, scale)
				if _, err := apply(r.env(), "stackone"); err != nil {
					b.Fatal(err)
				}
				r.measure(b, func(env flows.Env) error {
					_, err := flows.ReadLive(context.Background(), env.API, r.seed.Production.ID, "StackOne Integration")
					return err
				})
			}
		})
	}
}
