package signin

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode"
)

const fuzzState = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo"

// callback sends one request with this path and raw query to a fresh handler and returns the
// response and the result it delivered, if any.
func callback(h http.Handler, results chan callbackResult, path, rawQuery string) (*httptest.ResponseRecorder, *callbackResult) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, &http.Request{Method: http.MethodGet, URL: &url.URL{Path: path, RawQuery: rawQuery}, Header: http.Header{}})
	select {
	case res := <-results:
		return rec, &res
	default:
		return rec, nil
	}
}

func TestACallbackThatRepeatsAParameterOrCarriesAMalformedCodeFails(t *testing.T) {
	c := Config{EnvironmentID: "6f1c2a3b-0000-4000-8000-000000000000", ClientID: "cli", RedirectPath: DefaultRedirectPath}
	for _, q := range []string{"code=a&code=b", "error=access_denied&error=x", "code=a%0Ab", "code=%FF"} {
		results := make(chan callbackResult, 1)
		rec, res := callback(c.callbackHandler(fuzzState, results), results, DefaultRedirectPath, "state="+fuzzState+"&"+q)
		if res == nil || res.err == nil || rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, result %+v", q, rec.Code, res)
		}
	}
	results := make(chan callbackResult, 1)
	if rec, res := callback(c.callbackHandler(fuzzState, results), results, DefaultRedirectPath, "state="+fuzzState+"&state=x&code=a"); res != nil || rec.Code != http.StatusBadRequest {
		t.Errorf("a repeated state ended the wait: %d %+v", rec.Code, res)
	}
}

// expectedPage is the fixed page the handler must answer with: nothing of the query in it.
func expectedPage(path string, ours bool, res *callbackResult) string {
	rec := httptest.NewRecorder()
	switch {
	case path != DefaultRedirectPath:
		http.NotFound(rec, nil)
	case !ours:
		writePage(rec, http.StatusBadRequest, "Not this sign-in",
			"This response does not belong to the sign-in pingone-setup is waiting for. Finish the sign-in in the tab it opened, or return to the terminal.")
	case res != nil && res.err != nil:
		var e *Error
		if !errors.As(res.err, &e) {
			return "(not an *Error)"
		}
		writePage(rec, http.StatusBadRequest, "Sign-in failed", "Sign-in failed: "+e.Reason.Error()+". Return to the terminal for details.")
	default:
		writePage(rec, http.StatusOK, "Signed in", "You are signed in to pingone-setup. You can close this tab and return to the terminal.")
	}
	return rec.Body.String()
}

// FuzzCallbackHandler sends any path and query string to the loopback callback. No panic; the
// answer is 200, 400 or 404 with one of the handler's fixed pages, so nothing of the query is
// echoed; only a request on the redirect path carrying this sign-in's state, once, ends the wait; it ends with a
// code (and 200) exactly when the query holds one well-formed code and no error, and otherwise
// with an *Error whose PingOne text is printable; and a second request never delivers again.
func FuzzCallbackHandler(f *testing.F) {
	for _, s := range [][2]string{
		{"/callback", "code=abc&state=" + fuzzState}, {"/callback", "error=access_denied&error_description=no&state=" + fuzzState},
		{"/callback", "state=" + fuzzState}, {"/callback", "code=stolen&state=forged"}, {"/callback", "error=access_denied"}, {"/callback", ""},
		{"/other", "code=abc&state=" + fuzzState}, {"/callback", "code=a&code=b&state=" + fuzzState}, {"/callback", "state=" + fuzzState + "&state=" + fuzzState + "&code=a"},
		{"/callback", "code=%3Cscript%3E&state=" + fuzzState}, {"/callback", "error=x%1B%5B2J&error_description=%3Cb%3E%0A&state=" + fuzzState},
		{"/callback", "code=a;b&state=" + fuzzState}, {"/callback", "code=%zz&state=" + fuzzState},
	} {
		f.Add(s[0], s[1])
	}
	c := Config{EnvironmentID: "6f1c2a3b-0000-4000-8000-000000000000", ClientID: "cli", RedirectPath: DefaultRedirectPath}
	f.Fuzz(func(t *testing.T, path, rawQuery string) {
		results := make(chan callbackResult, 1)
		h := c.callbackHandler(fuzzState, results)
		rec, res := callback(h, results, path, rawQuery)
		q, _ := url.ParseQuery(rawQuery)
		ours := path == c.RedirectPath && len(q["state"]) == 1 && q.Get("state") == fuzzState
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusNotFound:
		default:
			t.Fatalf("%s?%s: status %d", path, rawQuery, rec.Code)
		}
		if want := expectedPage(path, ours, res); rec.Body.String() != want {
			t.Fatalf("%s?%s: page\n%s\nwant\n%s", path, rawQuery, rec.Body, want)
		}
		if (res != nil) != ours {
			t.Fatalf("%s?%s: delivered %+v; ours %v", path, rawQuery, res, ours)
		}
		if res == nil {
			return
		}
		wellFormed := len(q["code"]) == 1 && q.Get("code") != "" && isVSCHAR(q.Get("code")) && len(q["error"]) == 0 && len(q["error_description"]) <= 1
		if wellFormed != (res.err == nil) || (res.err == nil) != (rec.Code == http.StatusOK) {
			t.Fatalf("%s?%s: status %d, result %+v", path, rawQuery, rec.Code, res)
		}
		if res.err == nil && res.code != q.Get("code") {
			t.Fatalf("%s?%s: code %q", path, rawQuery, res.code)
		}
		if res.err != nil {
			var e *Error
			if !errors.As(res.err, &e) {
				t.Fatalf("%s?%s: error %T", path, rawQuery, res.err)
			}
			if strings.IndexFunc(e.Code+e.Description, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
				t.Fatalf("%s?%s: unprintable PingOne text %q %q", path, rawQuery, e.Code, e.Description)
			}
		}
		again, second := callback(h, results, c.RedirectPath, "code=again&state="+fuzzState)
		if second != nil || again.Code != http.StatusGone {
			t.Fatalf("%s?%s: a second callback got %d and delivered %+v", path, rawQuery, again.Code, second)
		}
	})
}
