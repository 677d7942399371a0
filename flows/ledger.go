package flows

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/pingone-setup/pingone-setup/internal/securefile"
)

// Kinds of objects a run creates, as the ledger records them.
const (
	CreatedApplication        = "application"
	CreatedGrant              = "grant"
	CreatedUserRoleAssignment = "userRoleAssignment"
	CreatedAppRoleAssignment  = "applicationRoleAssignment"
	// CreatedSignOnPolicyAssignment goes with its application, as grants do.
	CreatedSignOnPolicyAssignment = "signOnPolicyAssignment"
)

// LedgerEntry is one object a run created in PingOne.
type LedgerEntry struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	// ParentID is the user or application it belongs to (role assignments, grants).
	ParentID string `json:"parentId,omitempty"`
	// Name says what it is, e.g. "Identity Data Read Only (environment) for jdoe".
	Name string    `json:"name"`
	At   time.Time `json:"at"`
}

// Ledger is what this tool created for one application of one environment, kept on this machine
// so that teardown removes exactly that and never what it found already there. It holds no secret.
type Ledger struct {
	Version       int           `json:"version"`
	EnvironmentID string        `json:"environmentId"`
	AppID         string        `json:"applicationId"`
	AppName       string        `json:"applicationName"`
	Created       []LedgerEntry `json:"created"`
	// EnvFiles are the .env files written with the app's credentials.
	EnvFiles  []string  `json:"envFiles,omitempty"`
	UpdatedAt time.Time `json:"updatedAt"`
}

const ledgerVersion = 1

// LedgerDir is where ledgers live: $XDG_STATE_HOME/pingone-setup/ledger, else
// ~/.local/state/pingone-setup/ledger on Linux and the user config directory elsewhere.
func LedgerDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "pingone-setup", "ledger"), nil
	}
	if runtime.GOOS == "linux" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, ".local", "state", "pingone-setup", "ledger"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "pingone-setup", "ledger"), nil
}

func ledgerPath(dir, envID, appID string) string {
	return filepath.Join(dir, envID+"_"+appID+".json")
}

// ErrNoLedger says this machine holds no ledger for the app: the tool did not create it here.
var ErrNoLedger = errors.New("no ledger for this application on this machine")

// LoadLedger reads the ledger of appID in envID. A missing one is ErrNoLedger; a corrupt one, or
// one that names another environment or app, is an error naming the file (never deleted).
func LoadLedger(dir, envID, appID string) (*Ledger, error) {
	path := ledgerPath(dir, envID, appID)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoLedger
	}
	if err != nil {
		return nil, fmt.Errorf("read the ledger %s: %w", path, err)
	}
	var l Ledger
	if err := json.Unmarshal(data, &l); err != nil || l.Version != ledgerVersion {
		return nil, fmt.Errorf("the ledger %s is not one this version reads (corrupt, or from another version): move it away to continue without it", path)
	}
	if l.EnvironmentID != envID || l.AppID != appID {
		return nil, fmt.Errorf("the ledger %s records %s in %s, not %s in %s: it belongs to another tenant or app", path, l.AppID, l.EnvironmentID, appID, envID)
	}
	return &l, nil
}

// RecordRun adds what the run of s created (and the .env files it wrote) to the app's ledger, at
// mode 0600. A run that created nothing and wrote no file leaves the ledger as it was.
func RecordRun(dir string, s State, envFiles ...string) error {
	if s.App == nil || s.App.ID == "" || (len(s.Created) == 0 && len(envFiles) == 0) {
		return nil
	}
	l, err := LoadLedger(dir, s.Target.ID, s.App.ID)
	if errors.Is(err, ErrNoLedger) {
		l, err = &Ledger{Version: ledgerVersion, EnvironmentID: s.Target.ID, AppID: s.App.ID}, nil
	}
	if err != nil {
		return err
	}
	l.AppName = s.App.Name
	for _, c := range s.Created {
		if !slices.ContainsFunc(l.Created, func(x LedgerEntry) bool { return x.Kind == c.Kind && x.ID == c.ID }) {
			l.Created = append(l.Created, c)
		}
	}
	for _, f := range envFiles {
		if abs, err := filepath.Abs(f); err == nil && !slices.Contains(l.EnvFiles, abs) {
			l.EnvFiles = append(l.EnvFiles, abs)
		}
	}
	return l.save(dir)
}

func (l *Ledger) save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create the ledger directory: %w", err)
	}
	l.UpdatedAt = time.Now().UTC()
	data, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	return securefile.Replace(ledgerPath(dir, l.EnvironmentID, l.AppID), append(data, '\n'))
}

// remove deletes the ledger once everything it records is gone.
func (l *Ledger) remove(dir string) error {
	err := os.Remove(ledgerPath(dir, l.EnvironmentID, l.AppID))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
