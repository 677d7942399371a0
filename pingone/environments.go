package pingone

import (
	"context"
	"net/http"
)

// ListEnvironments returns every environment the token can see.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-all-environments
func (c *Client) ListEnvironments(ctx context.Context) ([]Environment, error) {
	return list[Environment](ctx, c, pathOf("environments"), nil, "environments")
}

// GetEnvironment returns one environment.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-one-environment
func (c *Client) GetEnvironment(ctx context.Context, envID string) (*Environment, error) {
	if err := requireIDs("environment ID", envID); err != nil {
		return nil, err
	}
	var env Environment
	if err := c.do(ctx, http.MethodGet, pathOf("environments", envID), nil, nil, &env); err != nil {
		return nil, err
	}
	return &env, nil
}
