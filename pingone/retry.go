package pingone

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"
)

// RetryPolicy says how often and how long the client retries. The zero value means
// the defaults, modelled on Ping's Go SDK: 5 attempts, exponential backoff from 1s
// (2^n × BaseDelay plus up to 100ms jitter), Retry-After honoured, every wait capped
// at 30s.
//
// What is retried: 429 and 503 for every method (PingOne refused the request before
// doing anything); network errors, 502 and 504 only for GET, PUT and DELETE, which are
// safe to repeat. A POST is never re-sent after a network error or a lost response:
// that could create a duplicate, so the error wraps ErrOutcomeUnknown instead.
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
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return idempotent(method)
	}
	return false
}
