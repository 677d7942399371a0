package pingone

import (
	"context"
	"net/http"
	"net/url"
)

// ListUsers returns the users of an environment matching filter, a SCIM filter such
// as `username eq "jdoe"`; "" returns every user. PingOne answers an unsupported
// filter with 400 and an INVALID_FILTER detail.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-all-users
func (c *Client) ListUsers(ctx context.Context, envID, filter string) ([]User, error) {
	if err := requireIDs("environment ID", envID); err != nil {
		return nil, err
	}
	var q url.Values
	if filter != "" {
		q = url.Values{"filter": {filter}}
	}
	return list[User](ctx, c, pathOf("environments", envID, "users"), q, "users")
}

// GetUser returns one user.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-user-or-users
func (c *Client) GetUser(ctx context.Context, envID, userID string) (*User, error) {
	if err := requireIDs("environment ID", envID, "user ID", userID); err != nil {
		return nil, err
	}
	var u User
	if err := c.do(ctx, http.MethodGet, pathOf("environments", envID, "users", userID), nil, nil, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// GetUserGroupIDs returns the IDs of the groups a user belongs to (an empty slice when
// none), read from the single-user GET with include=memberOfGroupIDs. PingOne needs
// the dir:read:groupMembership permission for it.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-user-or-users
func (c *Client) GetUserGroupIDs(ctx context.Context, envID, userID string) ([]string, error) {
	if err := requireIDs("environment ID", envID, "user ID", userID); err != nil {
		return nil, err
	}
	var u User
	q := url.Values{"include": {"memberOfGroupIDs"}}
	if err := c.do(ctx, http.MethodGet, pathOf("environments", envID, "users", userID), q, nil, &u); err != nil {
		return nil, err
	}
	if u.MemberOfGroupIDs == nil {
		return []string{}, nil
	}
	return u.MemberOfGroupIDs, nil
}
