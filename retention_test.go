package dbbackup_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/localdir"
)

var day0 = time.Date(2026, 2, 10, 2, 0, 0, 0, time.UTC)

// daily makes n complete sets, one a day, the newest on day0 - offset days.
func daily(n, offset int) []dbbackup.Set {
	var sets []dbbackup.Set
	for i := 0; i < n; i++ {
		at := day0.AddDate(0, 0, -offset-i)
		sets = append(sets, dbbackup.Set{ID: dbbackup.SetIDAt("backup", at, 1), Time: at, Complete: true})
	}
	return sets
}

// broken is a set that is not whole; named when its manifest names it.
func broken(at time.Time, named bool) dbbackup.Set {
	s := dbbackup.Set{ID: dbbackup.SetIDAt("backup", at, 1), Time: at, Problem: "a file is missing"}
	if named {
		s.Manifest = &dbbackup.Manifest{SetID: s.ID, Database: "shop"}
	}
	return s
}

// oneOff is a complete set made with one-off settings (run --tables …).
func oneOff(daysAgo int) dbbackup.Set {
	s := daily(1, daysAgo)[0]
	s.Manifest = &dbbackup.Manifest{SetID: s.ID, Database: "shop", OneOff: []string{"BACKUP_TABLES"}}
	return s
}

// removed lists the ids the policy removes, as "days ago" numbers.
func removed(ds []dbbackup.Decision) string {
	var out []string
	for _, d := range ds {
		if d.Remove {
			out = append(out, fmt.Sprint(int(day0.Sub(d.Set.Time).Hours()/24)))
		}
	}
	return strings.Join(out, ",")
}

func TestPolicyApply(t *testing.T) {
	future := day0.AddDate(0, 0, 3)
	incomplete := dbbackup.Set{ID: "x", Time: day0.AddDate(0, 0, -90)}
	tests := []struct {
		name   string
		policy dbbackup.Policy
		sets   []dbbackup.Set
		want   string // days-ago of the removed sets
	}{
		{"a month and ten days of daily sets", dbbackup.Policy{Days: 30, MinKeep: 3}, daily(40, 0), "31,32,33,34,35,36,37,38,39"},
		{"exactly 30 days old is kept", dbbackup.Policy{Days: 30, MinKeep: 3}, daily(31, 0), ""},
		{"after a week of failed runs nothing is removed that min-keep protects",
			dbbackup.Policy{Days: 3, MinKeep: 3}, daily(5, 7), "10,11"},
		{"all sets old: the newest min-keep stay", dbbackup.Policy{Days: 30, MinKeep: 3}, daily(5, 60), "63,64"},
		{"only two sets, both ancient", dbbackup.Policy{Days: 30, MinKeep: 3}, daily(2, 400), ""},
		{"incomplete and future sets are kept and do not count", dbbackup.Policy{Days: 30, MinKeep: 1},
			append([]dbbackup.Set{{ID: "f", Time: future, Complete: true}}, append(daily(2, 40), incomplete)...), "41"},
		{"days 0 is off: every set is kept", dbbackup.Policy{Days: 0, MinKeep: 1}, daily(40, 0), ""},
		{"days 0 is off, min-keep 0 too", dbbackup.Policy{}, daily(3, 400), ""},
		{"a newer set that is not whole does not count toward min-keep", dbbackup.Policy{Days: 30, MinKeep: 1},
			append([]dbbackup.Set{broken(day0.AddDate(0, 0, -40), true)}, daily(2, 41)...), "42"},
		{"one-off sets do not count toward min-keep: an expired regular set stays", dbbackup.Policy{Days: 30, MinKeep: 1},
			append([]dbbackup.Set{oneOff(31), oneOff(35)}, daily(2, 40)...), "31,35,41"},
		{"a young one-off set is kept, for its age", dbbackup.Policy{Days: 30, MinKeep: 1},
			append([]dbbackup.Set{oneOff(1)}, daily(2, 40)...), "41"},
		{"a set not whole is removed once expired and min-keep whole sets are newer", dbbackup.Policy{Days: 30, MinKeep: 1},
			append(daily(1, 40), broken(day0.AddDate(0, 0, -41), true), broken(day0.AddDate(0, 0, -42), false)), "41"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := tt.policy.Apply(day0, tt.sets)
			if got := removed(ds); got != tt.want {
				t.Errorf("removed %q, want %q", got, tt.want)
			}
			for _, d := range ds {
				if d.Reason == "" {
					t.Errorf("%s has no reason", d.Set.ID)
				}
			}
		})
	}
}

// flakyDelete fails to delete one file once.
type flakyDelete struct {
	*localdir.Dir
	failName string
}

func (f *flakyDelete) Delete(ctx context.Context, file dbbackup.File) error {
	if file.Name == f.failName {
		f.failName = ""
		return errors.New("500 backend error")
	}
	return f.Dir.Delete(ctx, file)
}

// putSet stores a whole set of database in dest, made before there were
// jobs: a csv and a json file and the manifest that lists them.
func putSet(t *testing.T, dest dbbackup.Destination, id, database string) {
	t.Helper()
	putJobSet(t, dest, "", id, database, 0)
}

