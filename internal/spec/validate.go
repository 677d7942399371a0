package spec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Limits that keep failure messages readable.
const (
	maxProblems   = 12   // problems listed per request or response
	maxMessageLen = 2000 // characters per failure message
)

// options are the kin-openapi settings shared by every validation: bearer auth
// is accepted (shapes are checked here, not credentials), all problems are
// collected, and schema and value dumps are left out of messages so that
// secrets in bodies never reach test logs.
func options() *openapi3filter.Options {
	return &openapi3filter.Options{
		AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
		MultiError:              true,
		SkipSettingDefaults:     true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
	}
}

// ValidationError is the error returned by [Spec.ValidateRequest] and
// [Spec.ValidateResponse] when traffic does not match PingOne's spec.
type ValidationError struct {
	// Method and Path identify the request (Path as sent, e.g. "/v1/environments/…/applications").
	Method, Path string
	// Operation is the spec's operationId, or "" when the spec has no such operation.
	Operation string
	// Problems lists each mismatch, e.g. `request body: /grantTypes/0: value is not one of the allowed values …`.
	Problems []string
}

// Error implements error: method, path, operation and every problem, trimmed
// to a readable length.
func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", e.Method, e.Path)
	if e.Operation != "" {
		fmt.Fprintf(&b, " (%s)", e.Operation)
	}
	b.WriteString(" does not match PingOne's OpenAPI spec:")
	for i, p := range e.Problems {
		if i == maxProblems {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Problems)-i)
			break
		}
		b.WriteString("\n  - ")
		b.WriteString(p)
	}
	return trim(b.String(), maxMessageLen)
}

// ValidateRequest checks req, whose body is body (req.Body is not read), against
// the operation the spec declares for its method and path: parameters, body
// schema and the strict unknown-property check. The path must start with /v1/;
// scheme and host are ignored. An operation the spec does not have is an error.
func (s *Spec) ValidateRequest(req *http.Request, body []byte) error {
	_, _, err := s.validateRequest(req, body)
	return err
}

// ValidateResponse checks a response to req against the spec's schema for its
// status, including error statuses (P1Error), plus the strict unknown-property
// check. A status the spec does not list for the operation is not an error: it
// is counted in Stats.Unlisted.
func (s *Spec) ValidateResponse(req *http.Request, status int, header http.Header, body []byte) error {
	route, params, err := s.c.find(req)
	if err != nil {
		s.record(func(st *Stats) { st.Responses++; st.Failures++ })
		return &ValidationError{Method: req.Method, Path: req.URL.Path, Problems: []string{err.Error()}}
	}
	_, err = s.validateResponse(req, route, params, status, header, body)
	return err
}

// validateRequest validates req and returns the route it matched and its path
// parameters (nil when the spec has no such operation).
func (s *Spec) validateRequest(req *http.Request, body []byte) (*routers.Route, map[string]string, error) {
	route, params, err := s.c.find(req)
	if err != nil {
		s.record(func(st *Stats) { st.Requests++; st.Failures++ })
		return nil, nil, &ValidationError{Method: req.Method, Path: req.URL.Path, Problems: []string{err.Error()}}
	}
	op := opName(route)

	// Validate a copy so req (and its body) stay untouched.
	r := req.Clone(contextOf(req))
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.GetBody = nil
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: options()}
	var problems []string
	if err := openapi3filter.ValidateRequest(contextOf(req), in); err != nil {
		problems = append(problems, s.c.describe(err)...)
	}
	if rb := route.Operation.RequestBody; rb != nil && rb.Value != nil && len(bytes.TrimSpace(body)) > 0 {
		if mt := mediaType(rb.Value.Content, req.Header); mt != nil {
			problems = append(problems, strictProblems("request body", mt.Schema, body)...)
		}
	}

	s.record(func(st *Stats) {
		st.Requests++
		st.Operations[op]++
		if len(problems) > 0 {
			st.Failures++
		}
	})
	if len(problems) > 0 {
		return route, params, &ValidationError{Method: req.Method, Path: req.URL.Path, Operation: op, Problems: problems}
	}
	return route, params, nil
}

