package pingonetest

import (
	"bytes"
	"crypto/rsa"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Server is the simulated PingOne. It implements http.Handler and is safe for
// concurrent use. Create it with New.
type Server struct {
	mu       sync.Mutex // guards everything below
	rng      *rand.Rand
	clock    func() time.Time
	key      *rsa.PrivateKey
	keyReady chan struct{} // closed once key and kid are set (initKey)
	kid      string
	pageSize int
	latency  time.Duration
	// propagation is how long a role assignment created through the API
	// takes to become effective (SetPropagationDelay).
	propagation time.Duration
	faults      []*Fault
	chaos       Chaos
	requests    requestLog
	seed        Seed
	st          *state
	routes      []route
	as          *authServerState // sign-in flows of the authorization server (authserver.go)
	actor       *SnapshotActor   // who a loaded snapshot's facts were read as (NewFromSnapshot)
}

// Option configures a Server in New.
type Option func(*Server)

// WithClock makes the Server read the time from now instead of time.Now. It
// drives timestamps, token issue/expiry and secret expiry.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.clock = now } }

// WithRandomSeed seeds the generator of new IDs, secrets and error IDs, so a
// run is reproducible. The default seed is 1.
func WithRandomSeed(seed uint64) Option {
	return func(s *Server) { s.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
}

// WithSigningKey makes the Server sign tokens with key instead of a freshly
// generated 2048-bit RSA key (key generation costs tens of milliseconds, so a
// test suite creating many Servers may share one key).
func WithSigningKey(key *rsa.PrivateKey) Option { return func(s *Server) { s.key = key } }

// WithRequestLog makes the Server remember the last n requests (see Requests) instead of
// DefaultRequestLog; values below 1 mean 1.
func WithRequestLog(n int) Option { return func(s *Server) { s.requests.setLimit(n) } }

// New returns a Server seeded with a small realistic tenant (see Seed).
func New(opts ...Option) *Server {
	s := &Server{clock: time.Now, pageSize: 100}
	s.requests.setLimit(DefaultRequestLog)
	WithRandomSeed(1)(s)
	for _, o := range opts {
		o(s)
	}
	s.initKey()
	s.st = newState()
	s.seedTenant()
	s.routes = s.apiRoutes()
	return s
}

// Seed returns the IDs, names and credentials of the seeded tenant.
func (s *Server) Seed() Seed {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seed.clone()
}

// SetPageSize sets the server-side page size of every collection (default
// 100). Values below 1 are treated as 1.
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = max(n, 1)
}

// SetLatency makes every request wait d before it is handled.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetPropagationDelay makes role assignments created through the API (on
// users, applications and groups, including the roles a new WORKER inherits
// from its creator) take d of the Server's clock (see WithClock) to become
// effective. Until then they are listed and read like any other, but the
// calls and sign-ins only they would allow are refused (403 ACCESS_FAILED /
// INSUFFICIENT_PERMISSIONS "The actor attempting to perform the request is
// not authorized.", or access_denied at sign-in). PingOne publishes no
// propagation time; the default is 0. Seeded assignments and those made by
// the inspection helpers (AssignUserRole and friends) are effective at once.
// Tokens are not affected: they carry no roles.
func (s *Server) SetPropagationDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.propagation = d
}

// Fault describes a failure the Server injects into matching requests.
//
// There are three kinds:
//   - a refusal (Status set, AfterCommit false): the request is NOT handled,
//     nothing is written, and the client gets Status with a P1Error body.
//     This is what a 429 REQUEST_LIMITED is in PingOne.
//   - a failure after commit (Status and AfterCommit set): the request IS
//     handled (a POST creates its object, a DELETE deletes), then the
//     response is replaced by Status with a P1Error body: a gateway answering
//     500/502/503/504 after PingOne committed the write. A client cannot tell
//     it from a refusal by the response.
//   - a lost response (LoseResponse): the request is handled, then the
//     connection is closed without a response.
type Fault struct {
	// Method matches the request method; empty matches any.
	Method string
	// PathContains matches when the request path contains it; empty matches any.
	PathContains string
	// Status is the error status the client gets: 429 (REQUEST_LIMITED), 500
	// (UNEXPECTED_ERROR), 502, 503 or 504 (SERVICE_UNAVAILABLE); 0 means
	// 503. Ignored when LoseResponse is set.
	Status int
	// AfterCommit handles the request before answering Status (see the type
	// comment). PingOne's 429 is a refusal before processing, so InjectFault
	// panics on AfterCommit with Status 429.
	AfterCommit bool
	// RetryAfter is the Retry-After header value sent with Status (seconds or
	// an HTTP-date); empty sends none.
	RetryAfter string
	// LoseResponse performs the request, then closes the connection without
	// sending the response (the client cannot know whether it happened).
	LoseResponse bool
	// Times is how many matching requests the fault affects (values below 1
	// mean once).
	Times int
}

