package signin

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// deviceApp is a sign-in app for the device flow that polls every second.
func (tn *tenant) deviceApp() Config {
	id := tn.addApp(map[string]any{"grantTypes": []string{"DEVICE_CODE", "REFRESH_TOKEN"}, "devicePollingInterval": 1})
	return Config{AuthURL: tn.srv.URL, EnvironmentID: tn.seed.Production.ID, ClientID: id, HTTPClient: tn.srv.Client()}
}

func TestDeviceSignInShowsTheCodeAndReturnsTheAdminsToken(t *testing.T) {
	tn := newTenant(t)
	cfg := tn.deviceApp()
	var shown DeviceCode
	approved := make(chan error, 1)
	ctx := testContext(t)
	tok, err := Device(ctx, cfg, func(dc DeviceCode) {
		shown = dc
		go func() {
			approved <- newFormBrowser("admin", tn.seed.Admin.Password).approve(dc.VerificationURIComplete)
		}()
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-approved:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("the device approval never finished")
	}
	if len(shown.UserCode) != 9 || shown.VerificationURI != tn.srv.URL+"/"+cfg.EnvironmentID+"/device" ||
		!strings.HasSuffix(shown.VerificationURIComplete, "?user_code="+shown.UserCode) || shown.Interval != time.Second ||
		time.Until(shown.ExpiresAt) < 9*time.Minute {
		t.Fatalf("device code %+v", shown)
	}
	who, err := IdentityFromToken(tok)
	if err != nil || who.UserID != tn.seed.Admin.ID {
		t.Fatalf("identity %+v, %v", who, err)
	}
}

func TestDeviceSignInReportsDenialAndSetupProblems(t *testing.T) {
	tn := newTenant(t)
	cfg := tn.deviceApp()
	ctx := testContext(t)
	_, err := Device(ctx, cfg, func(dc DeviceCode) {
		b := newFormBrowser("admin", tn.seed.Admin.Password)
		b.action = "cancel"
		go func() { _ = b.approve(dc.VerificationURIComplete) }()
	})
	wantReason(t, err, ErrCancelled)
	if ctx.Err() != nil {
		t.Fatal("the denial was not noticed: the sign-in ran until the test's deadline")
	}

	seeded := Config{AuthURL: tn.srv.URL, EnvironmentID: tn.seed.Production.ID, ClientID: tn.seed.AdminWorker.ClientID,
		ClientSecret: tn.seed.AdminWorker.ClientSecret, HTTPClient: tn.srv.Client()}
	_, err = Device(testContext(t), seeded, nil)
	e := wantReason(t, err, ErrAppRejected) // device authorization sends no secret
	if strings.Contains(e.Error(), tn.seed.AdminWorker.ClientSecret) {
		t.Fatalf("the error shows the client secret")
	}

	noDevice := cfg
	noDevice.ClientID = tn.addApp(map[string]any{"grantTypes": []string{"AUTHORIZATION_CODE"}, "responseTypes": []string{"CODE"},
		"redirectUris": []string{"http://127.0.0.1:7464/callback"}})
	_, err = Device(testContext(t), noDevice, nil)
	wantReason(t, err, ErrGrantNotAllowed)

	wrongRegion := cfg
	wrongRegion.EnvironmentID = "6f1c2a3b-0000-4000-8000-000000000000"
	_, err = Device(testContext(t), wrongRegion, nil)
	wantReason(t, err, ErrEnvironmentNotFound)

	disabled := cfg
	disabled.ClientID = tn.addApp(map[string]any{"enabled": false, "grantTypes": []string{"DEVICE_CODE"}})
	_, err = Device(testContext(t), disabled, nil)
	wantReason(t, err, ErrAppRejected)
}

func TestDeviceSignInEndsWhenTheCodeExpiresOrCtxIsCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tn := newInMemoryTenant(t)
		id := tn.sim.AddApplication(tn.seed.Production.ID, map[string]any{"name": "short", "enabled": true, "type": "WORKER",
			"protocol": "OPENID_CONNECT", "tokenEndpointAuthMethod": "NONE", "grantTypes": []string{"DEVICE_CODE"},
			"deviceTimeout": 30, "devicePollingInterval": 5})
		cfg := Config{AuthURL: "http://127.0.0.1", EnvironmentID: tn.seed.Production.ID, ClientID: id, HTTPClient: tn.client}
		// On the bubble's fake clock: well past the code's 30 s, so a client that
		// never gives up fails at once instead of polling forever.
		bounded, cancelBounded := context.WithTimeout(t.Context(), 5*time.Minute)
		defer cancelBounded()
		_, err := Device(bounded, cfg, nil)
		wantReason(t, err, ErrExpired)

		ctx, cancel := context.WithCancel(bounded)
		time.AfterFunc(7*time.Second, cancel)
		_, err = Device(ctx, cfg, nil)
		wantReason(t, err, ErrCancelled)
	})
}

