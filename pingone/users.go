package pingone

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
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

// ListUsersPage returns the first page of an environment's users matching filter ("" for all),
// at most limit of them (PingOne accepts 1 to 1000), without following the next link: for
// suggestions, where one page is enough and an environment may hold many thousands.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-all-users
func (c *Client) ListUsersPage(ctx context.Context, envID, filter string, limit int) ([]User, error) {
	if err := requireIDs("environment ID", envID); err != nil {
		return nil, err
	}
	q := url.Values{"limit": {strconv.Itoa(min(max(limit, 1), 1000))}}
	if filter != "" {
		q.Set("filter", filter)
	}
	u, err := c.buildURL(pathOf("environments", envID, "users"), q)
	if err != nil {
		return nil, err
	}
	body, err := c.send(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	raw, _, _, err := decodePage(body, "users")
	if err != nil {
		return nil, fmtErr("list users: %v", err)
	}
	out := make([]User, 0, len(raw))
	for i, r := range raw {
		var v User
		if err := json.Unmarshal(r, &v); err != nil {
			return nil, fmtErr("list users: decode _embedded.users[%d]: %v", i, err)
		}
		out = append(out, v)
	}
	return out, nil
}
