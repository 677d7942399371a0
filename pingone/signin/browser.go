package signin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pkg/browser"
	"golang.org/x/oauth2"
)

// Browser signs the user in with the authorization code grant and PKCE S256
// (RFC 7636) on a loopback redirect. It listens on 127.0.0.1:RedirectPort,
// checks the application and environment with one request, calls show with
// the authorization URL (always: the user may need to open it by hand), then
// calls open with it in the background if open is non-nil (pass OpenBrowser,
// or nil over SSH). It waits for the one callback on RedirectPath that
// carries its random state (callbacks with another state get 400 and are
// ignored), answers it with a plain "you can close this tab" page, shuts the
// listener down and exchanges the code (within 30 s). It returns when the
// token arrives, the Timeout passes (ErrTimeout), or ctx ends (ErrCancelled).
func Browser(ctx context.Context, c Config, show func(authURL string), open func(url string) error) (*oauth2.Token, error) {
	c, err := c.normalized()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(c.RedirectPort)))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, c.newError(ErrPortInUse, "", "", 0, fmt.Errorf("127.0.0.1:%d", c.RedirectPort))
		}
		return nil, c.newError(ErrFailed, "", "", 0, fmt.Errorf("listen for the sign-in callback: %w", err))
	}
	defer ln.Close()

	state := randomString(32)
	verifier := oauth2.GenerateVerifier()
	oc := c.oauth2Config()
	authURL := oc.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))
	ctx = c.withClient(ctx)

	if err := c.preflight(ctx, authURL); err != nil {
		return nil, err
	}

	results := make(chan callbackResult, 1)
	srv := &http.Server{Handler: c.callbackHandler(state, results), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()

	if show != nil {
		show(authURL)
	}
	if open != nil {
		// pkg/browser may wait for the browser process; never block on it.
		go func() { _ = open(authURL) }()
	}

	timer := time.NewTimer(c.Timeout)
	defer timer.Stop()
	var res callbackResult
	select {
	case <-ctx.Done():
		return nil, c.newError(ErrCancelled, "", "", 0, ctx.Err())
	case <-timer.C:
		return nil, c.newError(ErrTimeout, "", "", 0, nil)
	case res = <-results:
	}
	if res.err != nil {
		return nil, res.err
	}
	xctx, cancel := context.WithTimeout(ctx, exchangeTimeout)
	defer cancel()
	tok, err := oc.Exchange(xctx, res.code, oauth2.VerifierOption(verifier))
	if err != nil {
		if ctx.Err() == nil && errors.Is(xctx.Err(), context.DeadlineExceeded) {
			return nil, c.newError(ErrFailed, "", "", 0,
				fmt.Errorf("PingOne's token endpoint did not answer within %s", exchangeTimeout))
		}
		return nil, c.tokenError(ctx, err)
	}
	return tok, nil
}

// exchangeTimeout bounds the code exchange after the browser came back (a
// variable so tests can shorten it).
var exchangeTimeout = 30 * time.Second

type callbackResult struct {
	code string
	err  error
}

// callbackHandler serves the one redirect back from PingOne. Only a request
// carrying this sign-in's state ends the wait, with a code or with PingOne's
// error (access_denied included). A request with a wrong or missing state
// is not PingOne's answer to this sign-in — a stale tab, or any local page
// probing http://127.0.0.1:{port}{path} — so it gets 400 and the wait goes
// on: it cannot abort the sign-in. A state given twice is not this
// sign-in's either. With the right state, a repeated code or error, or a
// code outside RFC 6749's VSCHAR, fails the sign-in.
func (c Config) callbackHandler(state string, results chan<- callbackResult) http.Handler {
	var once sync.Once
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != c.RedirectPath {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		if len(q["state"]) != 1 || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
			writePage(w, http.StatusBadRequest, "Not this sign-in",
				"This response does not belong to the sign-in pingone-setup is waiting for. Finish the sign-in in the tab it opened, or return to the terminal.")
			return
		}
		handled := false
		once.Do(func() {
			handled = true
			var res callbackResult
			switch {
			case len(q["code"]) > 1 || len(q["error"]) > 1 || len(q["error_description"]) > 1:
				// RFC 6749 §3.1: a parameter must not appear twice; which one would be PingOne's?
				res.err = c.newError(ErrFailed, "", "the redirect repeated a parameter", 0, nil)
			case q.Get("error") != "":
				res.err = c.newError(reasonFor(q.Get("error"), 0), q.Get("error"), q.Get("error_description"), 0, nil)
			case q.Get("code") == "":
				res.err = c.newError(ErrFailed, "", "the redirect carried neither a code nor an error", 0, nil)
			case !isVSCHAR(q.Get("code")):
				res.err = c.newError(ErrFailed, "", "the redirect carried a malformed code", 0, nil)
			default:
				res.code = q.Get("code")
			}
			if res.err != nil {
				writePage(w, http.StatusBadRequest, "Sign-in failed", "Sign-in failed: "+res.err.(*Error).Reason.Error()+". Return to the terminal for details.")
			} else {
				writePage(w, http.StatusOK, "Signed in", "You are signed in to pingone-setup. You can close this tab and return to the terminal.")
			}
			results <- res
		})
		if !handled {
			writePage(w, http.StatusGone, "Sign-in finished", "This sign-in has already finished. You can close this tab.")
		}
	})
}

