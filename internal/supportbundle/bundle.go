// Package supportbundle is the support bundle's file format: a zip of what `pingone-setup bundle`
// learnt about one application (its plan, doctor's findings and verdict, the tenant facts the
// verdict used, a redacted transcript of the calls) that `simulate --seed bundle.zip` replays.
// It holds no secret, token or password: Write refuses to write one it is told of.
package supportbundle

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

// Format names the one version of the bundle format there is.
const Format = "pingone-setup-bundle/1"

// The files of a bundle. Manifest and Tenant must be there for a replay.
const (
	FileReadme     = "README.md"
	FileManifest   = "manifest.json"
	FileTenant     = "tenant.json"
	FilePlan       = "plan.yaml"
	FileDoctor     = "doctor.json"
	FileTranscript = "transcript.jsonl"
)

// MaxSize bounds what Read accepts, whole and per file, so a wrong --seed file cannot eat memory.
const MaxSize = 64 << 20

// Manifest says what a bundle is of, who made it and with what.
type Manifest struct {
	Format        string    `json:"format"`
	ToolVersion   string    `json:"toolVersion"`
	CreatedAt     time.Time `json:"createdAt"`
	EnvironmentID string    `json:"environmentId"`
	Application   App       `json:"application"`
	// User is the sign-in user the verdict is about ("" = the bundle's maker).
	User string `json:"user,omitempty"`
	// Actor is who made the bundle (the replay signs in as it).
	Actor pingonetest.SnapshotActor `json:"actor"`
	// Capabilities are the ones doctor was told to check ("" = from the app's preset).
	Capabilities []string `json:"capabilities,omitempty"`
	Files        []string `json:"files"`
}

// App names the application a bundle is about.
type App struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Bundle is a bundle's content.
type Bundle struct {
	Manifest Manifest
	Tenant   pingonetest.Snapshot
	// Plan is the exported plan (YAML), Doctor doctor's JSON document, Transcript the redacted
	// calls as JSON lines.
	Plan, Doctor, Transcript []byte
}

