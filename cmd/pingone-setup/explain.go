package main

import (
	"fmt"
	"strings"

	"github.com/pingone-setup/pingone-setup/flows"
)

// explained is an error already turned into the cause / details / fix / error id form.
type explained struct {
	ex  flows.Explanation
	txn string
	err error
}

func (e explained) Error() string {
	var b strings.Builder
	if e.ex.Step != "" {
		fmt.Fprintf(&b, "%s failed: ", e.ex.Step)
	}
	b.WriteString(e.ex.Cause)
	for _, p := range e.ex.Problems {
		fmt.Fprintf(&b, "\n  %s", p)
	}
	for _, d := range e.ex.Details {
		fmt.Fprintf(&b, "\n  %s", d)
	}
	if e.ex.Fix != "" {
		fmt.Fprintf(&b, "\n  fix: %s", e.ex.Fix)
	}
	if e.ex.ErrorID != "" {
		fmt.Fprintf(&b, "\n  PingOne error id: %s", e.ex.ErrorID)
	}
	if e.txn != "" {
		fmt.Fprintf(&b, "\n  transaction id: %s", e.txn)
	}
	return b.String()
}

// Unwrap returns the original error, so exit codes see a cancellation or a usage error.
func (e explained) Unwrap() error { return e.err }

func explain(err error, txn string) error {
	return explained{ex: flows.Explain(err), txn: txn, err: err}
}
