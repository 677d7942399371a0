package signin

import (
	"github.com/pingone-setup/pingone-setup/internal/securefile"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// KeyringService is the OS keyring service name tokens are stored under.
const KeyringService = "pingone-setup"

// KeyringTimeout bounds every keyring call: without a D-Bus session (SSH,
// containers) the Secret Service client can hang.
const KeyringTimeout = 3 * time.Second

// tokenFileName is the fallback store inside Cache.Dir.
const tokenFileName = "tokens.json"

// expiryLeeway renews a token this long before it expires.
const expiryLeeway = time.Minute

// Key identifies a cached token: the auth host, the environment and the
// client it was issued by and for. A token is reused only for the same Key.
type Key struct {
	AuthHost      string // e.g. auth.pingone.com (host[:port] of Config.AuthURL)
	EnvironmentID string
	ClientID      string
}

// KeyOf returns the cache key of a sign-in configuration.
func KeyOf(c Config) Key {
	host := c.AuthURL
	if u, err := url.Parse(c.AuthURL); err == nil && u.Host != "" {
		host = u.Host
	}
	return Key{AuthHost: strings.ToLower(host), EnvironmentID: strings.ToLower(c.EnvironmentID), ClientID: c.ClientID}
}

// String is the keyring account name: "host env client". It holds no secret.
func (k Key) String() string { return k.AuthHost + " " + k.EnvironmentID + " " + k.ClientID }

// Keyring is the part of an OS keyring the cache uses; SystemKeyring is the
// real one (github.com/zalando/go-keyring). Get returns keyring.ErrNotFound
// for a missing entry.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
	DeleteAll(service string) error
}

// SystemKeyring is the OS keyring: macOS Keychain, Windows Credential
// Manager, or the Secret Service over D-Bus on Linux.
type SystemKeyring struct{}

// Get reads a secret.
func (SystemKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }

// Set stores a secret.
func (SystemKeyring) Set(service, user, secret string) error {
	return keyring.Set(service, user, secret)
}

// Delete removes a secret.
func (SystemKeyring) Delete(service, user string) error { return keyring.Delete(service, user) }

// DeleteAll removes every secret of service.
func (SystemKeyring) DeleteAll(service string) error { return keyring.DeleteAll(service) }

// Cache keeps sign-in tokens between runs, in the OS keyring when it works
// and otherwise, after telling the caller, in Dir/tokens.json (mode 0600, Dir
// mode 0700). Its zero value is not usable: use NewCache.
type Cache struct {
	// Keyring is the keyring to use (NewCache: SystemKeyring); nil means
	// always use the file.
	Keyring Keyring
	// Dir holds the fallback file (NewCache: os.UserConfigDir()/pingone-setup).
	Dir string
	// Timeout bounds each keyring call (NewCache: KeyringTimeout).
	Timeout time.Duration
	// Now is the clock (NewCache: time.Now).
	Now func() time.Time

	mu       sync.Mutex
	fallback bool // the keyring failed once: use the file from now on
}

// NewCache returns a Cache on the OS keyring with the file fallback in the
// user's config directory.
func NewCache() *Cache {
	dir := ""
	if d, err := os.UserConfigDir(); err == nil {
		dir = filepath.Join(d, "pingone-setup")
	}
	return &Cache{Keyring: SystemKeyring{}, Dir: dir, Timeout: KeyringTimeout, Now: time.Now}
}

// storedToken is the JSON kept per key.
type storedToken struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
}

// TokenSource returns a token source for cfg that starts from the cached
// token when there is one for KeyOf(cfg): used as is while it is valid,
// refreshed with its refresh token when expired. Without a usable cached
// token it calls fresh (for example Browser or Device) once. Every new or
// refreshed token (refresh tokens rotate) is saved again. notice is non-empty
// when the keyring could not be used and tokens go to the file instead: show
// it to the user.
func (c *Cache) TokenSource(ctx context.Context, cfg Config, fresh func(context.Context) (*oauth2.Token, error)) (ts oauth2.TokenSource, notice string, err error) {
	cfg, err = cfg.normalized()
	if err != nil {
		return nil, "", err
	}
	key := KeyOf(cfg)
	tok, _, notice, _ := c.cached(ctx, cfg)
	if tok == nil {
		if fresh == nil {
			return nil, notice, errors.New("sign-in: no cached token and no way to sign in")
		}
		if tok, err = fresh(ctx); err != nil {
			return nil, notice, err
		}
	}
	if n := c.save(key, tok); n != "" {
		notice = n
	}
	return c.savingSource(ctx, cfg, tok), notice, nil
}

