package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pingone-setup/pingone-setup/flows"
	"github.com/pingone-setup/pingone-setup/pingone"
	"github.com/pingone-setup/pingone-setup/pingone/signin"
)

// errCannotSignIn: auth status found that the active profile cannot sign in (exit 1).
var errCannotSignIn = fmt.Errorf("the active profile cannot sign in: %w", errProblems)

func newAuthCmd(s *streams) *cobra.Command {
	auth := &cobra.Command{
		Use:   "auth",
		Short: "Sign in, and see who you are signed in as",
		Long: `auth signs you in to PingOne as yourself and saves the sign-in as a profile (auth login), and
shows each profile's identity, environment, token and admin roles (auth status). Profiles hold
no secret: tokens stay in the OS keyring, or in a private file where there is none.`,
		Example: `  pingone-setup auth login --login browser --login-client-id CLIENT_ID --environment-id https://console.pingone.eu/?env=ENV_ID
  pingone-setup auth status`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	auth.AddCommand(newAuthStatusCmd(s), newAuthLoginCmd(s))
	return auth
}

func newAuthLoginCmd(s *streams) *cobra.Command {
	var c common
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in as yourself and save the sign-in as a profile",
		Long: `login signs you in to PingOne in the browser (authorization code with PKCE on the loopback) or
with a device code, through a sign-in application of your environment, and saves where and how as
a profile: the next runs sign in from it (the wizard offers it first), refreshing the token silently. The first
profile becomes the default. --environment-id takes the environment ID or the console URL from
your browser's address bar, which also gives the region.

A sign-in application is a one-time step PingOne requires: in the console, Applications > + >
Native (or Worker), grant types Authorization Code (PKCE S256) and Device Authorization, redirect
URI http://127.0.0.1:7464/callback, token endpoint authentication None; or run the wizard's
cli-login preset.`,
		Example: `  # In the browser, with the console URL for where
  pingone-setup auth login --login browser --login-client-id CLIENT_ID --environment-id 'https://console.pingone.com/?env=ENV_ID'

  # With a device code, saved as the profile "eu-prod"
  pingone-setup auth login --login device --login-client-id CLIENT_ID --environment-id ENV_ID --region EU --profile eu-prod

  # Sign in again as a saved profile
  pingone-setup auth login --profile eu-prod`,
		Annotations: map[string]string{annFooter: `Exit codes:
  0    signed in, profile saved
  1    the sign-in failed
  2    usage error
  130  interrupted (Ctrl-C)`},
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAuthLogin(cmd.Context(), &c, s.in, s.out, s.err)
		},
	}
	c.register(cmd)
	return cmd
}

func runAuthLogin(ctx context.Context, c *common, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := c.validate(); err != nil {
		return err
	}
	if c.demo {
		return badUsage("auth login signs in to your PingOne; the demo signs itself in")
	}
	if c.login == "" {
		return badUsage("auth login needs --login browser|device, --login-client-id ID and --environment-id ID|CONSOLE_URL, or --profile NAME of a saved profile")
	}
	sess, err := signIn(ctx, c, stdin, stderr)
	if err != nil {
		return err
	}
	defer sess.close()
	pf, err := loadProfiles()
	p, ok := pf.Profiles[c.profileSaved]
	if err != nil || !ok {
		fmt.Fprintf(stdout, "Signed in as %s to environment %s (%s).\n", cmp.Or(sess.identity.Username, "user "+sess.identity.UserID), c.environmentID, sess.region)
		return nil
	}
	st := profileStatus(ctx, c.profileSaved, p)
	st.Default = c.profileSaved == pf.Default
	printAuthStatus(stdout, []authStatus{st}, nil)
	return nil
}

// authStatus is one profile's line of auth status, and its JSON.
type authStatus struct {
	Profile       string        `json:"profile"`
	Active        bool          `json:"active"`
	Default       bool          `json:"default"`
	Method        string        `json:"method"`
	ClientID      string        `json:"clientId"`
	EnvironmentID string        `json:"environmentId"`
	Region        string        `json:"region,omitempty"`
	AuthURL       string        `json:"authUrl"`
	SignedIn      bool          `json:"signedIn"`
	ExpiresAt     *time.Time    `json:"tokenExpiresAt,omitempty"`
	Renews        bool          `json:"renews"`
	Who           *flows.WhoAmI `json:"identity,omitempty"`
	Error         string        `json:"error,omitempty"`
	Fix           string        `json:"fix,omitempty"`
	Notice        string        `json:"notice,omitempty"`
}

