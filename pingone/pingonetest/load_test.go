package pingonetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loadResult is what a load run saw: requests answered, failures (a transport error or a status
// other than the one expected), and the live heap after a forced GC at each whole second.
type loadResult struct {
	requests, failures int64
	firstFailure       string
	heap               []uint64 // heap[i]: HeapAlloc after GC at second i+1
	rss                []uint64 // rss[i]: the process's resident memory then, where /proc says
	logged             int      // len(Requests()) at the end
	elapsed            time.Duration
}

// runLoad serves sim as `pingone-setup simulate` does (an http.Server on a loopback listener) and
// runs clients concurrent clients against it for d. Each client signs in as the seeded admin
// worker (client credentials), then reads what a setup reads (environments, applications,
// users, roles), signing in again every 25 reads.
func runLoad(tb testing.TB, sim *Server, clients int, d time.Duration) loadResult {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	base := "http://" + ln.Addr().String()
	seed := sim.Seed()
	env := seed.Production.ID
	reads := []string{
		"/v1/environments",
		"/v1/environments/" + env,
		"/v1/environments/" + env + "/applications",
		"/v1/environments/" + env + "/users?filter=" + url.QueryEscape(`username eq "jdoe"`),
		"/v1/environments/" + env + "/users/" + seed.JDoe.ID + "/roleAssignments",
		"/v1/roles",
	}
	hc := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, IdleConnTimeout: time.Minute},
	}
	defer hc.CloseIdleConnections()

	var res loadResult
	var failOnce sync.Once
	fail := func(format string, a ...any) {
		atomic.AddInt64(&res.failures, 1)
		failOnce.Do(func() { res.firstFailure = fmt.Sprintf(format, a...) })
	}
	do := func(req *http.Request, want int) []byte {
		resp, err := hc.Do(req)
		atomic.AddInt64(&res.requests, 1)
		if err != nil {
			fail("%s %s: %v", req.Method, req.URL.Path, err)
			return nil
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != want {
			fail("%s %s: %d %v %.200s", req.Method, req.URL.Path, resp.StatusCode, err, body)
			return nil
		}
		return body
	}
	signIn := func() string {
		req, _ := http.NewRequest(http.MethodPost, base+"/"+env+"/as/token", strings.NewReader("grant_type=client_credentials"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(seed.AdminWorker.ClientID, seed.AdminWorker.ClientSecret)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if body := do(req, http.StatusOK); body != nil && json.Unmarshal(body, &tok) != nil {
			fail("token response %.200s", body)
		}
		return tok.AccessToken
	}

	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var token string
			for i := c; time.Now().Before(deadline); i++ {
				if token == "" || i%25 == 0 {
					if token = signIn(); token == "" {
						continue
					}
				}
				req, _ := http.NewRequest(http.MethodGet, base+reads[i%len(reads)], nil)
				req.Header.Set("Authorization", "Bearer "+token)
				do(req, http.StatusOK)
			}
		}()
	}
	// Each second's figure is the least of five samples taken across it: a forced GC still finds
	// the responses in flight at that instant live, and the least is the floor the heap rests on.
	const samples = 5
	for sec := 1; time.Duration(sec)*time.Second <= d; sec++ {
		heap, rss := uint64(math.MaxUint64), uint64(0)
		for i := 1; i <= samples; i++ {
			time.Sleep(time.Until(start.Add(time.Duration(sec-1)*time.Second + time.Duration(i)*time.Second/samples)))
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heap = min(heap, ms.HeapAlloc)
			rss = max(rss, residentBytes())
		}
		res.heap = append(res.heap, heap)
		res.rss = append(res.rss, rss)
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.logged = len(sim.Requests())
	return res
}

// residentBytes is the process's resident memory (VmRSS), or 0 where /proc does not say.
func residentBytes() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

// heapGrowthBound is how much the live heap may grow between the first and the last second of a
// load run once the request log is full: scheduling noise, not a leak.
const heapGrowthBound = 2 << 20

// TestTheSimulatorServesFiftyClientsForThreeSecondsWithoutErrorsOrGrowth is `simulate` under
// load: 50 clients over real loopback connections for 3 s get no error, and the heap stays flat
// once the request log (kept small here, so it fills in the first second) is full.
func TestTheSimulatorServesFiftyClientsForThreeSecondsWithoutErrorsOrGrowth(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const logSize = 500
	sim := New(WithRequestLog(logSize))
	sim.IssueUserToken(sim.Seed().Production.ID, sim.Seed().Admin.ID, time.Minute) // the signing key is ready before the clock starts
	r := runLoad(t, sim, 50, 3*time.Second)
	t.Logf("%d requests in %v (%.0f/s), heap after GC by second %s MB, RSS %s MB, log %d of %d handled",
		r.requests, r.elapsed.Round(time.Millisecond), float64(r.requests)/r.elapsed.Seconds(), mbs(r.heap), mbs(r.rss), r.logged, sim.RequestCount())
	if r.failures > 0 {
		t.Errorf("%d of %d requests failed; the first: %s", r.failures, r.requests, r.firstFailure)
	}
	if r.requests < 50 {
		t.Fatalf("only %d requests in 3 s", r.requests)
	}
	if r.logged != min(logSize, int(r.requests)) || int64(sim.RequestCount()) != r.requests {
		t.Errorf("the log holds %d and counts %d of %d requests, want the last %d", r.logged, sim.RequestCount(), r.requests, logSize)
	}
	if first, last := r.heap[0], r.heap[len(r.heap)-1]; last > first+heapGrowthBound {
		t.Errorf("the heap grew from %.1f MB to %.1f MB under a steady load (bound %.0f MB)", mb(first), mb(last), mb(heapGrowthBound))
	}
}

func mbs(bs []uint64) string {
	var parts []string
	for _, b := range bs {
		parts = append(parts, strconv.FormatFloat(mb(b), 'f', 1, 64))
	}
	return strings.Join(parts, " ")
}

// BenchmarkSimulatorTwoHundredClientsTwentySeconds is the long version, with simulate's default
// request log: go test -run '^$' -bench SimulatorTwoHundred -benchtime 1x ./pingone/pingonetest/.
// It reports requests per second, the live heap and the resident memory at the first and the
// last second, and fails on any error.
func BenchmarkSimulatorTwoHundredClientsTwentySeconds(b *testing.B) {
	for range b.N {
		sim := New()
		r := runLoad(b, sim, 200, 20*time.Second)
		if r.failures > 0 {
			b.Errorf("%d of %d requests failed; the first: %s", r.failures, r.requests, r.firstFailure)
		}
		if len(r.heap) == 0 {
			b.Fatal(errors.New("no heap sample"))
		}
		b.ReportMetric(float64(r.requests)/r.elapsed.Seconds(), "req/s")
		b.ReportMetric(mb(r.heap[0]), "heap-MB-first")
		b.ReportMetric(mb(r.heap[len(r.heap)-1]), "heap-MB-last")
		b.ReportMetric(mb(r.rss[0]), "rss-MB-first")
		b.ReportMetric(mb(r.rss[len(r.rss)-1]), "rss-MB-last")
		b.Logf("heap by second: %s MB; log holds %d of %d", mbs(r.heap), r.logged, sim.RequestCount())
	}
}
