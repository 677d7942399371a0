package pingone

import (
	"context"
	"net/http"
	"net/url"
)

// ListGroups returns the groups of an environment matching filter, a SCIM filter such
// as `name eq "Admins"`; "" returns every group.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-all-groups
func (c *Client) ListGroups(ctx context.Context, envID, filter string) ([]Group, error) {
	if err := requireIDs("environment ID", envID); err != nil {
		return nil, err
	}
	var q url.Values
	if filter != "" {
		q = url.Values{"filter": {filter}}
	}
	return list[Group](ctx, c, pathOf("environments", envID, "groups"), q, "groups")
}

// GetGroup returns one group.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-one-group
func (c *Client) GetGroup(ctx context.Context, envID, groupID string) (*Group, error) {
	if err := requireIDs("environment ID", envID, "group ID", groupID); err != nil {
		return nil, err
	}
	var g Group
	if err := c.do(ctx, http.MethodGet, pathOf("environments", envID, "groups", groupID), nil, nil, &g); err != nil {
		return nil, err
	}
	return &g, nil
}
