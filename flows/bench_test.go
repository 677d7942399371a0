package flows_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// BenchmarkStackonePresetWith100msLatency measures the stackone preset's whole API work (create,
// settings, scopes, role check, the fix for jdoe, hand-off and verification) when every PingOne
// call takes 100 ms. Target: under 1.5 s, i.e. about ten sequential round trips: independent
// reads run in parallel. It reports the sequential depth as round-trips/op.
func BenchmarkStackonePresetWith100msLatency(b *testing.B) {
	const latency = 100 * time.Millisecond
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		sim := pingonetest.New()
		srv := httptest.NewServer(sim)
		sd := sim.Seed()
		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}})
		api := pingone.NewClient(ctx, srv.URL+"/v1", pingone.StaticToken(sim.IssueUserToken(sd.Production.ID, sd.Admin.ID, time.Hour)))
		env := flows.Env{API: api, Identity: flows.Identity{UserID: sd.Admin.ID, EnvironmentID: sd.Production.ID}}
		plan, _ := flows.Plan{Preset: "stackone", SignInUser: "jdoe", UserRoleAssignments: []flows.UserRoleAssignment{
			{User: "jdoe", Role: "Identity Data Read Only", Scope: "environment"},
			{User: "jdoe", Role: "Configuration Read Only", Scope: "environment"},
		}}.WithPreset()
		sim.SetLatency(latency)
		b.StartTimer()
		start := time.Now()
		s, err := flows.Run(context.Background(), env, flows.Steps(), flows.State{Plan: plan})
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if s.Verified == nil || !s.Verified.OK {
			b.Fatalf("not verified: %+v", s.Verified)
		}
		b.ReportMetric(float64(elapsed)/float64(latency), "round-trips/op")
		b.ReportMetric(float64(len(sim.Requests())), "requests/op")
		srv.Close()
		b.StartTimer()
	}
}
