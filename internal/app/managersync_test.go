package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/state"
)

// syncSetup is managerSetup with a fake Google holding a spreadsheet,
// and the .env's sync job writing table to it.
func syncSetup(t *testing.T, url, table string) (managerSetup, *googlefake.Server, string) {
	t.Helper()
	fake, srv := googlefake.NewTestServer(t)
	token := filepath.Join(t.TempDir(), "token.json")
	if err := os.WriteFile(token, fake.AuthorizedUserJSON(srv.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	id := fake.AddSpreadsheet(googlefake.SpreadsheetSpec{})
	s := newManagerSetup(t, url, map[string]string{"GOOGLE_TOKEN_FILE": token, "GOOGLE_API_ENDPOINT": srv.URL + "/",
		"SHEETS_SPREADSHEET_ID": id, "SHEETS_TABLES": table})
	return s, fake, id
}

// TestManagerSyncsInTheBackground: StartSync returns at once, a second
// start of the same sync job is refused, and the sync is recorded.
func TestManagerSyncsInTheBackground(t *testing.T) {
	url := pgtest.NewDatabase(t, `CREATE TABLE items AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 1500) g;`)
	s, fake, id := syncSetup(t, url, "public.items")
	m := NewManager(s.app, quietLog())
	ctx := context.Background()
	if err := m.StartSync(ctx, "default", "alice"); err != nil {
		t.Fatal(err)
	}
	if err := m.StartSync(ctx, "default", "bob"); !errors.Is(err, ErrRunning) {
		t.Errorf("a second start while it syncs: %v, want ErrRunning", err)
	}
	if err := m.StartSync(ctx, "nosuch", "bob"); !errors.As(err, new(*NoSyncJobError)) {
		t.Errorf("a sync job that does not exist: %v", err)
	}
	o, err := m.WaitSync(ctx, "default")
	if err != nil || o == nil || !o.OK() || o.Rows() != 1500 {
		t.Fatalf("the sync: %+v, %v", o, err)
	}
	if l, ok := m.SyncLive("default"); !ok || !l.Done || l.Outcome != o || l.By != "alice" || l.Sheet != "items" || l.Rows != 1500 || l.Requests == 0 || l.Tabs != 1 {
		t.Errorf("the sync as its page sees it: %+v, %v", l, ok)
	}
	if _, ok := m.SyncLive("other"); ok {
		t.Error("a sync job this manager never synced has progress")
	}
	if v, _ := fake.Values(id, "items"); len(v) != 1501 {
		t.Errorf("the tab holds %d rows, want the header and 1500", len(v))
	}
	if runs := s.runs(t); len(runs) != 1 || runs[0].Kind != state.KindSheets || runs[0].Status != state.StatusOK || runs[0].ID != o.RunID {
		t.Errorf("history %+v", runs)
	}
}

// TestShutdownStopsASync: SIGTERM cancels a sync going on; it is recorded
// as interrupted and leaves the tab it replaces as it was.
func TestShutdownStopsASync(t *testing.T) {
	url := pgtest.NewDatabase(t, bigTable)
	s, fake, id := syncSetup(t, url, "public.big")
	m := NewManager(s.app, quietLog())
	if err := m.StartSync(context.Background(), "default", "schedule"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) { // until the sync is recorded as running
		if runs := s.runs(t); len(runs) == 1 && runs[0].Status == state.StatusRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the sync did not begin")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	m.Shutdown(ctx, 0)
	if runs := s.runs(t); len(runs) != 1 || runs[0].Status != state.StatusInterrupted {
		t.Errorf("history %+v, want the sync interrupted", runs)
	}
	if _, ok := fake.Values(id, "big"); ok {
		t.Error("a stopped replace left its tab")
	}
	if err := m.StartSync(context.Background(), "default", "schedule"); !errors.Is(err, ErrShuttingDown) {
		t.Errorf("a start after Shutdown: %v", err)
	}
}
