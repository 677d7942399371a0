package spec

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	envID = "abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6"
	appID = "3c2b5f9e-1f0a-4b5c-9d7e-2a1b3c4d5e6f"
)

const workerCreate = `{
  "name": "pingone-setup worker",
  "description": "Created by pingone-setup",
  "enabled": true,
  "type": "WORKER",
  "protocol": "OPENID_CONNECT",
  "grantTypes": ["CLIENT_CREDENTIALS"],
  "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
  "assignActorRoles": false
}`

// workerApp is a created WORKER as PingOne returns it (reconstructed from the spec's fields).
const workerApp = `{
  "_links": {
    "self": {"href": "https://api.pingone.com/v1/environments/` + envID + `/applications/` + appID + `"},
    "environment": {"href": "https://api.pingone.com/v1/environments/` + envID + `"}
  },
  "environment": {"id": "` + envID + `"},
  "id": "` + appID + `",
  "name": "pingone-setup worker",
  "description": "Created by pingone-setup",
  "enabled": true,
  "hiddenFromAppPortal": false,
  "type": "WORKER",
  "protocol": "OPENID_CONNECT",
  "createdAt": "2026-11-22T10:00:00.000Z",
  "updatedAt": "2026-11-22T10:00:00.000Z",
  "grantTypes": ["CLIENT_CREDENTIALS"],
  "tokenEndpointAuthMethod": "CLIENT_SECRET_BASIC",
  "pkceEnforcement": "OPTIONAL",
  "refreshTokenDuration": 2592000
}`

const p1Error = `{
  "id": "6c796712-0f16-4062-815a-e0a92f4a2143",
  "code": "INVALID_DATA",
  "message": "The request could not be completed. One or more validation errors were in the request.",
  "details": [{"code": "INVALID_VALUE", "target": "grantTypes", "message": "Invalid grant type",
               "innerError": {"allowedValues": ["CLIENT_CREDENTIALS"]}}]
}`

// reply is what the tiny test server answers.
type reply struct {
	status int
	body   string
}

// serve starts a server that answers every request with r and records the
// request bodies it received.
func serve(t *testing.T, r reply) (*httptest.Server, *[]string) {
	t.Helper()
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		mu.Lock()
		got = append(got, string(b))
		mu.Unlock()
		if r.body != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(r.status)
		io.WriteString(w, r.body)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

// recorder captures what the transport reports, so a test can assert on a
// failure without failing itself.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	logs   []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

// do sends one request through a validating transport and returns the
// response body the caller sees.
func do(t *testing.T, s *Spec, rec *recorder, method, url, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer test-token")
	client := &http.Client{Transport: s.Transport(rec, nil)}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func appsURL(srv *httptest.Server) string {
	return srv.URL + "/v1/environments/" + envID + "/applications"
}

func newRequest(t testing.TB, method, path, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, "http://127.0.0.1:1"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer test-token")
	return req
}

func wantErrorContaining(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one mentioning %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error does not mention %q:\n%v", p, err)
		}
	}
	t.Logf("reported as:\n%v", err)
}

func TestTheSpecLoadsOnceWithinAFewSeconds(t *testing.T) {
	start := time.Now()
	s := Load(t)
	t.Logf("parsing the spec and building its router took %v (first Load in this binary: %v)", s.LoadTime(), time.Since(start))
	if s.LoadTime() > 15*time.Second {
		t.Errorf("loading took %v, want a few seconds at most", s.LoadTime())
	}
	again := time.Now()
	if Load(t).c != s.c {
		t.Error("a second Load parsed the spec again")
	}
	if d := time.Since(again); d > time.Second {
		t.Errorf("a second Load took %v, want it cached", d)
	}
}

