// Package flows is the wizard as data: the plan a setup must reach, the presets that fill it, the
// validators, the role check, and the steps that read and write PingOne through a small API
// interface. The interactive wizard (package tui) and the non-interactive commands (apply, doctor,
// export) drive the very same steps, so what the wizard does is what a support engineer replays.
package flows

import (
	"context"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// API is the part of the PingOne Management API the flows use; *pingone.Client satisfies it.
type API interface {
	ListEnvironments(ctx context.Context) ([]pingone.Environment, error)
	GetEnvironment(ctx context.Context, envID string) (*pingone.Environment, error)

	ListApplications(ctx context.Context, envID string) ([]pingone.Application, error)
	GetApplication(ctx context.Context, envID, appID string) (*pingone.Application, error)
	CreateApplication(ctx context.Context, envID string, app pingone.Application) (*pingone.Application, error)
	UpdateApplication(ctx context.Context, envID, appID string, app pingone.Application) (*pingone.Application, error)
	GetApplicationSecret(ctx context.Context, envID, appID string) (*pingone.ApplicationSecret, error)

	ListRoles(ctx context.Context) ([]pingone.Role, error)
	ListUserRoleAssignments(ctx context.Context, envID, userID string) ([]pingone.RoleAssignment, error)
	CreateUserRoleAssignment(ctx context.Context, envID, userID string, ra pingone.RoleAssignment) (*pingone.RoleAssignment, error)
	ListApplicationRoleAssignments(ctx context.Context, envID, appID string) ([]pingone.RoleAssignment, error)
	CreateApplicationRoleAssignment(ctx context.Context, envID, appID string, ra pingone.RoleAssignment) (*pingone.RoleAssignment, error)

	ListUsers(ctx context.Context, envID, filter string) ([]pingone.User, error)
	ListUsersPage(ctx context.Context, envID, filter string, limit int) ([]pingone.User, error)
	GetUser(ctx context.Context, envID, userID string) (*pingone.User, error)
	GetUserGroupIDs(ctx context.Context, envID, userID string) ([]string, error)
	ListGroups(ctx context.Context, envID, filter string) ([]pingone.Group, error)
	ListGroupRoleAssignments(ctx context.Context, envID, groupID string) ([]pingone.RoleAssignment, error)
	ListPopulations(ctx context.Context, envID string) ([]pingone.Population, error)

	ListResources(ctx context.Context, envID string) ([]pingone.Resource, error)
	ListResourceScopes(ctx context.Context, envID, resourceID string) ([]pingone.ResourceScope, error)
	ListApplicationGrants(ctx context.Context, envID, appID string) ([]pingone.ApplicationGrant, error)
	CreateApplicationGrant(ctx context.Context, envID, appID string, g pingone.ApplicationGrant) (*pingone.ApplicationGrant, error)
	UpdateApplicationGrant(ctx context.Context, envID, appID, grantID string, g pingone.ApplicationGrant) (*pingone.ApplicationGrant, error)
}

// Identity is who signed in to the Management API: a user (authorization code, device code) or an
// application (client credentials). PingOne authorises every call by this actor's roles.
type Identity struct {
	// EnvironmentID is the environment the actor lives in (the sign-in environment).
	EnvironmentID string
	// UserID is set for user sign-ins (the token's sub claim).
	UserID string
	// Username is the user's name when known, for messages.
	Username string
	// ClientID is the application that obtained the token.
	ClientID string
}

// IsUser reports whether a user (not an application) signed in.
func (id Identity) IsUser() bool { return id.UserID != "" }
