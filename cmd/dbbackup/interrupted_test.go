package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// holder passes requests to the fake until the first one that matches
// stop: that one is served or not (serve), and its answer is held back
// until the test ends, as when the connection hangs or the process dies
// waiting for it.
type holder struct {
	fake    *googlefake.Server
	stop    func(*http.Request) bool
	serve   bool
	fired   atomic.Bool
	reached chan struct{}
	release chan struct{}
}

// heldGoogle is a fake Google behind a holder.
func heldGoogle(t *testing.T, serve bool, stop func(*http.Request) bool) (*google, *holder) {
	t.Helper()
	var h *holder
	g := newGoogleBehind(t, pgtest.NewDatabase(t, ordersSQL), func(fake *googlefake.Server) http.Handler {
		h = &holder{fake: fake, stop: stop, serve: serve, reached: make(chan struct{}), release: make(chan struct{})}
		return h
	})
	t.Cleanup(func() { close(h.release) }) // registered after the server's Close, so it runs first
	return g, h
}

func (h *holder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.fired.Load() || !h.stop(r) || !h.fired.CompareAndSwap(false, true) {
		h.fake.ServeHTTP(w, r)
		return
	}
	if h.serve {
		h.fake.ServeHTTP(httptest.NewRecorder(), r)
	}
	close(h.reached)
	<-h.release
}

// wait returns once the held request has come.
func (h *holder) wait(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	select {
	case <-h.reached:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the run never got to the held request")
	}
}

// isManifestLookup is the look-up for the manifest's name that comes just
// before its upload: the data files are stored and verified by then.
func isManifestLookup(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Path == "/drive/v3/files" &&
		strings.Contains(r.URL.Query().Get("q"), ".manifest.json")
}

func isUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/upload/drive/v3/files"
}

// startCLI runs the program as a separate process, with only the settings
// in env.
func startCLI(t *testing.T, env map[string]string, args ...string) *exec.Cmd {
	t.Helper()
	empty := filepath.Join(t.TempDir(), "empty.env")
	os.WriteFile(empty, nil, 0o600)
	cmd := exec.Command(os.Args[0], append(args, "--env-file", empty)...)
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !slices.Contains(settings, k) {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "DBBACKUP_TEST_MAIN=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// backupsIn returns the names of the tool's files in the Drive folder.
func (g *google) backups() []string {
	var names []string
	for name := range g.stored() {
		if strings.HasPrefix(name, "backup_") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// TestKilledBeforeTheManifestOnDrive kills (SIGKILL) a run whose data
// files are in Drive while it waits to upload the manifest. The next run
// removes those files, found by their set property, and its summary, email
// and history say so.
func TestKilledBeforeTheManifestOnDrive(t *testing.T) {
	g, h := heldGoogle(t, false, isManifestLookup)
	mb := newMailbox(t)
	env := mb.env(g.with("STATE_DIR", t.TempDir()))
	cmd := startCLI(t, env, "run")
	h.wait(t, cmd)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	left := g.backups()
	if len(left) != 4 || strings.HasSuffix(left[0], ".manifest.json") {
		t.Fatalf("the killed run left %v in Drive, want its 3 data files and its schema", left)
	}
	id, _, _ := strings.Cut(left[0], ".")

	// The next run must not take the same name when it starts in the same
	// second: its clock runs a few seconds ahead.
	clock = func() time.Time { return time.Now().Add(5 * time.Second) }
	t.Cleanup(func() { clock = time.Now })
	res := runCLI(t, env, "run")
	if res.code != 0 {
		t.Fatalf("the run after the kill: exit %d\n%s", res.code, res.stderr)
	}
	note := "removed the leftovers of the interrupted run " + id + " from Google Drive folder " + g.folder + " (4 files)"
	if !strings.Contains(res.stdout, "Recover leftovers (warning): "+note) {
		t.Errorf("the summary does not say %q:\n%s", note, res.stdout)
	}
	if texts := mb.texts(t); len(texts) != 1 || !strings.Contains(texts[0], note) {
		t.Errorf("the email does not say %q:\n%s", note, texts)
	}
	now := g.backups()
	if len(now) != 5 {
		t.Errorf("Drive holds %v, want the new set alone", now)
	}
	for _, name := range now {
		if strings.HasPrefix(name, id+".") {
			t.Errorf("%s is still in Drive", name)
		}
	}
	if hist := runCLI(t, env, "history"); !strings.Contains(hist.stdout, "interrupted") {
		t.Errorf("history:\n%s", hist.stdout)
	}
}

// TestKilledAfterTheManifestKeepsTheSet: Drive stored the manifest, and
// the run was killed before the answer came. The set is whole: the next
// run keeps it.
func TestKilledAfterTheManifestKeepsTheSet(t *testing.T) {
	var manifestNext atomic.Bool
	g, h := heldGoogle(t, true, func(r *http.Request) bool {
		if isManifestLookup(r) {
			manifestNext.Store(true)
		}
		return manifestNext.Load() && isUpload(r)
	})
	env := g.with("STATE_DIR", t.TempDir())
	cmd := startCLI(t, env, "run")
	h.wait(t, cmd)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if left := g.backups(); len(left) != 5 {
		t.Fatalf("Drive holds %v, want the killed run's whole set", left)
	}
	res := runCLI(t, env, "run")
	if res.code != 0 || !strings.Contains(res.stdout, "\nRecover leftovers: no interrupted run left anything to remove.\n") {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if now := g.backups(); len(now) != 10 {
		t.Errorf("Drive holds %v, want both sets", now)
	}
	if list := runCLI(t, env, "list"); !strings.Contains(list.stdout, "2 backup sets") {
		t.Errorf("list:\n%s", list.stdout)
	}
}

// TestALostAnswerDuringSIGTERM: Drive stored a file but the answer had not
// come when SIGTERM stopped the run. The run removes that file too, found
// by its set property, and leaves nothing to clean up.
func TestALostAnswerDuringSIGTERM(t *testing.T) {
	g, h := heldGoogle(t, true, isUpload)
	env := g.with("STATE_DIR", t.TempDir())
	cmd := startCLI(t, env, "run")
	h.wait(t, cmd)
	if len(g.backups()) != 1 {
		t.Fatalf("Drive holds %v, want the one file whose answer is held", g.backups())
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err == nil {
		t.Fatal("the stopped run exited 0")
	}
	if left := g.backups(); len(left) != 0 {
		t.Errorf("the stopped run left %v in Drive", left)
	}
	if entries, _ := os.ReadDir(filepath.Join(env["BACKUP_DIR"], stagingDirName)); len(entries) != 0 {
		t.Errorf("the stopped run left %s in its staging folder", entries[0].Name())
	}
}
