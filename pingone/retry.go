package pingone

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// RetryPolicy says how often and how long the client retries. The zero value means
// the defaults, modelled on Ping's Go SDK: 5 attempts, exponential backoff from 1s
// (2^n × BaseDelay plus up to 100ms jitter), Retry-After honoured, every wait capped
// at 30s.
//
// What is retried: 429 (REQUEST_LIMITED, refused before PingOne did anything) for
// every method; 502, 503, 504 and lost connections only for GET, PUT and DELETE, which
// are safe to repeat. Nothing else is: 400, 401, 403, 404 and 500 are final, and so is
// a connection that could not be made (refused, unknown host: a wrong region).
//
// A POST is never re-sent once it may have reached PingOne: a gateway 500, 502, 503 or
// 504 can come after PingOne wrote the object, and so can a dropped connection or a
// timed-out attempt. Re-sending could create a duplicate, so such an error wraps
// ErrOutcomeUnknown instead; for a status it is still an *Error (see AsError). A
// connection that was never made is not an unknown outcome.
type RetryPolicy struct {
	MaxAttempts int           // total attempts including the first; 0 = 5, 1 = no retries
	MaxWait     time.Duration // cap on one wait; 0 = 30s
	BaseDelay   time.Duration // first backoff step; 0 = 1s
	// Sleep waits d or until ctx is done; nil = a timer. Tests inject a fake.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (p RetryPolicy) maxAttempts() int {
	if p.MaxAttempts <= 0 {
		return 5
	}
	return p.MaxAttempts
}

func (p RetryPolicy) maxWait() time.Duration {
	if p.MaxWait <= 0 {
		return 30 * time.Second
	}
	return p.MaxWait
}

func (p RetryPolicy) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backoff returns the wait before attempt number next (2 for the first retry).
// retryAfter, when positive, replaces the exponential backoff.
func (p RetryPolicy) backoff(next int, retryAfter time.Duration) time.Duration {
	var d time.Duration
	if retryAfter > 0 {
		d = retryAfter
	} else {
		base := p.BaseDelay
		if base <= 0 {
			base = time.Second
		}
		shift := next - 2
		if shift > 20 {
			shift = 20
		}
		d = base<<shift + time.Duration(rand.Int64N(int64(100*time.Millisecond)))
	}
	if m := p.maxWait(); d > m {
		d = m
	}
	return d
}

// idempotent reports whether method is safe to re-send after a network error.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// retryableStatus reports whether a response status is worth another attempt.
func retryableStatus(method string, status int) bool {
	switch status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return idempotent(method)
	}
	return false
}

// outcomeUnknownStatus reports whether a status may have been sent after PingOne
// applied the request: a server or gateway error.
func outcomeUnknownStatus(status int) bool {
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// statusError returns e, wrapped with ErrOutcomeUnknown when a request that is not
// safe to repeat got a status that does not say whether PingOne applied it.
func statusError(method string, e *Error) error {
	if !idempotent(method) && outcomeUnknownStatus(e.Status) {
		return fmt.Errorf("%w: %w", e, ErrOutcomeUnknown)
	}
	return e
}