// Errors of Cached: why the cache cannot sign in without the user.
var (
	// ErrNotSignedIn: nothing is cached for this environment and sign-in app.
	ErrNotSignedIn = errors.New("not signed in: nothing is cached for this environment and sign-in app")
	// ErrSignInExpired: the cached token expired and could not be refreshed (no refresh token,
	// or PingOne refused it: expired, revoked, or the sign-in app changed).
	ErrSignInExpired = errors.New("the saved sign-in has expired or was revoked")
)

// CachedToken is what Cached found.
type CachedToken struct {
	// Token is the access token to use (refreshed when Refreshed).
	Token *oauth2.Token
	// Refreshed says the cached access token had expired and was refreshed now.
	Refreshed bool
	// CanRefresh says a refresh token is kept, so the sign-in renews itself.
	CanRefresh bool
}

// Cached signs in from the cache alone, never asking the user: the cached token while valid,
// refreshed with its refresh token when expired (the new token is saved). It fails with
// ErrNotSignedIn or ErrSignInExpired (wrapping PingOne's answer) otherwise. notice is as for
// TokenSource.
func (c *Cache) Cached(ctx context.Context, cfg Config) (ts oauth2.TokenSource, got CachedToken, notice string, err error) {
	cfg, err = cfg.normalized()
	if err != nil {
		return nil, got, "", err
	}
	tok, refreshed, notice, err := c.cached(ctx, cfg)
	if tok == nil {
		return nil, got, notice, err
	}
	if refreshed {
		if n := c.save(KeyOf(cfg), tok); n != "" {
			notice = n
		}
	}
	got = CachedToken{Token: tok, Refreshed: refreshed, CanRefresh: tok.RefreshToken != ""}
	return c.savingSource(ctx, cfg, tok), got, notice, nil
}

// cached is the cached token for cfg (normalized): as is while valid, refreshed when expired.
// A nil token comes with ErrNotSignedIn or ErrSignInExpired.
func (c *Cache) cached(ctx context.Context, cfg Config) (tok *oauth2.Token, refreshed bool, notice string, err error) {
	key := KeyOf(cfg)
	cached, notice := c.load(key)
	if cached == nil || !c.belongs(cached, key) {
		return nil, false, notice, ErrNotSignedIn
	}
	if c.valid(cached) {
		return cached, false, notice, nil
	}
	if cached.RefreshToken == "" {
		return nil, false, notice, fmt.Errorf("%w: the access token expired at %s and no refresh token was kept", ErrSignInExpired, cached.Expiry.Format("2006-01-02 15:04 MST"))
	}
	// Expired (by our clock): make x/oauth2 refresh it now. A failed refresh (expired or
	// revoked refresh token) means signing in again.
	stale := *cached
	stale.Expiry = time.Now().Add(-time.Hour)
	t, rerr := cfg.oauth2Config().TokenSource(cfg.withClient(ctx), &stale).Token()
	if rerr != nil {
		return nil, false, notice, fmt.Errorf("%w: %w", ErrSignInExpired, cfg.tokenError(ctx, rerr))
	}
	return t, true, notice, nil
}

// savingSource returns a token source that starts from tok, refreshes it
// with cfg (normalized) when it expires, and saves every new token.
func (c *Cache) savingSource(ctx context.Context, cfg Config, tok *oauth2.Token) *savingSource {
	src := cfg.oauth2Config().TokenSource(cfg.withClient(ctx), tok)
	return &savingSource{cache: c, key: KeyOf(cfg), cfg: cfg, ctx: ctx, last: tok.AccessToken,
		src: oauth2.ReuseTokenSourceWithExpiry(tok, src, expiryLeeway)}
}

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Cache) valid(t *oauth2.Token) bool {
	return t.AccessToken != "" && (t.Expiry.IsZero() || c.now().Add(expiryLeeway).Before(t.Expiry))
}

