package pingonetest

import (
	"sync/atomic"
	"testing"
	"time"
)

// The previous secret works while the Server's clock is before its expiresAt and not a moment
// after, and GET …/secret stops showing it then: a test's clock, not the wall clock, decides.
// [unconfirmed] whether PingOne still accepts it at the very instant expiresAt; the simulator does not.
func TestThePreviousSecretWorksUntilItsExpiryOnTheServersClockAndNotAfter(t *testing.T) {
	var now atomic.Int64
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	now.Store(start.UnixNano())
	f := newFixture(t, WithClock(func() time.Time { return time.Unix(0, now.Load()) }))
	prod := f.prod()
	w := f.seed.AdminWorker
	secretPath := f.appsPath(prod) + "/" + w.ID + "/secret"
	tokenOK := func(secret string) bool {
		return f.form("/"+prod+"/as/token", ccForm(), w.ClientID, secret).status == 200
	}
	expires := start.Add(2 * time.Hour)
	r := f.do(f.admin(), "POST", secretPath, map[string]any{"previous": map[string]any{"expiresAt": expires.Format("2006-01-02T15:04:05.000Z")}})
	f.expect(r, 200)
	fresh := r.body["secret"].(string)
	for _, at := range []time.Duration{0, time.Hour, 2*time.Hour - time.Second} {
		now.Store(start.Add(at).UnixNano())
		if !tokenOK(w.ClientSecret) || !tokenOK(fresh) {
			t.Fatalf("at +%v (before the expiry) both secrets must work", at)
		}
		if r := f.do(f.admin(), "GET", secretPath, nil); r.body["previous"] == nil {
			t.Fatalf("at +%v GET …/secret does not show the previous secret: %s", at, r.raw)
		}
	}
	for _, at := range []time.Duration{2 * time.Hour, 3 * time.Hour} {
		now.Store(start.Add(at).UnixNano())
		if tokenOK(w.ClientSecret) {
			t.Errorf("at +%v (the expiry or later) the previous secret still works", at)
		}
		if !tokenOK(fresh) {
			t.Errorf("at +%v the new secret stopped working", at)
		}
		if r := f.do(f.admin(), "GET", secretPath, nil); r.body["previous"] != nil {
			t.Errorf("at +%v GET …/secret still shows the previous secret: %s", at, r.raw)
		}
	}
}
