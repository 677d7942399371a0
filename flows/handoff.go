package flows

import (
	"context"
	"fmt"
	"io/fs"
	"strings"

	"github.com/pingone-setup/pingone-setup/internal/securefile"
	"github.com/pingone-setup/pingone-setup/pingone"
)

func runHandoff(ctx context.Context, env Env, s State) (Result, error) {
	if env.DryRun || s.App == nil || s.App.ID == "" {
		return nil, nil
	}
	c := Credentials{EnvironmentID: s.Target.ID, ClientID: s.App.ID, Region: env.Region, AuthMethod: s.App.TokenEndpointAuthMethod}
	if s.App.TokenEndpointAuthMethod != pingone.AuthMethodNone {
		sec, err := env.API.GetApplicationSecret(ctx, s.Target.ID, s.App.ID)
		if err != nil {
			if pingone.IsForbidden(err) {
				return nil, fmt.Errorf("read the client secret: PingOne refuses because you do not hold every role the worker holds (a worker's secret is readable only by admins at least as privileged): %w", err)
			}
			return nil, wrap("read the client secret", err)
		}
		c.ClientSecret, c.SecretFingerprint = sec.Secret, Fingerprint(sec.Secret)
	}
	return func(s *State) { s.Credentials = &c }, nil
}

// ErrFileExists is returned by WriteEnvFile when the file exists and overwrite was not asked; it
// is fs.ErrExist, so errors.Is works with either.
var ErrFileExists = fs.ErrExist

// EnvFileContent renders credentials in .env form, with the variable names PingOne's SDK and
// Terraform provider read. Empty values (a public client's secret, an unknown region) are left out.
func EnvFileContent(c Credentials) []byte {
	var b strings.Builder
	b.WriteString("# Written by pingone-setup. Holds a client secret: keep it private (mode 0600).\n")
	line := func(k, v string) {
		if v != "" {
			b.WriteString(k + "=" + envQuote(v) + "\n")
		}
	}
	line("PINGONE_ENVIRONMENT_ID", c.EnvironmentID)
	line("PINGONE_CLIENT_ID", c.ClientID)
	line("PINGONE_CLIENT_SECRET", c.ClientSecret)
	line("PINGONE_REGION_CODE", c.Region)
	return []byte(b.String())
}

// WriteEnvFile writes credentials to path at mode 0600. It refuses to replace an existing file
// unless overwrite is true; an overwrite renames a new 0600 file over the old one, so the secret
// is never written into an existing file of looser mode, nor through a symlink.
func WriteEnvFile(path string, c Credentials, overwrite bool) error {
	if overwrite {
		return securefile.Replace(path, EnvFileContent(c))
	}
	return securefile.Create(path, EnvFileContent(c))
}

// envQuote leaves plain values bare and double-quotes anything a dotenv parser could misread.
func envQuote(v string) string {
	plain := true
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.~:/+=@", r)) {
			plain = false
			break
		}
	}
	if plain {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "$", `\$`)
	return `"` + r.Replace(v) + `"`
}
