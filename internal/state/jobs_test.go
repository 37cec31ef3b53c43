package state

import (
	"context"
	"database/sql"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func putJob(t *testing.T, s *Store, name string, settings map[string]string) {
	t.Helper()
	if err := s.PutJob(context.Background(), Job{Name: name, Settings: settings}); err != nil {
		t.Fatal(err)
	}
}

func getJob(t *testing.T, s *Store, name string) Job {
	t.Helper()
	j, ok, err := s.Job(context.Background(), name)
	if err != nil || !ok {
		t.Fatalf("Job(%q): %v, %v", name, ok, err)
	}
	return j
}

func TestJobs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openStore(t, dir)
	if jobs, err := s.Jobs(ctx); err != nil || len(jobs) != 0 {
		t.Fatalf("Jobs of a new file: %v, %v", jobs, err)
	}
	if _, ok, err := s.Job(ctx, "shop"); ok || err != nil {
		t.Fatalf("Job of a new file: %v, %v", ok, err)
	}

	shop := map[string]string{
		"DATABASE_URL":   "sealed:v1:AbC-_xyz",
		"BACKUP_FORMATS": "csv,dump",
		"EMAIL_TO":       "Jürgen <j@example.com>, ops@example.com",
		"BACKUP_DIR":     "/srv/backup/\"shop\" 📦",
	}
	before := time.Now()
	putJob(t, s, "shop", shop)
	putJob(t, s, "crm", map[string]string{"DATABASE_URL": "postgres:///crm"})
	putJob(t, s, "analytics", nil) // a job that sets nothing of its own
	after := time.Now()

	// Another process reads what was stored.
	s.Close()
	s = openStore(t, dir)
	jobs, err := s.Jobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, j := range jobs {
		names = append(names, j.Name)
	}
	if len(names) != 3 || names[0] != "analytics" || names[1] != "crm" || names[2] != "shop" {
		t.Fatalf("Jobs: %v, want analytics, crm, shop", names)
	}
	if jobs[0].Settings == nil || len(jobs[0].Settings) != 0 {
		t.Errorf("a job stored with nil settings reads back as %#v, want an empty map", jobs[0].Settings)
	}
	got := getJob(t, s, "shop")
	if !maps.Equal(got.Settings, shop) || !maps.Equal(jobs[2].Settings, shop) {
		t.Errorf("settings read back: %q, want %q", got.Settings, shop)
	}
	if got.Created.Before(before.Truncate(time.Microsecond)) || got.Created.After(after) || !got.Updated.Equal(got.Created) {
		t.Errorf("a new job: created %v, updated %v; stored between %v and %v", got.Created, got.Updated, before, after)
	}

	// Storing again replaces the settings as a whole and keeps Created.
	time.Sleep(time.Millisecond) // a later clock reading, not a wait for anything
	edited := map[string]string{"DATABASE_URL": "sealed:v1:NeW", "BACKUP_SCHEDULE": "30 1 * * *"}
	if err := s.PutJob(ctx, Job{Name: "shop", Settings: edited, Created: time.Unix(0, 0)}); err != nil {
		t.Fatal(err)
	}
	again := getJob(t, s, "shop")
	if !maps.Equal(again.Settings, edited) {
		t.Errorf("after replacing: %q, want %q", again.Settings, edited)
	}
	if !again.Created.Equal(got.Created) || !again.Updated.After(got.Updated) {
		t.Errorf("after replacing: created %v, updated %v; want created %v and a later update", again.Created, again.Updated, got.Created)
	}

	if ok, err := s.RemoveJob(ctx, "shop"); !ok || err != nil {
		t.Fatalf("RemoveJob(shop): %v, %v", ok, err)
	}
	if ok, err := s.RemoveJob(ctx, "shop"); ok || err != nil {
		t.Errorf("RemoveJob(shop) twice: %v, %v", ok, err)
	}
	if _, ok, err := s.Job(ctx, "shop"); ok || err != nil {
		t.Errorf("Job(shop) after removing it: %v, %v", ok, err)
	}
	if jobs, _ := s.Jobs(ctx); len(jobs) != 2 {
		t.Errorf("after removing shop: %d jobs", len(jobs))
	}
}

// A history file made before jobs existed keeps its runs and gains jobs.
func TestJobsInAnOlderFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	before := slices.IndexFunc(migrations, func(step string) bool { return strings.Contains(step, "CREATE TABLE jobs") })
	db, err := sql.Open("sqlite", dsn(filepath.Join(dir, FileName)))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, db, migrations[:before]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO runs (started, status) VALUES (?, 'ok')`, formatTime(t0)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s := openStore(t, dir)
	putJob(t, s, "crm", map[string]string{"DATABASE_URL": "postgres:///crm"})
	if j := getJob(t, s, "crm"); j.Settings["DATABASE_URL"] != "postgres:///crm" {
		t.Errorf("job in an upgraded file: %+v", j)
	}
	if runs, err := s.Runs(ctx, "", 0); err != nil || len(runs) != 1 || !runs[0].Started.Equal(t0) {
		t.Errorf("the older run: %+v, %v", runs, err)
	}
}
