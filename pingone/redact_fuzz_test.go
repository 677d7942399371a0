package pingone

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"testing"
)

func TestABodyWithTrailingDataIsRecordedAsANoteNotAsItsFirstValue(t *testing.T) {
	for _, body := range []string{`{"client_secret":"s"}}`, `{"a":1}}{"client_secret":"s"}`, `{"a":1}]`, `"x"}`, `{"a":1} {"b":2}`, `{"a":1} x`} {
		want := "[non-JSON body, " + strconv.Itoa(len(body)) + " bytes]"
		if got := string(Redact([]byte(body))); got != want {
			t.Errorf("Redact(%s) = %s; want %s", body, got, want)
		}
	}
	if got := string(Redact([]byte(" {\"secret\":\"s\"}\r\n\t"))); got != `{"secret":"[redacted]"}` {
		t.Errorf("JSON with surrounding whitespace: %s", got)
	}
}

func TestTokenExchangeTokensAreRedacted(t *testing.T) {
	got := string(Redact([]byte(`{"subject_token":"S","actor_token":"A","sessionToken":"T","token_type":"Bearer"}`)))
	if got != `{"actor_token":"[redacted]","sessionToken":"[redacted]","subject_token":"[redacted]","token_type":"Bearer"}` {
		t.Errorf("Redact = %s", got)
	}
}

// FuzzRedact proves, on every input, what the transcript relies on: a body that is not exactly
// one JSON value becomes the length note; otherwise the output is JSON in which every value under
// a secret-like key (isSensitiveKey: client_secret, secret, password, access_token,
// refresh_token, id_token, code_verifier, assertion, …, at any depth) is "[redacted]" or null, and
// every other key and value is one the input holds outside any secret key: so no secret
// survives, whole or inside another value.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		`{"secret":"s","previous":{"secret":"p","expiresAt":"2026-01-01T00:00:00.000Z"}}`,
		`{"name":"app","CLIENT_SECRET":"a","nested":[{"Password":"p"},{"refresh_token":"r"}],"n":1.50}`,
		`{"client_secret":"s"}}`, `{"a":1}}{"client_secret":"s"}`, `[{"secret":"s"}]]`, `"x"}`,
		`{"secret":{"inner":["a",{"b":"c"}]},"ok":"c"}`, `{"secret":null,"secret":"late"}`, `{"secret":"early","secret":null}`,
		`{"access_token":"eyJ","token_type":"Bearer","expires_in":3600}`, `{"a":"\u0000\ud800"}`, "{\"k\xff\":\"v\xfe\"}",
		`password=hunter2&client_secret=x`, ``, `  `, `null`, `[]`, `{"subject_token":"t","code_verifier":"v","assertion":"a"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		out := Redact(body)
		switch {
		case len(bytes.TrimSpace(body)) == 0:
			if out != nil {
				t.Fatalf("empty body recorded as %q", out)
			}
			return
		case !json.Valid(body):
			if want := "[non-JSON body, " + strconv.Itoa(len(body)) + " bytes]"; string(out) != want {
				t.Fatalf("Redact(%q) = %q; want %q", body, out, want)
			}
			return
		}
		_, inPlain, err := jsonLeaves(body)
		if err != nil {
			t.Fatalf("walk the input: %v", err)
		}
		outSecret, outPlain, err := jsonLeaves(out)
		if err != nil {
			t.Fatalf("Redact(%q) = %q: not JSON: %v", body, out, err)
		}
		for _, v := range outSecret {
			if v != Redacted && v != "null" {
				t.Fatalf("Redact(%q) = %q: %q survives under a secret key", body, out, v)
			}
		}
		known := make(map[string]bool, len(inPlain))
		for _, v := range inPlain {
			known[v] = true
		}
		for _, v := range outPlain {
			if !known[v] {
				t.Fatalf("Redact(%q) = %q: %q is not a value of the input outside its secrets", body, out, v)
			}
		}
	})
}

// jsonLeaves walks a JSON document token by token, apart from Redact's decoding, and returns its
// scalar values under a secret-like key (at any depth below one), and its other keys and scalar
// values, each as text.
func jsonLeaves(data []byte) (secret, plain []string, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct{ object, wantKey, secret bool }
	stack := []frame{{}}
	pending := false // the value about to come in the current object sits under a secret key
	valueDone := func() {
		if top := &stack[len(stack)-1]; top.object {
			top.wantKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return secret, plain, nil
		}
		if err != nil {
			return nil, nil, err
		}
		top := &stack[len(stack)-1]
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				stack = append(stack, frame{object: d == '{', wantKey: d == '{', secret: top.secret || top.object && pending})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
			continue
		}
		if top.object && top.wantKey {
			k := tok.(string)
			plain = append(plain, k)
			pending = isSensitiveKey(k)
			top.wantKey = false
			continue
		}
		leaf := fmt.Sprint(tok)
		if tok == nil {
			leaf = "null"
		}
		if top.secret || top.object && pending {
			secret = append(secret, leaf)
		} else {
			plain = append(plain, leaf)
		}
		valueDone()
	}
}
