package pingone

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Error codes PingOne returns in P1Error.code and details[].code.
const (
	CodeInvalidData             = "INVALID_DATA"
	CodeInvalidRequest          = "INVALID_REQUEST"
	CodeRequestFailed           = "REQUEST_FAILED"
	CodeAccessFailed            = "ACCESS_FAILED"
	CodeInsufficientPermissions = "INSUFFICIENT_PERMISSIONS"
	CodeInvalidToken            = "INVALID_TOKEN"
	CodeNotFound                = "NOT_FOUND"
	CodeRequestLimited          = "REQUEST_LIMITED"
	CodeLimitExceeded           = "LIMIT_EXCEEDED"
	CodeQuotaExceeded           = "QUOTA_EXCEEDED"
	CodeUniquenessViolation     = "UNIQUENESS_VIOLATION"
	CodeUnexpectedError         = "UNEXPECTED_ERROR"
)

// Error is a non-2xx response from the PingOne API (schema P1Error). Responses that
// are not P1Error JSON (gateway HTML pages, empty or truncated bodies) become an
// Error too, with Code empty and Message a short sanitised snippet or the status text.
type Error struct {
	Status     int           // HTTP status code
	ID         string        // PingOne's correlation ID for support
	Code       string        // top-level code, e.g. INVALID_DATA
	Message    string        // English message
	Details    []ErrorDetail // optional details
	RetryAfter time.Duration // from the Retry-After header, 0 if absent
	Method     string        // request method
	Path       string        // request path (no host, no query)
}

// ErrorDetail is one entry of P1Error.details.
type ErrorDetail struct {
	Code       string         `json:"code,omitempty"`
	Target     string         `json:"target,omitempty"`
	Message    string         `json:"message,omitempty"`
	InnerError map[string]any `json:"innerError,omitempty"`
}

// Error returns e.g. `POST /environments/x/applications: 400 INVALID_DATA: The request
// could not be completed. (name: must be unique) (PingOne error id 6c79…)`.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Method != "" || e.Path != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.Path))
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.Status))
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	if msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	if len(e.Details) > 0 {
		parts := make([]string, 0, len(e.Details))
		for _, d := range e.Details {
			var p string
			switch {
			case d.Target != "" && d.Message != "":
				p = d.Target + ": " + d.Message
			case d.Message != "":
				p = d.Message
			case d.Target != "":
				p = d.Target + ": " + d.Code
			default:
				p = d.Code
			}
			if p != "" {
				parts = append(parts, p)
			}
		}
		if len(parts) > 0 {
			b.WriteString(" (")
			b.WriteString(strings.Join(parts, "; "))
			b.WriteString(")")
		}
	}
	if e.ID != "" {
		b.WriteString(" (PingOne error id ")
		b.WriteString(e.ID)
		b.WriteString(")")
	}
	return b.String()
}

// HasDetail reports whether one of the error's details has the given code.
func (e *Error) HasDetail(code string) bool {
	for _, d := range e.Details {
		if d.Code == code {
			return true
		}
	}
	return false
}

// AsError returns the *Error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// IsNotFound reports whether err is a PingOne NOT_FOUND error (or, without a code, HTTP 404).
func IsNotFound(err error) bool {
	e := AsError(err)
	if e == nil {
		return false
	}
	if e.Code != "" {
		return e.Code == CodeNotFound
	}
	return e.Status == http.StatusNotFound
}

// IsForbidden reports whether err says the caller lacks permission: code
// ACCESS_FAILED with a detail other than INVALID_TOKEN, a detail
// INSUFFICIENT_PERMISSIONS, or, without a code, HTTP 403.
func IsForbidden(err error) bool {
	e := AsError(err)
	if e == nil {
		return false
	}
	if e.HasDetail(CodeInsufficientPermissions) {
		return true
	}
	if e.Code != "" {
		// PingOne uses ACCESS_FAILED for both 401 and 403; a bad token is not a permission problem.
		return e.Code == CodeAccessFailed && !e.HasDetail(CodeInvalidToken) && e.Status != http.StatusUnauthorized
	}
	return e.Status == http.StatusForbidden
}

// IsUnauthorized reports whether err says the access token was missing, invalid or
// expired: detail INVALID_TOKEN, or HTTP 401 without an INSUFFICIENT_PERMISSIONS detail.
func IsUnauthorized(err error) bool {
	e := AsError(err)
	if e == nil {
		return false
	}
	if e.HasDetail(CodeInvalidToken) {
		return true
	}
	return e.Status == http.StatusUnauthorized && !e.HasDetail(CodeInsufficientPermissions)
}

// IsUniquenessViolation reports whether err has a UNIQUENESS_VIOLATION detail, e.g. a
// duplicate role assignment or application name.
func IsUniquenessViolation(err error) bool {
	e := AsError(err)
	return e != nil && (e.HasDetail(CodeUniquenessViolation) || e.Code == CodeUniquenessViolation)
}

// IsRateLimited reports whether err is PingOne's REQUEST_LIMITED (or, without a code, HTTP 429).
func IsRateLimited(err error) bool {
	e := AsError(err)
	if e == nil {
		return false
	}
	if e.Code != "" {
		return e.Code == CodeRequestLimited || e.HasDetail(CodeLimitExceeded) || e.HasDetail(CodeQuotaExceeded)
	}
	return e.Status == http.StatusTooManyRequests
}

