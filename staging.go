package dbbackup

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// staging is the private folder of one run: files are written there, sealed
// (fsynced and checksummed), stored, and the folder is removed at the end.
type staging struct {
	setID    string
	database string // tags the files, once the snapshot named it
	dir      string
	lastSize int64 // size of the newest set already in the destination
}

// stage reserves a set id that no other run, finished or running, has: the
// staging folder is created exclusively, and the destination must not hold
// the id yet. Runs started in the same second get backup_…_2, _3, ….
func (r *Runner) stage(ctx context.Context, start time.Time) (*staging, error) {
	if err := os.MkdirAll(r.StagingDir, 0o750); err != nil {
		return nil, fmt.Errorf("create staging folder: %w", err)
	}
	existing, err := r.Dest.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", r.Dest, err)
	}
	taken := map[string]bool{}
	for _, f := range existing {
		taken[f.SetID] = true
	}
	var lastSize int64
	if sets := Sets(existing, r.Location); len(sets) > 0 {
		lastSize = sets[0].Size()
	}
	for seq := 1; seq < 1000; seq++ {
		id := SetIDAt(start.In(r.Location), seq)
		if taken[id] {
			continue
		}
		dir := filepath.Join(r.StagingDir, id)
		err := os.Mkdir(dir, 0o750)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create staging folder: %w", err)
		}
		return &staging{setID: id, dir: dir, lastSize: lastSize}, nil
	}
	return nil, errors.New("no free set name: 999 runs started in the same second")
}

func (s *staging) path(name string) string { return filepath.Join(s.dir, name) }

// seal fsyncs a written file and checksums its bytes. The checksums are
// computed while the disk writes the file back, as both take a while for
// a large file and need different resources.
func (s *staging) seal(name string, format Format) (File, error) {
	f, err := os.Open(s.path(name))
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	synced := make(chan error, 1)
	go func() { synced <- f.Sync() }()
	sha, sum := sha256.New(), md5.New()
	n, err := io.Copy(parallelWriter{sha, sum}, f)
	if serr := <-synced; serr != nil {
		return File{}, fmt.Errorf("sync %s: %w", name, serr)
	}
	if err != nil {
		return File{}, fmt.Errorf("checksum %s: %w", name, err)
	}
	return File{Name: name, SetID: s.setID, Database: s.database, Format: format, Size: n,
		SHA256: hex.EncodeToString(sha.Sum(nil)), MD5: hex.EncodeToString(sum.Sum(nil))}, nil
}

func (s *staging) writeManifest(m *Manifest) (File, error) {
	name := ManifestName(s.setID)
	f, err := os.Create(s.path(name))
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
	return s.seal(name, FormatManifest)
}

func (s *staging) remove() { os.RemoveAll(s.dir) }

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
func (w parallelWriter) ReadFrom(r io.Reader) (int64, error) {
	buf := make([]byte, 1<<20)
	var total int64
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			w.Write(buf[:n])
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

// CleanStaging removes what runs that were killed left in the staging
// folder. Call it only while holding the run lock: a running run's files
// are there too.
func (r *Runner) CleanStaging() error {
	entries, err := os.ReadDir(r.StagingDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(r.StagingDir, e.Name())); err != nil {
			return err
		}
		r.Log.Warn("removed what an interrupted run left", "path", filepath.Join(r.StagingDir, e.Name()))
	}
	return nil
}
