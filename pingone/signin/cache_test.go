package signin

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
	"golang.org/x/oauth2"
)

// memKeyring is an in-memory keyring; hang makes every call block, and
// setDelay makes Set take that long before it stores the secret.
type memKeyring struct {
	mu       sync.Mutex
	m        map[string]string
	hang     chan struct{}
	err      error
	setDelay atomic.Int64 // nanoseconds
}

func newMemKeyring() *memKeyring { return &memKeyring{m: map[string]string{}} }

func (k *memKeyring) wait() error {
	if k.hang != nil {
		<-k.hang
	}
	return k.err
}

func (k *memKeyring) Get(service, user string) (string, error) {
	if err := k.wait(); err != nil {
		return "", err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (k *memKeyring) Set(service, user, secret string) error {
	if err := k.wait(); err != nil {
		return err
	}
	time.Sleep(time.Duration(k.setDelay.Load()))
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[service+"/"+user] = secret
	return nil
}

func (k *memKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, service+"/"+user)
	return nil
}

func (k *memKeyring) DeleteAll(service string) error {
	if err := k.wait(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for key := range k.m {
		if strings.HasPrefix(key, service+"/") {
			delete(k.m, key)
		}
	}
	return nil
}

func (k *memKeyring) len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.m)
}

// signIns counts fresh sign-ins and performs them in the simulator.
type signIns struct {
	tn *tenant
	n  int
}

func (s *signIns) fresh(cfg Config) func(context.Context) (*oauth2.Token, error) {
	return func(ctx context.Context) (*oauth2.Token, error) {
		s.n++
		return Browser(ctx, cfg, nil, newFormBrowser("admin", s.tn.seed.Admin.Password).open)
	}
}

