package signin

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

var fuzzKey = Key{AuthHost: "auth.pingone.com", EnvironmentID: "6f1c2a3b-0000-4000-8000-000000000000", ClientID: "cli"}

func TestACachedEntryThatIsNoTokenIsPassedOver(t *testing.T) {
	for _, entry := range []string{
		`{"access_token":""}`, `{"access_token":"a b"}`, "{\"access_token\":\"abc\\r\\nX-Evil: 1\"}", `{"access_token":"abc","refresh_token":"r\n"}`,
		`{"access_token":"abc","token_type":"Basic"}`, `{"access_token":"ä"}`,
	} {
		c := &Cache{Dir: t.TempDir()}
		if err := os.WriteFile(c.filePath(), []byte(`{"`+fuzzKey.String()+`":`+entry+`}`), 0o600); err != nil {
			t.Fatal(err)
		}
		if tok, _ := c.load(fuzzKey); tok != nil {
			t.Errorf("%s loaded as %+v", entry, tok)
		}
	}
	c := &Cache{Dir: t.TempDir()}
	_ = os.WriteFile(c.filePath(), []byte(`{"`+fuzzKey.String()+`":{"access_token":"eyJ.x-y_z~+/=","token_type":"bearer","refresh_token":"r"}}`), 0o600)
	if tok, _ := c.load(fuzzKey); tok == nil || tok.AccessToken != "eyJ.x-y_z~+/=" {
		t.Errorf("a good entry was passed over: %+v", tok)
	}
}

func TestAnOversizedTokenFileIsNotRead(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	big := `{"` + fuzzKey.String() + `":{"access_token":"abc"},"pad":"` + strings.Repeat("x", maxTokenFile) + `"}`
	_ = os.WriteFile(c.filePath(), []byte(big), 0o600)
	if tok, _ := c.load(fuzzKey); tok != nil {
		t.Errorf("loaded %+v from a %d-byte file", tok, len(big))
	}
}

// FuzzTokenCacheFile feeds any bytes as tokens.json. No panic; what reads as a token store writes
// back and reads again equal; load gives nothing or a usable token (visible-ASCII access token,
// Bearer), the file's own entry for the key; and saving a token afterwards leaves a file that
// holds it, whatever was there before.
func FuzzTokenCacheFile(f *testing.F) {
	k := fuzzKey.String()
	for _, s := range []string{
		`{"` + k + `":{"access_token":"eyJ.a.b","token_type":"Bearer","refresh_token":"r","expiry":"2030-01-01T00:00:00Z"}}`,
		`{"` + k + `":{"access_token":"a","expiry":"2030-01-01T00:00:00.123456789+01:00"},"other":{"access_token":"b"}}`,
		`{"` + k + `":{"access_token":"a b"}}`, `{"` + k + `":{"access_token":"a","token_type":"Basic"}}`,
		`{"` + k + `":{"access_token":"a","expiry":"0000-01-01T00:00:00Z"}}`, `{"` + k + `":{"access_token":"a","expiry":"soon"}}`,
		`{"` + k + `":null}`, `{"` + k + `":[]}`, `null`, `[]`, `{}`, ``, `{"a":1}}`, "\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &Cache{Dir: t.TempDir()}
		if err := os.WriteFile(filepath.Join(c.Dir, tokenFileName), data, 0o600); err != nil {
			t.Fatal(err)
		}
		all, err := c.readFile()
		if err == nil {
			out, err := json.Marshal(all)
			if err != nil {
				t.Fatalf("a store read from %q does not write back: %v", data, err)
			}
			var back map[string]storedToken
			if err := json.Unmarshal(out, &back); err != nil || !sameStore(all, back) {
				t.Fatalf("store %q -> %s -> %+v, %v", data, out, back, err)
			}
		}
		tok, _ := c.load(fuzzKey)
		if tok != nil {
			st := all[k]
			if !st.usable() || tok.AccessToken != st.AccessToken || tok.RefreshToken != st.RefreshToken || !tok.Expiry.Equal(st.Expiry) {
				t.Fatalf("load from %q = %+v", data, tok)
			}
		}
		fresh := &oauth2.Token{AccessToken: "new-access", RefreshToken: "new-refresh", TokenType: "Bearer", Expiry: time.Unix(2000000000, 0)}
		c.save(fuzzKey, fresh)
		got, _ := c.load(fuzzKey)
		if got == nil || got.AccessToken != fresh.AccessToken || got.RefreshToken != fresh.RefreshToken || !got.Expiry.Equal(fresh.Expiry) {
			t.Fatalf("after saving into %q, load = %+v", data, got)
		}
	})
}

func sameStore(a, b map[string]storedToken) bool {
	if len(a) != len(b) {
		return false
	}
	for k, x := range a {
		y, ok := b[k]
		if !ok || x.AccessToken != y.AccessToken || x.RefreshToken != y.RefreshToken || x.TokenType != y.TokenType || !x.Expiry.Equal(y.Expiry) {
			return false
		}
	}
	return true
}
