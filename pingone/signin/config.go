package signin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/pingone-setup/pingone-setup/pingone"
)

// Defaults of Config, the same as Ping's CLI (pingone-api.md §13).
const (
	DefaultRedirectPort = 7464
	DefaultRedirectPath = "/callback"
	DefaultTimeout      = 5 * time.Minute
)

// DefaultScopes are requested when Config.Scopes is empty. PingOne's device
// flow fails "for unknown reason" without openid (pingone-api.md §11).
var DefaultScopes = []string{"openid"}

// Config says where and as which application to sign in.
type Config struct {
	// AuthURL is the authorization server base without the environment,
	// e.g. "https://auth.pingone.com" (pingone.Region.AuthURL). Plain http is
	// accepted for loopback hosts only.
	AuthURL string
	// EnvironmentID is the environment the sign-in application lives in.
	EnvironmentID string
	// ClientID is the sign-in application's client ID.
	ClientID string
	// ClientSecret is for confidential sign-in applications only; empty means
	// token endpoint auth method NONE (client_id in the form, no secret).
	ClientSecret string
	// AuthStyle says how a ClientSecret is sent: oauth2.AuthStyleInParams for
	// CLIENT_SECRET_POST, anything else for CLIENT_SECRET_BASIC. Ignored
	// without a ClientSecret.
	AuthStyle oauth2.AuthStyle
	// RedirectPort is the loopback port of the browser flow's callback
	// (0 = DefaultRedirectPort). The redirect URI is
	// http://127.0.0.1:{RedirectPort}{RedirectPath}; it must be one of the
	// application's redirect URIs.
	RedirectPort int
	// RedirectPath is the callback path (empty = DefaultRedirectPath).
	RedirectPath string
	// Scopes to request (empty = DefaultScopes).
	Scopes []string
	// HTTPClient makes every request to PingOne (nil = http.DefaultClient).
	HTTPClient *http.Client
	// Timeout bounds how long Browser waits for the user (0 = DefaultTimeout).
	Timeout time.Duration
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// normalized validates c and fills in the defaults.
func (c Config) normalized() (Config, error) {
	if c.AuthURL == "" {
		return c, errors.New("sign-in: the auth URL is empty: pick a region or pass --auth-url")
	}
	ep, err := pingone.ResolveEndpoints(pingone.RegionNA, "", c.AuthURL)
	if err != nil {
		return c, fmt.Errorf("sign-in: %w", err)
	}
	c.AuthURL = ep.AuthURL
	if !uuidRe.MatchString(c.EnvironmentID) {
		return c, fmt.Errorf("sign-in: environment ID %q is not a PingOne ID (a UUID such as 00000000-0000-0000-0000-000000000000)", c.EnvironmentID)
	}
	if strings.TrimSpace(c.ClientID) == "" {
		return c, errors.New("sign-in: the sign-in application's client ID is empty: pass --login-client-id")
	}
	if c.RedirectPort == 0 {
		c.RedirectPort = DefaultRedirectPort
	}
	if c.RedirectPort < 0 || c.RedirectPort > 65535 {
		return c, fmt.Errorf("sign-in: redirect port %d is not a TCP port", c.RedirectPort)
	}
	if c.RedirectPath == "" {
		c.RedirectPath = DefaultRedirectPath
	}
	if !strings.HasPrefix(c.RedirectPath, "/") || strings.ContainsAny(c.RedirectPath, "?#") {
		return c, fmt.Errorf("sign-in: redirect path %q must start with / and hold no query or fragment", c.RedirectPath)
	}
	if len(c.Scopes) == 0 {
		c.Scopes = DefaultScopes
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	return c, nil
}

// RedirectURI returns the loopback redirect URI the browser flow listens on,
// http://127.0.0.1:{port}{path} with the defaults applied. Register exactly
// this on the sign-in application.
func (c Config) RedirectURI() string {
	port, path := c.RedirectPort, c.RedirectPath
	if port == 0 {
		port = DefaultRedirectPort
	}
	if path == "" {
		path = DefaultRedirectPath
	}
	return fmt.Sprintf("http://127.0.0.1:%d%s", port, path)
}

// envBase is {AuthURL}/{envID}/as.
func (c Config) envBase() string { return c.AuthURL + "/" + c.EnvironmentID + "/as" }

// oauth2Config builds the x/oauth2 configuration of a normalized Config.
func (c Config) oauth2Config() *oauth2.Config {
	style := oauth2.AuthStyleInParams
	if c.ClientSecret != "" && c.AuthStyle != oauth2.AuthStyleInParams {
		style = oauth2.AuthStyleInHeader
	}
	return &oauth2.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:       c.envBase() + "/authorize",
			TokenURL:      c.envBase() + "/token",
			DeviceAuthURL: c.envBase() + "/device_authorization",
			AuthStyle:     style,
		},
		RedirectURL: c.RedirectURI(),
		Scopes:      c.Scopes,
	}
}

// withClient puts the configured HTTP client where x/oauth2 looks for it.
func (c Config) withClient(ctx context.Context) context.Context {
	if c.HTTPClient != nil {
		return context.WithValue(ctx, oauth2.HTTPClient, c.HTTPClient)
	}
	return ctx
}

func (c Config) httpClient() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return http.DefaultClient
}