func TestCachedTokensAreReusedRefreshedAndKeptPerEnvironmentAndClient(t *testing.T) {
	tn := newTenant(t)
	kr := newMemKeyring()
	cache := &Cache{Keyring: kr, Dir: t.TempDir(), Timeout: time.Second, Now: time.Now}
	cfg := tn.config()
	s := &signIns{tn: tn}

	ts, notice, err := cache.TokenSource(testContext(t), cfg, s.fresh(cfg))
	if err != nil || notice != "" || s.n != 1 {
		t.Fatalf("first: err %v notice %q sign-ins %d", err, notice, s.n)
	}
	first, _ := ts.Token()
	if kr.len() != 1 {
		t.Fatalf("%d keyring entries, want 1", kr.len())
	}
	if _, err := os.Stat(filepath.Join(cache.Dir, tokenFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a token file was written although the keyring works")
	}

	// Same environment, client and host: no new sign-in.
	ts, _, err = cache.TokenSource(testContext(t), cfg, s.fresh(cfg))
	if err != nil || s.n != 1 {
		t.Fatalf("second: err %v sign-ins %d", err, s.n)
	}
	if tok, _ := ts.Token(); tok.AccessToken != first.AccessToken {
		t.Fatalf("the cached token was not reused")
	}

	// An hour later the access token has expired: the refresh token renews
	// it, and the rotated refresh token is saved.
	cache.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	ts, _, err = cache.TokenSource(testContext(t), cfg, s.fresh(cfg))
	if err != nil || s.n != 1 {
		t.Fatalf("refresh: err %v sign-ins %d", err, s.n)
	}
	refreshed, _ := ts.Token()
	if refreshed.AccessToken == first.AccessToken || refreshed.RefreshToken == first.RefreshToken {
		t.Fatalf("not refreshed")
	}
	var stored storedToken
	raw, _ := kr.Get(KeyringService, KeyOf(cfg).String())
	_ = json.Unmarshal([]byte(raw), &stored)
	if stored.RefreshToken != refreshed.RefreshToken {
		t.Fatalf("the rotated refresh token was not saved")
	}
	cache.Now = time.Now

	// Another client is another key: it signs in afresh.
	other := cfg
	other.ClientID = tn.addApp(map[string]any{"grantTypes": []string{"AUTHORIZATION_CODE"}, "responseTypes": []string{"CODE"},
		"redirectUris": []string{cfg.RedirectURI()}})
	if _, _, err := cache.TokenSource(testContext(t), other, s.fresh(other)); err != nil || s.n != 2 {
		t.Fatalf("other client: err %v sign-ins %d", err, s.n)
	}

	// A revoked refresh token (replayed) means signing in again.
	_, _ = tn.srv.Client().PostForm(tn.srv.URL+"/"+cfg.EnvironmentID+"/as/token", map[string][]string{
		"grant_type": {"refresh_token"}, "refresh_token": {first.RefreshToken}, "client_id": {cfg.ClientID}})
	cache.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	if _, _, err := cache.TokenSource(testContext(t), cfg, s.fresh(cfg)); err != nil || s.n != 3 {
		t.Fatalf("after revocation: err %v sign-ins %d", err, s.n)
	}

	if _, err := cache.Logout(); err != nil || kr.len() != 0 {
		t.Fatalf("logout: %v, %d entries left", err, kr.len())
	}
}

func TestAHangingKeyringFallsBackToAPrivateFileAfterANotice(t *testing.T) {
	tn := newTenant(t)
	kr := newMemKeyring()
	kr.hang = make(chan struct{})
	defer close(kr.hang)
	dir := filepath.Join(t.TempDir(), "pingone-setup")
	cache := &Cache{Keyring: kr, Dir: dir, Timeout: 50 * time.Millisecond, Now: time.Now}
	cfg := tn.config()
	s := &signIns{tn: tn}

	ts, notice, err := cache.TokenSource(testContext(t), cfg, s.fresh(cfg))
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := ts.Token()
	if !strings.Contains(notice, "keyring") || !strings.Contains(notice, filepath.Join(dir, tokenFileName)) {
		t.Fatalf("notice %q", notice)
	}
	if strings.Contains(notice, tok.AccessToken) || strings.Contains(notice, tok.RefreshToken) {
		t.Fatalf("the notice shows a token")
	}
	fi, err := os.Stat(filepath.Join(dir, tokenFileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v, mode %v", err, fi.Mode())
	}
	di, _ := os.Stat(dir)
	if di.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v", di.Mode())
	}

	// The next run (new Cache, keyring still hanging) finds the file.
	cache2 := &Cache{Keyring: kr, Dir: dir, Timeout: 50 * time.Millisecond, Now: time.Now}
	ts, _, err = cache2.TokenSource(testContext(t), cfg, s.fresh(cfg))
	if err != nil || s.n != 1 {
		t.Fatalf("second run: err %v, sign-ins %d", err, s.n)
	}

	// Logout removes the file even though the keyring does not answer, and says so without
	// failing: what was stored (the file) is gone.
	if note, err := cache2.Logout(); err != nil || !strings.Contains(note, "keyring could not be reached") {
		t.Fatalf("logout: error %v, note %q; want no error and the keyring named in the note", err, note)
	}
	if _, err := os.Stat(filepath.Join(dir, tokenFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the token file survived logout")
	}
}

func TestACachedTokenOfAnotherEnvironmentIsNeverUsed(t *testing.T) {
	tn := newTenant(t)
	kr := newMemKeyring()
	cache := &Cache{Keyring: kr, Dir: t.TempDir(), Timeout: time.Second, Now: time.Now}
	cfg := tn.config()
	// A token for the Sandbox stored under Production's key (a mixed-up
	// store). Its client is the key's client, so only the environment tells
	// them apart.
	sandboxTok := tn.sim.IssueAppToken(tn.seed.Sandbox.ID, cfg.ClientID, time.Hour)
	data, _ := json.Marshal(storedToken{AccessToken: sandboxTok, Expiry: time.Now().Add(time.Hour)})
	_ = kr.Set(KeyringService, KeyOf(cfg).String(), string(data))
	s := &signIns{tn: tn}
	ts, _, err := cache.TokenSource(testContext(t), cfg, s.fresh(cfg))
	if err != nil || s.n != 1 {
		t.Fatalf("err %v sign-ins %d", err, s.n)
	}
	if tok, _ := ts.Token(); tok.AccessToken == sandboxTok {
		t.Fatalf("the Sandbox token was used for Production")
	}
}

func TestCacheKeysIgnoreCaseOfHostAndEnvironment(t *testing.T) {
	a := KeyOf(Config{AuthURL: "https://AUTH.pingone.com", EnvironmentID: "ABC", ClientID: "c"})
	b := KeyOf(Config{AuthURL: "https://auth.pingone.com", EnvironmentID: "abc", ClientID: "c"})
	if a != b || a.String() != "auth.pingone.com abc c" {
		t.Fatalf("keys %v / %v", a, b)
	}
}

// A keyring Set that outlives its timeout stores its token later, after newer
// tokens went to the file. The next run must use the file's token: the
// keyring's holds a rotated-out refresh token, and replaying it would revoke
// the sign-in.
func TestALateKeyringWriteNeverShadowsTheNewerTokenInTheFile(t *testing.T) {
	tn := newTenant(t)
	kr := newMemKeyring()
	kr.setDelay.Store(int64(300 * time.Millisecond))
	dir := t.TempDir()
	cache := &Cache{Keyring: kr, Dir: dir, Timeout: 50 * time.Millisecond, Now: time.Now}
	cfg := tn.config()
	s := &signIns{tn: tn}

	// Run 1: the keyring is too slow, so the token goes to the file; the
	// keyring's Set finishes later with the same (soon stale) token.
	if _, notice, err := cache.TokenSource(testContext(t), cfg, s.fresh(cfg)); err != nil || notice == "" {
		t.Fatalf("first run: err %v notice %q", err, notice)
	}
	// Run 2, same process, two hours later: the refresh rotates the refresh
	// token, and the new one is saved to the file.
	cache.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	ts, _, err := cache.TokenSource(testContext(t), cfg, s.fresh(cfg))
	if err != nil || s.n != 1 {
		t.Fatalf("second run: err %v sign-ins %d", err, s.n)
	}
	rotated, _ := ts.Token()
	deadline := time.Now().Add(5 * time.Second)
	for kr.len() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if kr.len() == 0 {
		t.Fatal("the slow keyring write never landed")
	}

	// Run 3, a new process with a healthy keyring, later still.
	kr.setDelay.Store(0)
	cache3 := &Cache{Keyring: kr, Dir: dir, Timeout: time.Second, Now: func() time.Time { return time.Now().Add(4 * time.Hour) }}
	ts, _, err = cache3.TokenSource(testContext(t), cfg, s.fresh(cfg))
	if err != nil || s.n != 1 {
		t.Fatalf("third run: err %v, sign-ins %d (the stale keyring token was used and its replay revoked the sign-in)", err, s.n)
	}
	if tok, _ := ts.Token(); tok.RefreshToken == rotated.RefreshToken || tok.RefreshToken == "" {
		t.Fatalf("third run did not refresh from the file's token")
	}
}

func TestAFailedRefreshIsASanitisedSignInError(t *testing.T) {
	tn := newTenant(t)
	cfg, err := tn.config().normalized()
	if err != nil {
		t.Fatal(err)
	}
	cache := &Cache{Dir: t.TempDir(), Now: time.Now}
	const rt = "revoked-refresh-token-0123456789"
	src := cache.savingSource(testContext(t), cfg, &oauth2.Token{AccessToken: "old", RefreshToken: rt, Expiry: time.Now().Add(-time.Hour)})
	_, err = src.Token()
	e := wantReason(t, err, ErrFailed)
	if e.Code != "invalid_grant" || !strings.Contains(e.Fix, "sign in again") {
		t.Fatalf("error %+v", e)
	}
	if msg := err.Error(); strings.Contains(msg, rt) || strings.Contains(msg, "{") || strings.Contains(msg, "oauth2:") {
		t.Fatalf("error text %q shows x/oauth2's raw error", msg)
	}
}
