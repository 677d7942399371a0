package pingone

import (
	"encoding/json"
	"time"
)

// Enumerations, spelt exactly as in PingOne's OpenAPI spec (pingone-management.yml).
const (
	AppTypeWorker         = "WORKER"
	ProtocolOpenIDConnect = "OPENID_CONNECT"

	GrantAuthorizationCode = "AUTHORIZATION_CODE"
	GrantImplicit          = "IMPLICIT"
	GrantRefreshToken      = "REFRESH_TOKEN"
	GrantClientCredentials = "CLIENT_CREDENTIALS"
	GrantDeviceCode        = "DEVICE_CODE"
	GrantTokenExchange     = "TOKEN_EXCHANGE"
	GrantCIBA              = "CIBA"

	ResponseCode    = "CODE"
	ResponseToken   = "TOKEN"
	ResponseIDToken = "ID_TOKEN"

	AuthMethodNone              = "NONE"
	AuthMethodClientSecretBasic = "CLIENT_SECRET_BASIC"
	AuthMethodClientSecretPost  = "CLIENT_SECRET_POST"
	AuthMethodPrivateKeyJWT     = "PRIVATE_KEY_JWT"
	AuthMethodClientSecretJWT   = "CLIENT_SECRET_JWT"

	PKCEOptional     = "OPTIONAL"
	PKCERequired     = "REQUIRED"
	PKCES256Required = "S256_REQUIRED"

	AccessControlAdminUsersOnly = "ADMIN_USERS_ONLY"

	ScopeTypeOrganization = "ORGANIZATION"
	ScopeTypeEnvironment  = "ENVIRONMENT"
	ScopeTypePopulation   = "POPULATION"
	ScopeTypeApplication  = "APPLICATION"

	ResourceTypeOpenIDConnect = "OPENID_CONNECT"
	ResourceTypePingOneAPI    = "PINGONE_API"
	ResourceTypeCustom        = "CUSTOM"
)

// Link is one HAL link.
type Link struct {
	Href string `json:"href"`
}

// Ref is a reference to a related object by ID, as PingOne embeds them ({"id": "..."}).
type Ref struct {
	ID string `json:"id"`
}

// Environment is a PingOne environment (schema Environment).
type Environment struct {
	Links        map[string]Link `json:"_links,omitempty"`
	ID           string          `json:"id,omitempty"`
	Name         string          `json:"name"`
	Description  string          `json:"description,omitempty"`
	Type         string          `json:"type,omitempty"`   // PRODUCTION or SANDBOX
	Region       string          `json:"region,omitempty"` // NA, EU, CA, AU, SG, AP
	Status       string          `json:"status,omitempty"`
	Organization *Ref            `json:"organization,omitempty"`
	License      *Ref            `json:"license,omitempty"`
	CreatedAt    string          `json:"createdAt,omitempty"`
	UpdatedAt    string          `json:"updatedAt,omitempty"`
}

// AccessControl restricts who may sign in to an application (schema Application.accessControl).
type AccessControl struct {
	Role  *AccessControlRole  `json:"role,omitempty"`
	Group *AccessControlGroup `json:"group,omitempty"`
}

// AccessControlRole is accessControl.role; Type is ADMIN_USERS_ONLY.
type AccessControlRole struct {
	Type string `json:"type"`
}

// Group membership policies (accessControl.group.type).
const (
	GroupPolicyAnyGroup  = "ANY_GROUP"
	GroupPolicyAllGroups = "ALL_GROUPS"
)

// AccessControlGroup is accessControl.group; Type is ANY_GROUP or ALL_GROUPS.
type AccessControlGroup struct {
	Type   string `json:"type"`
	Groups []Ref  `json:"groups"`
}