// DoctorCommand is the doctor command line that replays the bundle's verdict.
func (m Manifest) DoctorCommand() string {
	cmd := "pingone-setup doctor --app " + m.Application.ID
	if m.Actor.EnvironmentID != "" && m.Actor.EnvironmentID != m.EnvironmentID {
		// The maker signed in to another environment than the app's.
		cmd += " --target-environment-id " + m.EnvironmentID
	}
	if m.User != "" {
		cmd += " --user " + shellQuote(m.User)
	}
	if len(m.Capabilities) > 0 {
		cmd += " --capabilities " + strings.Join(m.Capabilities, ",")
	}
	return cmd
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@._-+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Write returns the zip of b. secrets are values that must not be in it (the app's secret, the
// access token of the session, …): if any of them is found in any file, Write fails and names
// the file, never the value.
func Write(b Bundle, secrets ...string) ([]byte, error) {
	b.Manifest.Format = Format
	b.Tenant.Format = pingonetest.SnapshotFormat
	files := []struct {
		name string
		data []byte
	}{{FileReadme, nil}, {FileManifest, nil}, {FileTenant, nil}, {FilePlan, b.Plan}, {FileDoctor, b.Doctor}, {FileTranscript, b.Transcript}}
	b.Manifest.Files = nil
	for _, f := range files {
		b.Manifest.Files = append(b.Manifest.Files, f.name)
	}
	var err error
	if files[1].data, err = json.MarshalIndent(b.Manifest, "", "  "); err != nil {
		return nil, err
	}
	if files[2].data, err = json.MarshalIndent(b.Tenant, "", "  "); err != nil {
		return nil, err
	}
	files[0].data = []byte(readme(b.Manifest))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		for _, s := range secrets {
			if len(s) >= 8 && bytes.Contains(f.data, []byte(s)) {
				return nil, fmt.Errorf("support bundle: %s would hold a secret or token; nothing was written", f.name)
			}
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: b.Manifest.CreatedAt})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// IsZip reports whether data starts like a zip archive.
func IsZip(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// ErrNotABundle is the cause of every refusal of Read.
var ErrNotABundle = errors.New("not a pingone-setup support bundle")

// Read parses a bundle. It refuses (wrapping ErrNotABundle) data that is not a zip, a zip
// without a manifest or tenant facts, a manifest of another format, and tenant facts that do
// not load into the simulator.
func Read(data []byte) (Bundle, error) {
	if len(data) > MaxSize {
		return Bundle{}, fmt.Errorf("%w: larger than %d MiB", ErrNotABundle, MaxSize>>20)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Bundle{}, fmt.Errorf("%w: not a zip archive (%v)", ErrNotABundle, err)
	}
	got := map[string][]byte{}
	for _, f := range zr.File {
		if f.UncompressedSize64 > MaxSize {
			return Bundle{}, fmt.Errorf("%w: %s is larger than %d MiB", ErrNotABundle, f.Name, MaxSize>>20)
		}
		rc, err := f.Open()
		if err != nil {
			return Bundle{}, fmt.Errorf("%w: %s: %v", ErrNotABundle, f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, MaxSize+1))
		rc.Close()
		if err != nil {
			return Bundle{}, fmt.Errorf("%w: %s: %v", ErrNotABundle, f.Name, err)
		}
		got[f.Name] = b
	}
	var missing []string
	for _, name := range []string{FileManifest, FileTenant} {
		if _, ok := got[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return Bundle{}, fmt.Errorf("%w: the zip has no %s", ErrNotABundle, strings.Join(missing, " and no "))
	}
	var b Bundle
	if err := json.Unmarshal(got[FileManifest], &b.Manifest); err != nil {
		return Bundle{}, fmt.Errorf("%w: %s: %v", ErrNotABundle, FileManifest, err)
	}
	if b.Manifest.Format != Format {
		return Bundle{}, fmt.Errorf("%w: %s says format %q, want %q", ErrNotABundle, FileManifest, b.Manifest.Format, Format)
	}
	if b.Tenant, err = pingonetest.ParseSnapshot(got[FileTenant]); err != nil {
		return Bundle{}, fmt.Errorf("%w: %s: %v", ErrNotABundle, FileTenant, err)
	}
	b.Plan, b.Doctor, b.Transcript = got[FilePlan], got[FileDoctor], got[FileTranscript]
	return b, nil
}

func readme(m Manifest) string {
	who := m.Actor.Kind + " " + m.Actor.ID
	user := m.User
	if user == "" {
		user = "the bundle's maker"
	}
	return fmt.Sprintf(`# pingone-setup support bundle

Application %q (%s) in environment %s, made by %s with pingone-setup %s
on %s. The verdict is about the sign-in user: %s.

It holds no client secret, access token or password.

| file | what |
|---|---|
| %s | what this bundle is of, who made it, with which version |
| %s | the plan that reproduces the app (pingone-setup export) |
| %s | doctor's findings and role verdict, as JSON |
| %s | the tenant facts the verdict used: the environment, the app and its grants, the role table with permissions, the role assignments of the sign-in user, its groups and the maker, as a simulator state |
| %s | every API call the bundle made, redacted, one JSON object a line |

## Replay it

    pingone-setup simulate --seed bundle.zip --listen 127.0.0.1:8701

serves these facts as a simulated PingOne and prints the environment variables that sign you in
as the bundle's maker. Then, in another terminal, with those variables set:

    %s

gives the same findings as the customer's tenant did (the simulator's faults are off unless you
ask for them: simulate --help). Two things cannot replay: the app's secrets are not in the bundle
(the simulator gives the app a new one, so a PREVIOUS_SECRET_VALID finding does not come back), and
what the maker could not read is listed under "unread" in %s rather than guessed.
`, m.Application.Name, m.Application.ID, m.EnvironmentID, who, m.ToolVersion, m.CreatedAt.UTC().Format(time.RFC3339), user,
		FileManifest, FilePlan, FileDoctor, FileTenant, FileTranscript, m.DoctorCommand(), FileDoctor)
}
