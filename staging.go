package dbbackup

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
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// staging is the private folder of one run: files are written there, sealed
// (fsynced and checksummed), stored, and the folder is removed at the end.
type staging struct {
	setID    string
	job      string // tags the files
	database string // tags the files, once the snapshot named it
	dir      string
	lastSize int64       // size of the newest set of the job and database already in the destination
	putTried atomic.Bool // a file was handed to the destination; set by the exporting and the storing goroutines
	observe  Observer
	encoder  Encoder // nil: files are stored as exported
	// md5: files get an md5 as well as a sha256, for a destination that
	// keeps one (keepsMD5) and for uploads while files are written, which
	// are kept when their md5 is the sealed file's (follow.go).
	md5      bool
	sealedMu sync.Mutex
	// sealed holds, by name, each file seal took the sums of: its Stat
	// once it was written (before seal read it, when it did).
	sealed map[string]fs.FileInfo
}

// stage reserves a set id that no other run, finished or running, has: the
// staging folder is created exclusively, and the destination must not hold
// the id yet, whichever job made it. Runs started in the same second get
// prefix_…_2, _3, ….
func (r *Runner) stage(ctx context.Context, start time.Time) (*staging, error) {
	if err := r.makeStagingDir(); err != nil {
		return nil, err
	}
	existing, err := r.Dest.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", r.Dest, err)
	}
	taken := map[string]bool{}
	for _, f := range existing {
		taken[f.SetID] = true
	}
	lastSize := r.lastSize(ctx, existing)
	for seq := 1; seq < 1000; seq++ {
		id := SetIDAt(r.prefix(), start.In(r.Location), seq)
		if taken[id] {
			continue
		}
		dir := filepath.Join(r.StagingDir, id)
		err := os.Mkdir(dir, 0o700)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create staging folder: %w", err)
		}
		st := &staging{setID: id, job: r.job(), dir: dir, lastSize: lastSize, encoder: r.Encoder,
			md5: keepsMD5(r.Dest) || r.StoreWhileWriting}
		if err := r.writeRecord(st, ""); err != nil {
			st.remove()
			return nil, err
		}
		return st, nil
	}
	return nil, errors.New("no free set name: 999 runs started in the same second")
}

// lastSize is the size of the newest set of r's job and database among
// the existing files, 0 when there is none. Sets that other jobs or
// databases made are passed over: by their tags where the destination
// keeps them, else by their manifests.
func (r *Runner) lastSize(ctx context.Context, existing []File) int64 {
	for _, s := range Sets(existing, r.Location) {
		if ctx.Err() != nil {
			return 0
		}
		tagged := s.Files[0].Job != ""
		if (tagged && s.Job != r.job()) || (r.Database != "" && s.Database != "" && s.Database != r.Database) {
			continue
		}
		inspect(ctx, r.Dest, &s)
		if s.Job == r.job() && (r.Database == "" || s.Database == r.Database) {
			return s.Size()
		}
	}
	return 0
}

func (s *staging) path(name string) string { return filepath.Join(s.dir, name) }

// export writes the file name of e. A StreamExporter's file stored as
// written is written here, its sums taken as it is (sum); any other file
// is its exporter's, checksummed by seal (sum nil).
func (s *staging) export(ctx context.Context, e Exporter, src Source, tables []Table, name string) (res ExportResult, sum *sums, err error) {
	se, ok := e.(StreamExporter)
	if !ok || !s.storedAsWritten(name, e.Format()) {
		res, err = e.Export(ctx, src, tables, s.path(name))
		return res, nil, err
	}
	h := newHasher(s.md5)
	if res, err = ExportFile(ctx, se, src, tables, s.path(name), h); err != nil {
		return ExportResult{}, nil, err
	}
	written := h.sums()
	return res, &written, nil
}

// seal fsyncs a written file and takes its sums: written, those of every
// byte written to it (see export), or nil, and seal reads the file whole
// for them. Either way they are the sealed file's, and the store may take
// them (see SealedFile). Reading the file for its sums goes on while the
// disk writes it back, as both take a while for a large file and need
// different resources. With an encoder, every file but the manifest is
// encoded first (see encode): the File returned is the stored one.
func (s *staging) seal(name string, format Format, written *sums) (File, error) {
	if !s.storedAsWritten(name, format) {
		return s.encode(name, format, s.encoder.Encoding(name, format))
	}
	f, err := os.Open(s.path(name))
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	synced := make(chan error, 1)
	go func() { synced <- f.Sync() }()
	info, err := f.Stat()
	var sum sums
	switch {
	case err != nil:
	case written != nil:
		sum = *written
	default:
		sum, err = checksum(f, s.md5)
	}
	if err == nil && sum.n != info.Size() {
		err = fmt.Errorf("%d bytes were checksummed of a file of %d: it changed", sum.n, info.Size())
	}
	if serr := <-synced; serr != nil {
		return File{}, fmt.Errorf("sync %s: %w", name, serr)
	}
	if err != nil {
		return File{}, fmt.Errorf("checksum %s: %w", name, err)
	}
	s.sealedMu.Lock()
	if s.sealed == nil {
		s.sealed = map[string]fs.FileInfo{}
	}
	s.sealed[name] = info
	s.sealedMu.Unlock()
	return File{Name: name, SetID: s.setID, Job: s.job, Database: s.database, Format: format, Size: sum.n,
		SHA256: sum.sha256, MD5: sum.md5}, nil
}

