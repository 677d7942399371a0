package signin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"golang.org/x/oauth2"
)

// Reasons a sign-in fails. Test for them with errors.Is; errors.As to *Error
// gives PingOne's error code and the fix.
var (
	// ErrCancelled: the user cancelled or denied the sign-in (access_denied),
	// or the caller's context was cancelled.
	ErrCancelled = errors.New("the sign-in was cancelled")
	// ErrTimeout: the user did not finish signing in in time.
	ErrTimeout = errors.New("the sign-in timed out")
	// ErrExpired: the device code expired before the user signed in.
	ErrExpired = errors.New("the device code expired before the sign-in finished")
	// ErrAppRejected: PingOne did not accept the sign-in application
	// (invalid_client): it is disabled, unknown, or its token endpoint auth
	// method does not match.
	ErrAppRejected = errors.New("PingOne did not accept the sign-in application")
	// ErrGrantNotAllowed: the sign-in application lacks the grant type or
	// response type this flow needs (unauthorized_client,
	// unsupported_response_type).
	ErrGrantNotAllowed = errors.New("the sign-in application is not allowed to use this sign-in method")
	// ErrRedirectMismatch: the loopback redirect URI is not one of the
	// application's redirect URIs.
	ErrRedirectMismatch = errors.New("the redirect URI is not registered on the sign-in application")
	// ErrEnvironmentNotFound: the auth server does not know the environment,
	// usually because it is in another region.
	ErrEnvironmentNotFound = errors.New("the environment was not found at this PingOne auth server")
	// ErrPortInUse: the loopback callback port is taken.
	ErrPortInUse = errors.New("the sign-in callback port is already in use")
	// ErrNoBrowser: there is no browser to open here (SSH session or no display).
	ErrNoBrowser = errors.New("no browser can be opened here")
	// ErrFailed: any other refusal by PingOne (see Error.Code).
	ErrFailed = errors.New("PingOne refused the sign-in")
)

// Error is a failed sign-in. Its message says what happened, what PingOne
// said, and how to fix it; it never holds a token, code or secret.
type Error struct {
	// Reason is one of the Err* values of this package.
	Reason error
	// Code and Description are PingOne's OAuth error (error,
	// error_description), sanitised; empty when PingOne sent none.
	Code, Description string
	// Status is the HTTP status of PingOne's answer, 0 if none.
	Status int
	// Fix tells the user what to do, in plain words.
	Fix string
	// Err is an underlying error (network, context), if any.
	Err error
}

// Error returns the reason, PingOne's words and the fix in one sentence chain.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("sign-in failed: ")
	b.WriteString(e.Reason.Error())
	if e.Code != "" || e.Description != "" {
		b.WriteString(" (PingOne: ")
		b.WriteString(strings.TrimPrefix(strings.Join(nonEmpty(e.Code, e.Description), ": "), ": "))
		if e.Status != 0 {
			fmt.Fprintf(&b, ", HTTP %d", e.Status)
		}
		b.WriteString(")")
	}
	if e.Err != nil && !errors.Is(e.Err, context.Canceled) && !errors.Is(e.Err, context.DeadlineExceeded) {
		b.WriteString(": " + e.Err.Error())
	}
	if e.Fix != "" {
		b.WriteString(". Fix: " + e.Fix)
	}
	return b.String()
}

// Unwrap exposes the reason and the underlying error to errors.Is/As.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Reason}
	}
	return []error{e.Reason, e.Err}
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// sanitize trims PingOne-supplied text to printable characters and n runes,
// so a hostile server cannot paint the terminal.
func sanitize(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s)
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}

// fixes says what to do for each reason; %[1]s is the environment ID,
// %[2]s the client ID, %[3]s the redirect URI, %[4]s the auth URL.
var fixes = map[error]string{
	ErrCancelled:           "run the sign-in again and approve it; if PingOne said the user has no access, sign in as an administrator (the application admits admin users only) or ask one to give you a role",
	ErrTimeout:             "run the sign-in again and finish it in the browser; if the browser showed a PingOne error page (for example a redirect URI mismatch), fix that first, or use --login device",
	ErrExpired:             "run the sign-in again and enter the code before it expires",
	ErrAppRejected:         "in the PingOne admin console open Applications, find the sign-in application %[2]s in environment %[1]s, and make sure it exists and is enabled (the toggle at the top right); a public sign-in app needs token endpoint auth method None",
	ErrGrantNotAllowed:     "edit the sign-in application %[2]s: on its Configuration tab enable the grant type this sign-in uses (Authorization Code with response type Code for --login browser, Device Authorization for --login device), and save",
	ErrRedirectMismatch:    "add %[3]s to the sign-in application's Redirect URIs (exactly, no trailing slash), or pass the port and path that are registered",
	ErrEnvironmentNotFound: "check the environment ID %[1]s, and the region: %[4]s does not know it, so it is probably in another region (--region NA, EU, CA, AU, SG or AP)",
	ErrPortInUse:           "close the other program (or sign-in) that listens on that port, or choose another port that is registered on the application",
	ErrFailed:              "check the sign-in application's settings in the PingOne admin console and try again",
}

func (c Config) newError(reason error, code, desc string, status int, err error) *Error {
	fix := fixes[reason]
	if strings.Contains(fix, "%[") {
		fix = fmt.Sprintf(fix, c.EnvironmentID, c.ClientID, c.RedirectURI(), c.AuthURL)
	}
	return &Error{Reason: reason, Code: sanitize(code, 100), Description: sanitize(desc, 300), Status: status, Fix: fix, Err: err}
}

// reasonFor maps an OAuth error code to a reason.
func reasonFor(code string, status int) error {
	switch code {
	case "access_denied":
		return ErrCancelled
	case "invalid_client":
		return ErrAppRejected
	case "unauthorized_client", "unsupported_response_type", "unsupported_grant_type":
		return ErrGrantNotAllowed
	case "expired_token":
		return ErrExpired
	}
	if status == http.StatusNotFound {
		return ErrEnvironmentNotFound
	}
	return ErrFailed
}

// tokenError converts an error of an x/oauth2 call into an *Error.
func (c Config) tokenError(ctx context.Context, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		desc := re.ErrorDescription
		if re.ErrorCode == "" && desc == "" && status != 0 {
			desc = http.StatusText(status)
		}
		return c.newError(reasonFor(re.ErrorCode, status), re.ErrorCode, desc, status, nil)
	}
	if ctx.Err() != nil {
		return c.newError(ErrCancelled, "", "", 0, ctx.Err())
	}
	// Network errors name the URL (no secrets in it) and say what failed.
	return c.newError(ErrFailed, "", "", 0, err)
}
