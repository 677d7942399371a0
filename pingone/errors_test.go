package pingone_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

func TestNonSuccessResponsesBecomeTypedErrors(t *testing.T) {
	httpDate := time.Now().Add(20 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name        string
		status      int
		header      map[string]string
		body        string
		wantCode    string
		wantMessage string
		wantID      string
		wantText    []string // substrings of Error()
		retryAfter  func(time.Duration) bool
		is          map[string]bool
	}{
		{
			name: "duplicate role assignment", status: 400,
			body:     `{"id":"6c79","code":"INVALID_DATA","message":"The request could not be completed. One or more validation errors were in the request.","details":[{"code":"UNIQUENESS_VIOLATION","target":"role","message":"May not assign duplicate Role"}]}`,
			wantCode: "INVALID_DATA", wantID: "6c79",
			wantText: []string{"400 INVALID_DATA", "role: May not assign duplicate Role", "(PingOne error id 6c79)", "GET /v1/roles"},
			is:       map[string]bool{"uniqueness": true, "forbidden": false, "notfound": false},
		},
		{
			name: "worker secret forbidden", status: 403,
			body:     `{"id":"e2","code":"ACCESS_FAILED","message":"The request could not be completed. You do not have access to this resource.","details":[{"code":"INSUFFICIENT_PERMISSIONS","message":"Actor does not have permissions to access worker application client secrets"}]}`,
			wantCode: "ACCESS_FAILED",
			wantText: []string{"403 ACCESS_FAILED", "Actor does not have permissions"},
			is:       map[string]bool{"forbidden": true, "unauthorized": false, "actornotauthorized": false},
		},
		{
			name: "role not yet propagated", status: 403,
			body:     `{"id":"e8","code":"ACCESS_FAILED","message":"You do not have access to this resource","details":[{"code":"INSUFFICIENT_PERMISSIONS","message":"The actor attempting to perform the request is not authorized."}]}`,
			wantCode: "ACCESS_FAILED",
			is:       map[string]bool{"forbidden": true, "unauthorized": false, "actornotauthorized": true},
		},
		{
			name: "forbidden code under a changed status class", status: 400,
			body:     `{"id":"e3","code":"ACCESS_FAILED","message":"no","details":[{"code":"INSUFFICIENT_PERMISSIONS"}]}`,
			wantCode: "ACCESS_FAILED", is: map[string]bool{"forbidden": true},
		},
		{
			name: "expired token", status: 401,
			body:     `{"id":"e4","code":"ACCESS_FAILED","message":"The request could not be completed. You do not have access to this resource.","details":[{"code":"INVALID_TOKEN","message":"expired"}]}`,
			wantCode: "ACCESS_FAILED", is: map[string]bool{"unauthorized": true, "forbidden": false},
		},
		{
			name: "not found", status: 404, body: `{"id":"e5","code":"NOT_FOUND","message":"The requested resource was not found."}`,
			wantCode: "NOT_FOUND", is: map[string]bool{"notfound": true},
		},
		{
			name: "HTML gateway page", status: 502,
			body:        "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><script>x()</script></body></html>",
			wantMessage: "502 Bad Gateway", wantText: []string{"502: 502 Bad Gateway"},
		},
		{
			name: "empty body", status: 500, body: "",
			wantMessage: "Internal Server Error",
		},
		{
			name: "truncated JSON", status: 500, body: `{"id":"abc","code":"UNEXPECTED_ERR`,
			wantMessage: "Internal Server Error",
		},
		{
			name: "plain text gateway error", status: 403, body: "Invalid key=value pair (missing equal-sign) in Authorization header\x00\x1b[31m",
			wantMessage: "Invalid key=value pair (missing equal-sign) in Authorization header[31m",
			is:          map[string]bool{"forbidden": true},
		},
		{
			name: "rate limited with seconds", status: 429, header: map[string]string{"Retry-After": "7"},
			body:     `{"id":"e6","code":"REQUEST_LIMITED","message":"Too many requests","details":[{"code":"LIMIT_EXCEEDED"}]}`,
			wantCode: "REQUEST_LIMITED", retryAfter: func(d time.Duration) bool { return d == 7*time.Second },
			is: map[string]bool{"ratelimited": true},
		},
		{
			name: "rate limited with HTTP-date", status: 429, header: map[string]string{"Retry-After": httpDate},
			body:       `{"id":"e7","code":"REQUEST_LIMITED","message":"Too many requests"}`,
			wantCode:   "REQUEST_LIMITED",
			retryAfter: func(d time.Duration) bool { return d > 15*time.Second && d <= 20*time.Second },
			is:         map[string]bool{"ratelimited": true},
		},
	}
	preds := map[string]func(error) bool{
		"notfound": pingone.IsNotFound, "forbidden": pingone.IsForbidden, "unauthorized": pingone.IsUnauthorized,
		"uniqueness": pingone.IsUniquenessViolation, "ratelimited": pingone.IsRateLimited,
		"actornotauthorized": pingone.IsActorNotAuthorized,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			h.client.Retry.MaxAttempts = 1
			h.mux.HandleFunc("/v1/roles", func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			})
			_, err := h.client.ListRoles(ctx)
			var e *pingone.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %T %v, want *pingone.Error", err, err)
			}
			if e.Status != tt.status || e.Code != tt.wantCode {
				t.Errorf("status, code = %d, %q; want %d, %q", e.Status, e.Code, tt.status, tt.wantCode)
			}
			if tt.wantID != "" && e.ID != tt.wantID {
				t.Errorf("ID = %q", e.ID)
			}
			if tt.wantMessage != "" && e.Message != tt.wantMessage {
				t.Errorf("Message = %q, want %q", e.Message, tt.wantMessage)
			}
			for _, s := range tt.wantText {
				if !strings.Contains(e.Error(), s) {
					t.Errorf("Error() = %q, missing %q", e.Error(), s)
				}
			}
			if tt.retryAfter != nil && !tt.retryAfter(e.RetryAfter) {
				t.Errorf("RetryAfter = %v", e.RetryAfter)
			}
			for name, want := range tt.is {
				if got := preds[name](err); got != want {
					t.Errorf("%s = %v, want %v", name, got, want)
				}
			}
		})
	}
}

