package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/pingone-setup/pingone-setup/internal/securefile"
)

// A profile is a remembered sign-in: where (region or endpoints, environment) and how (browser
// or device, through which sign-in app), and who signed in, for messages. Never a secret: the
// tokens stay in the OS keyring or the announced 0600 file of the sign-in cache.
type profile struct {
	Method        string    `json:"method"` // browser or device
	ClientID      string    `json:"clientId"`
	EnvironmentID string    `json:"environmentId"`
	Region        string    `json:"region,omitempty"`
	APIURL        string    `json:"apiUrl,omitempty"`
	AuthURL       string    `json:"authUrl,omitempty"`
	LoginPort     int       `json:"loginPort,omitempty"`
	Username      string    `json:"username,omitempty"`
	UserID        string    `json:"userId,omitempty"`
	SavedAt       time.Time `json:"savedAt"`
}

// label is "admin@example.com (NA, environment 3f8a…)", for offers and lists.
func (p profile) label() string {
	who := p.Username
	if who == "" {
		who = "user " + short(p.UserID)
	}
	where := p.Region
	if where == "" {
		where = p.AuthURL
	}
	return fmt.Sprintf("%s (%s, environment %s)", who, where, short(p.EnvironmentID))
}

func short(id string) string {
	if len(id) > 8 {
		return id[:8] + "…"
	}
	return id
}

// profileFile is profiles.json in the user's config directory.
type profileFile struct {
	Default  string             `json:"default,omitempty"`
	Profiles map[string]profile `json:"profiles"`

	path string
}

