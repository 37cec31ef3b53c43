package dbbackup_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/localdir"
)

// The tests here share one folder between the job default (names
// backup_…) and the job crm (names crm_…), both backing up the database
// shop: nothing of one job may be counted, compared, recovered or deleted
// by the other.

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// list lists dest.
func list(t *testing.T, dest dbbackup.Destination) []dbbackup.File {
	t.Helper()
	files, err := dest.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// setIDs lists the ids of the sets in dest, sorted.
func setIDs(t *testing.T, dest dbbackup.Destination) string {
	t.Helper()
	var ids []string
	for _, s := range dbbackup.Sets(list(t, dest), time.UTC) {
		ids = append(ids, s.ID)
	}
	sort.Strings(ids)
	return strings.Join(ids, " ")
}

func daysAgo(prefix string, days int) string {
	return dbbackup.SetIDAt(prefix, day0.AddDate(0, 0, -days), 1)
}

func TestParseSetIDOfAPrefixWithUnderscores(t *testing.T) {
	id, at, ok := dbbackup.ParseSetID("shop_eu_20260210_020000_2", time.UTC)
	if !ok || id != "shop_eu_20260210_020000_2" || !at.Equal(day0) {
		t.Fatalf("ParseSetID = %q, %v, %v", id, at, ok)
	}
	if got := dbbackup.SetIDAt("shop_eu", day0, 2); got != id {
		t.Fatalf("SetIDAt = %q", got)
	}
}

func TestValidPrefix(t *testing.T) {
	for _, p := range []string{"backup", "crm", "shop_eu", "Nightly-2", "0", strings.Repeat("p", 40)} {
		if err := dbbackup.ValidPrefix(p); err != nil {
			t.Errorf("ValidPrefix(%q): %v", p, err)
		}
	}
	for _, p := range []string{"", "_x", "-x", "a b", "a.b", "a/b", "é", strings.Repeat("p", 41)} {
		err := dbbackup.ValidPrefix(p)
		if ce, ok := err.(*dbbackup.ConfigError); !ok || ce.Var != "BACKUP_NAME_PREFIX" {
			t.Errorf("ValidPrefix(%q) = %v, want a BACKUP_NAME_PREFIX error", p, err)
		}
	}
}

// TestRetentionOfOneJobNeverTouchesAnothersSets: every set of crm is
// expired, and one is even named with default's prefix; default's prune
// leaves all of them. crm's prune then keeps its own newest two: default's
// newer sets do not count toward its MIN_KEEP.
func TestRetentionOfOneJobNeverTouchesAnothersSets(t *testing.T) {
	dir, err := localdir.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, days := range []int{40, 41, 42} {
		putSet(t, dir, daysAgo("backup", days), "shop")
	}
	for _, days := range []int{100, 101, 102} {
		putJobSet(t, dir, "crm", daysAgo("crm", days), "shop", 0)
	}
	putJobSet(t, dir, "crm", daysAgo("backup", 120), "shop", 0) // named like default's: the tag decides

	res, err := dbbackup.Prune(ctx, dir, dbbackup.Policy{Days: 30, MinKeep: 1}, day0, time.UTC, dbbackup.DefaultJob, "shop", false, quiet)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{daysAgo("backup", 120), daysAgo("backup", 40), daysAgo("crm", 102), daysAgo("crm", 101), daysAgo("crm", 100)}, " ")
	if got := setIDs(t, dir); got != want {
		t.Fatalf("after default's prune: %s\nwant %s", got, want)
	}
	if len(res.Decisions) != 3 {
		t.Fatalf("default's prune decided on %d sets, it has 3: %+v", len(res.Decisions), res.Decisions)
	}

	if _, err := dbbackup.Prune(ctx, dir, dbbackup.Policy{Days: 30, MinKeep: 2}, day0, time.UTC, "crm", "shop", false, quiet); err != nil {
		t.Fatal(err)
	}
	want = strings.Join([]string{daysAgo("backup", 40), daysAgo("crm", 101), daysAgo("crm", 100)}, " ")
	if got := setIDs(t, dir); got != want {
		t.Fatalf("after crm's prune: %s\nwant %s", got, want)
	}
}

// TestSetsOfARenamedPrefixGoByTime: the job default's prefix was backup,
// then app; MIN_KEEP keeps the newest sets whatever their names, and the
// tenth run of a second is newer than the ninth.
func TestSetsOfARenamedPrefixGoByTime(t *testing.T) {
	dir, err := localdir.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{daysAgo("backup", 50), daysAgo("backup", 51), daysAgo("app", 40), daysAgo("app", 41)} {
		putSet(t, dir, id, "shop")
	}
	if _, err := dbbackup.Prune(context.Background(), dir, dbbackup.Policy{Days: 30, MinKeep: 2}, day0, time.UTC, "", "shop", false, quiet); err != nil {
		t.Fatal(err)
	}
	if got, want := setIDs(t, dir), daysAgo("app", 41)+" "+daysAgo("app", 40); got != want {
		t.Fatalf("sets left: %s, want %s", got, want)
	}
	var files []dbbackup.File
	for _, seq := range []int{9, 10, 1} {
		id := dbbackup.SetIDAt("backup", day0, seq)
		files = append(files, dbbackup.File{Name: id + ".csv", SetID: id})
	}
	if sets := dbbackup.Sets(files, time.UTC); sets[0].ID != "backup_20260210_020000_10" || sets[2].ID != "backup_20260210_020000" {
		t.Fatalf("order %s, %s, %s", sets[0].ID, sets[1].ID, sets[2].ID)
	}
}