func TestHelpersAreFalseForNilAndForeignErrors(t *testing.T) {
	for _, err := range []error{nil, errors.New("boom")} {
		if pingone.IsNotFound(err) || pingone.IsForbidden(err) || pingone.IsUnauthorized(err) || pingone.IsUniquenessViolation(err) ||
			pingone.IsRateLimited(err) || pingone.IsActorNotAuthorized(err) {
			t.Errorf("a helper matched %v", err)
		}
	}
}

func TestErrorWrappedByCallersStillMatches(t *testing.T) {
	base := &pingone.Error{Status: 404, Code: "NOT_FOUND"}
	wrapped := fmt.Errorf("read application %q: %w", "x", base)
	if !pingone.IsNotFound(wrapped) || pingone.AsError(wrapped) != base {
		t.Fatal("wrapped error not recognised")
	}
}

func TestIsActorNotAuthorizedFindsPingOnesRolePropagationMessages(t *testing.T) {
	const actor = "The actor attempting to perform the request is not authorized."
	const scope = "Must have role at the same or broader scope as the role being assigned"
	detail := func(code, msg string) []pingone.ErrorDetail { return []pingone.ErrorDetail{{Code: code, Message: msg}} }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"403 with the actor message in the first detail", &pingone.Error{Status: 403, Code: "ACCESS_FAILED",
			Message: "You do not have access to this resource", Details: detail("INSUFFICIENT_PERMISSIONS", actor)}, true},
		{"403 with the actor message at the top", &pingone.Error{Status: 403, Code: "ACCESS_FAILED", Message: actor}, true},
		{"400 with the scope message in a later detail", &pingone.Error{Status: 400, Code: "INVALID_DATA", Message: "The request could not be completed.",
			Details: []pingone.ErrorDetail{{Code: "INVALID_VALUE", Target: "name", Message: "bad"}, {Code: "INVALID_VALUE", Target: "scope", Message: scope}}}, true},
		{"403 with the scope message at the top", &pingone.Error{Status: 403, Message: scope}, true},
		{"wrapped by a caller", fmt.Errorf("assign Environment Admin: %w", &pingone.Error{Status: 403, Details: detail("INSUFFICIENT_PERMISSIONS", actor)}), true},
		{"403 with other text", &pingone.Error{Status: 403, Code: "ACCESS_FAILED", Message: "You do not have access to this resource",
			Details: detail("INSUFFICIENT_PERMISSIONS", "Actor does not have permissions to access worker application client secrets")}, false},
		{"403 that only mentions the text later on", &pingone.Error{Status: 403, Message: "Denied: " + actor}, false},
		{"404 with the actor message", &pingone.Error{Status: 404, Code: "NOT_FOUND", Message: actor}, false},
		{"401 with the actor message", &pingone.Error{Status: 401, Code: "ACCESS_FAILED", Details: detail("INVALID_TOKEN", actor)}, false},
		{"400 duplicate role", &pingone.Error{Status: 400, Code: "INVALID_DATA", Details: detail("UNIQUENESS_VIOLATION", "May not assign duplicate Role")}, false},
		{"plain error with the text", errors.New(actor), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pingone.IsActorNotAuthorized(tt.err); got != tt.want {
				t.Fatalf("IsActorNotAuthorized(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
