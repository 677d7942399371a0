package pingone

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Call is one HTTP attempt as recorded for a transcript. Bodies are already redacted
// (see Redact); headers, and so the Authorization header, are never recorded.
type Call struct {
	Method        string        `json:"method"`
	Path          string        `json:"path"`            // URL path, no host
	Query         string        `json:"query,omitempty"` // raw query string
	Status        int           `json:"status,omitempty"`
	Duration      time.Duration `json:"duration"`
	ErrorID       string        `json:"errorId,omitempty"` // PingOne's error id for non-2xx responses
	Attempt       int           `json:"attempt"`           // 1 for the first attempt
	RequestBody   []byte        `json:"requestBody,omitempty"`
	ResponseBody  []byte        `json:"responseBody,omitempty"`
	Err           string        `json:"error,omitempty"` // transport error or error summary
	TransactionID string        `json:"transactionId,omitempty"`
}

// MarshalJSON writes the bodies as embedded JSON (they are redacted JSON or a
// "[non-JSON body, N bytes]" note) so a saved transcript stays readable.
func (c Call) MarshalJSON() ([]byte, error) {
	type plain Call
	return json.Marshal(struct {
		plain
		RequestBody  any `json:"requestBody,omitempty"`
		ResponseBody any `json:"responseBody,omitempty"`
	}{plain(c), bodyValue(c.RequestBody), bodyValue(c.ResponseBody)})
}

func bodyValue(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	if json.Valid(b) {
		return json.RawMessage(b)
	}
	return string(b)
}

// Recorder collects Calls; its Record method is safe to use as Client.Transcript from
// parallel requests.
type Recorder struct {
	mu    sync.Mutex
	calls []Call
}

// Record appends c.
func (r *Recorder) Record(c Call) {
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
}

// Calls returns a copy of the calls recorded so far.
func (r *Recorder) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.calls...)
}

// Redacted is what Redact puts in place of a secret value.
const Redacted = "[redacted]"

// sensitiveKeys are matched case-insensitively after removing '_' and '-'.
var sensitiveKeys = map[string]bool{
	"secret":          true,
	"clientsecret":    true,
	"password":        true,
	"newpassword":     true,
	"currentpassword": true,
	"accesstoken":     true,
	"refreshtoken":    true,
	"idtoken":         true,
	"token":           true,
	"codeverifier":    true,
	"devicecode":      true,
	"clientassertion": true,
	"assertion":       true,
	"privatekey":      true,
	"apikey":          true,
}

// isSensitiveKey reports whether a JSON key names a secret value. Besides the listed
// names, any key ending in "secret", "password" or "token" counts (previous.secret is caught
// by "secret"; the token exchange's subject_token and actor_token by "token").
func isSensitiveKey(k string) bool {
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(k))
	return sensitiveKeys[n] || strings.HasSuffix(n, "secret") || strings.HasSuffix(n, "password") || strings.HasSuffix(n, "token")
}

// Redact returns a copy of a JSON body with the values of secret-bearing keys (secret,
// clientSecret, client_secret, password, access_token, refresh_token, id_token, token,
// code_verifier, device_code, …, at any depth, case-insensitive) replaced by
// "[redacted]". A body that is not JSON is replaced by a note of its length only, so
// a form-encoded or garbled body can never leak a secret. Empty input gives nil.
func Redact(body []byte) []byte {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	// One JSON value and nothing after it: a decoder alone stops at the end of the first value
	// and takes a stray "}" after it for the end of the input.
	if !json.Valid(body) {
		return nonJSONNote(len(body))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nonJSONNote(len(body))
	}
	out, err := json.Marshal(redactValue(v))
	if err != nil {
		return nonJSONNote(len(body))
	}
	return out
}

func nonJSONNote(n int) []byte {
	return []byte("[non-JSON body, " + strconv.Itoa(n) + " bytes]")
}

func redactValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if isSensitiveKey(k) && child != nil {
				v[k] = Redacted
				continue
			}
			v[k] = redactValue(child)
		}
		return v
	case []any:
		for i := range v {
			v[i] = redactValue(v[i])
		}
		return v
	}
	return v
}

// record calls the transcript hook, if any.
func (c *Client) record(call Call) {
	if c.Transcript != nil {
		c.Transcript(call)
	}
}