// validateResponse validates one response to an operation the spec has. It
// reports unlisted=true, and no error, when the spec does not list status.
func (s *Spec) validateResponse(req *http.Request, route *routers.Route, params map[string]string, status int, header http.Header, body []byte) (unlisted bool, err error) {
	op := opName(route)
	responses := route.Operation.Responses
	ref := responses.Status(status)
	if ref == nil {
		ref = responses.Default()
	}
	if ref == nil || ref.Value == nil {
		s.record(func(st *Stats) { st.Unlisted[op+" "+strconv.Itoa(status)]++ })
		return true, nil
	}
	if header == nil {
		header = http.Header{}
	}

	opts := options()
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
		Status:                 status,
		Header:                 header,
		Options:                opts,
	}
	in.SetBodyBytes(body)
	var problems []string
	if err := openapi3filter.ValidateResponse(contextOf(req), in); err != nil {
		problems = append(problems, s.c.describe(err)...)
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if mt := mediaType(ref.Value.Content, header); mt != nil {
			problems = append(problems, strictProblems("body", mt.Schema, body)...)
		}
	}

	s.record(func(st *Stats) {
		st.Responses++
		if len(problems) > 0 {
			st.Failures++
		}
	})
	if len(problems) > 0 {
		return false, &ValidationError{Method: req.Method, Path: req.URL.Path, Operation: op,
			Problems: prefixAll(fmt.Sprintf("response %d: ", status), problems)}
	}
	return false, nil
}

// mediaType returns the content entry for the message's Content-Type, or for
// JSON when the header is missing (kin-openapi reports the missing header).
func mediaType(content openapi3.Content, h http.Header) *openapi3.MediaType {
	if mt := content.Get(h.Get("Content-Type")); mt != nil {
		return mt
	}
	return content.Get("application/json")
}

// strictProblems runs the unknown-property check on a JSON body. A body that
// is not JSON is left to kin-openapi, which reports it.
func strictProblems(where string, schema *openapi3.SchemaRef, body []byte) []string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	return prefixAll(where+": ", unknownKeys(schema, v))
}

// find returns the spec's operation for req's method and path under /v1.
func (c *core) find(req *http.Request) (*routers.Route, map[string]string, error) {
	p := req.URL.Path
	if !strings.HasPrefix(p, apiBase+"/") {
		return nil, nil, fmt.Errorf("path %s is not under %s/, the Management API base", p, apiBase)
	}
	// Route on the path alone so any scheme and host (random test ports) match.
	r := &http.Request{Method: req.Method, URL: &url.URL{Path: p, RawPath: req.URL.RawPath}, Header: http.Header{}}
	route, params, err := c.router.FindRoute(r)
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return nil, nil, fmt.Errorf("PingOne's Management API has no %s operation on %s", req.Method, p)
	case err != nil:
		return nil, nil, fmt.Errorf("PingOne's Management API has no operation %s %s", req.Method, p)
	}
	return route, params, nil
}

func opName(route *routers.Route) string {
	if id := route.Operation.OperationID; id != "" {
		return id
	}
	return route.Method + " " + route.Path
}

func contextOf(req *http.Request) context.Context {
	if ctx := req.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// describe turns a kin-openapi error into short problem lines: a location,
// the JSON pointer of the value and the reason. A oneOf mismatch is reduced to
// the closest branch, instead of kin-openapi's explanation of every branch.
func (c *core) describe(err error) []string {
	var out []string
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, x := range e {
			out = append(out, c.describe(x)...)
		}
		return nonEmpty(out)
	case *openapi3filter.RequestError:
		where := ""
		switch {
		case e.Parameter != nil:
			where = fmt.Sprintf("parameter %q in %s: ", e.Parameter.Name, e.Parameter.In)
		case e.RequestBody != nil:
			where = "request body: "
		}
		out = prefixAll(where, c.describeWithReason(e.Reason, e.Err))
	case *openapi3filter.ResponseError:
		out = c.describeWithReason(e.Reason, e.Err)
		var se *openapi3.SchemaError
		if errors.As(e.Err, &se) {
			out = prefixAll("body: ", out)
		}
	case *openapi3.SchemaError:
		if line := c.describeSchemaError(e); line != "" {
			out = []string{line}
		}
	default:
		out = []string{trim(err.Error(), 400)}
	}
	return out
}

