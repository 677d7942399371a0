package pingone

import (
	"context"
	"net/http"
)

// SignOnPolicy is an environment's sign-on policy (schema SignOnPolicy): what a user goes through
// to sign in (password, MFA, ...). Default marks the one apps without an assignment use.
type SignOnPolicy struct {
	Links       map[string]Link `json:"_links,omitempty"`
	ID          string          `json:"id,omitempty"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Default     bool            `json:"default,omitempty"`
}

// SignOnPolicyAssignment puts a sign-on policy on an application (schema
// SignOnPolicyAssignment); the lowest Priority is evaluated first.
type SignOnPolicyAssignment struct {
	Links        map[string]Link `json:"_links,omitempty"`
	ID           string          `json:"id,omitempty"`
	SignOnPolicy Ref             `json:"signOnPolicy"`
	Priority     int             `json:"priority"`
	Application  *Ref            `json:"application,omitempty"`
	Environment  *Ref            `json:"environment,omitempty"`
}

// ListSignOnPolicies returns the sign-on policies of an environment.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-sign-on-policies
func (c *Client) ListSignOnPolicies(ctx context.Context, envID string) ([]SignOnPolicy, error) {
	if err := requireIDs("environment ID", envID); err != nil {
		return nil, err
	}
	return list[SignOnPolicy](ctx, c, pathOf("environments", envID, "signOnPolicies"), nil, "signOnPolicies")
}

// ListSignOnPolicyAssignments returns an application's sign-on policy assignments.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#get-read-all-sop-assignments
func (c *Client) ListSignOnPolicyAssignments(ctx context.Context, envID, appID string) ([]SignOnPolicyAssignment, error) {
	if err := requireIDs("environment ID", envID, "application ID", appID); err != nil {
		return nil, err
	}
	return list[SignOnPolicyAssignment](ctx, c, pathOf("environments", envID, "applications", appID, "signOnPolicyAssignments"), nil, "signOnPolicyAssignments")
}

// sopAssignmentBody is what a create sends: the policy and the priority.
type sopAssignmentBody struct {
	SignOnPolicy Ref `json:"signOnPolicy"`
	Priority     int `json:"priority"`
}

// CreateSignOnPolicyAssignment assigns a sign-on policy to an application at a priority.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#post-create-sop-assignment
func (c *Client) CreateSignOnPolicyAssignment(ctx context.Context, envID, appID string, a SignOnPolicyAssignment) (*SignOnPolicyAssignment, error) {
	if err := requireIDs("environment ID", envID, "application ID", appID, "sign-on policy ID", a.SignOnPolicy.ID); err != nil {
		return nil, err
	}
	var out SignOnPolicyAssignment
	if err := c.do(ctx, http.MethodPost, pathOf("environments", envID, "applications", appID, "signOnPolicyAssignments"), nil,
		sopAssignmentBody{SignOnPolicy: Ref{ID: a.SignOnPolicy.ID}, Priority: a.Priority}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteSignOnPolicyAssignment removes one of an application's sign-on policy assignments.
//
// PingOne API: https://apidocs.pingidentity.com/pingone/platform/v1/api/#delete-delete-sop-assignment
func (c *Client) DeleteSignOnPolicyAssignment(ctx context.Context, envID, appID, assignmentID string) error {
	if err := requireIDs("environment ID", envID, "application ID", appID, "assignment ID", assignmentID); err != nil {
		return err
	}
	return c.do(ctx, http.MethodDelete, pathOf("environments", envID, "applications", appID, "signOnPolicyAssignments", assignmentID), nil, nil, nil)
}
