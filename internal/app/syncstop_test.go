package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

// TestASyncPastItsTimeoutSaysWhatItKept: a sync stopped by BACKUP_TIMEOUT
// is not told "nothing of it was kept" as a backup is: a replace says the
// tab is as it was (and it is), an append that its rows are kept and the
// next sync goes on.
func TestASyncPastItsTimeoutSaysWhatItKept(t *testing.T) {
	for _, tc := range []struct {
		mode, want string
	}{
		{"replace", "the tab it was writing is as it was before"},
		{"append", "the rows it appended are kept, and the next sync goes on after them"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			url := pgtest.NewDatabase(t, `CREATE TABLE items AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 100) g;`)
			s, fake, id := syncSetup(t, url, "public.items")
			t.Setenv("SHEETS_MODE", tc.mode)
			t.Setenv("SHEETS_KEY", "id")
			ctx := context.Background()
			if _, err := s.app.SyncNow(ctx, "default", quietLog(), nil); err != nil {
				t.Fatal(err)
			}
			before, _ := fake.Values(id, "items")
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			_, err = conn.Exec(ctx, `INSERT INTO items SELECT g, md5(g::text) FROM generate_series(101, 200) g`)
			conn.Close(ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Setenv("BACKUP_TIMEOUT", "1s")
			fake.SetLatency(googlefake.KindSheetsWrite, 3*time.Second)
			o, err := s.app.SyncNow(ctx, "default", quietLog(), nil)
			if !errors.Is(err, context.DeadlineExceeded) || o.OK() {
				t.Fatalf("got %v", err)
			}
			hint := dbbackup.Explain(err).Hint
			if !strings.Contains(hint, tc.want) || !strings.Contains(hint, "BACKUP_TIMEOUT of backup job default") ||
				strings.Contains(hint, "nothing of it was kept") || o.Hint() != hint {
				t.Fatalf("hint %q", hint)
			}
			fake.SetLatency(googlefake.KindSheetsWrite, 0)
			if after, _ := fake.Values(id, "items"); tc.mode == "replace" && len(after) != len(before) {
				t.Errorf("the tab went from %d rows to %d", len(before), len(after))
			}
		})
	}
}