func TestAValidWorkerCreatePassesBothWays(t *testing.T) {
	s := Load(t)
	srv, got := serve(t, reply{http.StatusCreated, workerApp})
	rec := &recorder{TB: t}

	status, body := do(t, s, rec, http.MethodPost, appsURL(srv), workerCreate)

	if len(rec.errors) > 0 {
		t.Fatalf("valid traffic was reported: %q", rec.errors)
	}
	if status != http.StatusCreated || body != workerApp {
		t.Errorf("caller saw %d %q, want the server's reply unchanged", status, body)
	}
	if len(*got) != 1 || (*got)[0] != workerCreate {
		t.Errorf("server received %q, want the request body unchanged", *got)
	}
	st := s.Stats()
	if st.Requests != 1 || st.Responses != 1 || st.Operations["createApplication"] != 1 || st.Failures != 0 {
		t.Errorf("stats = %+v, want one createApplication request and response, no failures", st)
	}
}

func TestAMisspeltGrantTypeValueFails(t *testing.T) {
	s := Load(t)
	body := strings.Replace(workerCreate, `"CLIENT_CREDENTIALS"`, `"CLIENT_CREDENTIAL"`, 1)
	err := s.ValidateRequest(newRequest(t, http.MethodPost, "/v1/environments/"+envID+"/applications", body), []byte(body))
	wantErrorContaining(t, err, "POST /v1/environments/"+envID+"/applications", "createApplication",
		"closest is ApplicationOIDC", "/grantTypes/0", "allowed values")
	if len(err.Error()) > maxMessageLen+100 {
		t.Errorf("message is %d characters long, want it trimmed", len(err.Error()))
	}
}

func TestAMisspeltFieldNameFails(t *testing.T) {
	s := Load(t)
	body := strings.Replace(workerCreate, `"grantTypes"`, `"grantType"`, 1)
	err := s.ValidateRequest(newRequest(t, http.MethodPost, "/v1/environments/"+envID+"/applications", body), []byte(body))
	wantErrorContaining(t, err, "request body: $.grantType: property not declared")
}

func TestAReplaceThatSendsReadOnlyFieldsFails(t *testing.T) {
	s := Load(t)
	body := strings.Replace(workerCreate, `"name"`, `"id": "`+appID+`", "createdAt": "2026-11-22T10:00:00.000Z", "name"`, 1)
	err := s.ValidateRequest(newRequest(t, http.MethodPut, "/v1/environments/"+envID+"/applications/"+appID, body), []byte(body))
	wantErrorContaining(t, err, "updateApplication", "id", "createdAt")
}

func TestAnUnknownFieldInAResponseFails(t *testing.T) {
	s := Load(t)
	bad := strings.Replace(workerApp, `"pkceEnforcement"`, `"clientSecretExpiry": 30, "pkceEnforcement"`, 1)
	srv, _ := serve(t, reply{http.StatusCreated, bad})
	rec := &recorder{TB: t}

	do(t, s, rec, http.MethodPost, appsURL(srv), workerCreate)

	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "response 201: body: $.clientSecretExpiry: property not declared") {
		t.Fatalf("reported %q, want the unknown response field", rec.errors)
	}
	if s.Stats().Failures != 1 {
		t.Errorf("stats = %+v, want one failure", s.Stats())
	}
}

func TestAnUnknownEndpointFails(t *testing.T) {
	s := Load(t)
	srv, _ := serve(t, reply{http.StatusOK, `{}`})
	rec := &recorder{TB: t}

	do(t, s, rec, http.MethodGet, srv.URL+"/v1/environments/"+envID+"/widgets", "")
	do(t, s, rec, http.MethodPatch, appsURL(srv)+"/"+appID, `{"name":"x"}`)

	if len(rec.errors) != 2 {
		t.Fatalf("reported %q, want both requests", rec.errors)
	}
	if !strings.Contains(rec.errors[0], "has no operation GET /v1/environments/"+envID+"/widgets") {
		t.Errorf("unknown path reported as %q", rec.errors[0])
	}
	if !strings.Contains(rec.errors[1], "has no PATCH operation") {
		t.Errorf("unknown method reported as %q", rec.errors[1])
	}
}

