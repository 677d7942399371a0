// Package securefile writes files that hold secrets: mode 0600 from the first byte, and replaced
// by rename so a secret is never written into an existing file of looser mode or through a link.
package securefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Replace writes data to path at mode 0600 by renaming a new file over whatever is there.
func Replace(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Create writes data to a new file at path, mode 0600; it fails with fs.ErrExist if path exists.
func Create(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// OpenReplace returns a new, empty file of mode 0600 that has already replaced whatever was at
// path, in one rename: for a file written as the program runs (a transcript). An existing file
// is never reopened, so its looser mode, its other hard links and a symbolic link at path are
// left alone; readers see the old file until the rename and the new one after it.
func OpenReplace(path string) (*os.File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

// OpenAppend opens path for appending, creating it at mode 0600, for a log that a reader may
// follow across runs (tail -f): the file is kept, not replaced. It refuses a symbolic link and
// anything but a regular file, and narrows an existing file's mode to 0600.
func OpenAppend(path string) (*os.File, error) {
	isLink := func() bool { st, err := os.Lstat(path); return err == nil && st.Mode()&fs.ModeSymlink != 0 }
	if isLink() { // and O_NOFOLLOW, where there is one, for a link made after this look
		return nil, &fs.PathError{Op: "open", Path: path, Err: ErrSymlink}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|oNoFollow, 0o600)
	if err != nil {
		if isLink() {
			return nil, &fs.PathError{Op: "open", Path: path, Err: ErrSymlink}
		}
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = &fs.PathError{Op: "open", Path: path, Err: ErrNotRegular}
	}
	if err == nil && st.Mode().Perm() != 0o600 {
		err = f.Chmod(0o600)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Why CheckWritable refuses a path.
var (
	// ErrSymlink: the path is a symbolic link; files this package writes never go through one.
	ErrSymlink = errors.New("is a symbolic link (files holding secrets are never written through a link: give the real path)")
	// ErrNotRegular: the path is a directory, a device or another kind of file that is not a
	// regular file.
	ErrNotRegular = errors.New("is not a regular file")
	// ErrIsDir: the path is a directory.
	ErrIsDir = errors.New("is a directory: give a file name in it")
)

// CheckWritable says, before anything is done that a failed write would strand, whether Create,
// Replace or OpenReplace can write path: its directory exists and takes a new file, and path is
// absent or a regular file (not a directory, a device or a symbolic link). A nil error is not a
// promise: the disk can still fill up.
func CheckWritable(path string) error {
	if path == "" {
		return errors.New("no file name")
	}
	st, err := os.Lstat(path)
	switch {
	case err == nil && st.Mode()&fs.ModeSymlink != 0:
		return ErrSymlink
	case err == nil && st.IsDir():
		return ErrIsDir
	case err == nil && !st.Mode().IsRegular():
		return ErrNotRegular
	}
	dir := filepath.Dir(path)
	if dst, derr := os.Stat(dir); derr != nil {
		if errors.Is(derr, fs.ErrNotExist) {
			return fmt.Errorf("its directory %s does not exist", dir)
		}
		return derr
	} else if !dst.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	probe, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot create a file in %s: %w", dir, errors.Unwrap(err))
	}
	probe.Close()
	return os.Remove(probe.Name())
}
