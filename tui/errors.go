package tui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
)

// explanation is a failure in the words the failure screen uses: flows.Explain's details, fix
// and error id (the same words apply and doctor print), with the cause in plain words, what was
// being done, and the API call.
type explanation struct {
	flows.Explanation
	Plain string // what went wrong, in plain words
	Doing string // what the step was doing, from the error's wrapping
	Call  string // the API call, e.g. "POST /environments/…/applications"
	Said  string // PingOne's status, code and message
}

// explain turns a step failure into cause, details, fix and PingOne's error id.
func explain(err error) explanation {
	ex := explanation{Explanation: flows.Explain(err)}
	var se *flows.StepError
	if errors.As(err, &se) {
		err = se.Err
	}
	var pe *flows.PlanError
	if errors.As(err, &pe) {
		ex.Plain = "The settings have problems:"
		return ex
	}
	fix := func(f string) {
		if ex.Fix == "" {
			ex.Fix = f
		}
	}
	apiErr := pingone.AsError(err)
	if apiErr == nil {
		ex.Plain = sentence(err.Error())
		switch {
		case errors.Is(err, pingone.ErrOutcomeUnknown):
			ex.Plain = "The connection failed before PingOne answered, so the change may or may not have been made."
			ex.Doing = doing(err, pingone.ErrOutcomeUnknown.Error())
		case errors.Is(err, context.DeadlineExceeded):
			fix("PingOne did not answer in time: retry.")
		case isNetwork(err):
			fix("Check the network connection and the region (--region), then retry.")
		}
		return ex
	}
	ex.Doing = doing(err, apiErr.Error())
	ex.Call = strings.TrimSpace(apiErr.Method + " " + apiErr.Path)
	ex.Said = strings.TrimSpace(fmt.Sprintf("HTTP %d %s: %s", apiErr.Status, apiErr.Code, apiErr.Message))
	switch {
	case pingone.IsUnauthorized(err):
		ex.Plain = "PingOne did not accept the sign-in: the access token is missing, invalid or expired."
	case pingone.IsForbidden(err):
		ex.Plain = "PingOne refused: the signed-in identity holds no role that allows this call in this environment."
	case pingone.IsNotFound(err):
		ex.Plain = "PingOne could not find it."
	case pingone.IsRateLimited(err):
		ex.Plain = "PingOne is limiting the request rate."
		if apiErr.RetryAfter > 0 {
			ex.Plain = fmt.Sprintf("PingOne is limiting the request rate and asks to wait %s.", apiErr.RetryAfter)
		}
	case pingone.IsUniquenessViolation(err):
		ex.Plain = "PingOne says a value that must be unique is already taken."
	case apiErr.Status == http.StatusBadRequest:
		ex.Plain = "PingOne rejected the request as invalid."
	case apiErr.Status >= 500:
		ex.Plain = "PingOne had a problem of its own."
		fix("Retry. If it keeps failing, give Ping support the error id below.")
	default:
		ex.Plain = fmt.Sprintf("PingOne answered HTTP %d.", apiErr.Status)
	}
	return ex
}

// doing is what was being done: the wrapping text in front of the cause's own message.
func doing(err error, cause string) string {
	full := err.Error()
	if !strings.HasSuffix(full, cause) {
		return ""
	}
	return strings.TrimSuffix(strings.TrimSuffix(full, cause), ": ")
}

func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ")") {
		s += "."
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func isNetwork(err error) bool {
	var ne net.Error
	var oe *net.OpError
	var de *net.DNSError
	return errors.As(err, &ne) || errors.As(err, &oe) || errors.As(err, &de)
}
