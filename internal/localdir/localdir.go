// Package localdir is a Destination on a local folder. Every file is written
// under a temporary name, fsynced and then given its name, so a crash or a
// full disk never leaves a file that looks finished. A file keeps no tags
// but its name: the job and database of a set are its manifest's.
package localdir

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/fsutil"
)

// Dir is a folder that holds backup sets.
type Dir struct {
	path string
}

var _ dbbackup.Destination = (*Dir)(nil)

// New returns the folder at path, creating it if needed.
func New(path string) (*Dir, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("create backup folder: %w", err)
	}
	return &Dir{path: abs}, nil
}

// Path is the folder's absolute path.
func (d *Dir) Path() string { return d.path }

func (d *Dir) String() string { return "local folder " + d.path }

// Put implements dbbackup.Destination.
func (d *Dir) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	if err := checkName(f.Name); err != nil {
		return dbbackup.File{}, err
	}
	final := filepath.Join(d.path, f.Name)
	if _, err := os.Lstat(final); err == nil {
		return dbbackup.File{}, fmt.Errorf("put %s: %w", f.Name, fs.ErrExist)
	}
	if stored, ok, err := d.link(ctx, f, r, final); ok || err != nil {
		return stored, err
	}
	tmp, err := fsutil.Create(final, 0o640)
	if err != nil {
		return dbbackup.File{}, fmt.Errorf("put %s: %w", f.Name, err)
	}
	defer tmp.Abort()
	// Every sum given is checked: the md5 (a local folder keeps none of
	// its own, but returns the one it checked) and the sha256 when given.
	sum, sha := md5.New(), sha256.New()
	w := io.MultiWriter(tmp, sum)
	if f.SHA256 != "" {
		w = io.MultiWriter(tmp, sum, sha)
	}
	n, err := io.Copy(w, contextReader{ctx, r})
	if err != nil {
		return dbbackup.File{}, fmt.Errorf("put %s: %w", f.Name, err)
	}
	got := hex.EncodeToString(sum.Sum(nil))
	if err := errors.Join(check(f, n, "md5", got, f.MD5), check(f, n, "sha256", hex.EncodeToString(sha.Sum(nil)), f.SHA256)); err != nil {
		return dbbackup.File{}, err
	}
	if err := tmp.Commit(); err != nil {
		return dbbackup.File{}, err
	}
	st, err := os.Stat(final)
	if err != nil {
		return dbbackup.File{}, err
	}
	f.MD5 = got
	return d.file(f.Name, st, f), nil
}

// check compares what was read, n bytes whose algo sum is got, with what
// the caller said it puts: f's size and want ("" when not said).
func check(f dbbackup.File, n int64, algo, got, want string) error {
	if (want != "" && want != got) || (f.Size != 0 && f.Size != n) {
		return fmt.Errorf("put %s: stored %d bytes with %s %s, expected %d bytes with %s %s: %w",
			f.Name, n, algo, got, f.Size, algo, want, dbbackup.ErrChecksumMismatch)
	}
	return nil
}