// belongs double-checks a cached token's env and client claims against the
// key, so a mixed-up store never signs in to the wrong environment.
func (c *Cache) belongs(t *oauth2.Token, key Key) bool {
	cl, err := pingone.ParseTokenClaims(t.AccessToken)
	if err != nil {
		return true // opaque token: the key is all we have
	}
	if env := cl.Environment(); env != "" && !strings.EqualFold(env, key.EnvironmentID) {
		return false
	}
	return cl.ClientID == "" || cl.ClientID == key.ClientID
}

// savingSource saves each new token it hands out.
type savingSource struct {
	cache *Cache
	key   Key
	cfg   Config
	ctx   context.Context
	src   oauth2.TokenSource
	mu    sync.Mutex
	last  string
}

// Token returns the current token, refreshing it when it has expired. A
// failed refresh is an *Error (sanitised: never x/oauth2's raw error, whose
// text can carry the token endpoint's response body).
func (s *savingSource) Token() (*oauth2.Token, error) {
	t, err := s.src.Token()
	if err != nil {
		err = s.cfg.tokenError(s.ctx, err)
		var e *Error
		if errors.As(err, &e) && e.Code == "invalid_grant" {
			e.Fix = "sign in again: the saved sign-in has expired or was revoked"
		}
		return nil, err
	}
	s.mu.Lock()
	changed := t.AccessToken != s.last
	s.last = t.AccessToken
	s.mu.Unlock()
	if changed {
		s.cache.save(s.key, t)
	}
	return t, nil
}

var errKeyringTimeout = errors.New("the OS keyring did not answer in time")

// withTimeout runs a keyring call in a goroutine and gives up after Timeout.
// A call that times out keeps running in the background; its result is
// dropped.
func (c *Cache) withTimeout(f func() (string, error)) (string, error) {
	d := c.Timeout
	if d <= 0 {
		d = KeyringTimeout
	}
	type result struct {
		v   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-t.C:
		return "", errKeyringTimeout
	}
}

func (c *Cache) useKeyring() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Keyring != nil && !c.fallback
}

// keyringFailed switches to the file and returns the notice for the user.
func (c *Cache) keyringFailed(err error) string {
	c.mu.Lock()
	c.fallback = true
	c.mu.Unlock()
	why := "it is not available"
	switch {
	case errors.Is(err, errKeyringTimeout):
		why = "it did not answer within " + c.Timeout.String() + " (no D-Bus session?)"
	case err != nil:
		why = "it failed: " + sanitize(err.Error(), 200)
	}
	return fmt.Sprintf("The OS keyring could not be used (%s), so the sign-in token is kept in %s, readable only by you (mode 0600). Run logout to remove it.", why, c.filePath())
}

// load returns the cached token of key, or nil. It looks in the file first,
// then in the keyring. A file entry is always the newer one: save removes the
// key's file entry whenever the keyring takes a token, and writes the file
// only when the keyring failed. The keyring may still hold an older token
// then: a Set that outlived its timeout lands later. Using that stale token
// would replay its rotated-out refresh token and make PingOne revoke the
// whole token family.
func (c *Cache) load(key Key) (*oauth2.Token, string) {
	all, _ := c.readFile()
	if st, ok := all[key.String()]; ok && st.usable() {
		return st.token(), ""
	}
	notice := ""
	if c.useKeyring() {
		v, err := c.withTimeout(func() (string, error) { return c.Keyring.Get(KeyringService, key.String()) })
		switch {
		case err == nil:
			var st storedToken
			if json.Unmarshal([]byte(v), &st) == nil && st.usable() {
				return st.token(), ""
			}
		case errors.Is(err, keyring.ErrNotFound):
		default:
			notice = c.keyringFailed(err)
		}
	}
	return nil, notice
}

