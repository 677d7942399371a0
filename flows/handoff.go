package flows

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

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

// ErrFileExists is returned by WriteEnvFile when the file exists and overwrite was not asked.
var ErrFileExists = errors.New("file exists")

// EnvFileContent renders credentials in .env form, with the variable names PingOne's SDK and
// Terraform provider read.
func EnvFileContent(c Credentials) []byte {
	var b strings.Builder
	b.WriteString("# Written by pingone-setup. Holds a client secret: keep it private (mode 0600).\n")
	fmt.Fprintf(&b, "PINGONE_ENVIRONMENT_ID=%s\n", c.EnvironmentID)
	fmt.Fprintf(&b, "PINGONE_CLIENT_ID=%s\n", c.ClientID)
	if c.ClientSecret != "" {
		fmt.Fprintf(&b, "PINGONE_CLIENT_SECRET=%s\n", c.ClientSecret)
	}
	if c.Region != "" {
		fmt.Fprintf(&b, "PINGONE_REGION_CODE=%s\n", c.Region)
	}
	return []byte(b.String())
}

// WriteEnvFile writes credentials to path at mode 0600. It refuses to replace an existing file
// unless overwrite is true, and never leaves the secret readable by others, even for a moment.
func WriteEnvFile(path string, c Credentials, overwrite bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if overwrite {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", path, ErrFileExists)
		}
		return err
	}
	// An existing file keeps its mode on O_TRUNC: tighten it before writing the secret.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(EnvFileContent(c)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