func newAuthStatusCmd(s *streams) *cobra.Command {
	var profileName, output string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Who each profile signs in as, its token, and the roles it holds",
		Long: `status shows, for each saved profile (or only --profile NAME): who it signs in as, the
environment and region, whether the saved token is valid and until when (a token that expired is
refreshed, silently, as a run would), and the admin roles the identity holds with their scopes,
its own and through groups. It never opens a browser or asks for a code.

Environment variables that sign in (PINGONE_CLIENT_ID, PINGONE_API_ACCESS_TOKEN) take precedence
over profiles; status names them when they are set.`,
		Example: `  pingone-setup auth status
  pingone-setup auth status --profile eu-prod --output json`,
		Annotations: map[string]string{annFooter: `Exit codes:
  0    the active profile signs in
  1    the active profile cannot sign in (or there is none): the fix is printed
  2    usage error`},
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return badUsage("--output must be text or json, not %q", output)
			}
			return runAuthStatus(cmd.Context(), profileName, output, s.out, s.err)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&profileName, "profile", "", "show only this profile, and judge it as the active one")
	metavar(fs, "profile", "NAME")
	envFlag(fs, "profile", annEnv, "PINGONE_PROFILE")
	fs.StringVar(&output, "output", "text", "output format: text, or json for one JSON document on stdout")
	metavar(fs, "output", "text|json")
	complete(cmd, "output", "text", "json")
	return cmd
}

