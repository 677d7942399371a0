// Package spec holds the PingOne client and the simulated PingOne to PingOne's
// published OpenAPI description of the Management API.
//
// Tests call [Load] to get a [Spec] and wrap their HTTP client's transport with
// [Spec.Transport]: every request under /v1/ is validated before it is sent and
// every response after it arrives, and each mismatch fails the test. On top of
// the schema validation done by kin-openapi, a strict check reports every JSON
// object key that the spec does not declare, so a misspelt field name
// ("grantType" for "grantTypes") cannot slip through.
//
// The spec is never copied into the project. It is read from the directory in
// PINGONE_OPENAPI_DIR or, by default, from ../shared/pingone-openapi beside
// the module root. When it is missing, tests skip, unless
// PINGONE_SPEC_REQUIRED=1 (set by CI), in which case they fail.
package spec

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// ManagementFile is the file name of PingOne's Management API description
// inside the spec directory.
const ManagementFile = "pingone-management.yml"

// Environment variables that control where the spec is found and whether its
// absence is fatal.
const (
	// EnvDir names the variable holding the directory that contains ManagementFile.
	EnvDir = "PINGONE_OPENAPI_DIR"
	// EnvRequired names the variable that, set to "1", turns a missing spec into a test failure.
	EnvRequired = "PINGONE_SPEC_REQUIRED"
)

// apiBase is the path prefix of the Management API; the spec's paths are relative to it.
const apiBase = "/v1"

// Spec validates HTTP traffic against PingOne's Management API description.
//
// Each call to [Load] returns a new Spec with its own [Stats]; the parsed
// document behind it is shared by the whole test binary. A Spec is safe for
// concurrent use.
type Spec struct {
	c *core

	mu    sync.Mutex
	stats Stats
}

// Stats counts the traffic a [Spec] has seen.
type Stats struct {
	// Requests is the number of requests validated against the spec, passing or not.
	Requests int
	// Responses is the number of responses validated against the spec, passing
	// or not (responses with an unlisted status are counted in Unlisted only).
	Responses int
	// Operations counts validated requests per operationId (e.g. "createApplication").
	Operations map[string]int
	// Failures is the number of requests and responses that did not match the spec.
	Failures int
	// Auth is the number of requests to the auth server (/{envID}/as/...), which
	// the Management API spec does not describe; they pass through unvalidated.
	Auth int
	// Other is the number of requests outside /v1/ and the auth server; they pass
	// through unvalidated.
	Other int
	// Unlisted counts responses whose status the spec does not list for their
	// operation, keyed "operationId status" (e.g. "createApplication 418").
	Unlisted map[string]int
}

// core is the parsed document and its router, shared by every Spec of a test binary.
type core struct {
	path     string
	doc      *openapi3.T
	router   routers.Router
	loadTime time.Duration
}

type loadResult struct {
	once sync.Once
	c    *core
	err  error
}

var (
	loadMu  sync.Mutex
	loadsBy = map[string]*loadResult{} // by spec file path
)

// Load returns a Spec for PingOne's Management API, parsing the description
// once per test binary. When the file is missing, Load skips the test, or
// fails it when PINGONE_SPEC_REQUIRED=1.
func Load(t testing.TB) *Spec {
	t.Helper()
	dir, err := specDir(os.Getenv, os.Getwd)
	if err != nil {
		t.Fatalf("locate PingOne OpenAPI spec: %v", err)
	}
	file := filepath.Join(dir, ManagementFile)
	if _, err := os.Stat(file); err != nil {
		msg, fatal := onMissing(file, os.Getenv)
		if fatal {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}

	loadMu.Lock()
	r := loadsBy[file]
	if r == nil {
		r = &loadResult{}
		loadsBy[file] = r
	}
	loadMu.Unlock()
	r.once.Do(func() { r.c, r.err = loadCore(file) })
	if r.err != nil {
		t.Fatalf("load PingOne OpenAPI spec: %v", r.err)
	}
	return &Spec{c: r.c}
}

// LoadTime reports how long parsing the spec and building its router took
// (once per test binary).
func (s *Spec) LoadTime() time.Duration { return s.c.loadTime }

// Stats returns a snapshot of the traffic counted so far.
func (s *Spec) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Operations = maps.Clone(s.stats.Operations)
	st.Unlisted = maps.Clone(s.stats.Unlisted)
	if st.Operations == nil {
		st.Operations = map[string]int{}
	}
	if st.Unlisted == nil {
		st.Unlisted = map[string]int{}
	}
	return st
}

func (s *Spec) record(f func(st *Stats)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stats.Operations == nil {
		s.stats.Operations = map[string]int{}
		s.stats.Unlisted = map[string]int{}
	}
	f(&s.stats)
}

// onMissing decides what a test does when the spec file is absent: the
// message to report and whether it is fatal (PINGONE_SPEC_REQUIRED=1) rather
// than a skip.
func onMissing(file string, getenv func(string) string) (msg string, fatal bool) {
	msg = fmt.Sprintf("PingOne OpenAPI spec not found at %s; set %s or clone ../shared (CI requires it)", file, EnvDir)
	return msg, getenv(EnvRequired) == "1"
}

// specDir returns $PINGONE_OPENAPI_DIR, or <module root>/../shared/pingone-openapi
// where the module root is the nearest directory at or above the working
// directory that holds go.mod.
func specDir(getenv func(string) string, getwd func() (string, error)) (string, error) {
	if d := getenv(EnvDir); d != "" {
		return d, nil
	}
	wd, err := getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", "pingone-openapi"), nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod at or above %s; set %s", wd, EnvDir)
		}
		d = parent
	}
}

// loadCore parses the spec file and builds a router that matches any host.
func loadCore(file string) (*core, error) {
	start := time.Now()
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	// The published file has a literal TAB inside a description (near line
	// 1704), which strict YAML rejects. Replace tabs in memory only.
	data = bytes.ReplaceAll(data, []byte("\t"), []byte(" "))

	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", file, err)
	}
	if doc.Paths == nil || doc.Paths.Len() == 0 {
		return nil, errors.New("spec has no paths")
	}
	// Match any scheme and host (tests use random ports): only the path under
	// /v1 decides the operation. The document's own Validate() is deliberately
	// not called: its examples have known problems.
	doc.Servers = openapi3.Servers{{URL: apiBase}}
	for _, item := range doc.Paths.Map() {
		item.Servers = nil
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("build router: %w", err)
	}
	return &core{path: file, doc: doc, router: router, loadTime: time.Since(start)}, nil
}
