package pingone

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAnErrorReadsAsMethodPathStatusCodeMessageDetailsAndID(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{Status: 400, Code: "INVALID_DATA"}, "400 INVALID_DATA: Bad Request"},
		{Error{Status: 400, Method: "GET"}, "GET: 400: Bad Request"},
		{Error{Status: 404, Path: "/v1/x"}, "/v1/x: 404: Not Found"},
		{Error{Status: 400, Message: "Invalid.", Details: []ErrorDetail{
			{Target: "name", Message: "must be unique"}, {Message: "too long"}, {Target: "scope", Code: "REQUIRED"}, {Code: "INVALID_VALUE"}, {},
		}}, "400: Invalid. (name: must be unique; too long; scope: REQUIRED; INVALID_VALUE)"},
		{Error{Status: 400, Message: "Invalid.", Details: []ErrorDetail{{}}, ID: "e-1"}, "400: Invalid. (PingOne error id e-1)"},
		{Error{Status: 599}, "599"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.e, got, tc.want)
		}
	}
}

func TestEachErrorHelperReadsTheCodeFirstAndTheStatusOnlyWithoutOne(t *testing.T) {
	d := func(code string) []ErrorDetail { return []ErrorDetail{{Code: code}} }
	for _, tc := range []struct {
		name string
		is   func(error) bool
		e    *Error
		want bool
	}{
		{"not found: code", IsNotFound, &Error{Status: 404, Code: CodeNotFound}, true},
		{"not found: another code on a 404", IsNotFound, &Error{Status: 404, Code: "INVALID_REQUEST"}, false},
		{"not found: a bare 404", IsNotFound, &Error{Status: 404}, true},
		{"not found: a bare 400", IsNotFound, &Error{Status: 400}, false},
		{"forbidden: ACCESS_FAILED 403", IsForbidden, &Error{Status: 403, Code: CodeAccessFailed}, true},
		{"forbidden: ACCESS_FAILED 401", IsForbidden, &Error{Status: 401, Code: CodeAccessFailed}, false},
		{"forbidden: ACCESS_FAILED with INVALID_TOKEN", IsForbidden, &Error{Status: 403, Code: CodeAccessFailed, Details: d(CodeInvalidToken)}, false},
		{"unauthorized: a bare 401", IsUnauthorized, &Error{Status: 401}, true},
		{"unauthorized: 401 for missing permissions", IsUnauthorized, &Error{Status: 401, Details: d(CodeInsufficientPermissions)}, false},
		{"unauthorized: a 403", IsUnauthorized, &Error{Status: 403}, false},
		{"unauthorized: INVALID_TOKEN on a 400", IsUnauthorized, &Error{Status: 400, Details: d(CodeInvalidToken)}, true},
		{"uniqueness: top-level code", IsUniquenessViolation, &Error{Status: 400, Code: CodeUniquenessViolation}, true},
		{"uniqueness: detail", IsUniquenessViolation, &Error{Status: 400, Code: "INVALID_DATA", Details: d(CodeUniquenessViolation)}, true},
		{"uniqueness: another code", IsUniquenessViolation, &Error{Status: 400, Code: "INVALID_DATA"}, false},
		{"rate limited: code", IsRateLimited, &Error{Status: 429, Code: CodeRequestLimited}, true},
		{"rate limited: LIMIT_EXCEEDED detail", IsRateLimited, &Error{Status: 400, Code: "INVALID_REQUEST", Details: d(CodeLimitExceeded)}, true},
		{"rate limited: another code on a 429", IsRateLimited, &Error{Status: 429, Code: "INVALID_REQUEST"}, false},
		{"rate limited: a bare 429", IsRateLimited, &Error{Status: 429}, true},
		{"rate limited: a bare 503", IsRateLimited, &Error{Status: 503}, false},
	} {
		if got := tc.is(tc.e); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestOnlyA2xxResponseIsASuccess(t *testing.T) {
	for status, ok := range map[int]bool{199: false, 200: true, 204: true, 299: true, 300: false, 304: false} {
		err := CheckResponse(&http.Response{StatusCode: status}, nil)
		if (err == nil) != ok {
			t.Errorf("%d: err %v, want success %v", status, err, ok)
		}
	}
}

func TestAnErrorBodyWithoutAMessageGetsTheStatusTextAndScalarsAsText(t *testing.T) {
	e := decodeError(400, nil, []byte(`{"id":123,"code":true}`))
	if e.Message != "Bad Request" || e.ID != "123" || e.Code != "true" {
		t.Errorf("%+v", e)
	}
	if e := decodeError(400, nil, []byte(`{"id":12.5}`)); e.ID != "12.5" {
		t.Errorf("id %q", e.ID)
	}
}

func TestSanitizeCollapsesSpaceAndCutsAtMaxRunes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"  a \n b  ", 10, "a b"},
		{"abcdef", 3, "abc…"},
		{"abc", 3, "abc"},
		{"a b cdef", 5, "a b c…"},
		{"é\x00ü", 5, "éü"},
	} {
		if got := sanitize(tc.in, tc.max); got != tc.want {
			t.Errorf("sanitize(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

func TestRetryAfterIsSecondsOrADateCappedAtADay(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{"-1", 0, false},
		{"999999", 24 * time.Hour, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"soon", 0, false},
	} {
		d, ok := parseRetryAfter(tc.v, now)
		if d != tc.want || ok != tc.ok {
			t.Errorf("%q: %v %v, want %v %v", tc.v, d, ok, tc.want, tc.ok)
		}
	}
}

func TestTheSnippetOfALongHTMLBodyIsItsTitle(t *testing.T) {
	body := "<html><head><title>Gateway  Timeout</title></head><body>" + strings.Repeat("x", 5000) + "</body></html>"
	if got := snippet([]byte(body), 504); got != "Gateway Timeout" {
		t.Errorf("snippet %q", got)
	}
}
