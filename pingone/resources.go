package pingone

import (
	"context"
	"net/http"
)

// ListResources returns the protected resources of an environment, including the
// built-in openid (OPENID_CONNECT) and PingOne API (PINGONE_API) resources.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-all-resources
func (c *Client) ListResources(ctx context.Context, envID string) ([]Resource, error) {
	if err := requireIDs("environment ID", envID); err != nil {
		return nil, err
	}
	return list[Resource](ctx, c, pathOf("environments", envID, "resources"), nil, "resources")
}

// ListResourceScopes returns the scopes of a resource, e.g. openid and offline_access
// for the openid resource.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-all-resource-scopes
func (c *Client) ListResourceScopes(ctx context.Context, envID, resourceID string) ([]ResourceScope, error) {
	if err := requireIDs("environment ID", envID, "resource ID", resourceID); err != nil {
		return nil, err
	}
	return list[ResourceScope](ctx, c, pathOf("environments", envID, "resources", resourceID, "scopes"), nil, "scopes")
}

// ListApplicationGrants returns the resource grants of an application.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-all-application-resource-grants
func (c *Client) ListApplicationGrants(ctx context.Context, envID, appID string) ([]ApplicationGrant, error) {
	if err := requireIDs("environment ID", envID, "application ID", appID); err != nil {
		return nil, err
	}
	return list[ApplicationGrant](ctx, c, pathOf("environments", envID, "applications", appID, "grants"), nil, "grants")
}

// applicationGrantBody is what a grant create sends: resource and scopes only.
type applicationGrantBody struct {
	Resource Ref   `json:"resource"`
	Scopes   []Ref `json:"scopes"`
}

// CreateApplicationGrant grants an application scopes of one resource (201). Only
// g.Resource and g.Scopes are sent.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#post-create-application-resource-grant
func (c *Client) CreateApplicationGrant(ctx context.Context, envID, appID string, g ApplicationGrant) (*ApplicationGrant, error) {
	if err := requireIDs("environment ID", envID, "application ID", appID, "resource ID", g.Resource.ID); err != nil {
		return nil, err
	}
	if err := validateScopes(g.Scopes); err != nil {
		return nil, err
	}
	body := applicationGrantBody{Resource: Ref{ID: g.Resource.ID}, Scopes: g.Scopes}
	var out ApplicationGrant
	if err := c.do(ctx, http.MethodPost, pathOf("environments", envID, "applications", appID, "grants"), nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateApplicationGrant replaces a grant's scopes with a PUT (200). Only g.Resource and
// g.Scopes are sent; PingOne clears anything else.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#put-update-application-resource-grant
func (c *Client) UpdateApplicationGrant(ctx context.Context, envID, appID, grantID string, g ApplicationGrant) (*ApplicationGrant, error) {
	if err := requireIDs("environment ID", envID, "application ID", appID, "grant ID", grantID, "resource ID", g.Resource.ID); err != nil {
		return nil, err
	}
	if err := validateScopes(g.Scopes); err != nil {
		return nil, err
	}
	body := applicationGrantBody{Resource: Ref{ID: g.Resource.ID}, Scopes: g.Scopes}
	var out ApplicationGrant
	if err := c.do(ctx, http.MethodPut, pathOf("environments", envID, "applications", appID, "grants", grantID), nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteApplicationGrant removes a grant from an application (204).
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#delete-delete-application-resource-grant
func (c *Client) DeleteApplicationGrant(ctx context.Context, envID, appID, grantID string) error {
	if err := requireIDs("environment ID", envID, "application ID", appID, "grant ID", grantID); err != nil {
		return err
	}
	return c.do(ctx, http.MethodDelete, pathOf("environments", envID, "applications", appID, "grants", grantID), nil, nil, nil)
}

func validateScopes(scopes []Ref) error {
	if len(scopes) == 0 {
		return fmtErr("a grant needs at least one scope")
	}
	for _, s := range scopes {
		if err := requireIDs("scope ID", s.ID); err != nil {
			return err
		}
	}
	return nil
}
