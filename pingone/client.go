package pingone

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultUserAgent is sent when Client.UserAgent is empty.
const DefaultUserAgent = "pingone-setup"

// maxResponseBytes caps how much of a response body is read.
const maxResponseBytes = 16 << 20

// maxPages caps how many pages one list call follows.
const maxPages = 1000

// Client calls the PingOne Management API. The zero value is usable once BaseURL is
// set; it is safe for concurrent use as long as its fields are not changed meanwhile.
type Client struct {
	// BaseURL is the API base including /v1, e.g. https://api.pingone.com/v1
	// (see Region.APIURL and ResolveEndpoints).
	BaseURL string
	// HTTP sends the requests and carries authentication (an oauth2.Transport, see
	// HTTPClient); nil means http.DefaultClient, i.e. no authentication.
	HTTP *http.Client
	// TransactionID is sent as X-Ping-External-Transaction-ID on every request (cut to
	// 100 characters) so PingOne support can correlate a session; New sets a random one.
	TransactionID string
	// Transcript, when set, is called after every HTTP attempt, possibly from several
	// goroutines at once (use a Recorder, or synchronise).
	Transcript func(Call)
	// Retry is the retry policy; the zero value means the defaults.
	Retry RetryPolicy
	// UserAgent is sent as User-Agent; "" means DefaultUserAgent.
	UserAgent string
}

// New returns a Client for baseURL (including /v1) that sends requests with hc
// (nil = http.DefaultClient) and a random TransactionID.
func New(baseURL string, hc *http.Client) *Client {
	return &Client{BaseURL: baseURL, HTTP: hc, TransactionID: NewTransactionID()}
}

// NewTransactionID returns a random ID suitable for X-Ping-External-Transaction-ID.
func NewTransactionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "pingone-setup-" + hex.EncodeToString(b[:])
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// pathOf joins path segments, escaping each one, into "/a/b/c".
func pathOf(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// requireIDs returns an error naming the first empty ID.
func requireIDs(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			return fmtErr("%s must not be empty", pairs[i])
		}
	}
	return nil
}

// buildURL joins BaseURL, an already escaped path and a query.
func (c *Client) buildURL(path string, query url.Values) (string, error) {
	if c.BaseURL == "" {
		return "", fmtErr("Client.BaseURL is not set")
	}
	u := strings.TrimRight(c.BaseURL, "/") + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	return u, nil
}

// do sends one API request (with retries) to BaseURL+path. in, when non-nil, is sent
// as JSON ([]byte and json.RawMessage as is); out, when non-nil, receives the decoded
// 2xx response body.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	u, err := c.buildURL(path, query)
	if err != nil {
		return err
	}
	var body []byte
	switch v := in.(type) {
	case nil:
	case []byte:
		body = v
	case json.RawMessage:
		body = v
	default:
		if body, err = json.Marshal(in); err != nil {
			return fmtErr("encode %s %s request: %v", method, path, err)
		}
	}
	respBody, err := c.send(ctx, method, u, body)
	if err != nil {
		return err
	}
	return decodeInto(method, u, respBody, out)
}

func decodeInto(method, rawURL string, body []byte, out any) error {
	if out == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if p, ok := out.(*[]byte); ok {
		*p = body
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmtErr("decode response of %s %s: %v", method, urlPath(rawURL), err)
	}
	return nil
}

func urlPath(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Path
	}
	return raw
}

// send performs a request against an absolute URL, retrying per c.Retry, and returns
// the body of a 2xx response.
func (c *Client) send(ctx context.Context, method, rawURL string, body []byte) ([]byte, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	pol := c.Retry
	max := pol.maxAttempts()
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		respBody, retryAfter, retry, err := c.attempt(ctx, method, rawURL, body, attempt)
		if err == nil {
			return respBody, nil
		}
		if !retry || attempt >= max {
			return nil, err
		}
		if serr := pol.sleep(ctx, pol.backoff(attempt+1, retryAfter)); serr != nil {
			return nil, err
		}
	}
}