func TestErrorResponsesAreHeldToP1Error(t *testing.T) {
	s := Load(t)
	req := newRequest(t, http.MethodPost, "/v1/environments/"+envID+"/applications", workerCreate)
	h := http.Header{"Content-Type": {"application/json"}}

	if err := s.ValidateResponse(req, http.StatusBadRequest, h, []byte(p1Error)); err != nil {
		t.Errorf("a well-formed P1Error was reported: %v", err)
	}
	bad := strings.Replace(p1Error, `"target"`, `"field"`, 1)
	wantErrorContaining(t, s.ValidateResponse(req, http.StatusBadRequest, h, []byte(bad)),
		"response 400: body: $.details[0].field: property not declared")
}

func TestAnUnlistedStatusIsLoggedAndCountedNotFailed(t *testing.T) {
	s := Load(t)
	srv, _ := serve(t, reply{http.StatusTeapot, `{"hello":"teapot"}`})
	rec := &recorder{TB: t}

	do(t, s, rec, http.MethodPost, appsURL(srv), workerCreate)

	if len(rec.errors) > 0 {
		t.Errorf("an unlisted status failed the test: %q", rec.errors)
	}
	if len(rec.logs) != 1 || !strings.Contains(rec.logs[0], "unlisted status") || !strings.Contains(rec.logs[0], "418") {
		t.Errorf("logged %q, want the unlisted status", rec.logs)
	}
	if n := s.Stats().Unlisted["createApplication 418"]; n != 1 {
		t.Errorf("Unlisted = %v, want createApplication 418 counted once", s.Stats().Unlisted)
	}
}

func TestCollectionsAreCheckedDownToEmbeddedItems(t *testing.T) {
	s := Load(t)
	req := newRequest(t, http.MethodGet, "/v1/environments/"+envID+"/applications", "")
	h := http.Header{"Content-Type": {"application/json"}}
	list := `{"_links":{"self":{"href":"https://api.pingone.com/v1/environments/` + envID + `/applications"}},
	  "_embedded":{"applications":[` + workerApp + `]},"count":1,"size":1}`

	if err := s.ValidateResponse(req, http.StatusOK, h, []byte(list)); err != nil {
		t.Errorf("a valid list was reported: %v", err)
	}
	bad := strings.Replace(list, `"pkceEnforcement"`, `"grantType": [], "pkceEnforcement"`, 1)
	wantErrorContaining(t, s.ValidateResponse(req, http.StatusOK, h, []byte(bad)),
		"$._embedded.applications[0].grantType: property not declared")
	badLink := strings.Replace(list, `{"href":`, `{"ref":`, 1)
	wantErrorContaining(t, s.ValidateResponse(req, http.StatusOK, h, []byte(badLink)), "$._links.self.ref")
}

func TestAuthServerRequestsPassThroughUnvalidated(t *testing.T) {
	s := Load(t)
	srv, got := serve(t, reply{http.StatusOK, `{"access_token":"x","token_type":"Bearer","expires_in":3600}`})
	rec := &recorder{TB: t}

	do(t, s, rec, http.MethodPost, srv.URL+"/"+envID+"/as/token", "grant_type=client_credentials")

	if len(rec.errors) > 0 || len(*got) != 1 {
		t.Errorf("auth request reported %q or not delivered (%d)", rec.errors, len(*got))
	}
	if st := s.Stats(); st.Auth != 1 || st.Requests != 0 {
		t.Errorf("stats = %+v, want one auth request and nothing validated", st)
	}
}

func TestFailureMessagesNeverContainBodyValues(t *testing.T) {
	s := Load(t)
	req := newRequest(t, http.MethodGet, "/v1/environments/"+envID+"/applications/"+appID+"/secret", "")
	h := http.Header{"Content-Type": {"application/json"}}
	body := `{"secret": "s3cr3t-value-1", "previous": {"secret": 42}, "secretx": "s3cr3t-value-2"}`

	err := s.ValidateResponse(req, http.StatusOK, h, []byte(body))

	wantErrorContaining(t, err, "/previous/secret", "$.secretx")
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("error leaks a secret: %v", err)
	}
}

