package pingonetest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
)

// Messages of PingOne's P1Error bodies (pingone-api.md §3).
const (
	msgInvalidData  = "The request could not be completed. One or more validation errors were in the request."
	msgAccessFailed = "The request could not be completed. You do not have access to this resource."
	msgNotAuthz     = "The actor attempting to perform the request is not authorized."
	// [unconfirmed] wording of the 404, 401 detail, 405 and malformed-request messages.
	msgNotFound     = "The request could not be completed. The requested resource was not found."
	msgInvalidToken = "The access token is missing, invalid or expired."
	msgBadRequest   = "The request could not be completed. The request was malformed or invalid."
	msgMethod       = "The request could not be completed. The requested method is not supported for this resource."
)

// detail is one entry of P1Error.details.
type detail struct {
	Code    string         `json:"code,omitempty"`
	Target  string         `json:"target,omitempty"`
	Message string         `json:"message,omitempty"`
	Inner   map[string]any `json:"innerError,omitempty"`
}

type p1Error struct {
	ID      string   `json:"id"`
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Details []detail `json:"details,omitempty"`
}

// call is one request being handled.
type call struct {
	s     *Server
	w     http.ResponseWriter
	r     *http.Request
	vars  map[string]string
	actor *actor
}

func (c *call) base() string { return baseURL(c.r) }

func (c *call) json(status int, v any) {
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(status)
	enc := json.NewEncoder(c.w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func (c *call) noContent() { c.w.WriteHeader(http.StatusNoContent) }

// fail writes a P1Error.
func (c *call) fail(status int, code, message string, details ...detail) {
	c.json(status, p1Error{ID: c.s.newID(), Code: code, Message: message, Details: details})
}

func (c *call) invalid(details ...detail) {
	c.fail(http.StatusBadRequest, "INVALID_DATA", msgInvalidData, details...)
}

func (c *call) notFound() {
	c.fail(http.StatusNotFound, "NOT_FOUND", msgNotFound)
}

func (c *call) forbidden() {
	c.fail(http.StatusForbidden, "ACCESS_FAILED", msgAccessFailed,
		detail{Code: "INSUFFICIENT_PERMISSIONS", Message: msgNotAuthz})
}

func (c *call) unauthorized() {
	c.w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	c.fail(http.StatusUnauthorized, "ACCESS_FAILED", msgAccessFailed,
		detail{Code: "INVALID_TOKEN", Message: msgInvalidToken})
}

// decodeBody decodes a JSON object body. It writes the error response and
// returns false when the body is not JSON or not an object.
func (c *call) decodeBody(optional bool) (map[string]any, bool) {
	data, err := io.ReadAll(io.LimitReader(c.r.Body, 1<<20+1))
	if err != nil || len(data) > 1<<20 {
		c.fail(http.StatusBadRequest, "INVALID_REQUEST", msgBadRequest)
		return nil, false
	}
	if len(data) == 0 {
		if optional {
			return map[string]any{}, true
		}
		c.fail(http.StatusBadRequest, "INVALID_REQUEST", msgBadRequest,
			detail{Code: "INVALID_VALUE", Message: "A request body is required."})
		return nil, false
	}
	// [unconfirmed] a body with a content type other than JSON -> 415 INVALID_REQUEST
	// (GOCLI declares 415 INVALID_REQUEST).
	if mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type")); mt != "application/json" {
		c.fail(http.StatusUnsupportedMediaType, "INVALID_REQUEST",
			"The request could not be completed. The content type is not supported.")
		return nil, false
	}
	var body map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil || body == nil {
		c.fail(http.StatusBadRequest, "INVALID_REQUEST", msgBadRequest,
			detail{Code: "INVALID_VALUE", Message: "The request body is not a valid JSON object."})
		return nil, false
	}
	return body, true
}
