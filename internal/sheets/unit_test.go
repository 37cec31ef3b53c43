package sheets

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestColumnNamesAndRanges(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 701: "ZZ", 702: "AAA", 18277: "ZZZ"} {
		if got := columnName(i); got != want {
			t.Errorf("columnName(%d) = %q, want %q", i, got, want)
		}
	}
	if got := rowsRange("It's", 2, 9, 3); got != "'It''s'!A2:C9" {
		t.Errorf("rowsRange: %s", got)
	}
	for _, tc := range []struct {
		in          string
		first, last int
		ok          bool
	}{
		{"'My tab'!A1001:F1500", 1001, 1500, true},
		{"Data!B7", 7, 7, true},
		{"'a!b'!C3:D4", 3, 4, true},
		{"Data!A:F", 0, 0, false},
		{"", 0, 0, false},
	} {
		first, last, ok := spanRows(tc.in)
		if first != tc.first || last != tc.last || ok != tc.ok {
			t.Errorf("spanRows(%q) = %d, %d, %v", tc.in, first, last, ok)
		}
	}
}

// TestPacerKeepsUnderTheQuota: a burst up to the quota goes at once; the
// next request waits until the first leaves the window, whoever asks.
func TestPacerKeepsUnderTheQuota(t *testing.T) {
	p := &pacer{limit: 3, window: 100 * time.Millisecond}
	start := time.Now()
	done := make(chan time.Duration, 6)
	for range 3 {
		go func() {
			for range 2 {
				if err := p.wait(context.Background()); err != nil {
					t.Error(err)
				}
				done <- time.Since(start)
			}
		}()
	}
	var at []time.Duration
	for range 6 {
		at = append(at, <-done)
	}
	slices.Sort(at)
	if at[2] > 50*time.Millisecond || at[3] < 100*time.Millisecond {
		t.Fatalf("requests went at %v: want three at once, then the rest a window later", at)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.wait(ctx); err == nil {
		t.Fatal("a cancelled wait for a full window returned no error")
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		job  Job
		want string
	}{
		{Job{Table: "public.invoice", SpreadsheetID: "x"}, ""},
		{Job{Query: "SELECT 1", Sheet: "q", SpreadsheetID: "x", Mode: Append, Key: "k"}, ""},
		{Job{SpreadsheetID: "x"}, "name a table"},
		{Job{Table: "t", Query: "q", SpreadsheetID: "x"}, "not both"},
		{Job{Table: "invoice", SpreadsheetID: "x"}, "schema.table, e.g. public.invoice"},
		{Job{Query: "SELECT 1", SpreadsheetID: "x"}, "needs a sheet"},
		{Job{Table: "public.t"}, "spreadsheet id is missing"},
		{Job{Table: "public.t", SpreadsheetID: "x", Mode: Append}, "append needs a key column"},
		{Job{Table: "public.t", SpreadsheetID: "x", Mode: "merge"}, `unknown mode "merge"`},
	} {
		err := tc.job.Validate()
		if (tc.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.job, err, tc.want)
		}
	}
}

// TestSyncNote: what a reader sees on A1 says when, how many rows, and
// from what.
func TestSyncNote(t *testing.T) {
	at := time.Date(2026, 2, 10, 5, 0, 0, 0, time.FixedZone("MSK", 3*3600))
	for _, tc := range []struct {
		st   syncState
		want string
	}{
		{syncState{SyncedAt: at, Source: "public.invoice", Mode: Replace, Rows: 412, Added: 412},
			"Synced by dbbackup at 2026-02-10 02:00 UTC: 412 rows from public.invoice."},
		{syncState{SyncedAt: at, Source: "public.invoice", Mode: Append, Rows: 414, Added: 2},
			"Synced by dbbackup at 2026-02-10 02:00 UTC: 2 new rows appended (414 in all) from public.invoice."},
	} {
		if got := tc.st.note(); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}