func TestConcurrentTrafficIsCountedExactly(t *testing.T) {
	s := Load(t)
	srv, _ := serve(t, reply{http.StatusCreated, workerApp})
	rec := &recorder{TB: t}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, appsURL(srv), bytes.NewReader([]byte(workerCreate)))
			req.Header.Set("Content-Type", "application/json")
			resp, err := (&http.Client{Transport: s.Transport(rec, nil)}).Do(req)
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if st := s.Stats(); st.Requests != 8 || st.Responses != 8 || len(rec.errors) > 0 {
		t.Errorf("stats = %+v, errors %q; want 8 clean round trips", st, rec.errors)
	}
}

func TestAMissingSpecSkipsUnlessCIRequiresIt(t *testing.T) {
	for _, tc := range []struct {
		required  string
		wantFatal bool
	}{{"", false}, {"0", false}, {"1", true}} {
		msg, fatal := onMissing("/nowhere/pingone-management.yml", func(k string) string {
			if k == EnvRequired {
				return tc.required
			}
			return ""
		})
		if fatal != tc.wantFatal {
			t.Errorf("%s=%q: fatal = %v, want %v", EnvRequired, tc.required, fatal, tc.wantFatal)
		}
		want := "PingOne OpenAPI spec not found at /nowhere/pingone-management.yml; set PINGONE_OPENAPI_DIR or clone ../shared (CI requires it)"
		if msg != want {
			t.Errorf("message = %q, want %q", msg, want)
		}
	}
}

// skipRecorder records how Load ends a test without ending this one.
type skipRecorder struct {
	testing.TB
	skipped, fatal string
}

func (r *skipRecorder) Helper()           {}
func (r *skipRecorder) Skip(args ...any)  { r.skipped = fmt.Sprint(args...); runtime.Goexit() }
func (r *skipRecorder) Fatal(args ...any) { r.fatal = fmt.Sprint(args...); runtime.Goexit() }
func (r *skipRecorder) Fatalf(f string, args ...any) {
	r.fatal = fmt.Sprintf(f, args...)
	runtime.Goexit()
}

func TestLoadSkipsWhenTheSpecDirectoryHasNoSpec(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvDir, dir)
	t.Setenv(EnvRequired, "")
	rec := &skipRecorder{TB: t}
	done := make(chan struct{})
	go func() { defer close(done); Load(rec) }()
	<-done
	if !strings.Contains(rec.skipped, filepath.Join(dir, ManagementFile)) || rec.fatal != "" {
		t.Errorf("skipped %q, fatal %q; want a skip naming the missing file", rec.skipped, rec.fatal)
	}
}

func TestTheSpecIsFoundBesideTheModuleRoot(t *testing.T) {
	root := t.TempDir()
	mod := filepath.Join(root, "main")
	deep := filepath.Join(mod, "internal", "spec")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noEnv := func(string) string { return "" }
	got, err := specDir(noEnv, func() (string, error) { return deep, nil })
	if want := filepath.Join(root, "shared", "pingone-openapi"); err != nil || got != want {
		t.Errorf("specDir = %q, %v; want %q", got, err, want)
	}
	env := func(k string) string {
		if k == EnvDir {
			return "/custom"
		}
		return ""
	}
	if got, _ := specDir(env, nil); got != "/custom" {
		t.Errorf("with %s set, specDir = %q, want /custom", EnvDir, got)
	}
}

