package pingonetest

import (
	"fmt"
	"testing"
)

func TestTheRequestLogKeepsTheLastRequestsInOrder(t *testing.T) {
	f := newFixture(t, WithRequestLog(3))
	tok := f.admin()
	for i := range 5 {
		f.do(tok, "GET", fmt.Sprintf("/v1/roles?n=%d", i), nil)
	}
	queries := func() []string {
		var q []string
		for _, r := range f.sim.Requests() {
			q = append(q, r.Query)
		}
		return q
	}
	if got := fmt.Sprint(queries()); got != "[n=2 n=3 n=4]" {
		t.Errorf("log %s, want the last three, oldest first", got)
	}
	if n := f.sim.RequestCount(); n != 5 {
		t.Errorf("RequestCount %d, want 5", n)
	}
	f.sim.SetRequestLog(2)
	if got := fmt.Sprint(queries()); got != "[n=3 n=4]" {
		t.Errorf("after shrinking to 2: %s", got)
	}
	f.sim.SetRequestLog(4)
	f.do(tok, "GET", "/v1/roles?n=5", nil)
	f.do(tok, "GET", "/v1/roles?n=6", nil)
	f.do(tok, "GET", "/v1/roles?n=7", nil)
	if got := fmt.Sprint(queries()); got != "[n=4 n=5 n=6 n=7]" {
		t.Errorf("after growing to 4: %s", got)
	}
	// RoundTrips reads the kept records as before.
	if trips := RoundTrips(f.sim.Requests()); trips != 4 {
		t.Errorf("%d round trips of four sequential requests", trips)
	}
	f.sim.ResetRequests()
	if len(f.sim.Requests()) != 0 || f.sim.RequestCount() != 0 {
		t.Error("ResetRequests left records")
	}
	if def := New(WithSigningKey(sharedKey())); def.requests.limit != DefaultRequestLog {
		t.Errorf("default limit %d", def.requests.limit)
	}
}
