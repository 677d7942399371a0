package signin

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestAnAuthorizationCodeIsPrintableASCIIIncludingSpaceAndTilde(t *testing.T) {
	for code, want := range map[string]bool{
		"abc-123_~":   true,
		"with space":  true,
		"~":           true,
		" ":           true,
		"tab\there":   false,
		"\x1f":        false,
		"del\x7f":     false,
		"caf\xc3\xa9": false,
		"":            true,
	} {
		if got := isVSCHAR(code); got != want {
			t.Errorf("isVSCHAR(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestTheCacheKeyIsTheAuthHostLowercasedOrTheWholeURLWithoutOne(t *testing.T) {
	for _, tc := range []struct{ authURL, host string }{
		{"https://Auth.PingOne.com", "auth.pingone.com"},
		{"http://127.0.0.1:8443/", "127.0.0.1:8443"},
		{"auth.pingone.eu", "auth.pingone.eu"},
		{"%zz", "%zz"},
	} {
		k := KeyOf(Config{AuthURL: tc.authURL, EnvironmentID: "ENV-1", ClientID: "Client"})
		if k.AuthHost != tc.host || k.EnvironmentID != "env-1" || k.ClientID != "Client" {
			t.Errorf("%q: key %+v, want host %q", tc.authURL, k, tc.host)
		}
	}
}

// unsignedJWT is an access token whose claims are claims (the signature is not checked here).
func unsignedJWT(claims string) string {
	return "e30." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + ".c2ln"
}

func TestACachedTokenBelongsToItsKeyByEnvironmentAndClientClaims(t *testing.T) {
	key := Key{AuthHost: "auth.pingone.com", EnvironmentID: "env-1", ClientID: "client-1"}
	c := &Cache{}
	for _, tc := range []struct {
		name, token string
		want        bool
	}{
		{"both claims match", unsignedJWT(`{"env":"ENV-1","client_id":"client-1"}`), true},
		{"no client claim", unsignedJWT(`{"env":"env-1"}`), true},
		{"no claims of either", unsignedJWT(`{"sub":"u"}`), true},
		{"another client", unsignedJWT(`{"env":"env-1","client_id":"client-2"}`), false},
		{"another environment", unsignedJWT(`{"env":"env-2","client_id":"client-1"}`), false},
		{"an opaque token", "opaque-token", true},
	} {
		if got := c.belongs(&oauth2.Token{AccessToken: tc.token}, key); got != tc.want {
			t.Errorf("%s: belongs %v, want %v", tc.name, got, tc.want)
		}
	}
}

// tokens hands out the given tokens, then fails with err.
type tokens struct {
	list []*oauth2.Token
	err  error
}

func (s *tokens) Token() (*oauth2.Token, error) {
	if len(s.list) == 0 {
		return nil, s.err
	}
	t := s.list[0]
	s.list = s.list[1:]
	return t, nil
}

func TestOnlyANewAccessTokenIsSavedAgain(t *testing.T) {
	kr := newMemKeyring()
	c := &Cache{Keyring: kr, Dir: t.TempDir(), Timeout: time.Second}
	key := Key{AuthHost: "auth.pingone.com", EnvironmentID: "env-1", ClientID: "client-1"}
	src := &savingSource{cache: c, key: key, ctx: context.Background(), last: "first",
		src: &tokens{list: []*oauth2.Token{{AccessToken: "first"}, {AccessToken: "second"}}}}
	if _, err := src.Token(); err != nil || kr.len() != 0 {
		t.Fatalf("err %v, %d saved: the token handed out at sign-in was saved then", err, kr.len())
	}
	if _, err := src.Token(); err != nil || kr.len() != 1 {
		t.Fatalf("err %v, %d saved: a refreshed token must be saved", err, kr.len())
	}
	if got, _ := kr.Get(KeyringService, key.String()); !strings.Contains(got, `"second"`) {
		t.Errorf("saved %q", got)
	}
}

func TestOnlyAnExpiredOrRevokedRefreshSaysToSignInAgain(t *testing.T) {
	for code, again := range map[string]bool{"invalid_grant": true, "invalid_client": false} {
		src := &savingSource{cache: &Cache{}, ctx: context.Background(),
			src: &tokens{err: &oauth2.RetrieveError{ErrorCode: code, Response: &http.Response{StatusCode: 400}}}}
		_, err := src.Token()
		var e *Error
		if !errors.As(err, &e) || strings.Contains(e.Fix, "sign in again: the saved sign-in") != again {
			t.Errorf("%s: error %+v, sign in again: %v", code, e, again)
		}
	}
}

func TestATimeoutOfZeroMeansTheDefaultKeyringTimeout(t *testing.T) {
	kr := newMemKeyring()
	kr.setDelay.Store(int64(50 * time.Millisecond))
	c := &Cache{Keyring: kr, Dir: t.TempDir()}
	if notice := c.save(Key{AuthHost: "h", EnvironmentID: "e", ClientID: "c"}, &oauth2.Token{AccessToken: "tok"}); notice != "" || kr.len() != 1 {
		t.Errorf("notice %q, %d in the keyring: a keyring answering in 50ms is used", notice, kr.len())
	}
}

func TestAnUnusableTokenInTheKeyringMeansSigningInAgain(t *testing.T) {
	key := Key{AuthHost: "h", EnvironmentID: "e", ClientID: "c"}
	for _, stored := range []string{`{"access_token":"has a space"}`, `{"access_token":"tok","token_type":"MAC"}`, `not json`} {
		kr := newMemKeyring()
		_ = kr.Set(KeyringService, key.String(), stored)
		c := &Cache{Keyring: kr, Dir: t.TempDir(), Timeout: time.Second}
		if tok, _ := c.load(key); tok != nil {
			t.Errorf("%s: loaded %+v", stored, tok)
		}
	}
	kr := newMemKeyring()
	_ = kr.Set(KeyringService, key.String(), `{"access_token":"tok","token_type":"Bearer"}`)
	if tok, _ := (&Cache{Keyring: kr, Dir: t.TempDir(), Timeout: time.Second}).load(key); tok == nil || tok.AccessToken != "tok" {
		t.Errorf("a good token was not loaded: %+v", tok)
	}
}

func TestATokenFileIsReadUpToItsLimitAndNoFurther(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := readAtMost(path, 5); err != nil || string(data) != "12345" {
		t.Errorf("a file of exactly the limit: %q, %v", data, err)
	}
	if _, err := readAtMost(path, 4); err == nil || !strings.Contains(err.Error(), "larger than 4 bytes") {
		t.Errorf("a file over the limit: err %v", err)
	}
}

func TestATokenTheKeyringTookIsRemovedFromTheFile(t *testing.T) {
	key := Key{AuthHost: "h", EnvironmentID: "e", ClientID: "c"}
	other := Key{AuthHost: "h", EnvironmentID: "e2", ClientID: "c"}
	c := &Cache{Keyring: newMemKeyring(), Dir: t.TempDir(), Timeout: time.Second}
	if err := c.updateFile(func(m map[string]storedToken) {
		m[key.String()] = storedToken{AccessToken: "old"}
		m[other.String()] = storedToken{AccessToken: "other"}
	}); err != nil {
		t.Fatal(err)
	}
	if notice := c.save(key, &oauth2.Token{AccessToken: "new"}); notice != "" {
		t.Fatalf("notice %q", notice)
	}
	all, err := c.readFile()
	if _, ok := all[key.String()]; ok || err != nil || all[other.String()].AccessToken != "other" {
		t.Errorf("file %+v, %v: the key's old token must go, the other stay", all, err)
	}
}

func TestLogoutRemovesTheTokenFileAndFindsNothingToRemoveAfterwards(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	if err := c.updateFile(func(m map[string]storedToken) { m["k"] = storedToken{AccessToken: "tok"} }); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := c.Logout(); err != nil {
			t.Errorf("logout %d: %v", i+1, err)
		}
		if _, err := os.Stat(c.filePath()); !os.IsNotExist(err) {
			t.Errorf("logout %d: the token file is still there (%v)", i+1, err)
		}
	}
}
