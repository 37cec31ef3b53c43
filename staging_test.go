package dbbackup_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/export/csv"
	"github.com/dbbackup/dbbackup/internal/export/dump"
	"github.com/dbbackup/dbbackup/internal/export/json"
	"github.com/dbbackup/dbbackup/internal/export/xlsx"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/postgres"
)

// TestStagingFolderMustBeTheTools plants what an attacker with write access
// to BACKUP_DIR could: a staging folder that is a link to another folder, a
// file, or another user's folder. The run refuses it as a setting problem,
// and nothing outside the staging folder is touched.
func TestStagingFolderMustBeTheTools(t *testing.T) {
	tests := []struct {
		name    string
		plant   func(t *testing.T, staging, elsewhere string)
		problem string
	}{
		{"symlink", func(t *testing.T, staging, elsewhere string) {
			must(t, os.Symlink(elsewhere, staging))
		}, "is a symbolic link"},
		{"file", func(t *testing.T, staging, _ string) {
			must(t, os.WriteFile(staging, []byte("not a folder"), 0o600))
		}, "is not a folder"},
		{"other owner", func(t *testing.T, staging, _ string) {
			if os.Geteuid() != 0 {
				t.Skip("making a folder of another user needs root")
			}
			must(t, os.Mkdir(staging, 0o777))
			must(t, os.Chown(staging, 65534, 65534))
		}, "belongs to another user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, dest := newRunner(t)
			elsewhere := t.TempDir()
			// A bystander's files, one of them named like a set's folder.
			must(t, os.WriteFile(filepath.Join(elsewhere, "thesis.txt"), []byte("years of work"), 0o600))
			must(t, os.Mkdir(filepath.Join(elsewhere, "backup_20260209_020000"), 0o700))
			must(t, os.WriteFile(filepath.Join(elsewhere, "backup_20260209_020000", "data"), []byte("x"), 0o600))
			tt.plant(t, r.StagingDir, elsewhere)

			_, err := r.Recover(context.Background())
			assertRefused(t, "Recover", err, tt.problem)
			_, err = r.Run(context.Background(), nil)
			assertRefused(t, "Run", err, tt.problem)

			if got := tree(t, elsewhere); got != "backup_20260209_020000/ backup_20260209_020000/data thesis.txt" {
				t.Fatalf("the folder the staging folder pointed to now holds %q", got)
			}
			assertDestEmpty(t, dest)
		})
	}
}

func assertRefused(t *testing.T, call string, err error, problem string) {
	t.Helper()
	var ce *dbbackup.ConfigError
	if !errors.As(err, &ce) || ce.Var != "BACKUP_DIR" || !strings.Contains(ce.Problem, problem) || ce.Hint == "" {
		t.Fatalf("%s: got %v, want a BACKUP_DIR setting problem saying %q, with a hint", call, err, problem)
	}
}

// TestRecoverRemovesOnlyWhatRunsMake: in the staging folder, only the
// set folders a run makes are removed; other names, and links even when
// named like a set, stay, and nothing is followed.
func TestRecoverRemovesOnlyWhatRunsMake(t *testing.T) {
	r, _ := newRunner(t)
	elsewhere := t.TempDir()
	must(t, os.WriteFile(filepath.Join(elsewhere, "thesis.txt"), []byte("years of work"), 0o600))
	must(t, os.Mkdir(r.StagingDir, 0o700))
	left := filepath.Join(r.StagingDir, "backup_20260209_020000")
	must(t, os.Mkdir(left, 0o700))
	must(t, os.WriteFile(filepath.Join(left, "backup_20260209_020000.csv"), []byte("half"), 0o600))
	must(t, os.Symlink(elsewhere, filepath.Join(left, "link")))
	must(t, os.Symlink(elsewhere, filepath.Join(r.StagingDir, "backup_20260209_030000")))
	must(t, os.WriteFile(filepath.Join(r.StagingDir, "notes.txt"), []byte("mine"), 0o600))

	if _, err := r.Recover(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, r.StagingDir); got != "backup_20260209_030000 notes.txt" {
		t.Fatalf("the staging folder now holds %q", got)
	}
	if got := tree(t, elsewhere); got != "thesis.txt" {
		t.Fatalf("the folder a link pointed to now holds %q", got)
	}
}

// TestStagedFilesAreOwnerOnlyFromCreation runs every real exporter under
// umask 022 and looks at each staged file while it is written (from the
// progress reports) and when it is handed to the destination, before
// anything could change its mode: a run killed at any moment leaves no
// file that others can read.
func TestStagedFilesAreOwnerOnlyFromCreation(t *testing.T) {
	url := pgtest.NewDatabase(t, `CREATE TABLE orders AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 3000) g;
		CREATE TABLE notes AS SELECT g AS id FROM generate_series(1, 10) g;`)
	db, err := postgres.New(url, time.Minute)
	must(t, err)
	conn, err := postgres.LibpqEnv(url)
	must(t, err)
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })

	r, dest := newRunner(t, csv.Exporter{}, &xlsx.Exporter{}, json.Exporter{}, &dump.Exporter{Conn: dump.Conn{Env: conn.Env, Password: conn.Password}})
	r.DB = db
	r.Now = time.Now
	var mu sync.Mutex
	modes := map[string]fs.FileMode{} // the widest mode each file was seen with
	put := map[string]bool{}          // files handed to the destination
	see := func(name string, mode fs.FileMode) {
		mu.Lock()
		defer mu.Unlock()
		if file, ok := strings.CutSuffix(name, " at Put"); ok {
			put[file] = true
		} else if put[strings.TrimSuffix(name, " while written")] {
			return // stored while others are written: the destination's now
		}
		modes[name] |= mode.Perm()
	}
	observe := func(p dbbackup.Progress) {
		if p.Stage != dbbackup.StageExport {
			return // stored files are the destination's: localdir links them, 0640
		}
		sets, _ := os.ReadDir(r.StagingDir)
		for _, set := range sets {
			files, _ := os.ReadDir(filepath.Join(r.StagingDir, set.Name()))
			for _, f := range files {
				if st, err := f.Info(); err == nil {
					see(f.Name()+" while written", st.Mode())
				}
			}
		}
	}
	r.Dest = modeDest{Destination: dest, see: see}
	if _, err := r.Run(context.Background(), observe); err != nil {
		t.Fatal(err)
	}
	var seen []string
	for name, mode := range modes {
		seen = append(seen, fmt.Sprintf("%s %v", name, mode))
	}
	sort.Strings(seen)
	if len(seen) < 6 { // the csv zip, xlsx, json while written; 4 files and the manifest at Put
		t.Fatalf("saw too few files: %v", seen)
	}
	for _, s := range seen {
		if !strings.HasSuffix(s, " -rw-------") {
			t.Errorf("a staged file others can read: %s", s)
		}
	}
}

// modeDest sees the mode of each staged file it is handed.
type modeDest struct {
	dbbackup.Destination
	see func(string, fs.FileMode)
}

func (d modeDest) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	if file, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok { // an *os.File, a SealedFile
		if st, err := file.Stat(); err == nil {
			d.see(f.Name+" at Put", st.Mode())
		}
	}
	return d.Destination.Put(ctx, f, r)
}

// tree lists dir recursively, folders with a slash, links not followed.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.IsDir() {
			rel += "/"
		}
		names = append(names, rel)
		return nil
	})
	must(t, err)
	return strings.Join(names, " ")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
