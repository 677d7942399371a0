package pingone

import (
	"context"
)

// Population is a population of users (schema Population).
type Population struct {
	Links       map[string]Link `json:"_links,omitempty"`
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Default     bool            `json:"default,omitempty"`
	Environment *Ref            `json:"environment,omitempty"`
}

// ListPopulations returns the populations of an environment.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-all-populations
func (c *Client) ListPopulations(ctx context.Context, envID string) ([]Population, error) {
	if err := requireIDs("environment ID", envID); err != nil {
		return nil, err
	}
	return list[Population](ctx, c, pathOf("environments", envID, "populations"), nil, "populations")
}
