package pingone_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
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

func TestServerErrorsOnPostAreNotResentAndReportAnUnknownOutcome(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			h := setup(t)
			var calls atomic.Int32
			h.mux.HandleFunc("/v1/environments/"+envID+"/users/"+userID+"/roleAssignments", func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				w.Header().Set("Retry-After", "1")
				writeJSON(w, status, `{"id":"err-5xx","code":"UNEXPECTED_ERROR","message":"try later"}`)
			})
			_, err := h.client.CreateUserRoleAssignment(ctx, envID, userID, pingone.RoleAssignment{Role: pingone.Ref{ID: "r"}, Scope: pingone.RoleScope{ID: envID, Type: "ENVIRONMENT"}})
			if !errors.Is(err, pingone.ErrOutcomeUnknown) {
				t.Fatalf("err = %v, want ErrOutcomeUnknown: PingOne may have made the assignment before the %d", err, status)
			}
			var e *pingone.Error
			if !errors.As(err, &e) || e.Status != status || e.ID != "err-5xx" || e.Code != "UNEXPECTED_ERROR" || e.Method != "POST" {
				t.Fatalf("err = %#v, want the *pingone.Error with status, id and code", err)
			}
			if pingone.AsError(err) != e {
				t.Fatal("AsError does not find the *pingone.Error")
			}
			if n := calls.Load(); n != 1 || len(h.waits()) != 0 {
				t.Fatalf("POST sent %d times after %v waits, want exactly once", n, h.waits())
			}
		})
	}
}

func TestGatewayErrorsOnGetPutAndDeleteAreStillRetried(t *testing.T) {
	grant := pingone.ApplicationGrant{Resource: pingone.Ref{ID: "res"}, Scopes: []pingone.Ref{{ID: "s"}}}
	calls := map[string]func(c *pingone.Client) error{
		"GET": func(c *pingone.Client) error { _, err := c.GetApplication(ctx, envID, appID); return err },
		"PUT": func(c *pingone.Client) error {
			_, err := c.UpdateApplicationGrant(ctx, envID, appID, appID, grant)
			return err
		},
		"DELETE": func(c *pingone.Client) error { return c.DeleteApplication(ctx, envID, appID) },
	}
	for method, call := range calls {
		for _, status := range []int{502, 503, 504} {
			t.Run(method+" "+strconv.Itoa(status), func(t *testing.T) {
				h := setup(t)
				var n atomic.Int32
				h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
					assertRequest(t, r, method)
					if n.Add(1) == 1 {
						w.WriteHeader(status)
						return
					}
					writeJSON(w, 200, `{"id":"`+appID+`","resource":{"id":"res"},"scopes":[{"id":"s"}]}`)
				})
				if err := call(h.client); err != nil {
					t.Fatal(err)
				}
				if n.Load() != 2 || len(h.waits()) != 1 {
					t.Fatalf("attempts = %d, waits = %v; want one retry", n.Load(), h.waits())
				}
			})
		}
	}
}

func TestAnInternalServerErrorOnGetIsFinalButNotAnUnknownOutcome(t *testing.T) {
	h := setup(t)
	var calls atomic.Int32
	h.mux.HandleFunc("/v1/roles", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 500, `{"id":"e","code":"UNEXPECTED_ERROR","message":"boom"}`)
	})
	_, err := h.client.ListRoles(ctx)
	if e := pingone.AsError(err); e == nil || e.Status != 500 || errors.Is(err, pingone.ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want the plain 500", err)
	}
	if calls.Load() != 1 {
		t.Fatalf("attempts = %d, want 1", calls.Load())
	}
}

func TestAPostWhoseAttemptTimesOutReportsAnUnknownOutcomeAndIsNotResent(t *testing.T) {
	tests := []struct {
		name string
		set  func(h *harness) (context.Context, context.CancelFunc)
	}{
		{"http.Client timeout", func(h *harness) (context.Context, context.CancelFunc) {
			hc := *h.client.HTTP
			hc.Timeout = 200 * time.Millisecond
			h.client.HTTP = &hc
			return context.WithCancel(ctx)
		}},
		{"context deadline", func(h *harness) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 200*time.Millisecond)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			var calls atomic.Int32
			h.mux.HandleFunc("/v1/environments/"+envID+"/applications", func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				// PingOne reads the whole request, then never answers.
				_, _ = io.Copy(io.Discard, r.Body)
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
					t.Error("the client did not give up on a hanging POST")
				}
			})
			c, cancel := tt.set(h)
			defer cancel()
			start := time.Now()
			_, err := h.client.CreateApplication(c, envID, pingone.Application{Name: "n", Type: "WORKER", Protocol: "OPENID_CONNECT"})
			if !errors.Is(err, pingone.ErrOutcomeUnknown) {
				t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
			}
			if pingone.AsError(err) != nil {
				t.Errorf("err = %v: no response came, so there is no *pingone.Error", err)
			}
			if n := calls.Load(); n != 1 || len(h.waits()) != 0 {
				t.Fatalf("POST sent %d times after %v waits, want exactly once", n, h.waits())
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
}

func TestAuthAndValidationErrorsAreNeverRetriedForAnyMethod(t *testing.T) {
	ra := pingone.RoleAssignment{Role: pingone.Ref{ID: "r"}, Scope: pingone.RoleScope{ID: envID, Type: "ENVIRONMENT"}}
	grant := pingone.ApplicationGrant{Resource: pingone.Ref{ID: "res"}, Scopes: []pingone.Ref{{ID: "s"}}}
	calls := map[string]func(c *pingone.Client) error{
		"GET": func(c *pingone.Client) error { _, err := c.ListRoles(ctx); return err },
		"POST": func(c *pingone.Client) error {
			_, err := c.CreateApplicationRoleAssignment(ctx, envID, appID, ra)
			return err
		},
		"PUT": func(c *pingone.Client) error {
			_, err := c.UpdateApplicationGrant(ctx, envID, appID, "g1", grant)
			return err
		},
		"DELETE": func(c *pingone.Client) error { return c.DeleteApplicationGrant(ctx, envID, appID, "g1") },
	}
	bodies := map[int]string{
		400: `{"id":"e400","code":"INVALID_DATA","message":"bad","details":[{"code":"INVALID_VALUE","target":"scope"}]}`,
		401: `{"id":"e401","code":"ACCESS_FAILED","message":"You do not have access to this resource.","details":[{"code":"INVALID_TOKEN","message":"expired"}]}`,
		403: `{"id":"e403","code":"ACCESS_FAILED","message":"You do not have access to this resource","details":[{"code":"INSUFFICIENT_PERMISSIONS","message":"The actor attempting to perform the request is not authorized."}]}`,
	}
	for method, call := range calls {
		for status, body := range bodies {
			t.Run(method+" "+strconv.Itoa(status), func(t *testing.T) {
				h := setup(t)
				var n atomic.Int32
				h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
					n.Add(1)
					assertRequest(t, r, method)
					w.Header().Set("Retry-After", "1")
					writeJSON(w, status, body)
				})
				err := call(h.client)
				if e := pingone.AsError(err); e == nil || e.Status != status {
					t.Fatalf("err = %v, want the %d", err, status)
				}
				if errors.Is(err, pingone.ErrOutcomeUnknown) {
					t.Errorf("err = %v: a %d is a clear refusal, not an unknown outcome", err, status)
				}
				if n.Load() != 1 || len(h.waits()) != 0 {
					t.Fatalf("attempts = %d, waits = %v; want exactly one attempt", n.Load(), h.waits())
				}
			})
		}
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
