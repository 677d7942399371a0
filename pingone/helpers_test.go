package pingone_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

const (
	testToken = "test-access-token-1234567890"
	testTxID  = "test-transaction-id"
	envID     = "11111111-1111-1111-1111-111111111111"
	appID     = "22222222-2222-2222-2222-222222222222"
	userID    = "33333333-3333-3333-3333-333333333333"
	groupID   = "44444444-4444-4444-4444-444444444444"
)

// harness is one fake PingOne per test (go-github style setup).
type harness struct {
	client   *pingone.Client
	mux      *http.ServeMux
	server   *httptest.Server
	recorder *pingone.Recorder
	mu       sync.Mutex
	sleeps   []time.Duration
}

func setup(t *testing.T) *harness {
	t.Helper()
	h := &harness{mux: http.NewServeMux(), recorder: &pingone.Recorder{}}
	h.server = httptest.NewServer(h.mux)
	t.Cleanup(h.server.Close)
	h.client = pingone.NewClient(context.Background(), h.server.URL+"/v1", pingone.StaticToken(testToken))
	h.client.TransactionID = testTxID
	h.client.Transcript = h.recorder.Record
	h.client.Retry.Sleep = func(ctx context.Context, d time.Duration) error {
		h.mu.Lock()
		h.sleeps = append(h.sleeps, d)
		h.mu.Unlock()
		return ctx.Err()
	}
	return h
}

func (h *harness) waits() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Duration(nil), h.sleeps...)
}

// assertRequest checks the method and the headers every API request must carry.
func assertRequest(t *testing.T, r *http.Request, method string) {
	t.Helper()
	if r.Method != method {
		t.Errorf("method = %s, want %s", r.Method, method)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("Authorization = %q, want bearer token", got)
	}
	if got := r.Header.Get("X-Ping-External-Transaction-ID"); got != testTxID {
		t.Errorf("X-Ping-External-Transaction-ID = %q, want %q", got, testTxID)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
}

// readJSON decodes a request body into a generic map.
func readJSON(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("request body is not a JSON object: %v: %s", err, b)
	}
	return m
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