// forPut is what Put reads of the staged file f, open in in: a
// SealedFile of f's sha256 when seal took f's sums, else in itself (an
// encoded file, whose sums its encoder took).
func (s *staging) forPut(in *os.File, f File) io.Reader {
	s.sealedMu.Lock()
	info, ok := s.sealed[f.Name]
	s.sealedMu.Unlock()
	if !ok {
		return in
	}
	return Sealed(in, f.SHA256, info)
}

// storedAsWritten tells whether the file name of format is stored as its
// exporter wrote it, not encoded into another file first. The manifest
// always is.
func (s *staging) storedAsWritten(name string, format Format) bool {
	return s.encoder == nil || format == FormatManifest || s.encoder.Encoding(name, format) == (Encoding{})
}

// sums are a file's length and checksums, in hex.
type sums struct {
	n           int64
	sha256, md5 string
}

// checksum reads r to its end and returns its sums, the md5 only with
// withMD5.
func checksum(r io.Reader, withMD5 bool) (sums, error) {
	h := newHasher(withMD5)
	if _, err := io.Copy(h, r); err != nil {
		return sums{}, err
	}
	return h.sums(), nil
}

// hasher takes the sums of the bytes written to it: the sha256, and the
// md5 on another core when it takes one.
type hasher struct {
	sha, md5 hash.Hash // md5 nil: none
	w        io.Writer
	n        int64
}

func newHasher(withMD5 bool) *hasher {
	h := &hasher{sha: sha256.New()}
	h.w = h.sha
	if withMD5 {
		h.md5 = md5.New()
		h.w = parallelWriter{h.sha, h.md5}
	}
	return h
}

func (h *hasher) Write(p []byte) (int, error) {
	h.n += int64(len(p))
	return h.w.Write(p)
}

// ReadFrom reads in large blocks, so that the two hashes run in parallel
// over long stretches.
func (h *hasher) ReadFrom(r io.Reader) (int64, error) {
	return readBlocks(r, h)
}

func (h *hasher) sums() sums {
	s := sums{n: h.n, sha256: hex.EncodeToString(h.sha.Sum(nil))}
	if h.md5 != nil {
		s.md5 = hex.EncodeToString(h.md5.Sum(nil))
	}
	return s
}

func (s *staging) writeManifest(m *Manifest) (File, error) {
	name := ManifestName(s.setID)
	// Owner-only from creation, as the exporters' files (fsutil.CreatePrivate).
	f, err := os.OpenFile(s.path(name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return File{}, err
	}
	_, err = m.WriteTo(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return File{}, fmt.Errorf("write %s: %w", name, err)
	}
	return s.seal(name, FormatManifest, nil)
}

// remove removes the folder with the run's record: nothing of the run is
// left to clean up.
func (s *staging) remove() { os.RemoveAll(s.dir) }

// removeFiles removes the staged files and keeps the run's record, for a
// run whose stored files could not all be removed.
func (s *staging) removeFiles() {
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		if e.Name() != runRecordName {
			os.RemoveAll(s.path(e.Name()))
		}
	}
}

// parallelWriter feeds two hashes at once, one of them on another core:
// checksumming a large file then takes the time of the slower hash alone.
type parallelWriter struct{ a, b io.Writer }

func (w parallelWriter) Write(p []byte) (int, error) {
	done := make(chan struct{})
	go func() { w.b.Write(p); close(done) }() // hashes never fail
	n, err := w.a.Write(p)
	<-done
	return n, err
}

// ReadFrom reads in large blocks so that the hashes run in parallel over
// long stretches.
func (w parallelWriter) ReadFrom(r io.Reader) (int64, error) { return readBlocks(r, w) }

// readBlocks copies r to w in blocks of 1 MiB.
func readBlocks(r io.Reader, w io.Writer) (int64, error) {
	buf := make([]byte, 1<<20)
	var total int64
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return total, werr
			}
			total += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// StagingDirName is the name of job's staging folder inside BACKUP_DIR
// ("" is DefaultJob): .partial for the job default, as before there were
// jobs, and .partial-NAME for the others, so that one job's Recover never
// sees another job's runs, running or interrupted. Listings skip hidden
// names.
func StagingDirName(job string) string {
	if job = jobOrDefault(job); job == DefaultJob {
		return ".partial"
	}
	return ".partial-" + job
}

// makeStagingDir creates the staging folder if it is missing and checks
// that it is one the tool can trust with its files and empty at will.
func (r *Runner) makeStagingDir() error {
	if err := os.MkdirAll(filepath.Dir(r.StagingDir), 0o750); err != nil {
		return fmt.Errorf("create staging folder: %w", err)
	}
	if err := os.Mkdir(r.StagingDir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create staging folder: %w", err)
	}
	return checkStagingDir(r.StagingDir)
}

// checkStagingDir refuses a staging folder that is a symbolic link, not a
// folder, or another user's: the run writes unfinished backups into it and
// removes folders from it, which must never happen somewhere else.
func checkStagingDir(dir string) error {
	st, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("staging folder: %w", err)
	}
	var problem string
	switch sys, _ := st.Sys().(*syscall.Stat_t); {
	case st.Mode()&fs.ModeSymlink != 0:
		problem = "is a symbolic link"
	case !st.IsDir():
		problem = "is not a folder"
	case sys != nil && int(sys.Uid) != os.Geteuid():
		problem = fmt.Sprintf("belongs to another user (uid %d, this program runs as uid %d)", sys.Uid, os.Geteuid())
	default:
		return nil
	}
	return &ConfigError{Var: "BACKUP_DIR", Problem: "the staging folder " + dir + " " + problem,
		Hint: "remove it: dbbackup makes that folder itself and keeps only its unfinished files there; check who else can write to BACKUP_DIR"}
}