// attempt performs one HTTP attempt. It reports whether another attempt may be made.
func (c *Client) attempt(ctx context.Context, method, rawURL string, body []byte, n int) (respBody []byte, retryAfter time.Duration, retry bool, err error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return nil, 0, false, fmtErr("build request: %v", err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	ua := c.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	req.Header.Set("User-Agent", ua)
	if tid := c.TransactionID; tid != "" {
		if len(tid) > 100 {
			tid = tid[:100]
		}
		req.Header.Set("X-Ping-External-Transaction-ID", tid)
	}
	call := Call{
		Method:        method,
		Path:          req.URL.Path,
		Query:         req.URL.RawQuery,
		Attempt:       n,
		RequestBody:   c.redact(body),
		TransactionID: c.TransactionID,
	}
	start := time.Now()
	resp, err := c.httpClient().Do(req)
	if err == nil {
		respBody, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
		resp.Body.Close()
		call.Status = resp.StatusCode
	}
	call.Duration = time.Since(start)
	if err != nil {
		call.Err = err.Error()
		c.record(call)
		return nil, 0, c.retryTransport(ctx, method, err), c.transportError(method, req.URL.Path, err)
	}
	call.ResponseBody = c.redact(respBody)
	if apiErr := CheckResponse(resp, respBody); apiErr != nil {
		e := apiErr.(*Error)
		call.ErrorID = e.ID
		call.Err = e.Error()
		c.record(call)
		return nil, e.RetryAfter, retryableStatus(method, e.Status), statusError(method, e)
	}
	c.record(call)
	return respBody, 0, false, nil
}

// retryTransport reports whether a transport error may be retried. A connection that
// could not be made at all (refused, unknown host) is not retried: it means a wrong
// endpoint or region far more often than a blip, and backing off would only delay
// saying so.
func (c *Client) retryTransport(ctx context.Context, method string, err error) bool {
	if ctx.Err() != nil || isTokenError(err) || notSent(err) {
		return false
	}
	return idempotent(method)
}

// transportError explains a failed attempt. For a POST (not idempotent) whose request
// may have reached PingOne, the error wraps ErrOutcomeUnknown.
func (c *Client) transportError(method, path string, err error) error {
	if isTokenError(err) {
		var te *TokenError
		errors.As(err, &te)
		return te
	}
	if !idempotent(method) && !notSent(err) {
		return fmt.Errorf("%s %s: %w: %w", method, path, ErrOutcomeUnknown, err)
	}
	return fmt.Errorf("%s %s: %w", method, path, err)
}

// notSent reports whether a transport error certainly happened before the request
// was written (the connection was never made).
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

func isTokenError(err error) bool {
	var te *TokenError
	return errors.As(err, &te)
}

// page is one page of a PingOne collection (schema EntityArray).
type page struct {
	Links    map[string]Link            `json:"_links"`
	Embedded map[string]json.RawMessage `json:"_embedded"`
	Count    *int                       `json:"count"`
	Size     *int                       `json:"size"`
}

// decodePage decodes a collection page and returns the raw items under
// _embedded.<key>, the next link (or "") and the page size PingOne reported (or -1).
// A missing _embedded or key means an empty page [unconfirmed: PingOne may omit
// _embedded on empty collections].
func decodePage(body []byte, key string) (items []json.RawMessage, next string, size int, err error) {
	var p page
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, "", -1, fmt.Errorf("decode page: %w", err)
	}
	size = -1
	if p.Size != nil {
		size = *p.Size
	}
	if raw, ok := p.Embedded[key]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, "", size, fmt.Errorf("decode _embedded.%s: %w", key, err)
		}
	}
	if l, ok := p.Links["next"]; ok {
		next = strings.TrimSpace(l.Href)
	}
	return items, next, size, nil
}

func isNull(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

// list fetches every page of a collection, following _links.next.href verbatim until
// it is absent, and decodes _embedded.<key>. Page size is whatever PingOne returned:
// a short page with a next link is followed, a full page without one ends the list.
func list[T any](ctx context.Context, c *Client, path string, query url.Values, key string) ([]T, error) {
	first, err := c.buildURL(path, query)
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(first)
	if err != nil {
		return nil, fmtErr("bad BaseURL: %v", err)
	}
	cur := first
	seen := map[string]bool{first: true}
	out := []T{}
	for n := 1; ; n++ {
		body, err := c.send(ctx, http.MethodGet, cur, nil)
		if err != nil {
			return nil, err
		}
		raw, next, size, err := decodePage(body, key)
		if err != nil {
			return nil, fmtErr("list %s: %v", urlPath(cur), err)
		}
		if size > 0 && cap(out)-len(out) < size {
			out = append(make([]T, 0, len(out)+size), out...)
		}
		for i, r := range raw {
			var v T
			if err := json.Unmarshal(r, &v); err != nil {
				return nil, fmtErr("list %s: decode _embedded.%s[%d]: %v", urlPath(cur), key, i, err)
			}
			out = append(out, v)
		}
		if next == "" {
			return out, nil
		}
		nu, err := url.Parse(next)
		if err != nil {
			return nil, fmtErr("list %s: bad next link %q: %v", urlPath(cur), next, err)
		}
		if !nu.IsAbs() {
			cu, _ := url.Parse(cur)
			nu = cu.ResolveReference(nu)
			next = nu.String()
		}
		if nu.Scheme != base.Scheme || nu.Host != base.Host {
			return nil, fmtErr("list %s: next link points to %s://%s, not the API host %s; refusing to follow it", urlPath(cur), nu.Scheme, nu.Host, base.Host)
		}
		if seen[next] {
			return nil, fmtErr("list %s: next link %q repeats an earlier page; stopping to avoid a loop", urlPath(cur), next)
		}
		if n >= maxPages {
			return nil, fmtErr("list %s: more than %d pages; stopping", urlPath(cur), maxPages)
		}
		seen[next] = true
		cur = next
	}
}

// redact returns body redacted for the transcript, and nothing when no transcript listens:
// redaction is the costliest part of a large response, and nobody would read it.
func (c *Client) redact(body []byte) []byte {
	if c.Transcript == nil {
		return nil
	}
	return Redact(body)
}