// isVSCHAR reports whether s holds only RFC 6749's VSCHAR (%x20-7E), what an authorization code
// is made of (Appendix A.11).
func isVSCHAR(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{.Title}}</title></head><body style="font-family:sans-serif;max-width:32em;margin:4em auto">
<h1 id="title">{{.Title}}</h1><p id="message">{{.Message}}</p></body></html>`))

func writePage(w http.ResponseWriter, status int, title, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, struct{ Title, Message string }{title, msg})
}

// preflight asks the authorize endpoint once, without following redirects,
// so that an unknown environment (wrong region: 404) or a rejected client or
// redirect URI (an error page, 400), or an OAuth error redirected back at
// once (disabled app, missing grant type, PKCE), is reported in the terminal
// instead of only in a browser tab. Any other answer means "go ahead".
// [unconfirmed] the statuses PingOne's authorize endpoint uses for these
// errors; only 400 and 404 are treated as failures, so a PingOne that shows
// its errors after a redirect degrades to the browser showing them.
func (c Config) preflight(ctx context.Context, authURL string) error {
	hc := *c.httpClient()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return c.newError(ErrFailed, "", "", 0, err)
	}
	res, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return c.newError(ErrCancelled, "", "", 0, ctx.Err())
		}
		return c.newError(ErrFailed, "", "", 0, fmt.Errorf("reach the PingOne auth server: %w", err))
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	switch res.StatusCode {
	case http.StatusNotFound:
		return c.newError(ErrEnvironmentNotFound, "", "", res.StatusCode, nil)
	case http.StatusBadRequest:
		text := string(body)
		switch {
		case containsFold(text, "redirect"):
			return c.newError(ErrRedirectMismatch, "", "Redirect URI mismatch", res.StatusCode, nil)
		case containsFold(text, "client"):
			return c.newError(ErrAppRejected, "", "the application (client ID) was not found", res.StatusCode, nil)
		}
		return c.newError(ErrFailed, "", "the authorization request was refused", res.StatusCode, nil)
	}
	// An OAuth error redirected straight back to us (RFC 6749 §4.1.2.1)
	// needs no browser to be reported.
	if loc, err := res.Location(); err == nil && strings.HasPrefix(loc.String(), c.RedirectURI()) {
		if q := loc.Query(); q.Get("error") != "" {
			return c.newError(reasonFor(q.Get("error"), 0), q.Get("error"), q.Get("error_description"), 0, nil)
		}
	}
	return nil
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("signin: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// CanOpenBrowser reports whether a browser can be opened on this machine:
// false in an SSH session (SSH_CONNECTION or SSH_TTY set) and, on Linux and
// the BSDs, when neither DISPLAY nor WAYLAND_DISPLAY is set. Show the URL
// (or use the device flow) instead.
func CanOpenBrowser() bool { return canOpenBrowser(os.Getenv, runtime.GOOS) }

func canOpenBrowser(getenv func(string) string, goos string) bool {
	if getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != "" {
		return false
	}
	switch goos {
	case "windows", "darwin", "ios", "android":
		return true
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}

var quietBrowser sync.Once

// OpenBrowser opens url in the user's browser with github.com/pkg/browser,
// its output discarded (it would corrupt the terminal UI). It returns
// ErrNoBrowser without trying when CanOpenBrowser is false. The caller must
// still show the URL: opening can fail silently.
func OpenBrowser(url string) error {
	if !CanOpenBrowser() {
		return ErrNoBrowser
	}
	quietBrowser.Do(func() {
		browser.Stdout = io.Discard
		browser.Stderr = io.Discard
	})
	return browser.OpenURL(url)
}