// Messages PingOne gives when the caller lacks a role it needs, for example right after
// the role was assigned, before the assignment has propagated.
var actorNotAuthorizedPrefixes = []string{
	"The actor attempting to perform the request is not authorized",
	"Must have role at the same or broader scope",
}

// IsActorNotAuthorized reports whether err is a 403 or 400 saying the caller does not
// (yet) hold a role it needs: the message, or any detail's message, starts with "The
// actor attempting to perform the request is not authorized" or "Must have role at the
// same or broader scope". New role assignments take a while to become effective, so
// such an error right after granting a role may pass on a later attempt (the Terraform
// provider retries these with backoff for up to 10 minutes).
func IsActorNotAuthorized(err error) bool {
	e := AsError(err)
	if e == nil || (e.Status != http.StatusForbidden && e.Status != http.StatusBadRequest) {
		return false
	}
	if hasActorNotAuthorizedPrefix(e.Message) {
		return true
	}
	for _, d := range e.Details {
		if hasActorNotAuthorizedPrefix(d.Message) {
			return true
		}
	}
	return false
}

func hasActorNotAuthorizedPrefix(msg string) bool {
	msg = strings.TrimSpace(msg)
	for _, p := range actorNotAuthorizedPrefixes {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// CheckResponse returns nil for a 2xx response and a *Error otherwise. It reads and
// closes nothing: the caller passes the body it already read.
func CheckResponse(resp *http.Response, body []byte) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := decodeError(resp.StatusCode, resp.Header, body)
	if resp.Request != nil {
		e.Method = resp.Request.Method
		e.Path = resp.Request.URL.Path
	}
	return e
}

// decodeError turns a non-2xx status, headers and body into an *Error. It never panics.
func decodeError(status int, header http.Header, body []byte) *Error {
	e := &Error{Status: status}
	if header != nil {
		e.RetryAfter, _ = parseRetryAfter(header.Get("Retry-After"), time.Now())
	}
	var p struct {
		ID      any           `json:"id"`
		Code    any           `json:"code"`
		Message any           `json:"message"`
		Details []ErrorDetail `json:"details"`
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &p) == nil {
		e.ID = sanitize(asString(p.ID), 100)
		e.Code = sanitize(asString(p.Code), 100)
		e.Message = sanitize(asString(p.Message), 500)
		for _, d := range p.Details {
			d.Code = sanitize(d.Code, 100)
			d.Target = sanitize(d.Target, 200)
			d.Message = sanitize(d.Message, 500)
			e.Details = append(e.Details, d)
		}
		if e.Message == "" {
			e.Message = http.StatusText(status)
		}
		return e
	}
	e.Message = snippet(trimmed, status)
	return e
}

// asString converts a JSON scalar to text; objects and arrays give "".
func asString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

var (
	// textSecret finds key=value or key: value pairs whose key names a secret, in non-JSON text.
	textSecret = regexp.MustCompile(`(?i)([a-z_\-]*(?:secret|password|token|code_verifier|device_code|assertion)[a-z_\-]*"?\s*[=:]\s*"?)[^&\s",;]+`)
	htmlTitle  = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlTag    = regexp.MustCompile(`(?s)<[^>]*>`)
)

// snippet makes a short, printable message from a body that is not P1Error JSON.
func snippet(body []byte, status int) string {
	text := http.StatusText(status)
	if text == "" {
		text = "HTTP " + strconv.Itoa(status)
	}
	if len(body) == 0 || body[0] == '{' || body[0] == '[' {
		// Empty or malformed/truncated JSON: nothing trustworthy to show.
		return text
	}
	s := string(body)
	if len(s) > 4096 {
		s = s[:4096]
	}
	if body[0] == '<' {
		if m := htmlTitle.FindStringSubmatch(s); m != nil {
			s = m[1]
		} else {
			s = htmlTag.ReplaceAllString(s, " ")
		}
	}
	s = sanitize(redactText(s), 200)
	if s == "" {
		return text
	}
	return s
}

// redactText hides the values of secret-looking key=value pairs in free text.
func redactText(s string) string {
	return textSecret.ReplaceAllString(s, "${1}"+Redacted)
}

// sanitize collapses whitespace, drops control and invalid characters and cuts s to max runes.
func sanitize(s string, max int) string {
	var b strings.Builder
	space := false
	n := 0
	for _, r := range s {
		if r == utf8.RuneError {
			continue
		}
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if !unicode.IsPrint(r) {
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
			n++
		}
		if n >= max {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// parseRetryAfter parses a Retry-After value: integer seconds or an HTTP-date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// ErrOutcomeUnknown means a request that is not safe to repeat (a POST) may or may not
// have been applied by PingOne: the connection failed, the attempt timed out, the
// response was lost, or a gateway answered 500, 502, 503 or 504 (which can come after
// the write). In the last case the error is also an *Error. Look the object up before
// creating it again.
var ErrOutcomeUnknown = errors.New("outcome unknown: the request may or may not have been applied by PingOne; check before retrying")

// fmtErr is a small helper for argument validation errors.
func fmtErr(format string, a ...any) error { return fmt.Errorf("pingone: "+format, a...) }
