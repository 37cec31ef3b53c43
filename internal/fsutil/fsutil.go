// Package fsutil writes files so that a crash or a full disk never leaves a
// half-written file under its final name: write to a temporary name in the
// same directory, fsync, rename, fsync the directory.
package fsutil

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// TempSuffix ends the name of every file being written. Listings skip it.
const TempSuffix = ".tmp"

// File is a file being written. Its content becomes visible under the
// final name only when Commit succeeds.
type File struct {
	*os.File
	final string
	done  bool
}

// Create opens a new temporary file next to final with the given mode.
func Create(final string, mode os.FileMode) (*File, error) {
	dir, base := filepath.Split(final)
	f, err := os.CreateTemp(dir, "."+base+".*"+TempSuffix)
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &File{File: f, final: final}, nil
}

// CreatePrivate creates the file at path for writing, or empties the one
// there, readable and writable by its owner alone before its first byte:
// a run killed while writing a backup never leaves it readable by others,
// whatever the umask. It never follows a symbolic link at path. Exporters
// make their files with it.
func CreatePrivate(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, err
	}
	// A file that existed keeps its mode: narrow it (a regular file only,
	// never a device such as /dev/null).
	st, err := f.Stat()
	if err == nil && st.Mode().IsRegular() && st.Mode().Perm() != 0o600 {
		err = f.Chmod(0o600)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Commit fsyncs the file, gives it its final name without replacing an
// existing file, and fsyncs the directory. On error the temporary file is
// removed and final is untouched.
func (f *File) Commit() error { return f.finish(false) }

// CommitReplace is Commit for files that are updated in place (a token, a
// state file): an existing final file is replaced atomically.
func (f *File) CommitReplace() error { return f.finish(true) }

func (f *File) finish(replace bool) error {
	if f.done {
		return errors.New("fsutil: file already committed or aborted")
	}
	f.done = true
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = place(f.Name(), f.final, replace)
	}
	os.Remove(f.Name())
	if err != nil {
		return fmt.Errorf("write %s: %w", f.final, err)
	}
	return SyncDir(filepath.Dir(f.final))
}

// place gives tmp the name final. Without replace it uses a hard link,
// which fails when final exists, so nothing is ever overwritten; on a file
// system without hard links it falls back to a checked rename.
func place(tmp, final string, replace bool) error {
	if replace {
		return os.Rename(tmp, final)
	}
	err := os.Link(tmp, final)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	if _, serr := os.Lstat(final); serr == nil {
		return fs.ErrExist
	}
	return os.Rename(tmp, final)
}

// Abort closes and removes the temporary file. It is safe to call after
// Commit, so `defer f.Abort()` cleans up every failure path.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}

// Replace writes r to final atomically with the given mode, replacing an
// existing final file (a token, a state file) without ever truncating it.
func Replace(final string, r io.Reader, mode os.FileMode) error {
	f, err := Create(final, mode)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := io.Copy(f, r); err != nil {
		return fmt.Errorf("write %s: %w", final, err)
	}
	return f.CommitReplace()
}

// SyncDir fsyncs a directory so that a rename in it survives a crash.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