// profileNameRe keeps names typeable and safe to print.
var profileNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$`)

func checkProfileName(name string) error {
	if !profileNameRe.MatchString(name) {
		return badUsage("profile name %q: use letters, digits and . _ @ + - (up to 64), starting with a letter or digit", name)
	}
	return nil
}

// profilesPath is where profiles live: the OS's config directory (XDG_CONFIG_HOME on Linux).
func profilesPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config directory for profiles: %w", err)
	}
	return filepath.Join(dir, "pingone-setup", "profiles.json"), nil
}

// maxProfileFile bounds what is read: a profile is a few hundred bytes.
const maxProfileFile = 1 << 20

// loadProfiles reads the profiles file; a missing file is no profiles. A file that cannot be
// read or parsed is an error naming its path, and is never replaced or deleted silently.
func loadProfiles() (*profileFile, error) {
	path, err := profilesPath()
	if err != nil {
		return nil, err
	}
	pf := &profileFile{Profiles: map[string]profile{}, path: path}
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return pf, nil
	case err != nil:
		return nil, fmt.Errorf("profiles %s: %w", path, unwrapPath(err))
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("profiles %s is not a regular file (a link or a directory): move it away, and sign in again", path)
	case fi.Size() > maxProfileFile:
		return nil, fmt.Errorf("profiles %s holds %d bytes, more than a profiles file can: move it away, and sign in again", path, fi.Size())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("profiles %s: %w", path, unwrapPath(err))
	}
	if err := json.Unmarshal(data, pf); err != nil {
		return nil, fmt.Errorf("profiles %s is damaged (%v): fix it or move it away, and sign in again; it was left as it is", path, err)
	}
	if pf.Profiles == nil {
		pf.Profiles = map[string]profile{}
	}
	for name, p := range pf.Profiles {
		if checkProfileName(name) != nil || p.EnvironmentID == "" || p.ClientID == "" || (p.Method != "browser" && p.Method != "device") {
			return nil, fmt.Errorf("profiles %s: profile %q is damaged (it needs a name, a method of browser or device, a client ID and an environment): fix it or delete it with `pingone-setup profiles delete %s`", path, name, name)
		}
	}
	return pf, nil
}

// save writes the file at mode 0600 in a 0700 directory, by rename.
func (pf *profileFile) save() error {
	if err := os.MkdirAll(filepath.Dir(pf.path), 0o700); err != nil {
		return fmt.Errorf("profiles: %w", err)
	}
	data, err := json.MarshalIndent(pf, "", "  ")
	if err != nil {
		return err
	}
	if err := securefile.Replace(pf.path, append(data, '\n')); err != nil {
		return fmt.Errorf("save profiles %s: %w", pf.path, unwrapPath(err))
	}
	return nil
}

// names are the profiles' names, sorted.
func (pf *profileFile) names() []string {
	out := make([]string, 0, len(pf.Profiles))
	for n := range pf.Profiles {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// active is the profile a run uses: the one named (flag or PINGONE_PROFILE), else the default.
// ok is false when there is none; a name that does not exist is an error listing the others.
func (pf *profileFile) active(named string) (string, profile, bool, error) {
	if named != "" {
		p, ok := pf.Profiles[named]
		if !ok {
			return "", profile{}, false, badUsage("no profile %q%s: sign in with --profile %s to create it", named, pf.listing(), named)
		}
		return named, p, true, nil
	}
	if p, ok := pf.Profiles[pf.Default]; ok {
		return pf.Default, p, true, nil
	}
	return "", profile{}, false, nil
}

// listing is " (profiles: a, b)", or "" without any.
func (pf *profileFile) listing() string {
	if len(pf.Profiles) == 0 {
		return " (there are no profiles yet)"
	}
	return " (profiles: " + strings.Join(pf.names(), ", ") + ")"
}

// applyProfile lets a profile stand in for the sign-in flags, when neither flags nor the
// environment give a sign-in: flags win over the environment, and the environment over a
// profile.
func (c *common) applyProfile() error {
	if c.demo || c.fs.Lookup("profile") == nil {
		return nil
	}
	signInGiven := c.login != "" || c.clientID != "" || c.tokenFile != "" ||
		strings.TrimSpace(os.Getenv("PINGONE_API_ACCESS_TOKEN")) != ""
	if signInGiven {
		// --login with --profile NAME signs in afresh and saves it as NAME; a worker or a token
		// is no profile's, so --profile beside them is a conflict. Without --profile on the
		// command line, the sign-in given wins over PINGONE_PROFILE and the default profile.
		if c.given("profile") {
			for _, name := range []string{"client-id", "token-file"} {
				if c.given(name) {
					return conflict("--profile "+c.profile, "--"+name, "a profile signs in with --login browser or device, and --"+name+" is another sign-in",
						"sign in as the profile says", "sign in with --"+name)
				}
			}
		}
		return nil
	}
	pf, err := loadProfiles()
	if err != nil {
		return usageError{msg: err.Error()}
	}
	name, p, ok, err := pf.active(c.profile)
	if err != nil || !ok {
		return err
	}
	// The environment's own sign-in variables win when the profile was not named on the command
	// line: PINGONE_CLIENT_ID and the like were handled above; an environment elsewhere too.
	if c.environmentID != "" && !strings.EqualFold(c.environmentID, p.EnvironmentID) {
		if c.given("profile") || os.Getenv("PINGONE_PROFILE") != "" {
			return conflict("--profile "+name+" (environment "+p.EnvironmentID+")", "--environment-id "+c.environmentID+c.viaEnv("environment-id"),
				"the profile signs in to another environment", "sign in as the profile says", "sign in to that environment another way")
		}
		return nil
	}
	c.login, c.loginClientID, c.environmentID = p.Method, p.ClientID, p.EnvironmentID
	if !c.given("login-port") && p.LoginPort != 0 {
		c.loginPort = p.LoginPort
	}
	if c.region == "" && c.apiURL == "" && c.authURL == "" {
		c.region, c.apiURL, c.authURL = p.Region, p.APIURL, p.AuthURL
	}
	c.profileUsed = name
	return nil
}

// rememberProfile saves a browser or device sign-in as a profile, so the next run starts signed
// in: under the name given (--profile or PINGONE_PROFILE), else the profile it came from, else
// "default". The first profile becomes the default. A failure to save is a notice, never a
// failure of the run.
func (c *common) rememberProfile(ctx context.Context, s *session) string {
	if c.demo || (c.login != "browser" && c.login != "device") {
		return ""
	}
	if s.identity.Username == "" && s.identity.UserID != "" {
		// The token carries no username; the user's own record does (for messages only).
		if u, err := s.client.GetUser(ctx, c.environmentID, s.identity.UserID); err == nil {
			s.identity.Username = u.Username
		}
	}
	pf, err := loadProfiles()
	if err != nil {
		return "The sign-in was not saved as a profile: " + err.Error()
	}
	name := c.profile
	if name == "" {
		name = c.profileUsed
	}
	if name == "" {
		name = "default"
	}
	p := profile{
		Method: c.login, ClientID: c.loginClientID, EnvironmentID: c.environmentID,
		Region: string(c.regionCode), Username: s.identity.Username, UserID: s.identity.UserID, SavedAt: timeNow().UTC(),
	}
	if c.apiURL != "" {
		p.APIURL, p.AuthURL, p.Region = s.endpoints.APIURL, s.endpoints.AuthURL, ""
	} else if p.Region == "" {
		p.Region = s.region
	}
	if c.loginPort != 7464 {
		p.LoginPort = c.loginPort
	}
	c.profileSaved = name
	old, existed := pf.Profiles[name]
	old.SavedAt, p.SavedAt = time.Time{}, time.Time{}
	if existed && old == p {
		return ""
	}
	p.SavedAt = timeNow().UTC()
	pf.Profiles[name] = p
	if pf.Default == "" {
		pf.Default = name
	}
	if err := pf.save(); err != nil {
		return "The sign-in was not saved as a profile: " + err.Error()
	}
	verb := "Saved"
	if existed {
		verb = "Updated"
	}
	return fmt.Sprintf("%s profile %q: next time apply, doctor and the rest sign in as %s from it, and the wizard offers it first (see `pingone-setup profiles`).", verb, name, p.label())
}
