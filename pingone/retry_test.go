package pingone_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// dropConnection closes the connection without any response, as a crashed proxy would.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Fatal("response writer cannot hijack")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
}

func TestPostIsNotResentAfterADroppedConnection(t *testing.T) {
	h := setup(t)
	var calls atomic.Int32
	h.mux.HandleFunc("/v1/environments/"+envID+"/applications", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		dropConnection(t, w)
	})
	_, err := h.client.CreateApplication(ctx, envID, pingone.Application{Name: "n", Type: "WORKER", Protocol: "OPENID_CONNECT"})
	if !errors.Is(err, pingone.ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("POST sent %d times, want exactly once", n)
	}
}

func TestPostToAnUnreachableServerIsNotReportedAsUnknownOutcome(t *testing.T) {
	h := setup(t)
	h.server.Close()
	_, err := h.client.CreateApplication(ctx, envID, pingone.Application{Name: "n"})
	if err == nil || errors.Is(err, pingone.ErrOutcomeUnknown) {
		t.Fatalf("err = %v; a refused connection means nothing was created", err)
	}
}

func TestGetIsRetriedAfterADroppedConnection(t *testing.T) {
	h := setup(t)
	var calls atomic.Int32
	h.mux.HandleFunc("/v1/environments/"+envID+"/applications/"+appID, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			dropConnection(t, w)
			return
		}
		writeJSON(w, 200, `{"id":"`+appID+`","name":"n"}`)
	})
	app, err := h.client.GetApplication(ctx, envID, appID)
	if err != nil || app.ID != appID {
		t.Fatalf("app = %v, err = %v", app, err)
	}
	if calls.Load() != 2 || len(h.waits()) != 1 {
		t.Fatalf("calls = %d, waits = %v", calls.Load(), h.waits())
	}
	calls2 := h.recorder.Calls()
	if len(calls2) != 2 || calls2[0].Err == "" || calls2[1].Attempt != 2 || calls2[1].Status != 200 {
		t.Fatalf("transcript = %+v", calls2)
	}
}

func TestTooManyRequestsIsRetriedEvenForPostHonouringRetryAfter(t *testing.T) {
	h := setup(t)
	var calls atomic.Int32
	h.mux.HandleFunc("/v1/environments/"+envID+"/applications/"+appID+"/roleAssignments", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "3")
			writeJSON(w, 429, `{"id":"x","code":"REQUEST_LIMITED","message":"slow down"}`)
			return
		}
		writeJSON(w, 201, `{"id":"ra"}`)
	})
	_, err := h.client.CreateApplicationRoleAssignment(ctx, envID, appID, pingone.RoleAssignment{Role: pingone.Ref{ID: "r"}, Scope: pingone.RoleScope{ID: envID, Type: "ENVIRONMENT"}})
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 || !reflect.DeepEqual(h.waits(), []time.Duration{3 * time.Second}) {
		t.Fatalf("calls = %d, waits = %v", calls.Load(), h.waits())
	}
}

func TestServiceUnavailableIsRetriedWithGrowingBackoffUntilAttemptsRunOut(t *testing.T) {
	h := setup(t)
	var calls atomic.Int32
	h.mux.HandleFunc("/v1/roles", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(503)
	})
	_, err := h.client.ListRoles(ctx)
	var e *pingone.Error
	if !errors.As(err, &e) || e.Status != 503 {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 5 {
		t.Fatalf("attempts = %d, want 5", calls.Load())
	}
	w := h.waits()
	if len(w) != 4 {
		t.Fatalf("waits = %v", w)
	}
	for i, d := range w {
		base := time.Second << i
		if d < base || d > base+100*time.Millisecond {
			t.Errorf("wait %d = %v, want %v plus at most 100ms jitter", i, d, base)
		}
	}
}

func TestRetryAfterIsCappedAtMaxWait(t *testing.T) {
	h := setup(t)
	h.client.Retry.MaxAttempts = 2
	h.client.Retry.MaxWait = 10 * time.Second
	h.mux.HandleFunc("/v1/roles", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(429)
	})
	_, _ = h.client.ListRoles(ctx)
	if w := h.waits(); !reflect.DeepEqual(w, []time.Duration{10 * time.Second}) {
		t.Fatalf("waits = %v, want [10s]", w)
	}
}

func TestServerErrorsOnPostAreNotRetried(t *testing.T) {
	h := setup(t)
	var calls atomic.Int32
	h.mux.HandleFunc("/v1/environments/"+envID+"/applications", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(502)
	})
	_, err := h.client.CreateApplication(ctx, envID, pingone.Application{Name: "n"})
	if err == nil || calls.Load() != 1 {
		t.Fatalf("calls = %d, err = %v", calls.Load(), err)
	}
}

func TestACancelledWaitStopsRetrying(t *testing.T) {
	h := setup(t)
	var calls atomic.Int32
	h.client.Retry.Sleep = func(context.Context, time.Duration) error { return context.Canceled }
	h.mux.HandleFunc("/v1/roles", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(503)
	})
	_, err := h.client.ListRoles(ctx)
	if pingone.AsError(err) == nil || calls.Load() != 1 {
		t.Fatalf("calls = %d, err = %v", calls.Load(), err)
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	h := setup(t)
	var calls atomic.Int32
	h.mux.HandleFunc("/v1/roles", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 400, `{"code":"INVALID_DATA","message":"bad"}`)
	})
	_, err := h.client.ListRoles(ctx)
	if !strings.Contains(err.Error(), "INVALID_DATA") || calls.Load() != 1 {
		t.Fatalf("calls = %d, err = %v", calls.Load(), err)
	}
}
