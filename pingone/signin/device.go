package signin

import (
	"context"
	"errors"
	"time"

	"golang.org/x/oauth2"
)

// DeviceCode is what the user needs to approve a device sign-in: show
// UserCode large, VerificationURI (and VerificationURIComplete, which holds
// the code, e.g. as a link or QR code) and a countdown to ExpiresAt.
type DeviceCode struct {
	UserCode                string
	VerificationURI         string
	VerificationURIComplete string // may be empty
	ExpiresAt               time.Time
	// Interval is how often the token endpoint is polled.
	Interval time.Duration
}

// Device signs the user in with the device authorization grant (RFC 8628)
// through x/oauth2: it asks for a device code (with the Scopes, default
// openid), calls show once with it, then polls the token endpoint at the
// server's interval, slowing down by 5 s whenever PingOne says slow_down,
// until the user approves (token), denies (ErrCancelled), the code expires
// (ErrExpired) or ctx ends (ErrCancelled).
func Device(ctx context.Context, c Config, show func(DeviceCode)) (*oauth2.Token, error) {
	c, err := c.normalized()
	if err != nil {
		return nil, err
	}
	oc := c.oauth2Config()
	ctx = c.withClient(ctx)
	da, err := oc.DeviceAuth(ctx)
	if err != nil {
		return nil, c.tokenError(ctx, err)
	}
	interval := time.Duration(da.Interval) * time.Second
	if interval == 0 {
		interval = 5 * time.Second // RFC 8628 §3.2
	}
	if show != nil {
		show(DeviceCode{UserCode: da.UserCode, VerificationURI: da.VerificationURI,
			VerificationURIComplete: da.VerificationURIComplete, ExpiresAt: da.Expiry, Interval: interval})
	}
	tok, err := oc.DeviceAccessToken(ctx, da)
	if err != nil {
		// DeviceAccessToken bounds polling by the code's expiry with its
		// own deadline; ours is ctx.
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			return nil, c.newError(ErrExpired, "", "", 0, nil)
		}
		return nil, c.tokenError(ctx, err)
	}
	return tok, nil
}
