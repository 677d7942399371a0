package flows

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// Explanation is an error as a user should see it: what failed, why in plain words, PingOne's
// details, what to do, and PingOne's error id to quote to support.
type Explanation struct {
	Step    string   `json:"step,omitempty"`
	Cause   string   `json:"cause"`
	Details []string `json:"details,omitempty"`
	Fix     string   `json:"fix,omitempty"`
	ErrorID string   `json:"pingoneErrorId,omitempty"`
	// Problems are a plan's validation problems, each with its line.
	Problems []Problem `json:"problems,omitempty"`
}

// Explain turns any error of a step into an Explanation.
func Explain(err error) Explanation {
	var ex Explanation
	var se *StepError
	if errors.As(err, &se) {
		ex.Step = se.Step
		err = se.Err
	}
	ex.Cause = err.Error()
	var pe *PlanError
	if errors.As(err, &pe) {
		ex.Problems = pe.Problems
		ex.Fix = "Correct the settings listed and try again."
		return ex
	}
	var te *pingone.TokenError
	if errors.As(err, &te) {
		ex.Fix = te.Hint()
		return ex
	}
	if errors.Is(err, pingone.ErrOutcomeUnknown) {
		ex.Fix = "PingOne did not confirm the write (the connection dropped, or a gateway answered 5xx), so the change may or may not have been made, and looking did not settle it. Run again: every step looks before it writes, so nothing is created twice."
		if e := pingone.AsError(err); e != nil {
			ex.ErrorID = e.ID
		}
		return ex
	}
	if errors.Is(err, ErrAmbiguousName) {
		ex.Fix = "Rename or delete the extra applications in the PingOne console (Applications), or choose another name."
		return ex
	}
	e := pingone.AsError(err)
	if e == nil {
		return ex
	}
	ex.ErrorID = e.ID
	// The details and the id are listed on their own; the cause keeps the call and PingOne's words.
	short := fmt.Sprintf("%s %s: HTTP %d %s: %s", e.Method, e.Path, e.Status, e.Code, e.Message)
	ex.Cause = strings.Replace(ex.Cause, e.Error(), strings.TrimSpace(short), 1)
	for _, d := range e.Details {
		switch {
		case d.Target != "":
			ex.Details = append(ex.Details, fmt.Sprintf("%s: %s", d.Target, d.Message))
		case d.Message != "":
			ex.Details = append(ex.Details, d.Message)
		}
	}
	switch {
	case catalogueFix(e) != "":
		ex.Fix = catalogueFix(e) // a fix for the very setting PingOne names (errcatalog.go)
	case e.HasDetail("UNIQUENESS_VIOLATION"):
		ex.Fix = "It already exists: nothing to do, or remove the existing one first."
	case pingone.IsUnauthorized(err):
		ex.Fix = "Your access token expired or is not valid for this API and region: sign in again."
	case pingone.IsForbidden(err):
		ex.Fix = "Your sign-in lacks a role for this call in this environment. Application calls need Environment Admin or Client Application Developer; user calls need Identity Data Admin (or Read Only). Ask an Organization or Environment Admin to assign it, scoped to this environment."
	case pingone.IsNotFound(err):
		ex.Fix = "Check the ID and the region: the object does not exist there, or was deleted."
	case pingone.IsRateLimited(err):
		ex.Fix = "PingOne is rate limiting this licence: wait a minute and retry."
	case e.Code == "INVALID_DATA" || e.Code == "INVALID_REQUEST":
		ex.Fix = "PingOne rejected a value (see the details): correct it and retry."
	case e.Status >= 500:
		ex.Fix = "PingOne had a temporary problem: retry. If it persists, quote the error id to Ping support."
	}
	return ex
}
