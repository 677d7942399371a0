// Package signin signs an administrator in to PingOne the way they actually
// work: in a browser on a laptop (authorization code + PKCE S256 on a loopback
// redirect), or with a device code over SSH or in a container (RFC 8628).
// It also finds which region an environment lives in, reads who signed in,
// and caches tokens per (auth host, environment, client) in the OS keyring,
// falling back to a 0600 file when there is no keyring.
//
// Nothing here prints: the caller shows URLs and codes through callbacks, and
// every failure is an *Error that says in plain words what went wrong and how
// to fix it. Tokens never appear in errors or notices.
//
// Typical use (error handling elided):
//
//	cfg := signin.Config{AuthURL: "https://auth.pingone.com", EnvironmentID: envID, ClientID: clientID}
//	cache := signin.NewCache()
//	ts, notice, err := cache.TokenSource(ctx, cfg, func(ctx context.Context) (*oauth2.Token, error) {
//		return signin.Browser(ctx, cfg, showURL, signin.OpenBrowser)
//	})
//	who, err := signin.IdentityFromToken(tok)
package signin