func (c *core) describeWithReason(reason string, err error) []string {
	if err == nil {
		return []string{reason}
	}
	var se *openapi3.SchemaError
	var me openapi3.MultiError
	if errors.As(err, &se) || errors.As(err, &me) {
		return c.describe(err) // schema errors say enough on their own
	}
	if reason == "" {
		return []string{trim(err.Error(), 400)}
	}
	return []string{reason + ": " + trim(err.Error(), 400)}
}

func (c *core) describeSchemaError(e *openapi3.SchemaError) string {
	ptr := "/" + strings.Join(e.JSONPointer(), "/")
	if errors.Is(e.Origin, openapi3.ErrOneOfConflict) {
		// PingOne's oneOf branches are not mutually exclusive (for example
		// ApplicationPingOneAdminConsole declares two optional properties and
		// so matches every application), so a value matching several branches
		// is not a mismatch: oneOf is treated as anyOf. The strict check still
		// requires one branch to declare every key.
		return ""
	}
	var branches openapi3.MultiError
	if e.SchemaField == "oneOf" && e.Origin != nil && !errors.Is(e.Origin, openapi3.ErrOneOfConflict) &&
		errors.As(e.Origin, &branches) && e.Schema != nil {
		return ptr + ": " + c.closestBranch(e.Schema.OneOf, branches, e.Value)
	}
	if e.Origin != nil {
		var me openapi3.MultiError
		if errors.As(e.Origin, &me) {
			return strings.Join(c.describe(me), "; ")
		}
		var se *openapi3.SchemaError
		if errors.As(e.Origin, &se) {
			return c.describeSchemaError(se)
		}
	}
	reason := e.Reason
	if reason == "" {
		reason = fmt.Sprintf("doesn't match schema %q", e.SchemaField)
	}
	if e.Origin != nil && !strings.Contains(reason, e.Origin.Error()) {
		reason += ": " + trim(e.Origin.Error(), 200)
	}
	return ptr + ": " + reason
}

// closestBranch explains a value that matches no oneOf branch by naming the
// branches and detailing only the closest one: fewest schema errors plus
// undeclared keys.
func (c *core) closestBranch(oneOf openapi3.SchemaRefs, branchErrs openapi3.MultiError, value any) string {
	names := make([]string, len(oneOf))
	for i, r := range oneOf {
		names[i] = refName(r, i)
	}
	if len(branchErrs) != len(oneOf) { // a discriminator picked the branch(es)
		return "matches no oneOf branch: " + strings.Join(c.describe(branchErrs), "; ")
	}
	best, bestScore := -1, 0
	var bestLines []string
	for i, be := range branchErrs {
		lines := c.describe(be)
		// Undeclared keys only rank the branches: the strict check reports them.
		score := len(lines) + len(unknownKeys(oneOf[i], value))
		if best < 0 || score < bestScore {
			best, bestScore, bestLines = i, score, lines
		}
	}
	if len(bestLines) > 4 {
		bestLines = append(bestLines[:4], fmt.Sprintf("… %d more", len(bestLines)-4))
	}
	return fmt.Sprintf("matches none of oneOf [%s]; closest is %s: %s",
		strings.Join(names, ", "), names[best], strings.Join(bestLines, "; "))
}

func refName(r *openapi3.SchemaRef, i int) string {
	if r.Ref != "" {
		return r.Ref[strings.LastIndex(r.Ref, "/")+1:]
	}
	return "#" + strconv.Itoa(i)
}

func nonEmpty(lines []string) []string {
	out := lines[:0]
	for _, l := range lines {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func prefixAll(prefix string, lines []string) []string {
	if prefix == "" {
		return lines
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = prefix + l
	}
	return out
}

func trim(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + fmt.Sprintf("… [%d more characters trimmed]", len(s)-n)
}