// Application is an OIDC application (schemas Application + ApplicationOIDC). Fields the
// client does not model are kept in Extra and sent back on update, because PingOne's PUT
// replaces the whole resource: a field dropped on the way through would be cleared.
type Application struct {
	// Read-only, never sent.
	Links       map[string]Link `json:"_links,omitempty"`
	ID          string          `json:"id,omitempty"`
	Environment *Ref            `json:"environment,omitempty"`
	CreatedAt   string          `json:"createdAt,omitempty"`
	UpdatedAt   string          `json:"updatedAt,omitempty"`

	Name          string         `json:"name"`
	Description   string         `json:"description,omitempty"`
	Enabled       bool           `json:"enabled"`
	Type          string         `json:"type"`
	Protocol      string         `json:"protocol"`
	AccessControl *AccessControl `json:"accessControl,omitempty"`

	GrantTypes                             []string `json:"grantTypes,omitempty"`
	ResponseTypes                          []string `json:"responseTypes,omitempty"`
	PKCEEnforcement                        string   `json:"pkceEnforcement,omitempty"`
	RedirectURIs                           []string `json:"redirectUris,omitempty"`
	PostLogoutRedirectURIs                 []string `json:"postLogoutRedirectUris,omitempty"`
	TokenEndpointAuthMethod                string   `json:"tokenEndpointAuthMethod,omitempty"`
	RefreshTokenDuration                   *int     `json:"refreshTokenDuration,omitempty"`
	RefreshTokenRollingDuration            *int     `json:"refreshTokenRollingDuration,omitempty"`
	RefreshTokenRollingGracePeriodDuration *int     `json:"refreshTokenRollingGracePeriodDuration,omitempty"`
	// AssignActorRoles is honoured by PingOne on create only. Nil means "not sent", which
	// makes a new worker inherit its creator's roles; the wizard always sends false.
	AssignActorRoles *bool `json:"assignActorRoles,omitempty"`

	// Extra holds every other field PingOne returned, sent back unchanged on update.
	Extra map[string]json.RawMessage `json:"-"`
}

// ApplicationSecret is an application's client secret (schema ApplicationSecret).
type ApplicationSecret struct {
	Links       map[string]Link `json:"_links,omitempty"`
	Environment *Ref            `json:"environment,omitempty"`
	Secret      string          `json:"secret"`
	Previous    *PreviousSecret `json:"previous,omitempty"`
}

// PreviousSecret is the secret a rotation replaced, valid until ExpiresAt.
type PreviousSecret struct {
	Secret    string `json:"secret,omitempty"`
	ExpiresAt string `json:"expiresAt"`
	LastUsed  string `json:"lastUsed,omitempty"`
}

// String keeps the secret out of logs and errors printed with %v.
func (s ApplicationSecret) String() string { return "ApplicationSecret{secret: [redacted]}" }

// GoString keeps the secret out of %#v.
func (s ApplicationSecret) GoString() string { return s.String() }

// Permission is one permission a role holds, e.g. "dir:read:user".
type Permission struct {
	ID          string `json:"id"`
	Classifier  string `json:"classifier,omitempty"`
	Description string `json:"description,omitempty"`
}

// Role is a built-in or custom admin role (schemas Role, CustomAdminRole).
type Role struct {
	Links           map[string]Link `json:"_links,omitempty"`
	ID              string          `json:"id"`
	Name            string          `json:"name"`
	Description     string          `json:"description,omitempty"`
	Type            string          `json:"type,omitempty"` // PLATFORM or CUSTOM
	ApplicableTo    []string        `json:"applicableTo,omitempty"`
	Permissions     []Permission    `json:"permissions,omitempty"`
	CanAssign       []Ref           `json:"canAssign,omitempty"`
	CanBeAssignedBy []Ref           `json:"canBeAssignedBy,omitempty"`
	Environment     *Ref            `json:"environment,omitempty"`
}

// RoleScope is the scope of a role assignment: what the role applies to.
type RoleScope struct {
	ID   string `json:"id"`
	Type string `json:"type"` // ORGANIZATION, ENVIRONMENT, POPULATION, APPLICATION
}

// RoleAssignment gives a user, an application or a group a role at a scope (schema RoleAssignment).
type RoleAssignment struct {
	Links       map[string]Link `json:"_links,omitempty"`
	ID          string          `json:"id,omitempty"`
	Role        Ref             `json:"role"`
	Scope       RoleScope       `json:"scope"`
	Environment *Ref            `json:"environment,omitempty"`
	// Group is the group holding the assignment, on a group's assignments (read-only).
	Group    *Ref `json:"group,omitempty"`
	ReadOnly bool `json:"readOnly,omitempty"`
}

