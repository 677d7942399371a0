package supportbundle

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pingone-setup/pingone-setup/pingone/pingonetest"
)

func sample() Bundle {
	return Bundle{
		Manifest: Manifest{ToolVersion: "v1.2.3", CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), EnvironmentID: "env",
			Application: App{ID: "app", Name: "My App"}, User: "jane doe", Actor: pingonetest.SnapshotActor{Kind: "user", ID: "u", EnvironmentID: "env"}},
		Tenant:     pingonetest.Snapshot{Organization: pingonetest.SnapshotOrganization{ID: "org"}, Environments: []pingonetest.SnapshotEnvironment{{ID: "env", Name: "Prod"}}},
		Plan:       []byte("application:\n  name: My App\n"),
		Doctor:     []byte(`{"findings":[]}`),
		Transcript: []byte(`{"method":"GET"}` + "\n"),
	}
}

func TestABundleReadsBackAsWritten(t *testing.T) {
	zip, err := Write(sample())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Read(zip)
	if err != nil {
		t.Fatal(err)
	}
	if b.Manifest.Format != Format || b.Manifest.Application.Name != "My App" || len(b.Manifest.Files) != 6 ||
		string(b.Plan) != string(sample().Plan) || b.Tenant.Environments[0].Name != "Prod" || string(b.Transcript) != string(sample().Transcript) {
		t.Errorf("read back %+v", b.Manifest)
	}
	if got := b.Manifest.DoctorCommand(); got != "pingone-setup doctor --app app --user 'jane doe'" {
		t.Errorf("doctor command %q: the user must be quoted for the shell", got)
	}
	m := b.Manifest
	m.Actor.EnvironmentID = "signin-env"
	if got := m.DoctorCommand(); !strings.Contains(got, "--target-environment-id env") {
		t.Errorf("doctor command %q: a maker signed in to another environment needs the target named", got)
	}
}

func TestWriteRefusesABundleHoldingAGivenSecretAndNamesOnlyTheFile(t *testing.T) {
	const secret = "s3cr3t-value-0123456789"
	for _, where := range []string{"plan", "doctor", "transcript", "tenant"} {
		b := sample()
		switch where {
		case "plan":
			b.Plan = append(b.Plan, secret...)
		case "doctor":
			b.Doctor = []byte(`{"x":"` + secret + `"}`)
		case "transcript":
			b.Transcript = []byte(secret)
		case "tenant":
			b.Tenant.Environments[0].Description = secret
		}
		_, err := Write(b, "", "short", secret)
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("%s: error %v: want a refusal that does not repeat the secret", where, err)
		}
	}
}

func TestReadRefusesWhatIsNotABundle(t *testing.T) {
	for name, data := range map[string][]byte{"text": []byte("hello"), "empty": nil} {
		if _, err := Read(data); !errors.Is(err, ErrNotABundle) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
