package flows

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// Secret rotation limits: PingOne keeps a previous secret valid for 1 minute to 30 days.
const (
	MinPreviousValid = time.Minute
	MaxPreviousValid = 30 * 24 * time.Hour
)

// SecretAPI is what rotating a secret needs besides API.
type SecretAPI interface {
	API
	RotateApplicationSecret(ctx context.Context, envID, appID string, previousExpiresAt time.Time) (*pingone.ApplicationSecret, error)
}

// Rotation is what RotateSecret did.
type Rotation struct {
	App         pingone.Application
	Environment pingone.Environment
	// Credentials hold the new secret.
	Credentials Credentials
	// PreviousExpiresAt is when the previous secret stops working; zero: it already has.
	PreviousExpiresAt time.Time
	// Verified says whether a token request with the new secret worked.
	Verified *Verification
	Changes  []Change
}

// RotateSecret generates a new client secret for the app appRef (name or ID) of envID, keeping
// the previous one valid for keep (0: it stops working at once; else 1 minute to 30 days), and
// proves the new one with a token request where the app has the client credentials grant.
// A rotation whose outcome is unknown (5xx, dropped connection) is looked up: the secret is read
// again, and the rotation counts only if it changed; it is never sent twice blindly.
func RotateSecret(ctx context.Context, env Env, envID, appRef string, keep time.Duration) (Rotation, error) {
	if keep != 0 && (keep < MinPreviousValid || keep > MaxPreviousValid) {
		return Rotation{}, fmt.Errorf("the previous secret can stay valid for 1 minute to 30 days, not %s", keep)
	}
	base := env.API
	if r, ok := base.(*Reads); ok {
		base = r.API
	}
	api, ok := base.(SecretAPI)
	if !ok {
		return Rotation{}, errors.New("this sign-in cannot rotate secrets")
	}
	var app *pingone.Application
	var environment *pingone.Environment
	err := parallel(
		func() (err error) { app, err = findApp(ctx, api, envID, appRef); return err },
		func() (err error) {
			environment, err = api.GetEnvironment(ctx, envID)
			return wrap("read environment "+envID, err)
		},
	)
	if err != nil {
		return Rotation{}, err
	}
	if app.TokenEndpointAuthMethod == pingone.AuthMethodNone {
		return Rotation{}, fmt.Errorf("%q is a public client (token auth method NONE): it has no secret to rotate", app.Name)
	}
	// The current secret first: it proves the permission, and tells a rotation that happened
	// from one that did not when an answer is lost.
	before, err := api.GetApplicationSecret(ctx, envID, app.ID)
	if err != nil {
		return Rotation{}, wrap("read the client secret", err)
	}
	var until time.Time
	if keep > 0 {
		until = time.Now().Add(keep)
	}
	sec, err := createLooking(ctx, env,
		func() (*pingone.ApplicationSecret, error) {
			return api.RotateApplicationSecret(ctx, envID, app.ID, until)
		},
		func() (*pingone.ApplicationSecret, bool, error) {
			now, err := api.GetApplicationSecret(ctx, envID, app.ID)
			if err != nil {
				return nil, false, err
			}
			return now, now.Secret != before.Secret, nil
		})
	if err != nil {
		return Rotation{}, wrap(fmt.Sprintf("rotate the secret of %q", app.Name), err)
	}
	r := Rotation{App: *app, Environment: *environment,
		Credentials: Credentials{EnvironmentID: envID, ClientID: app.ID, ClientSecret: sec.Secret, Region: env.Region,
			AuthMethod: app.TokenEndpointAuthMethod, SecretFingerprint: Fingerprint(sec.Secret)},
		Changes: []Change{{Step: "rotate-secret", Action: Updated, Object: appObject(*app), Field: "secret", To: "a new secret (" + Fingerprint(sec.Secret) + ")", Applied: true}},
	}
	if sec.Previous != nil && sec.Previous.ExpiresAt != "" {
		if t, err := time.Parse(time.RFC3339Nano, sec.Previous.ExpiresAt); err == nil {
			r.PreviousExpiresAt = t
		}
	}
	r.Verified = proveSecret(ctx, env, *app, r.Credentials)
	return r, nil
}

// proveSecret requests a token with the new secret where the app may (client credentials).
func proveSecret(ctx context.Context, env Env, app pingone.Application, c Credentials) *Verification {
	v := &Verification{Method: "client credentials", Call: "POST /as/token"}
	if env.AppClient == nil || !slices.Contains(app.GrantTypes, pingone.GrantClientCredentials) {
		v.Outcome = OutcomeUnverified
		v.Message = "not proven here: the app has no client credentials grant, so the new secret is proven by the connector's next token request"
		return v
	}
	if _, err := env.AppClient(ctx, c); err != nil {
		v.Outcome, v.Message = OutcomeFailed, "a token request with the new secret failed: "+err.Error()
		return v
	}
	v.OK, v.Outcome, v.Message = true, OutcomeVerified, "a token request with the new secret succeeded"
	return v
}

// Fingerprint names a secret without revealing it: the first 8 hex digits of its SHA-256, so an
// admin can tell which secret a connector holds.
func Fingerprint(secret string) string {
	if secret == "" {
		return ""
	}
	return "sha256:" + sha256Hex(secret)[:8]
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