// link stores a sealed file (fsynced by the caller) by giving it a second
// name, when it is a file read from its start on the same file system (an
// *os.File, or the dbbackup.SealedFile a run hands over): its bytes are
// not written again. A SealedFile whose sha256 is the one the caller gives
// and still holds is taken at its word: reading it again would read the
// bytes the run has just read, at the end of the run. Any other file is
// read once more, to check the sum the caller gives rather than trust it:
// the sha256 when it gives one, else the md5 (a file the caller just wrote
// is read from the page cache). ok is false, with a nil error, when
// linking is not possible and Put must copy.
func (d *Dir) link(ctx context.Context, f dbbackup.File, r io.Reader, final string) (stored dbbackup.File, ok bool, err error) {
	src, isFile := r.(*os.File)
	sealed, isSealed := r.(*dbbackup.SealedFile)
	if isSealed {
		src, isFile = sealed.File, true
	}
	if !isFile || (f.MD5 == "" && f.SHA256 == "") {
		return dbbackup.File{}, false, nil
	}
	st, err := src.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return dbbackup.File{}, false, nil
	}
	if pos, err := src.Seek(0, io.SeekCurrent); err != nil || pos != 0 {
		return dbbackup.File{}, false, nil
	}
	n := st.Size()
	if sum, ok := sealedSum(sealed); !ok || sum != f.SHA256 {
		if n, err = checkSum(ctx, f, src); err != nil {
			return dbbackup.File{}, false, err
		}
	}
	if n != st.Size() { // the file changed while it was read
		return dbbackup.File{}, false, fmt.Errorf("put %s: the file changed while it was stored", f.Name)
	}
	rewind := func() (dbbackup.File, bool, error) {
		if _, err := src.Seek(0, io.SeekStart); err != nil {
			return dbbackup.File{}, false, fmt.Errorf("put %s: %w", f.Name, err)
		}
		return dbbackup.File{}, false, nil
	}
	if err := os.Link(src.Name(), final); err != nil {
		return rewind()
	}
	if err := os.Chmod(final, 0o640); err != nil || fsutil.SyncDir(d.path) != nil {
		os.Remove(final)
		return rewind()
	}
	return d.file(f.Name, st, f), true, nil
}

// sealedSum is the sha256 of a SealedFile if it still holds (nil: none).
func sealedSum(s *dbbackup.SealedFile) (string, bool) {
	if s == nil {
		return "", false
	}
	return s.SHA256()
}

// checkSum reads src whole and compares it with the sum f gives: the
// sha256 when it gives one (with the CPU's SHA instructions several times
// faster than md5, and as sure), else the md5. It returns the bytes read.
func checkSum(ctx context.Context, f dbbackup.File, src io.Reader) (int64, error) {
	var sum hash.Hash = md5.New()
	algo, want := "md5", f.MD5
	if f.SHA256 != "" {
		sum, algo, want = sha256.New(), "sha256", f.SHA256
	}
	n, err := io.Copy(sum, contextReader{ctx, src})
	if err != nil {
		return n, fmt.Errorf("put %s: %w", f.Name, err)
	}
	return n, check(f, n, algo, hex.EncodeToString(sum.Sum(nil)), want)
}

// List implements dbbackup.Destination. Folders, hidden files and files
// being written are not listed.
func (d *Dir) List(ctx context.Context) ([]dbbackup.File, error) {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", d.path, err)
	}
	var files []dbbackup.File
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		st, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed while listing
		}
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", d.path, err)
		}
		f := dbbackup.File{Name: e.Name()}
		f.SetID, f.Format, _ = dbbackup.ParseFileName(f.Name)
		files = append(files, d.file(f.Name, st, f))
	}
	return files, nil
}

// Open implements dbbackup.Destination.
func (d *Dir) Open(ctx context.Context, f dbbackup.File) (io.ReadCloser, error) {
	if err := checkName(f.ID); err != nil {
		return nil, err
	}
	r, err := os.Open(filepath.Join(d.path, f.ID))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open %s: %w", f.ID, dbbackup.ErrNotFound)
	}
	return r, err
}

// Delete implements dbbackup.Destination.
func (d *Dir) Delete(ctx context.Context, f dbbackup.File) error {
	if err := checkName(f.ID); err != nil {
		return err
	}
	err := os.Remove(filepath.Join(d.path, f.ID))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", f.ID, err)
	}
	return fsutil.SyncDir(d.path)
}

func (d *Dir) file(name string, st fs.FileInfo, f dbbackup.File) dbbackup.File {
	f.ID = name
	f.Size = st.Size()
	f.ModTime = st.ModTime()
	f.Link = "file://" + filepath.ToSlash(filepath.Join(d.path, name))
	return f
}

// checkName refuses names that would leave the folder or hide the file.
func checkName(name string) error {
	if name == "" || strings.HasPrefix(name, ".") || strings.ContainsAny(name, `/\`) || name != filepath.Base(name) {
		return fmt.Errorf("invalid file name %q", name)
	}
	return nil
}

// contextReader stops a copy when ctx is done.
type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
