package pingonetest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	testKeyOnce sync.Once
	testKey     *rsa.PrivateKey
)

// sharedKey saves generating an RSA key per test.
func sharedKey() *rsa.PrivateKey {
	testKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		testKey = k
	})
	return testKey
}

type fixture struct {
	t      *testing.T
	client *http.Client
	sim    *Server
	srv    *httptest.Server
	seed   Seed
}

func newFixture(t *testing.T, opts ...Option) *fixture {
	t.Helper()
	sim := New(append([]Option{WithSigningKey(sharedKey())}, opts...)...)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &fixture{t: t, sim: sim, srv: srv, seed: sim.Seed(), client: srv.Client()}
}

func (f *fixture) prod() string { return f.seed.Production.ID }

func (f *fixture) userToken(userID string) string {
	return f.sim.IssueUserToken(f.prod(), userID, time.Hour)
}

func (f *fixture) admin() string { return f.userToken(f.seed.Admin.ID) }

type resp struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// do sends a JSON request to path (relative to the server, e.g. "/v1/roles").
func (f *fixture) do(token, method, path string, body any) resp {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	u := path
	if !strings.HasPrefix(path, "http") {
		u = f.srv.URL + path
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := f.client.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := resp{status: res.StatusCode, header: res.Header, raw: string(raw)}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &r.body)
	}
	return r
}

func (f *fixture) form(path string, vals url.Values, user, pass string) resp {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	res, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := resp{status: res.StatusCode, header: res.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

func (f *fixture) expect(r resp, status int) {
	f.t.Helper()
	if r.status != status {
		f.t.Fatalf("status = %d, want %d; body %s", r.status, status, r.raw)
	}
}

// expectError checks a P1Error: status, code and (if non-empty) a detail
// with that code and target.
func (f *fixture) expectError(r resp, status int, code, detailCode, target string) {
	f.t.Helper()
	f.expect(r, status)
	if r.body["code"] != code {
		f.t.Fatalf("code = %v, want %s; body %s", r.body["code"], code, r.raw)
	}
	if id, _ := r.body["id"].(string); len(id) != 36 {
		f.t.Fatalf("error id %q is not a UUID", id)
	}
	if detailCode == "" {
		return
	}
	for _, d := range details(r) {
		if d["code"] == detailCode && (target == "" || d["target"] == target) {
			return
		}
	}
	f.t.Fatalf("no detail %s/%s in %s", detailCode, target, r.raw)
}

func details(r resp) []map[string]any {
	ds, _ := r.body["details"].([]any)
	var out []map[string]any
	for _, d := range ds {
		out = append(out, d.(map[string]any))
	}
	return out
}

func embedded(r resp, key string) []map[string]any {
	e, _ := r.body["_embedded"].(map[string]any)
	l, _ := e[key].([]any)
	var out []map[string]any
	for _, x := range l {
		out = append(out, x.(map[string]any))
	}
	return out
}

func names(items []map[string]any, key string) []string {
	var out []string
	for _, it := range items {
		s, _ := it[key].(string)
		out = append(out, s)
	}
	return out
}

func workerBody(name string) map[string]any {
	return map[string]any{
		"name": name, "enabled": true, "type": "WORKER", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"CLIENT_CREDENTIALS"}, "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
		"assignActorRoles": false,
	}
}

func (f *fixture) appsPath(envID string) string { return "/v1/environments/" + envID + "/applications" }

func newJSONRequest(method, u, body, token string) (*http.Request, error) {
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return req, nil
}