// slowDownOnce answers the first device-code poll with slow_down and records
// when each poll came.
type slowDownOnce struct {
	next  http.Handler
	mu    sync.Mutex
	polls []time.Time
}

func (h *slowDownOnce) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if strings.HasSuffix(r.URL.Path, "/as/token") && strings.Contains(string(body), "device_code=") {
		h.mu.Lock()
		h.polls = append(h.polls, time.Now())
		first := len(h.polls) == 1
		h.mu.Unlock()
		if first {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":"slow_down","error_description":"Polling too fast."}`)
			return
		}
	}
	h.next.ServeHTTP(w, r)
}

func TestDeviceSignInWaitsFiveSecondsMoreAfterSlowDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tn := newInMemoryTenant(t)
		h := &slowDownOnce{next: tn.sim}
		tn.handler = h
		id := tn.sim.AddApplication(tn.seed.Production.ID, map[string]any{"name": "dev", "enabled": true, "type": "WORKER",
			"protocol": "OPENID_CONNECT", "tokenEndpointAuthMethod": "NONE", "grantTypes": []string{"DEVICE_CODE"},
			"devicePollingInterval": 1})
		cfg := Config{AuthURL: "http://127.0.0.1", EnvironmentID: tn.seed.Production.ID, ClientID: id, HTTPClient: tn.client}
		// On the bubble's fake clock, so a client that never stops polling fails at once.
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
		defer cancel()
		start := time.Now()
		tok, err := Device(ctx, cfg, func(dc DeviceCode) {
			b := newFormBrowser("admin", tn.seed.Admin.Password)
			b.hc.Transport = tn.client.Transport
			if err := b.approve(dc.VerificationURIComplete); err != nil {
				t.Error(err)
			}
		})
		if err != nil || tok.AccessToken == "" {
			t.Fatalf("token %v, err %v", tok, err)
		}
		if len(h.polls) != 2 {
			t.Fatalf("%d polls, want 2", len(h.polls))
		}
		if first, gap := h.polls[0].Sub(start), h.polls[1].Sub(h.polls[0]); first != time.Second || gap != 6*time.Second {
			t.Fatalf("first poll after %v (want 1s), second %v later (want 1s + 5s)", first, gap)
		}
	})
}

// inMemoryTenant serves the simulator through an in-process RoundTripper, so
// that synctest's fake clock drives polling without real waits.
type inMemoryTenant struct {
	sim     *pingonetest.Server
	seed    pingonetest.Seed
	handler http.Handler
	client  *http.Client
}

func newInMemoryTenant(t *testing.T) *inMemoryTenant {
	sim := pingonetest.New(pingonetest.WithSigningKey(sharedKey()))
	tn := &inMemoryTenant{sim: sim, seed: sim.Seed(), handler: sim}
	tn.client = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sr := r.Clone(r.Context())
		if sr.Body == nil {
			sr.Body = http.NoBody
		}
		if sr.Host == "" {
			sr.Host = r.URL.Host
		}
		sr.RequestURI = r.URL.RequestURI()
		rec := httptest.NewRecorder()
		tn.handler.ServeHTTP(rec, sr)
		res := rec.Result()
		res.Request = r
		return res, nil
	})}
	return tn
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
