package securefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

func TestOpenReplaceGivesANewPrivateFileAndLeavesTheOldOneAndLinksAlone(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "transcript")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "hardlink")
	if err := os.Link(p, other); err != nil {
		t.Fatal(err)
	}
	f, err := OpenReplace(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("new"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("content %q", b)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v: the old file's 0644 was kept", st.Mode().Perm())
	}
	if b, _ := os.ReadFile(other); string(b) != "old" {
		t.Errorf("the old file, still linked elsewhere, was written: %q", b)
	}

	target := filepath.Join(dir, "elsewhere")
	if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	f, err = OpenReplace(link)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("x")
	f.Close()
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Error("written through the link")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if _, err := OpenReplace(filepath.Join(dir, "no", "such")); err == nil {
		t.Error("a missing directory was accepted")
	}
}

func TestOpenAppendKeepsTheFileNarrowsItsModeAndRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "debug.log")
	if err := os.WriteFile(p, []byte("one\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(p)
	f, err := OpenAppend(p)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("two\n")
	f.Close()
	after, _ := os.Stat(p)
	if b, _ := os.ReadFile(p); string(b) != "one\ntwo\n" || !os.SameFile(before, after) || after.Mode().Perm() != 0o600 {
		t.Errorf("content %q, same file %v, mode %v", b, os.SameFile(before, after), after.Mode().Perm())
	}
	fresh := filepath.Join(dir, "fresh.log")
	if f, err := OpenAppend(fresh); err != nil {
		t.Fatal(err)
	} else {
		f.Close()
	}
	if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o600 {
		t.Errorf("new file mode %v", st.Mode().Perm())
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenAppend(link); !errors.Is(err, ErrSymlink) {
		t.Errorf("through a link: %v", err)
	}
	if _, err := OpenAppend(dir); err == nil {
		t.Error("a directory was opened")
	}
}

func TestCheckWritableSaysWhyAPathCannotBeWritten(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		filepath.Join(dir, "new"):     "",
		file:                          "",
		dir:                           "is a directory",
		link:                          "symbolic link",
		filepath.Join(dir, "no", "x"): "does not exist",
		filepath.Join(file, "x"):      "is not a directory",
		"/dev/null":                   "not a regular file",
	} {
		err := CheckWritable(path)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", path, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: %v, want %q", path, err, want)
		}
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		if err := CheckWritable(filepath.Join(ro, "x")); err == nil || !strings.Contains(err.Error(), "cannot create a file") {
			t.Errorf("read-only directory: %v", err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp")); len(left) > 0 {
		t.Errorf("probe files left: %v", left)
	}
}