// putJobSet stores a whole set that job made of database, its data files
// padded with pad bytes each.
func putJobSet(t *testing.T, dest dbbackup.Destination, job, id, database string, pad int) {
	t.Helper()
	ctx := context.Background()
	m := &dbbackup.Manifest{Format: dbbackup.ManifestFormat, SetID: id, Job: job, Database: database}
	for _, name := range []string{id + ".csv", id + ".json"} {
		content := name + strings.Repeat(" ", pad)
		f := dbbackup.File{Name: name, Size: int64(len(content))}
		f.SetID, f.Format, _ = dbbackup.ParseFileName(name)
		stored, err := dest.Put(ctx, f, strings.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		m.Files = append(m.Files, dbbackup.File{Name: name, Format: f.Format, Size: stored.Size, MD5: stored.MD5})
	}
	var b strings.Builder
	m.WriteTo(&b)
	if _, err := dest.Put(ctx, dbbackup.File{Name: dbbackup.ManifestName(id), SetID: id, Format: dbbackup.FormatManifest},
		strings.NewReader(b.String())); err != nil {
		t.Fatal(err)
	}
}

func TestPruneDeletesWholeSetsAndFinishesNextTime(t *testing.T) {
	dir, err := localdir.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	put := func(name string) {
		f := dbbackup.File{Name: name}
		f.SetID, f.Format, _ = dbbackup.ParseFileName(name)
		if _, err := dir.Put(ctx, f, strings.NewReader("x")); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range daily(5, 40) {
		putSet(t, dir, s.ID, "shop")
	}
	put("notes.txt")                  // a foreign file
	put("backup_20200101_000000.csv") // named like ours, without a manifest
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	policy := dbbackup.Policy{Days: 30, MinKeep: 3}
	old := daily(5, 40)[3].ID

	dry, err := dbbackup.Prune(ctx, dir, policy, day0, time.UTC, dbbackup.DefaultJob, "shop", true, quiet)
	if err != nil || len(dry.Removed) != 0 {
		t.Fatalf("dry run: %v %+v", err, dry)
	}
	dest := &flakyDelete{Dir: dir, failName: old + ".json"}
	res, err := dbbackup.Prune(ctx, dest, policy, day0, time.UTC, dbbackup.DefaultJob, "shop", false, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Removed) != 1 || len(res.Failed) != 1 || res.Failed[0].Set.ID != old {
		t.Fatalf("removed %d, failed %+v", len(res.Removed), res.Failed)
	}
	if removed(res.Decisions) != removed(dry.Decisions) {
		t.Fatalf("the dry run said %s, the real run did %s", removed(dry.Decisions), removed(res.Decisions))
	}
	again, err := dbbackup.Prune(ctx, dest, policy, day0, time.UTC, dbbackup.DefaultJob, "shop", false, quiet)
	if err != nil || len(again.Removed) != 1 || again.Removed[0].ID != old || len(again.Failed) != 0 {
		t.Fatalf("the next prune did not finish the job: %v %+v", err, again)
	}
	files, _ := dir.List(ctx)
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	if len(files) != 3*3+2 {
		t.Fatalf("left %v", names)
	}
}

// TestPruneCountsOnlyWholeSets: with MIN_KEEP 1, a newer set missing a
// file does not count, so the only whole set stays; sets of another
// database and a set whose manifest is not one are left alone.
func TestPruneCountsOnlyWholeSets(t *testing.T) {
	dir, err := localdir.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sets := daily(4, 40)
	for _, s := range sets[:3] {
		putSet(t, dir, s.ID, "shop")
	}
	putSet(t, dir, sets[3].ID, "other")
	os.Remove(filepath.Join(dir.Path(), sets[0].ID+".json")) // the newest is not whole
	// A user's file beside a manifest that is not one.
	os.WriteFile(filepath.Join(dir.Path(), "backup_20200101_000000.csv"), []byte("mine"), 0o600)
	os.WriteFile(filepath.Join(dir.Path(), "backup_20200101_000000.manifest.json"), []byte("{}"), 0o600)

	res, err := dbbackup.Prune(ctx, dir, dbbackup.Policy{Days: 30, MinKeep: 1}, day0, time.UTC, dbbackup.DefaultJob, "shop", false,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if got := removed(res.Decisions); got != "42" {
		t.Fatalf("removed %q, want 42 (the older whole set of shop):\n%+v", got, res.Decisions)
	}
	if !strings.Contains(res.Decisions[0].Reason, sets[0].ID+".json is missing") {
		t.Errorf("the broken set's reason: %s", res.Decisions[0].Reason)
	}
	for _, name := range []string{sets[0].ID + ".csv", sets[1].ID + ".csv", sets[3].ID + ".csv", "backup_20200101_000000.csv"} {
		if _, err := os.Stat(filepath.Join(dir.Path(), name)); err != nil {
			t.Errorf("%s was deleted", name)
		}
	}
}

func TestPruneReportsASetMissingFiles(t *testing.T) {
	dir, err := localdir.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id := dbbackup.SetIDAt("backup", day0, 1)
	m := &dbbackup.Manifest{Format: dbbackup.ManifestFormat, SetID: id, Database: "shop",
		Files: []dbbackup.File{{Name: id + ".csv", Size: 1}, {Name: id + ".xlsx"}}}
	var b strings.Builder
	m.WriteTo(&b)
	for name, content := range map[string]string{id + ".csv": "x", dbbackup.ManifestName(id): b.String()} {
		f := dbbackup.File{Name: name}
		f.SetID, f.Format, _ = dbbackup.ParseFileName(name)
		if _, err := dir.Put(ctx, f, strings.NewReader(content)); err != nil {
			t.Fatal(err)
		}
	}
	res, err := dbbackup.Prune(ctx, dir, dbbackup.Policy{Days: 30, MinKeep: 3}, day0, time.UTC, dbbackup.DefaultJob, "shop", true, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Decisions) != 1 || !strings.Contains(res.Decisions[0].Reason, "NOT WHOLE") || !strings.Contains(res.Decisions[0].Reason, id+".xlsx is missing") {
		t.Fatalf("decisions %+v", res.Decisions)
	}
}
