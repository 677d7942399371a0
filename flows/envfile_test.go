package flows

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const envHeader = "# Written by pingone-setup. Holds a client secret: keep it private (mode 0600).\n"

func TestWriteEnvFileWritesMode0600AndRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	c := Credentials{EnvironmentID: "11111111-1111-4111-8111-111111111111", ClientID: "client-1", ClientSecret: "Sup3rS3cret_do-not-leak_QzX9", Region: "EU"}
	if err := WriteEnvFile(path, c, false); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	got, _ := os.ReadFile(path)
	want := envHeader + fmt.Sprintf("PINGONE_ENVIRONMENT_ID=%s\nPINGONE_CLIENT_ID=client-1\nPINGONE_CLIENT_SECRET=%s\nPINGONE_REGION_CODE=EU\n", "11111111-1111-4111-8111-111111111111", "Sup3rS3cret_do-not-leak_QzX9")
	if string(got) != want {
		t.Errorf("content:\n%s\nwant:\n%s", got, want)
	}

	c2 := c
	c2.ClientSecret = "another"
	if err := WriteEnvFile(path, c2, false); !errors.Is(err, os.ErrExist) {
		t.Errorf("writing over an existing file without overwrite: err = %v, want ErrExist", err)
	}
	if now, _ := os.ReadFile(path); string(now) != want {
		t.Error("a refused write changed the file")
	}

	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteEnvFile(path, c2, true); err != nil {
		t.Fatal(err)
	}
	fi, _ = os.Stat(path)
	now, _ := os.ReadFile(path)
	if fi.Mode().Perm() != 0o600 || !strings.Contains(string(now), "PINGONE_CLIENT_SECRET=another\n") {
		t.Errorf("overwrite: mode %v content %q", fi.Mode().Perm(), now)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".pingone-setup-*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestWriteEnvFileLeavesOutWhatAPublicClientLacksAndQuotesOddValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cli.env")
	if err := WriteEnvFile(path, Credentials{EnvironmentID: "e 1", ClientID: `c"1`}, false); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if want := envHeader + "PINGONE_ENVIRONMENT_ID=\"e 1\"\nPINGONE_CLIENT_ID=\"c\\\"1\"\n"; string(got) != want {
		t.Errorf("content %q, want %q", got, want)
	}
}
