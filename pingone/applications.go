package pingone

import (
	"context"
	"net/http"
	"time"
)

// ListApplications returns every application of an environment (PingOne hides the
// built-in PINGFEDERATE_SSO application from this list).
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-all-applications
func (c *Client) ListApplications(ctx context.Context, envID string) ([]Application, error) {
	if err := requireIDs("environment ID", envID); err != nil {
		return nil, err
	}
	return list[Application](ctx, c, pathOf("environments", envID, "applications"), nil, "applications")
}

// GetApplication returns one application.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-one-application
func (c *Client) GetApplication(ctx context.Context, envID, appID string) (*Application, error) {
	if err := requireIDs("environment ID", envID, "application ID", appID); err != nil {
		return nil, err
	}
	var app Application
	if err := c.do(ctx, http.MethodGet, pathOf("environments", envID, "applications", appID), nil, nil, &app); err != nil {
		return nil, err
	}
	return &app, nil
}

// CreateApplication creates an application (201) and returns it as PingOne stored it.
// Read-only fields of app are not sent; AssignActorRoles is sent only when non-nil (nil
// lets a new worker inherit its creator's roles, so set it to false for least privilege).
// PingOne does not return the client secret here: read it with GetApplicationSecret.
//
// A network failure never causes a second POST: the error then wraps ErrOutcomeUnknown,
// and the caller should look the application up by name before creating it again.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#post-create-application-oidc-protocol---worker-app
func (c *Client) CreateApplication(ctx context.Context, envID string, app Application) (*Application, error) {
	if err := requireIDs("environment ID", envID); err != nil {
		return nil, err
	}
	body, err := app.requestBody(true)
	if err != nil {
		return nil, fmtErr("encode application: %v", err)
	}
	var out Application
	if err := c.do(ctx, http.MethodPost, pathOf("environments", envID, "applications"), nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateApplication replaces an application with a PUT. PingOne clears every field not
// sent, so pass the application as read with GetApplication and changed: its Extra
// fields are sent back; read-only fields and assignActorRoles are not (see RequestBody).
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#put-update-application-oidc-protocol---worker-app
func (c *Client) UpdateApplication(ctx context.Context, envID, appID string, app Application) (*Application, error) {
	if err := requireIDs("environment ID", envID, "application ID", appID); err != nil {
		return nil, err
	}
	body, err := app.requestBody(false)
	if err != nil {
		return nil, fmtErr("encode application: %v", err)
	}
	var out Application
	if err := c.do(ctx, http.MethodPut, pathOf("environments", envID, "applications", appID), nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteApplication deletes an application (204).
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#delete-delete-application
func (c *Client) DeleteApplication(ctx context.Context, envID, appID string) error {
	if err := requireIDs("environment ID", envID, "application ID", appID); err != nil {
		return err
	}
	return c.do(ctx, http.MethodDelete, pathOf("environments", envID, "applications", appID), nil, nil, nil)
}

// GetApplicationSecret returns an application's client secret. PingOne refuses (403
// INSUFFICIENT_PERMISSIONS) when the caller cannot see all of a worker's role
// assignments, and a worker cannot read its own secret.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-application-secret
func (c *Client) GetApplicationSecret(ctx context.Context, envID, appID string) (*ApplicationSecret, error) {
	if err := requireIDs("environment ID", envID, "application ID", appID); err != nil {
		return nil, err
	}
	var s ApplicationSecret
	if err := c.do(ctx, http.MethodGet, pathOf("environments", envID, "applications", appID, "secret"), nil, nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// RotateApplicationSecret generates a new client secret (POST …/secret, 200). When
// previousExpiresAt is non-zero the old secret stays valid until then (PingOne allows
// 1 minute to 30 days); a zero time sends no body and the old secret stops working at once.
//
// A network failure is not retried (the rotation may have happened): the error then
// wraps ErrOutcomeUnknown; read the secret with GetApplicationSecret to find out.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#post-update-application-secret
func (c *Client) RotateApplicationSecret(ctx context.Context, envID, appID string, previousExpiresAt time.Time) (*ApplicationSecret, error) {
	if err := requireIDs("environment ID", envID, "application ID", appID); err != nil {
		return nil, err
	}
	var in any
	if !previousExpiresAt.IsZero() {
		// [unconfirmed] PingOne's examples show millisecond precision ("2024-01-02T13:54:34.487Z").
		in = map[string]any{"previous": map[string]string{
			"expiresAt": previousExpiresAt.UTC().Format("2006-01-02T15:04:05.000Z"),
		}}
	}
	// [unconfirmed] With no previous secret kept we send no body at all; the docs call the body optional.
	var s ApplicationSecret
	if err := c.do(ctx, http.MethodPost, pathOf("environments", envID, "applications", appID, "secret"), nil, in, &s); err != nil {
		return nil, err
	}
	return &s, nil
}
