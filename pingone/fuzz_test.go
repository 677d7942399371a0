package pingone

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func FuzzDecodeError(f *testing.F) {
	seeds := []struct {
		status int
		ra     string
		body   string
	}{
		{400, "", `{"id":"6c79","code":"INVALID_DATA","message":"m","details":[{"code":"UNIQUENESS_VIOLATION","target":"role","message":"May not assign duplicate Role","innerError":{"allowedValues":["a"]}}]}`},
		{403, "", `{"code":"ACCESS_FAILED","message":"no","details":[{"code":"INSUFFICIENT_PERMISSIONS"}]}`},
		{429, "5", `{"id":"x","code":"REQUEST_LIMITED"}`},
		{429, "Wed, 21 Oct 2015 07:28:00 GMT", ``},
		{502, "", `<html><title>502 Bad Gateway</title></html>`},
		{500, "", `{"id":"abc","code":"UNEX`},
		{404, "", `{"id":5,"code":["x"],"details":"nope"}`},
		{403, "", "password=hunter2&x=1"},
	}
	for _, s := range seeds {
		f.Add(s.status, s.ra, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, retryAfter string, body []byte) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		e := decodeError(status, h, body)
		if e == nil || e.Status != status {
			t.Fatalf("decodeError lost the status: %+v", e)
		}
		if e.RetryAfter < 0 {
			t.Fatalf("negative RetryAfter %v", e.RetryAfter)
		}
		msg := e.Error()
		if strings.ContainsAny(msg, "\x00\x1b\n") {
			t.Fatalf("Error() has control characters: %q", msg)
		}
		_ = IsNotFound(e) || IsForbidden(e) || IsUnauthorized(e) || IsUniquenessViolation(e) || IsRateLimited(e)
	})
}

func FuzzDecodeList(f *testing.F) {
	seeds := []string{
		`{"_links":{"next":{"href":"https://api.pingone.com/v1/x?cursor=a"}},"_embedded":{"applications":[{"id":"a","name":"n","type":"WORKER","signing":{"x":1}}]},"count":2,"size":1}`,
		`{"_embedded":{"applications":null}}`,
		`{"_embedded":{"applications":[{"id":1}]}}`,
		`{"_embedded":{"applications":{}}}`,
		`{"_links":{"next":"x"}}`,
		`{}`, `null`, `[]`, `{"size":"big"}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		items, _, _, err := decodePage(body, "applications")
		if err != nil {
			return
		}
		for _, raw := range items {
			var app Application
			if json.Unmarshal(raw, &app) != nil {
				continue
			}
			// What decodes must encode, and a request body never carries read-only fields.
			b, err := app.RequestBody()
			if err != nil {
				t.Fatalf("RequestBody: %v", err)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("RequestBody is not a JSON object: %v", err)
			}
			for _, k := range applicationReadOnly {
				if _, ok := m[k]; ok {
					t.Fatalf("RequestBody has read-only %q", k)
				}
			}
			_ = Redact(raw)
		}
	})
}
