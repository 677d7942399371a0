package flows

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"time"

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
		c.ClientSecret = sec.Secret
	}
	return func(s *State) { s.Credentials = &c }, nil
}

// verifyRetries covers PingOne's propagation delay for new role assignments (Terraform's provider
// retries the same way; pingone-api.md §3).
var verifyRetries = []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}

func runVerify(ctx context.Context, env Env, s State) (Result, error) {
	if env.DryRun || s.App == nil || s.App.ID == "" {
		return nil, nil
	}
	if RolesGoToFor(s.App.GrantTypes) == RolesToUser {
		return verifyUser(ctx, env, s)
	}
	return verifyApp(ctx, env, s)
}

// verifyUser re-reads the signing-in user's role assignments and checks them again: for user
// grants PingOne authorises the connector by exactly these.
func verifyUser(ctx context.Context, env Env, s State) (Result, error) {
	if s.SignInUser == nil {
		v := Verification{Method: "role assignments", Message: "skipped: no signing-in user was named"}
		return func(s *State) { s.Verified = &v }, nil
	}
	res, err := runRoleCheck(ctx, env, withoutRoleFindings(s))
	if err != nil {
		return nil, err
	}
	var probe State
	res(&probe)
	v := Verification{Method: "role assignments", Call: fmt.Sprintf("GET /environments/%s/users/%s/roleAssignments", s.Target.ID, probe.Report.ActorID)}
	if probe.Report.OK() {
		v.OK, v.Message = true, fmt.Sprintf("%s holds roles covering every call the connector makes", probe.Report.ActorName)
	} else {
		v.Message = fmt.Sprintf("%s still lacks %v: those calls will return 403", probe.Report.ActorName, probe.Report.Missing)
	}
	return func(s *State) {
		*s = withoutRoleFindings(*s)
		res(s)
		s.Verified = &v
	}, nil
}

// verifyApp gets a token as the new app (client credentials) and makes a Management API read that
// the connector's first capability needs; at the same time it checks the app's roles again.
func verifyApp(ctx context.Context, env Env, s State) (Result, error) {
	var recheck Result
	v := Verification{Method: "client credentials"}
	err := parallel(
		func() (err error) { recheck, err = runRoleCheck(ctx, env, withoutRoleFindings(s)); return err },
		func() error { v = proveApp(ctx, env, s); return nil },
	)
	if err != nil {
		return nil, err
	}
	return func(s *State) {
		*s = withoutRoleFindings(*s)
		recheck(s)
		s.Verified = &v
	}, nil
}

func proveApp(ctx context.Context, env Env, s State) Verification {
	v := Verification{Method: "client credentials"}
	if env.AppClient == nil || s.Credentials == nil {
		v.Message = "skipped: no way to sign in as the app here"
		return v
	}
	api, err := env.AppClient(ctx, *s.Credentials)
	if err != nil {
		v.Call, v.Message = "POST /as/token", "the token request failed: "+err.Error()
		return v
	}
	call, do := probeCall(api, s)
	v.Call = call
	for i := 0; ; i++ {
		err = do(ctx)
		if err == nil || !pingone.IsForbidden(err) || i >= len(verifyRetries) {
			break
		}
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-time.After(verifyRetries[i]):
			continue
		}
		break
	}
	if err != nil {
		v.Message = "the app got a token, but " + call + " failed: " + err.Error()
	} else {
		v.OK, v.Message = true, "the app got a token and "+call+" succeeded"
	}
	return v
}

// probeCall picks a read the connector's capabilities need.
func probeCall(api API, s State) (string, func(context.Context) error) {
	envID := s.Target.ID
	for _, c := range capabilitiesOf(s.Plan) {
		switch c.ID {
		case CapUsersRead, CapUsersWrite:
			return "GET /environments/" + envID + "/users", func(ctx context.Context) error { _, err := api.ListUsers(ctx, envID, ""); return err }
		case CapApplicationsRead:
			return "GET /environments/" + envID + "/applications", func(ctx context.Context) error { _, err := api.ListApplications(ctx, envID); return err }
		}
	}
	return "GET /environments/" + envID, func(ctx context.Context) error { _, err := api.GetEnvironment(ctx, envID); return err }
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