func runAuthStatus(ctx context.Context, named, output string, stdout, stderr io.Writer) error {
	if named != "" {
		if err := checkProfileName(named); err != nil {
			return err
		}
	}
	pf, err := loadProfiles()
	if err != nil {
		return usageError{msg: err.Error()}
	}
	activeName, _, _, err := pf.active(named)
	if err != nil {
		return err
	}
	var envNotes []string
	for _, v := range []string{"PINGONE_API_ACCESS_TOKEN", "PINGONE_CLIENT_ID"} {
		if strings.TrimSpace(os.Getenv(v)) != "" {
			envNotes = append(envNotes, v)
		}
	}
	names := pf.names()
	if named != "" {
		names = []string{named}
	}
	var all []authStatus
	for _, name := range names {
		st := profileStatus(ctx, name, pf.Profiles[name])
		st.Active, st.Default = name == activeName, name == pf.Default
		all = append(all, st)
	}
	var active *authStatus
	for i := range all {
		if all[i].Active {
			active = &all[i]
		}
	}
	bad := active == nil || !active.SignedIn
	if output == "json" {
		doc := map[string]any{"profiles": all, "active": activeName, "ok": !bad}
		if len(envNotes) > 0 {
			doc["environmentSignIn"] = envNotes
		}
		if all == nil {
			doc["profiles"] = []authStatus{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return err
		}
	} else {
		printAuthStatus(stdout, all, envNotes)
		if active == nil {
			fmt.Fprintln(stdout, "No profile is active: sign in with\n  pingone-setup auth login --login browser --login-client-id CLIENT_ID --environment-id ENV_ID|CONSOLE_URL")
		}
	}
	if bad {
		return reported{errCannotSignIn}
	}
	return nil
}

// profileStatus signs in as profile p from the cache alone and reads who it is.
func profileStatus(ctx context.Context, name string, p profile) authStatus {
	st := authStatus{Profile: name, Method: p.Method, ClientID: p.ClientID, EnvironmentID: p.EnvironmentID, Region: p.Region}
	fix := "pingone-setup auth login --profile " + name
	var ep pingone.Endpoints
	var err error
	if p.APIURL != "" {
		ep, err = pingone.ResolveEndpoints("", p.APIURL, p.AuthURL)
	} else {
		ep, err = pingone.ResolveEndpoints(pingone.Region(p.Region), "", "")
	}
	if err != nil {
		st.Error, st.Fix = "the profile's endpoints: "+err.Error(), "delete it (pingone-setup profiles delete "+name+") and sign in again"
		return st
	}
	st.AuthURL = ep.AuthURL
	cfg := signin.Config{AuthURL: ep.AuthURL, EnvironmentID: p.EnvironmentID, ClientID: p.ClientID, RedirectPort: p.LoginPort}
	ts, got, notice, err := signin.NewCache().Cached(ctx, cfg)
	st.Notice = notice
	if err != nil {
		st.Error, st.Fix = err.Error(), fix
		if errors.Is(err, signin.ErrNotSignedIn) {
			st.Error = "not signed in: no saved token for this environment and sign-in app"
		}
		return st
	}
	if !got.Token.Expiry.IsZero() {
		exp := got.Token.Expiry.UTC()
		st.ExpiresAt = &exp
	}
	st.Renews = got.CanRefresh
	id, err := signin.IdentityFromToken(got.Token)
	if err != nil || id.UserID == "" {
		st.Error, st.Fix = "the saved token names no user", fix
		return st
	}
	client := pingone.NewClient(ctx, ep.APIURL, ts)
	who, err := flows.ReadWhoAmI(ctx, client, p.EnvironmentID, id.UserID)
	if err != nil {
		var ae *pingone.Error
		if errors.As(err, &ae) && ae.Status == 401 {
			st.Error, st.Fix = "PingOne refused the saved token (revoked, or the sign-in app changed)", fix
		} else {
			st.Error, st.Fix = "read who you are: "+err.Error(), "check the connection, then run auth status again"
		}
		return st
	}
	if who.Environment.Region == "" {
		who.Environment.Region = p.Region
	}
	st.Who, st.SignedIn = &who, true
	return st
}

func printAuthStatus(w io.Writer, all []authStatus, envNotes []string) {
	if len(envNotes) > 0 {
		fmt.Fprintf(w, "Signing in from the environment (%s): it takes precedence over profiles.\n\n", strings.Join(envNotes, ", "))
	}
	for i, st := range all {
		if i > 0 {
			fmt.Fprintln(w)
		}
		var tags []string
		if st.Active {
			tags = append(tags, "active")
		}
		if st.Default {
			tags = append(tags, "default")
		}
		head := st.Profile
		if len(tags) > 0 {
			head += " (" + strings.Join(tags, ", ") + ")"
		}
		fmt.Fprintln(w, head)
		if st.Notice != "" {
			fmt.Fprintf(w, "  ! %s\n", st.Notice)
		}
		if !st.SignedIn {
			fmt.Fprintf(w, "  ✗ Cannot sign in: %s\n    Fix: %s\n", st.Error, st.Fix)
			fmt.Fprintf(w, "  Environment %s at %s, %s sign-in through app %s\n", st.EnvironmentID, st.AuthURL, st.Method, st.ClientID)
			continue
		}
		who := st.Who
		name := who.Username
		if who.Name != "" {
			name += " (" + who.Name + ")"
		}
		if name == "" {
			name = "user " + who.UserID
		}
		fmt.Fprintf(w, "  ✓ Signed in as %s, %s sign-in through app %s\n", name, st.Method, st.ClientID)
		envName := who.Environment.Name
		if envName == "" {
			envName = who.Environment.ID
		} else {
			envName += " (" + who.Environment.ID + ")"
		}
		fmt.Fprintf(w, "  Environment %s, region %s\n", envName, who.Environment.Region)
		if st.ExpiresAt != nil {
			renew := "; it does not renew itself: sign in again then"
			if st.Renews {
				renew = "; renews itself silently"
			}
			fmt.Fprintf(w, "  Token valid until %s%s\n", st.ExpiresAt.Local().Format("2006-01-02 15:04 MST"), renew)
		}
		if len(who.Roles) == 0 {
			fmt.Fprintln(w, "  Roles: none (every Management API call will be refused with 403)")
		} else {
			fmt.Fprintln(w, "  Roles:")
			for _, r := range who.Roles {
				fmt.Fprintf(w, "    - %s\n", r)
			}
		}
		for _, u := range who.Unreadable {
			fmt.Fprintf(w, "  ? could not read %s\n", u)
		}
	}
}

func newProfilesCmd(s *streams) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "profiles",
		Short: "List, choose the default of, or delete saved sign-ins",
		Long: `profiles lists the saved sign-ins (auth login and --login runs save them): where and how each
signs in, and which is the default a run uses when no other sign-in is given. "profiles use NAME"
makes NAME the default; "profiles delete NAME" forgets it (its cached token stays until logout).`,
		Example: `  pingone-setup profiles
  pingone-setup profiles use eu-prod
  pingone-setup profiles delete old-sandbox`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if output != "text" && output != "json" {
				return badUsage("--output must be text or json, not %q", output)
			}
			return runProfilesList(output, s.out)
		},
	}
	cmd.Flags().StringVar(&output, "output", "text", "output format: text, or json for one JSON document on stdout")
	metavar(cmd.Flags(), "output", "text|json")
	list := &cobra.Command{
		Use: "list", Short: "List the saved sign-ins", Args: noArgs,
		Example: "  pingone-setup profiles list",
		RunE:    func(*cobra.Command, []string) error { return runProfilesList("text", s.out) },
	}
	use := &cobra.Command{
		Use: "use NAME", Short: "Make a profile the default", Args: exactlyOneName,
		Example:           "  pingone-setup profiles use eu-prod",
		ValidArgsFunction: completeProfiles,
		RunE: func(_ *cobra.Command, args []string) error {
			return changeProfiles(args[0], s.out, func(pf *profileFile) string {
				pf.Default = args[0]
				return fmt.Sprintf("Profile %q is the default now.", args[0])
			})
		},
	}
	del := &cobra.Command{
		Use: "delete NAME", Short: "Forget a profile", Args: exactlyOneName,
		Example:           "  pingone-setup profiles delete old-sandbox",
		ValidArgsFunction: completeProfiles,
		RunE: func(_ *cobra.Command, args []string) error {
			return changeProfiles(args[0], s.out, func(pf *profileFile) string {
				delete(pf.Profiles, args[0])
				msg := fmt.Sprintf("Deleted profile %q (its cached token stays until `pingone-setup logout`).", args[0])
				if pf.Default == args[0] {
					pf.Default = ""
					if names := pf.names(); len(names) > 0 {
						pf.Default = names[0]
						msg += fmt.Sprintf(" The default is %q now.", names[0])
					}
				}
				return msg
			})
		},
	}
	cmd.AddCommand(list, use, del)
	return cmd
}