// UserName is a user's name (schema User.name).
type UserName struct {
	Given     string `json:"given,omitempty"`
	Family    string `json:"family,omitempty"`
	Formatted string `json:"formatted,omitempty"`
}

// User is a PingOne user (schema User); only what the wizard reads.
type User struct {
	Links       map[string]Link `json:"_links,omitempty"`
	ID          string          `json:"id"`
	Environment *Ref            `json:"environment,omitempty"`
	Population  *Ref            `json:"population,omitempty"`
	Username    string          `json:"username"`
	Email       string          `json:"email,omitempty"`
	Name        *UserName       `json:"name,omitempty"`
	Enabled     *bool           `json:"enabled,omitempty"`
	CreatedAt   string          `json:"createdAt,omitempty"`
	UpdatedAt   string          `json:"updatedAt,omitempty"`
	// MemberOfGroupIDs lists the groups the user belongs to (read-only). PingOne returns
	// it only on the single-user GET with include=memberOfGroupIDs (see GetUserGroupIDs).
	MemberOfGroupIDs []string `json:"memberOfGroupIDs,omitempty"`
}

// Group is a group of users (schema Group). A group's admin role assignments apply to
// every member.
type Group struct {
	Links       map[string]Link `json:"_links,omitempty"`
	ID          string          `json:"id,omitempty"`
	Environment *Ref            `json:"environment,omitempty"`
	// Population is set for a population group, nil for an environment group.
	Population *Ref   `json:"population,omitempty"`
	Name       string `json:"name"`
	// DisplayName equals Name for groups made in PingOne (read-only).
	DisplayName string `json:"displayName,omitempty"`
	Description string `json:"description,omitempty"`
	// UserFilter is the SCIM filter of a dynamic group, whose members PingOne adds by
	// that filter. PingOne does not allow admin roles on a dynamic group.
	UserFilter string `json:"userFilter,omitempty"`
	ExternalID string `json:"externalId,omitempty"`
}

// Resource is a protected resource (schema Resource): the built-in `openid` resource
// (type OPENID_CONNECT), `PingOne API` (PINGONE_API) or a custom one.
type Resource struct {
	Links                      map[string]Link `json:"_links,omitempty"`
	ID                         string          `json:"id"`
	Name                       string          `json:"name"`
	Description                string          `json:"description,omitempty"`
	Type                       string          `json:"type,omitempty"`
	Audience                   string          `json:"audience,omitempty"`
	AccessTokenValiditySeconds int             `json:"accessTokenValiditySeconds,omitempty"`
	Environment                *Ref            `json:"environment,omitempty"`
}

// ResourceScope is a scope of a resource (schema ResourceScope), e.g. openid, offline_access.
type ResourceScope struct {
	Links       map[string]Link `json:"_links,omitempty"`
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Resource    *Ref            `json:"resource,omitempty"`
	Environment *Ref            `json:"environment,omitempty"`
}

// ApplicationGrant grants an application scopes of one resource (schema ApplicationResourceGrant).
type ApplicationGrant struct {
	Links       map[string]Link `json:"_links,omitempty"`
	ID          string          `json:"id,omitempty"`
	Application *Ref            `json:"application,omitempty"`
	Resource    Ref             `json:"resource"`
	Scopes      []Ref           `json:"scopes"`
	CreatedAt   string          `json:"createdAt,omitempty"`
	UpdatedAt   string          `json:"updatedAt,omitempty"`
}

// Token is an OAuth 2.0 token response from /{envID}/as/token.
type Token struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type"`
	ExpiresIn    int       `json:"expires_in,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	IDToken      string    `json:"id_token,omitempty"`
	Scope        string    `json:"scope,omitempty"`
	Expiry       time.Time `json:"-"`
}

// String keeps tokens out of logs.
func (t Token) String() string { return "Token{access_token: [redacted]}" }

// GoString keeps tokens out of %#v.
func (t Token) GoString() string { return t.String() }
