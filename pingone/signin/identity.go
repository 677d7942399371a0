package signin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// Identity is who signed in.
type Identity struct {
	// UserID is the token's sub: the signed-in user's ID.
	UserID string
	// EnvironmentID is the environment the user signed in to (env claim, or
	// the issuer's path).
	EnvironmentID string
	// OrganizationID is the org claim ("" when absent).
	OrganizationID string
	// ClientID is the application the token was issued to.
	ClientID string
	// Username, Name and Email come from /as/userinfo only, and only when the
	// profile and email scopes were granted.
	Username, Name, Email string
}

// IdentityFromToken reads the signed-in user from the access token's claims
// (pingone.ParseTokenClaims; unverified, which is fine for display and for
// choosing whose roles to check: PingOne verifies the token on every call).
// A token without sub (client credentials) is an error.
func IdentityFromToken(tok *oauth2.Token) (Identity, error) {
	if tok == nil || tok.AccessToken == "" {
		return Identity{}, errors.New("who signed in: there is no access token")
	}
	cl, err := pingone.ParseTokenClaims(tok.AccessToken)
	if err != nil {
		return Identity{}, fmt.Errorf("who signed in: %w", err)
	}
	if cl.Subject == "" {
		return Identity{}, errors.New("who signed in: the token names no user (sub): it is a client credentials token, not a user sign-in")
	}
	return Identity{UserID: cl.Subject, EnvironmentID: cl.Environment(), OrganizationID: cl.Org, ClientID: cl.ClientID}, nil
}

// UserInfo asks {AuthURL}/{envID}/as/userinfo who the token belongs to. Use it
// when the token is opaque or to get the username for display; PingOne
// answers only for user tokens (a client credentials token gets 403).
func UserInfo(ctx context.Context, c Config, tok *oauth2.Token) (Identity, error) {
	c, err := c.normalized()
	if err != nil {
		return Identity{}, err
	}
	if tok == nil || tok.AccessToken == "" {
		return Identity{}, errors.New("userinfo: there is no access token")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.envBase()+"/userinfo", nil)
	if err != nil {
		return Identity{}, err
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Accept", "application/json")
	res, err := c.httpClient().Do(req)
	if err != nil {
		return Identity{}, fmt.Errorf("userinfo: %w", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return Identity{}, fmt.Errorf("userinfo: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		return Identity{}, fmt.Errorf("userinfo: %w", pingone.CheckResponse(res, body))
	}
	var ui struct {
		Sub               string `json:"sub"`
		PreferredUsername string `json:"preferred_username"`
		Name              string `json:"name"`
		Email             string `json:"email"`
	}
	if err := json.Unmarshal(body, &ui); err != nil || ui.Sub == "" {
		return Identity{}, errors.New("userinfo: the answer is not a userinfo document with a sub")
	}
	id := Identity{UserID: ui.Sub, EnvironmentID: c.EnvironmentID, Username: ui.PreferredUsername, Name: ui.Name, Email: ui.Email}
	if cl, err := pingone.ParseTokenClaims(tok.AccessToken); err == nil {
		id.OrganizationID, id.ClientID = cl.Org, cl.ClientID
	}
	return id, nil
}