func exactlyOneName(_ *cobra.Command, args []string) error {
	if len(args) != 1 {
		return badUsage("give one profile name")
	}
	return checkProfileName(args[0])
}

func completeProfiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	pf, err := loadProfiles()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return pf.names(), cobra.ShellCompDirectiveNoFileComp
}

func changeProfiles(name string, stdout io.Writer, change func(*profileFile) string) error {
	pf, err := loadProfiles()
	if err != nil {
		return usageError{msg: err.Error()}
	}
	if _, ok := pf.Profiles[name]; !ok {
		return badUsage("no profile %q%s", name, pf.listing())
	}
	msg := change(pf)
	if err := pf.save(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, msg)
	return nil
}

func runProfilesList(output string, stdout io.Writer) error {
	pf, err := loadProfiles()
	if err != nil {
		return usageError{msg: err.Error()}
	}
	if output == "json" {
		type entry struct {
			Name    string `json:"name"`
			Default bool   `json:"default"`
			profile
		}
		out := []entry{}
		for _, n := range pf.names() {
			out = append(out, entry{Name: n, Default: n == pf.Default, profile: pf.Profiles[n]})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"profiles": out, "default": pf.Default})
	}
	if len(pf.Profiles) == 0 {
		fmt.Fprintln(stdout, "No profiles yet: `pingone-setup auth login` (or any run with --login) saves one.")
		return nil
	}
	for _, n := range pf.names() {
		p := pf.Profiles[n]
		mark := "  "
		if n == pf.Default {
			mark = "* "
		}
		fmt.Fprintf(stdout, "%s%-16s %s, %s sign-in through app %s\n", mark, n, p.label(), p.Method, p.ClientID)
	}
	fmt.Fprintln(stdout, "\n* the default: used when no other sign-in is given (--profile NAME or PINGONE_PROFILE choose another).")
	return nil
}