// TestAJobsRunExpiresItsOwnSetsAlone: crm's run names its set crm_…,
// writes its job into the manifest and applies retention to crm's sets;
// default's expired sets in the same folder stay.
func TestAJobsRunExpiresItsOwnSetsAlone(t *testing.T) {
	r, dest := newRunner(t)
	r.Job, r.Prefix, r.StagingDir = "crm", "crm", filepath.Join(dest.Path(), dbbackup.StagingDirName("crm"))
	for _, days := range []int{40, 41} {
		putSet(t, dest, daysAgo("backup", days), "shop")
		putJobSet(t, dest, "crm", daysAgo("crm", days), "shop", 0)
	}
	job := &dbbackup.Job{Name: "crm", Runner: r, Retention: dbbackup.Policy{Days: 30, MinKeep: 1}, Log: quiet}
	o, err := job.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Report.SetID != "crm_20260210_020000" {
		t.Fatalf("set %s", o.Report.SetID)
	}
	if m := readManifest(t, dest, o.Report.SetID); m.Job != "crm" {
		t.Fatalf("the manifest says job %q", m.Job)
	}
	want := strings.Join([]string{daysAgo("backup", 41), daysAgo("backup", 40), o.Report.SetID}, " ")
	if got := setIDs(t, dest); got != want {
		t.Fatalf("sets left: %s\nwant %s", got, want)
	}
}

// TestOneJobsRecoverLeavesAnothersRunsAlone: crm's run is killed (or is
// still running) with files in the shared folder; default's Recover, even
// pointed at crm's staging folder, removes none of them; crm's own does.
func TestOneJobsRecoverLeavesAnothersRunsAlone(t *testing.T) {
	def, dest := newRunner(t)
	crm := *def
	crm.Job, crm.Prefix, crm.StagingDir = "crm", "crm", filepath.Join(dest.Path(), dbbackup.StagingDirName("crm"))
	crm.Dest = dyingDest{dest, dbbackup.FormatManifest}
	runUntilKilled(t, &crm)
	crm.Dest = dest
	leftovers := "crm_20260210_020000.csv crm_20260210_020000.json"
	staged := tree(t, crm.StagingDir)

	if notes, err := def.Recover(context.Background()); err != nil || len(notes) != 0 {
		t.Fatalf("default's Recover: %q %v", notes, err)
	}
	if _, err := def.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	mistaken := *def
	mistaken.StagingDir = crm.StagingDir // a folder shared by mistake
	if notes, err := mistaken.Recover(context.Background()); err != nil || len(notes) != 0 {
		t.Fatalf("default's Recover in crm's staging folder: %q %v", notes, err)
	}
	if got := tree(t, crm.StagingDir); got != staged {
		t.Fatalf("crm's staging folder went from %q to %q", staged, got)
	}
	if got := names(t, dest); !strings.Contains(got, leftovers) {
		t.Fatalf("crm's files are gone: %s", got)
	}

	if notes, err := crm.Recover(context.Background()); err != nil || len(notes) != 1 {
		t.Fatalf("crm's Recover: %q %v", notes, err)
	}
	if got := names(t, dest); strings.Contains(got, "crm_") || !strings.Contains(got, "backup_20260210_020000.manifest.json") {
		t.Fatalf("after crm's Recover: %s", got)
	}
}

// TestTheSizeCheckTakesTheJobsOwnNewestSet: before the snapshot the run
// asks the destination for room for a set as large as its newest one: the
// job's own of its database, not a larger, newer set of another job or
// database.
func TestTheSizeCheckTakesTheJobsOwnNewestSet(t *testing.T) {
	r, dest := newRunner(t)
	r.Database = "shop"
	putSet(t, dest, daysAgo("backup", 3), "shop")
	putJobSet(t, dest, "crm", daysAgo("crm", 2), "shop", 50_000)
	putJobSet(t, dest, "", daysAgo("backup", 1), "other", 20_000)
	sets, err := dbbackup.InspectSets(context.Background(), dest, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	own := dbbackup.OfJob(sets, "", "shop")
	if len(own) != 1 {
		t.Fatalf("default's sets of shop: %+v", own)
	}
	var need int64 = -1
	r.Preflight = func(_ context.Context, n int64) (*dbbackup.Quota, error) { need = n; return nil, nil }
	if _, err := r.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if need != own[0].Size() {
		t.Fatalf("the size check asked for %d bytes, default's newest set of shop holds %d", need, own[0].Size())
	}
}

// names lists the file names in dest, sorted.
func names(t *testing.T, dest dbbackup.Destination) string {
	t.Helper()
	var out []string
	for _, f := range list(t, dest) {
		out = append(out, f.Name)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
