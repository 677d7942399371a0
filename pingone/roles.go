package pingone

import (
	"context"
	"net/http"
)

// ListRoles returns PingOne's built-in admin roles with their permissions and the
// scopes they apply to.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-all-roles
func (c *Client) ListRoles(ctx context.Context) ([]Role, error) {
	return list[Role](ctx, c, pathOf("roles"), nil, "roles")
}

// roleAssignmentBody is what a role-assignment create sends: role and scope only.
type roleAssignmentBody struct {
	Role  Ref       `json:"role"`
	Scope RoleScope `json:"scope"`
}

func validateRoleAssignment(ra RoleAssignment) error {
	return requireIDs("role ID", ra.Role.ID, "scope ID", ra.Scope.ID, "scope type", ra.Scope.Type)
}

// ListUserRoleAssignments returns the role assignments of a user.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-user-role-assignments
func (c *Client) ListUserRoleAssignments(ctx context.Context, envID, userID string) ([]RoleAssignment, error) {
	if err := requireIDs("environment ID", envID, "user ID", userID); err != nil {
		return nil, err
	}
	return list[RoleAssignment](ctx, c, pathOf("environments", envID, "users", userID, "roleAssignments"), nil, "roleAssignments")
}

// CreateUserRoleAssignment gives a user a role at a scope (201). Only ra.Role and
// ra.Scope are sent. A duplicate comes back as 400 with a UNIQUENESS_VIOLATION detail
// (see IsUniquenessViolation).
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#post-create-user-role-assignment
func (c *Client) CreateUserRoleAssignment(ctx context.Context, envID, userID string, ra RoleAssignment) (*RoleAssignment, error) {
	if err := requireIDs("environment ID", envID, "user ID", userID); err != nil {
		return nil, err
	}
	if err := validateRoleAssignment(ra); err != nil {
		return nil, err
	}
	var out RoleAssignment
	body := roleAssignmentBody{Role: Ref{ID: ra.Role.ID}, Scope: ra.Scope}
	if err := c.do(ctx, http.MethodPost, pathOf("environments", envID, "users", userID, "roleAssignments"), nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteUserRoleAssignment removes a user's role assignment (204).
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#delete-delete-user-role-assignment
func (c *Client) DeleteUserRoleAssignment(ctx context.Context, envID, userID, raID string) error {
	if err := requireIDs("environment ID", envID, "user ID", userID, "role assignment ID", raID); err != nil {
		return err
	}
	return c.do(ctx, http.MethodDelete, pathOf("environments", envID, "users", userID, "roleAssignments", raID), nil, nil, nil)
}

// ListApplicationRoleAssignments returns the role assignments of an application.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-application-role-assignments
func (c *Client) ListApplicationRoleAssignments(ctx context.Context, envID, appID string) ([]RoleAssignment, error) {
	if err := requireIDs("environment ID", envID, "application ID", appID); err != nil {
		return nil, err
	}
	return list[RoleAssignment](ctx, c, pathOf("environments", envID, "applications", appID, "roleAssignments"), nil, "roleAssignments")
}

// CreateApplicationRoleAssignment gives an application a role at a scope (201). Only
// ra.Role and ra.Scope are sent.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#post-create-application-role-assignment
func (c *Client) CreateApplicationRoleAssignment(ctx context.Context, envID, appID string, ra RoleAssignment) (*RoleAssignment, error) {
	if err := requireIDs("environment ID", envID, "application ID", appID); err != nil {
		return nil, err
	}
	if err := validateRoleAssignment(ra); err != nil {
		return nil, err
	}
	var out RoleAssignment
	body := roleAssignmentBody{Role: Ref{ID: ra.Role.ID}, Scope: ra.Scope}
	if err := c.do(ctx, http.MethodPost, pathOf("environments", envID, "applications", appID, "roleAssignments"), nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteApplicationRoleAssignment removes an application's role assignment (204).
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#delete-delete-application-role-assignment
func (c *Client) DeleteApplicationRoleAssignment(ctx context.Context, envID, appID, raID string) error {
	if err := requireIDs("environment ID", envID, "application ID", appID, "role assignment ID", raID); err != nil {
		return err
	}
	return c.do(ctx, http.MethodDelete, pathOf("environments", envID, "applications", appID, "roleAssignments", raID), nil, nil, nil)
}

// ListGroupRoleAssignments returns the admin role assignments of a group; every member
// of the group holds them.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-all-group-role-assignments
func (c *Client) ListGroupRoleAssignments(ctx context.Context, envID, groupID string) ([]RoleAssignment, error) {
	if err := requireIDs("environment ID", envID, "group ID", groupID); err != nil {
		return nil, err
	}
	return list[RoleAssignment](ctx, c, pathOf("environments", envID, "groups", groupID, "roleAssignments"), nil, "roleAssignments")
}

// CreateGroupRoleAssignment gives a group a role at a scope (201). Only ra.Role and
// ra.Scope are sent. PingOne allows it only when the caller holds that role itself and
// the group is not dynamic (no userFilter).
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#post-create-group-role-assignment
func (c *Client) CreateGroupRoleAssignment(ctx context.Context, envID, groupID string, ra RoleAssignment) (*RoleAssignment, error) {
	if err := requireIDs("environment ID", envID, "group ID", groupID); err != nil {
		return nil, err
	}
	if err := validateRoleAssignment(ra); err != nil {
		return nil, err
	}
	var out RoleAssignment
	body := roleAssignmentBody{Role: Ref{ID: ra.Role.ID}, Scope: ra.Scope}
	if err := c.do(ctx, http.MethodPost, pathOf("environments", envID, "groups", groupID, "roleAssignments"), nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteGroupRoleAssignment removes a group's role assignment (204).
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#delete-delete-group-role-assignment
func (c *Client) DeleteGroupRoleAssignment(ctx context.Context, envID, groupID, raID string) error {
	if err := requireIDs("environment ID", envID, "group ID", groupID, "role assignment ID", raID); err != nil {
		return err
	}
	return c.do(ctx, http.MethodDelete, pathOf("environments", envID, "groups", groupID, "roleAssignments", raID), nil, nil, nil)
}
