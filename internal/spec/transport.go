package spec

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Transport returns an http.RoundTripper that validates traffic through next
// (http.DefaultTransport when nil) and fails t on every mismatch.
//
// Requests whose path is under /v1/ are validated before they are sent and
// their responses after they arrive; bodies are buffered and restored, so
// callers see them unchanged. Failures are reported with t.Errorf naming the
// method, path and problems; a request the spec has no operation for is a
// failure too. A response status the spec does not list is logged with
// t.Logf and counted in Stats.Unlisted. Requests to the auth server
// (/{envID}/as/...) and other paths pass through unvalidated and are counted
// in Stats.Auth and Stats.Other.
//
// The transport must not be used after the test that created it has finished.
func (s *Spec) Transport(t testing.TB, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &transport{s: s, t: t, next: next}
}

type transport struct {
	s    *Spec
	t    testing.TB
	next http.RoundTripper
}

func (tr *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	path := req.URL.Path
	if !strings.HasPrefix(path, apiBase+"/") {
		if isAuthPath(path) {
			tr.s.record(func(st *Stats) { st.Auth++ })
		} else {
			tr.s.record(func(st *Stats) { st.Other++ })
		}
		return tr.next.RoundTrip(req)
	}

	// Buffer the body and send a copy: a RoundTripper must not modify req.
	var body []byte
	out := req
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		out = req.Clone(req.Context())
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}

	route, params, err := tr.s.validateRequest(req, body)
	if err != nil {
		tr.t.Errorf("spec: request %v", err)
	}

	resp, rerr := tr.next.RoundTrip(out)
	if rerr != nil || route == nil {
		// No response, or no operation to hold it to (already reported).
		return resp, rerr
	}

	rbody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(rbody))

	unlisted, err := tr.s.validateResponse(req, route, params, resp.StatusCode, resp.Header, rbody)
	switch {
	case err != nil:
		tr.t.Errorf("spec: response %v", err)
	case unlisted:
		tr.t.Logf("spec: %s %s (%s) returned status %d, which PingOne's spec does not list (unlisted status)",
			req.Method, path, opName(route), resp.StatusCode)
	}
	return resp, nil
}

// isAuthPath reports whether path is on the per-environment auth server,
// /{envID}/as/..., which the Management API spec does not describe.
func isAuthPath(path string) bool {
	parts := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 3)
	return len(parts) >= 2 && parts[0] != "" && parts[1] == "as"
}
