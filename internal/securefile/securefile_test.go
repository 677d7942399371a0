package securefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestReplaceTightensALooseFileAndDoesNotWriteThroughALink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere")
	if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "secret")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := Replace(link, []byte("s3cret")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Error("the secret was written through the link")
	}
	st, err := os.Lstat(link)
	if err != nil || st.Mode()&fs.ModeSymlink != 0 || st.Mode().Perm() != 0o600 {
		t.Errorf("after Replace: %v %v", st.Mode(), err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestCreateRefusesAnExistingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := Create(p, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	if err := Create(p, []byte("b")); !errors.Is(err, fs.ErrExist) {
		t.Errorf("err %v", err)
	}
}