// InjectFault queues f. Faults are tried in the order they were injected; the
// first matching one fires and counts down, and is dropped when exhausted.
func (s *Server) InjectFault(f Fault) {
	if f.AfterCommit && f.Status == http.StatusTooManyRequests && !f.LoseResponse {
		panic("pingonetest: a 429 fault cannot fire after commit: PingOne's 429 is a refusal before processing")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times < 1 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

// RequestRecord is what the Server remembers of one request.
type RequestRecord struct {
	Method string
	Path   string
	Query  string
	// Status is the status the client got (or would have got, when Lost).
	Status int
	// Committed is true when the request was handled, so any write it asked
	// for happened: every request except those refused by a Status fault
	// without AfterCommit.
	Committed bool
	// HandledStatus is the status the handler answered when Committed (it
	// differs from Status when an AfterCommit fault replaced the response);
	// 0 otherwise.
	HandledStatus int
	// Lost is true when a LoseResponse fault swallowed the response.
	Lost bool
	// Arrived and Answered are when the request came in and when it was answered (wall clock,
	// latency included), for counting round trips.
	Arrived, Answered time.Time
}

// RoundTrips counts the sequential round trips of recs: a request that arrives while the one
// that opened the current trip is still in flight overlaps it and costs nothing more; one that
// arrives after it was answered opens the next trip.
func RoundTrips(recs []RequestRecord) int {
	sorted := slices.Clone(recs)
	slices.SortFunc(sorted, func(a, b RequestRecord) int { return a.Arrived.Compare(b.Arrived) })
	trips := 0
	var end time.Time
	for _, r := range sorted {
		if trips == 0 || !r.Arrived.Before(end) {
			trips++
			end = r.Answered
		}
	}
	return trips
}

// DefaultRequestLog is how many requests a Server remembers unless told otherwise
// (WithRequestLog, SetRequestLog): a long-running simulate serves without growing.
const DefaultRequestLog = 10000

// Requests returns a copy of the requests handled so far, oldest first: all of them, or the last
// ones when more were handled than the log keeps (DefaultRequestLog; see SetRequestLog and
// RequestCount).
func (s *Server) Requests() []RequestRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests.all()
}

// RequestCount is how many requests were handled since New or ResetRequests, including those the
// log no longer holds.
func (s *Server) RequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests.total
}

// SetRequestLog makes the Server remember the last n requests (values below 1 mean 1), keeping the
// newest of those it holds now.
func (s *Server) SetRequestLog(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests.setLimit(n)
}

// ResetRequests forgets the recorded requests, and the count.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests.reset()
}

// requestLog is a ring of the last limit requests.
type requestLog struct {
	limit int
	buf   []RequestRecord // grows to limit, then is written round from next
	next  int             // where the next record goes once buf is full
	total int
}

func (l *requestLog) add(r RequestRecord) {
	l.total++
	if len(l.buf) < l.limit {
		l.buf = append(l.buf, r)
		return
	}
	l.buf[l.next] = r
	l.next = (l.next + 1) % l.limit
}

// all returns the records oldest first, in a new slice.
func (l *requestLog) all() []RequestRecord {
	out := make([]RequestRecord, 0, len(l.buf))
	out = append(out, l.buf[l.next:]...)
	return append(out, l.buf[:l.next]...)
}

func (l *requestLog) setLimit(n int) {
	n = max(n, 1)
	kept := l.all()
	if len(kept) > n {
		kept = kept[len(kept)-n:]
	}
	l.limit, l.buf, l.next = n, kept, 0
}

func (l *requestLog) reset() { l.buf, l.next, l.total = nil, 0, 0 }

func (s *Server) now() time.Time { return s.clock().UTC() }

