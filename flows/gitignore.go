package flows

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// GitIgnore is what a .env file written inside a git work tree needs so that its secret is
// not committed: the work tree's .gitignore and the line that ignores the file.
type GitIgnore struct {
	File  string // the .gitignore at the top of the work tree
	Entry string // the line to add, anchored at the top: "/.env", "/config/prod.env"
}

// GitIgnoreFor reports whether the file at p lies in a git work tree without being ignored,
// and if so what would ignore it. It asks git (check-ignore knows every rule: nested
// .gitignore files, info/exclude, the global excludes); without git it finds the work tree by
// its .git and reads the top .gitignore only. A file outside any work tree needs nothing.
func GitIgnoreFor(p string) (GitIgnore, bool, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return GitIgnore{}, false, err
	}
	dir := filepath.Dir(abs)
	root, ignored, err := gitCheck(dir, abs)
	if errors.Is(err, exec.ErrNotFound) {
		root, ignored, err = readCheck(dir, abs)
	}
	if err != nil || root == "" || ignored {
		return GitIgnore{}, false, err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return GitIgnore{}, false, err
	}
	return GitIgnore{File: filepath.Join(root, ".gitignore"), Entry: "/" + filepath.ToSlash(rel)}, true, nil
}

// gitCheck asks git for the work tree holding dir ("" when none) and whether it ignores file.
func gitCheck(dir, file string) (root string, ignored bool, err error) {
	if _, err := exec.LookPath("git"); err != nil {
		return "", false, exec.ErrNotFound
	}
	out, err := exec.Command("git", "-C", dir, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return "", false, nil // not a work tree (or a bare repository, or no repository at all)
	}
	root = strings.TrimSpace(string(out))
	// The work tree's path as git prints it may differ from ours by symlinks (/tmp on macOS).
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	if d, err := filepath.EvalSymlinks(filepath.Dir(file)); err == nil {
		file = filepath.Join(d, filepath.Base(file))
	}
	cmd := exec.Command("git", "-C", root, "check-ignore", "-q", file)
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return root, true, nil
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return root, false, nil
	}
	return "", false, err
}

// readCheck finds the work tree by its .git entry and matches file against the top .gitignore's
// patterns (no negations, no nested files): the fallback when git is not installed.
func readCheck(dir, file string) (root string, ignored bool, err error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			root = d
			break
		}
		if filepath.Dir(d) == d {
			return "", false, nil
		}
	}
	rel, _ := filepath.Rel(root, file)
	rel = filepath.ToSlash(rel)
	data, err := os.ReadFile(filepath.Join(root, ".gitignore"))
	if errors.Is(err, os.ErrNotExist) {
		return root, false, nil
	}
	if err != nil {
		return "", false, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		pat := strings.TrimSpace(sc.Text())
		if pat == "" || strings.HasPrefix(pat, "#") || strings.HasPrefix(pat, "!") {
			continue
		}
		anchored := strings.Contains(strings.TrimSuffix(pat, "/"), "/")
		pat = strings.TrimPrefix(pat, "/")
		if ok, _ := path.Match(pat, rel); ok {
			return root, true, nil
		}
		if ok, _ := path.Match(pat, path.Base(rel)); ok && !anchored {
			return root, true, nil
		}
	}
	return root, false, nil
}

// Add appends the entry to the .gitignore (made if missing), on a line of its own.
func (g GitIgnore) Add() error {
	old, err := os.ReadFile(g.File)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	f, err := os.OpenFile(g.File, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	line := g.Entry + "\n"
	if len(old) > 0 && !bytes.HasSuffix(old, []byte("\n")) {
		line = "\n" + line
	}
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