// usable reports whether a stored entry is a token that can go into an Authorization header:
// an access token, and a refresh token if any, of visible ASCII (RFC 6750's b64token and RFC
// 6749's VSCHAR fit), and a Bearer token type. Anything else (a damaged or hand-edited store) is
// passed over, so the user signs in again instead of sending a broken header.
func (st storedToken) usable() bool {
	visible := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] <= ' ' || s[i] > '~' {
				return false
			}
		}
		return true
	}
	return st.AccessToken != "" && visible(st.AccessToken) && visible(st.RefreshToken) &&
		(st.TokenType == "" || strings.EqualFold(st.TokenType, "bearer"))
}

func (st storedToken) token() *oauth2.Token {
	return &oauth2.Token{AccessToken: st.AccessToken, TokenType: st.TokenType, RefreshToken: st.RefreshToken, Expiry: st.Expiry}
}

// save stores tok under key and returns a notice if it had to fall back to
// the file. Failures to save are not fatal: the sign-in still works for this
// run.
func (c *Cache) save(key Key, tok *oauth2.Token) string {
	st := storedToken{AccessToken: tok.AccessToken, TokenType: tok.TokenType, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry}
	data, _ := json.Marshal(st)
	notice := ""
	if c.useKeyring() {
		_, err := c.withTimeout(func() (string, error) { return "", c.Keyring.Set(KeyringService, key.String(), string(data)) })
		if err == nil {
			c.removeFromFile(key)
			return ""
		}
		notice = c.keyringFailed(err)
	}
	_ = c.updateFile(func(all map[string]storedToken) { all[key.String()] = st })
	return notice
}

func (c *Cache) filePath() string { return filepath.Join(c.Dir, tokenFileName) }

func (c *Cache) readFile() (map[string]storedToken, error) {
	all := map[string]storedToken{}
	if c.Dir == "" {
		return all, errors.New("no config directory")
	}
	data, err := readAtMost(c.filePath(), maxTokenFile)
	if err != nil {
		return all, err
	}
	if err := json.Unmarshal(data, &all); err != nil {
		return map[string]storedToken{}, err
	}
	if all == nil { // the file says null: Unmarshal sets the map to nil
		all = map[string]storedToken{}
	}
	return all, nil
}

// maxTokenFile bounds what readFile reads: a few hundred sign-ins fit; a larger file is not ours.
const maxTokenFile = 4 << 20

// readAtMost reads a file of at most limit bytes.
func readAtMost(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return data, err
}

// updateFile rewrites the token file atomically at mode 0600 in a 0700 dir.
func (c *Cache) updateFile(change func(map[string]storedToken)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Dir == "" {
		return errors.New("no config directory for the token file")
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	_ = os.Chmod(c.Dir, 0o700)
	all, _ := c.readFile()
	change(all)
	if len(all) == 0 {
		err := os.Remove(c.filePath())
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	data, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	return securefile.Replace(c.filePath(), data)
}

func (c *Cache) removeFromFile(key Key) {
	if all, err := c.readFile(); err == nil {
		if _, ok := all[key.String()]; ok {
			_ = c.updateFile(func(m map[string]storedToken) { delete(m, key.String()) })
		}
	}
}

// Logout removes every cached sign-in token: all of pingone-setup's keyring
// entries and the fallback file. A keyring that cannot be reached is not a
// failure: where there is no keyring the tokens went to the file, which is
// removed regardless; note says so, for the user. err is a store that could
// not be cleared.
func (c *Cache) Logout() (note string, err error) {
	if c.Keyring != nil {
		_, kerr := c.withTimeout(func() (string, error) { return "", c.Keyring.DeleteAll(KeyringService) })
		if kerr != nil && !errors.Is(kerr, keyring.ErrNotFound) {
			note = "The OS keyring could not be reached (" + sanitize(kerr.Error(), 200) + "), so nothing in it was removed; " +
				"without a keyring, sign-ins are kept in the file, which is removed. If you signed in here while a keyring worked, run logout again where it does."
		}
	}
	if c.Dir != "" {
		if rerr := os.Remove(c.filePath()); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			return note, fmt.Errorf("remove %s: %w", c.filePath(), rerr)
		}
	}
	return note, nil
}

// Logout removes every token cached by NewCache's Cache (OS keyring and
// file).
func Logout() (note string, err error) { return NewCache().Logout() }