// ServeHTTP routes a request to the Management API (/v1/...) or to the
// authorization server of an environment (/{envID}/as/...).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.matchFault(r)
	rec := &recorder{header: http.Header{}}
	committed := f == nil || f.LoseResponse || f.AfterCommit
	handled := 0
	if committed {
		s.route(rec, r)
		handled = rec.status()
	}
	if f != nil && !f.LoseResponse {
		rec = &recorder{header: http.Header{}} // drop what the handler answered
		s.writeFault(rec, r, f)
	}
	s.requests.add(RequestRecord{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: rec.status(),
		Committed: committed, HandledStatus: handled, Lost: f != nil && f.LoseResponse,
		Arrived: arrived, Answered: time.Now(),
	})
	if f != nil && f.LoseResponse {
		// The write happened; now drop the connection without a response.
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	rec.flushTo(w)
}

// Chaos makes a share of Management API requests (/v1/…) fail at random, the way a busy PingOne
// and its gateways do. Rates are between 0 and 1; the zero value is no chaos.
type Chaos struct {
	// RefuseRate: refused before any write, half with 429 REQUEST_LIMITED (Retry-After 1), half
	// with 503.
	RefuseRate float64
	// LostRate: handled (the write happens), then the answer is lost: half as a dropped
	// connection, half as a gateway 503 after the commit.
	LostRate float64
}

// SetChaos switches random faults on (the zero Chaos switches them off). Injected faults fire
// first. The draws come from the Server's random generator (WithRandomSeed).
func (s *Server) SetChaos(c Chaos) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chaos = c
}

func (s *Server) matchFault(r *http.Request) *Fault {
	if f := s.matchInjected(r); f != nil {
		return f
	}
	if !strings.HasPrefix(r.URL.Path, "/v1/") || (s.chaos.RefuseRate <= 0 && s.chaos.LostRate <= 0) {
		return nil
	}
	switch x := s.rng.Float64(); {
	case x < s.chaos.RefuseRate/2:
		return &Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"}
	case x < s.chaos.RefuseRate:
		return &Fault{Status: http.StatusServiceUnavailable}
	case x < s.chaos.RefuseRate+s.chaos.LostRate/2:
		return &Fault{LoseResponse: true}
	case x < s.chaos.RefuseRate+s.chaos.LostRate:
		return &Fault{Status: http.StatusServiceUnavailable, AfterCommit: true}
	}
	return nil
}

func (s *Server) matchInjected(r *http.Request) *Fault {
	for i, f := range s.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
			continue
		}
		if f.PathContains != "" && !strings.Contains(r.URL.Path, f.PathContains) {
			continue
		}
		f.Times--
		if f.Times <= 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return f
	}
	return nil
}

func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, f *Fault) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	c := &call{s: s, w: w, r: r}
	switch f.Status {
	case http.StatusTooManyRequests:
		c.fail(http.StatusTooManyRequests, "REQUEST_LIMITED",
			"The request could not be completed. You have exceeded your request limit.",
			detail{Code: "LIMIT_EXCEEDED", Message: "The request could not be completed. Too many requests were made."})
	case http.StatusInternalServerError:
		// [unconfirmed] the message; the code is PingOne's for a 500.
		c.fail(http.StatusInternalServerError, "UNEXPECTED_ERROR", "The request could not be completed. An unexpected error occurred.")
	default:
		// [unconfirmed] PingOne's 502/503 bodies are "generic" (GOCLI GeneralError);
		// we send a P1Error with code SERVICE_UNAVAILABLE.
		st := f.Status
		if st == 0 {
			st = http.StatusServiceUnavailable
		}
		c.fail(st, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable. Try again later.")
	}
}

// route dispatches by the first path segment: "v1" is the Management API,
// anything else is treated as an environment ID of the authorization server.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	segs := splitPath(r.URL.Path)
	if len(segs) >= 1 && segs[0] == "v1" {
		s.serveAPI(w, r, segs[1:])
		return
	}
	if len(segs) >= 2 && segs[1] == "as" {
		s.serveAuth(w, r, segs[0], segs[2:])
		return
	}
	if len(segs) >= 2 && segs[1] == "device" {
		s.serveDevicePage(w, r, segs[0], segs[2:])
		return
	}
	http.NotFound(w, r)
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// baseURL is scheme://host of the request, used to build _links and the issuer.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// recorder buffers a response so that it can be recorded, and dropped when a
// LoseResponse fault fires.
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) status() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}
func (r *recorder) flushTo(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.WriteHeader(r.status())
	_, _ = w.Write(r.body.Bytes())
}