func BenchmarkValidateWorkerCreate(b *testing.B) {
	s := Load(b)
	req := newRequest(b, http.MethodPost, "/v1/environments/"+envID+"/applications", workerCreate)
	body := []byte(workerCreate)
	for b.Loop() {
		if err := s.ValidateRequest(req, body); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEverydayWizardTrafficPasses guards against false alarms: well-formed
// traffic for every endpoint the wizard uses must pass both checks.
func TestEverydayWizardTrafficPasses(t *testing.T) {
	s := Load(t)
	env := "/v1/environments/" + envID
	app := env + "/applications/" + appID
	links := `"_links":{"self":{"href":"https://api.pingone.com/v1/x"}}`
	for _, tc := range []struct {
		name, method, path, req string
		status                  int
		resp                    string
	}{
		{"list environments", "GET", "/v1/environments", "", 200,
			`{` + links + `,"_embedded":{"environments":[{` + links + `,"id":"e","name":"Administrators","type":"SANDBOX","region":"NA",` +
				`"organization":{"id":"o"},"license":{"id":"l"},"createdAt":"2026-11-22T10:00:00.000Z","updatedAt":"2026-11-22T10:00:00.000Z"}]},"count":1,"size":1}`},
		{"read an application", "GET", app, "", 200, workerApp},
		{"replace an application", "PUT", app, workerCreate, 200, workerApp},
		{"delete an application", "DELETE", app, "", 204, ""},
		{"read the secret", "GET", app + "/secret", "", 200, `{` + links + `,"environment":{"id":"e"},"secret":"abc"}`},
		{"rotate the secret", "POST", app + "/secret", `{"previous":{"expiresAt":"2026-11-23T10:00:00.000Z"}}`, 200,
			`{"secret":"abc","previous":{"secret":"old","expiresAt":"2026-11-23T10:00:00.000Z","lastUsed":"2026-11-22T10:00:00.000Z"}}`},
		{"assign a role", "POST", app + "/roleAssignments", `{"role":{"id":"r"},"scope":{"id":"e","type":"ENVIRONMENT"}}`, 201,
			`{` + links + `,"id":"a","role":{"id":"r"},"scope":{"id":"e","type":"ENVIRONMENT"},"environment":{"id":"e"},"readOnly":false}`},
		{"list roles", "GET", "/v1/roles", "", 200,
			`{` + links + `,"_embedded":{"roles":[{"id":"r","name":"Environment Admin","description":"d","applicableTo":["ENVIRONMENT","ORGANIZATION"],` +
				`"permissions":[{"id":"applications:read:application","classifier":"applications:read:application","description":"Read applications"}]}]},"count":1,"size":1}`},
		{"grant scopes", "POST", app + "/grants", `{"resource":{"id":"r"},"scopes":[{"id":"s"}]}`, 201,
			`{"id":"g","resource":{"id":"r"},"scopes":[{"id":"s"}],"application":{"id":"a"},"createdAt":"2026-11-22T10:00:00.000Z","updatedAt":"2026-11-22T10:00:00.000Z"}`},
		{"find users", "GET", env + "/users?filter=username%20eq%20%22x%22&limit=10", "", 200,
			`{"_embedded":{"users":[{"id":"u","username":"x","email":"x@example.com","enabled":true,"population":{"id":"p"},"environment":{"id":"e"}}]},"count":1,"size":1}`},
		{"list resources", "GET", env + "/resources", "", 200,
			`{"_embedded":{"resources":[{"id":"r","name":"PingOne API","type":"PINGONE_API","audience":"https://api.pingone.com","accessTokenValiditySeconds":3600}]},"count":1,"size":1}`},
		{"be refused", "POST", env + "/applications", workerCreate, 403,
			`{"id":"i","code":"ACCESS_FAILED","message":"m","details":[{"code":"INSUFFICIENT_PERMISSIONS","message":"m"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := newRequest(t, tc.method, tc.path, tc.req)
			h := http.Header{"Content-Type": {"application/json"}}
			if tc.req == "" {
				req.Header.Del("Content-Type")
			}
			if err := s.ValidateRequest(req, []byte(tc.req)); err != nil {
				t.Errorf("request: %v", err)
			}
			if tc.resp == "" {
				h = http.Header{}
			}
			if err := s.ValidateResponse(req, tc.status, h, []byte(tc.resp)); err != nil {
				t.Errorf("response: %v", err)
			}
		})
	}
}
