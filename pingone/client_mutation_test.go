package pingone

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestAURLWithoutAQueryEndsAtItsPath(t *testing.T) {
	c := &Client{BaseURL: "https://api.example/v1/"}
	for _, q := range []url.Values{nil, {}} {
		if u, _ := c.buildURL("/roles", q); u != "https://api.example/v1/roles" {
			t.Errorf("query %v: %q", q, u)
		}
	}
	if u, _ := c.buildURL("/users", url.Values{"filter": {`username eq "a"`}}); u != "https://api.example/v1/users?filter=username+eq+%22a%22" {
		t.Errorf("%q", u)
	}
}

func TestAnUndecodableResponseNamesThePathNotTheWholeURL(t *testing.T) {
	var out struct{ ID string }
	err := decodeInto("GET", "https://api.example/v1/roles?cursor=abc", []byte("{not json"), &out)
	if err == nil || !strings.Contains(err.Error(), "decode response of GET /v1/roles:") {
		t.Errorf("err %v", err)
	}
}

func TestEveryRequestCarriesTheUserAgent(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("User-Agent"))
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	for _, ua := range []string{"", "my-tool/1.0"} {
		c := &Client{BaseURL: srv.URL, HTTP: srv.Client(), UserAgent: ua}
		if err := c.do(context.Background(), http.MethodGet, "/x", nil, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 2 || got[0] != DefaultUserAgent || got[1] != "my-tool/1.0" {
		t.Errorf("user agents %q", got)
	}
}

// tokenFailure is a transport whose token source fails, as oauth2.Transport does.
type tokenFailure struct{ calls atomic.Int32 }

func (f *tokenFailure) RoundTrip(*http.Request) (*http.Response, error) {
	f.calls.Add(1)
	return nil, &TokenError{Code: "invalid_client", Status: 401, Err: errors.New("token endpoint said no")}
}

func TestAFailedTokenRequestIsNeverRetried(t *testing.T) {
	f := &tokenFailure{}
	c := &Client{BaseURL: "https://api.example/v1", HTTP: &http.Client{Transport: f}}
	c.Retry.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	err := c.do(context.Background(), http.MethodGet, "/roles", nil, nil, nil)
	var te *TokenError
	if !errors.As(err, &te) || f.calls.Load() != 1 {
		t.Errorf("err %v after %d attempts: a token failure is final", err, f.calls.Load())
	}
}

func TestAListStopsAfterAThousandPages(t *testing.T) {
	var pages atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := pages.Add(1)
		fmt.Fprintf(w, `{"_links":{"next":{"href":"%s/v1/roles?page=%d"}},"_embedded":{"roles":[]}}`, srv.URL, n)
	}))
	t.Cleanup(srv.Close)
	c := &Client{BaseURL: srv.URL + "/v1", HTTP: srv.Client()}
	_, err := list[Role](context.Background(), c, "/roles", nil, "roles")
	if err == nil || !strings.Contains(err.Error(), "more than 1000 pages") || pages.Load() != maxPages {
		t.Errorf("err %v after %d pages, want a stop after exactly %d", err, pages.Load(), maxPages)
	}
}

// A page that says how many items the list holds lets the list reserve room for them once,
// rather than grow page by page (a large directory is read in pages of 100).
func TestAListReservesRoomForWhatThePagesSayIsComing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		pages   []string // bodies; NEXT is replaced by the next page's URL
		wantCap int
	}{
		{"one page saying five", []string{`{"_embedded":{"roles":[{},{},{}]},"size":5}`}, 5},
		{"room left on the second page", []string{
			`{"_links":{"next":{"href":"NEXT"}},"_embedded":{"roles":[{},{},{}]},"size":10}`,
			`{"_embedded":{"roles":[{},{}]},"size":2}`}, 10},
		{"a full first page", []string{
			`{"_links":{"next":{"href":"NEXT"}},"_embedded":{"roles":[{},{},{},{},{}]},"size":5}`,
			`{"_embedded":{"roles":[{},{},{}]},"size":3}`}, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := 0
				if r.URL.Query().Get("page") == "2" {
					i = 1
				}
				_, _ = w.Write([]byte(strings.ReplaceAll(tc.pages[i], "NEXT", srv.URL+"/v1/roles?page=2")))
			}))
			t.Cleanup(srv.Close)
			c := &Client{BaseURL: srv.URL + "/v1", HTTP: srv.Client()}
			out, err := list[Role](context.Background(), c, "/roles", nil, "roles")
			if err != nil {
				t.Fatal(err)
			}
			if cap(out) != tc.wantCap {
				t.Errorf("%d roles in room for %d, want room for %d", len(out), cap(out), tc.wantCap)
			}
		})
	}
}

func TestRequireIDsChecksOnlyWholeNameValuePairs(t *testing.T) {
	if err := requireIDs("envID"); err != nil {
		t.Errorf("a name without a value: %v", err)
	}
	if err := requireIDs("envID", " "); err == nil || !strings.Contains(err.Error(), "envID must not be empty") {
		t.Errorf("an empty ID: %v", err)
	}
}

func TestAPageWithoutASizeOrThatCannotBeDecodedReportsSizeMinusOne(t *testing.T) {
	for _, body := range []string{`{"_embedded":{"roles":[{}]}}`, `{not json`, `{"_embedded":{"roles":{}}}`} {
		if _, _, size, _ := decodePage([]byte(body), "roles"); size != -1 {
			t.Errorf("%s: size %d, want -1", body, size)
		}
	}
	if _, _, size, _ := decodePage([]byte(`{"size":7}`), "roles"); size != 7 {
		t.Errorf("size %d, want 7", size)
	}
}

func TestNullAndBlankRawValuesAreNull(t *testing.T) {
	for raw, want := range map[string]bool{"null": true, " null ": true, "": true, "  ": true, "[]": false, `"null"`: false} {
		if got := isNull(json.RawMessage(raw)); got != want {
			t.Errorf("isNull(%q) = %v, want %v", raw, got, want)
		}
	}
}
