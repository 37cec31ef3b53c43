// Command web measures how long the server takes to build the pages a
// person opens most, the dashboard and the runs list, with a long
// history: 10,000 runs by default, of three jobs, over about a year.
//
//	go run ./bench/web                 # 10,000 runs, 200 requests per page
//	go run ./bench/web -runs 50000     # a longer history
//	go run ./bench/web -requests 1000  # steadier figures
//
// The time is the server's alone (the handler, from request to the last
// byte written, in this process: no network, no browser), signed in as an
// admin. It reports the median, the 95th percentile and the slowest of
// each page; the target is a median under 50 ms. The history is made with
// the state package's own Begin and Finish, as runs record themselves, in
// a temporary folder removed at the end. No database is reached: the jobs
// point at one, but the pages only read the history.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/passwd"
	"github.com/dbbackup/dbbackup/internal/state"
	"github.com/dbbackup/dbbackup/internal/web"
)

const password = "bench-password"

var jobs = []string{"default", "shop", "crm"}

func main() {
	runs := flag.Int("runs", 10000, "runs in the history")
	requests := flag.Int("requests", 200, "requests per page")
	flag.Parse()
	log.SetFlags(0)
	ctx := context.Background()

	dir, err := os.MkdirTemp("", "dbbackup-bench-web-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	env := filepath.Join(dir, ".env")
	settings := "DATABASE_URL=postgres://bench@127.0.0.1:5432/bench\nBACKUP_DIR=" + filepath.Join(dir, "backups") +
		"\nSTATE_DIR=" + filepath.Join(dir, "data") + "\n"
	if err := os.WriteFile(env, []byte(settings), 0o600); err != nil {
		log.Fatal(err)
	}
	a := &app.App{EnvFile: env, Explicit: true}
	for _, j := range jobs[1:] {
		if err := a.SaveJob(ctx, j, map[string]string{"DATABASE_URL": "postgres://bench@127.0.0.1:5432/" + j}, app.AddJob); err != nil {
			log.Fatal(err)
		}
	}
	store, err := state.Open(filepath.Join(dir, "data"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	start := time.Now()
	last, err := seed(ctx, store, *runs, time.Now())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("history: %d runs of %d jobs, made in %.1f s\n", *runs, len(jobs), time.Since(start).Seconds())

	hash, err := passwd.Hash(password)
	if err == nil {
		err = store.AddUser(ctx, "admin", state.RoleAdmin, hash)
	}
	if err != nil {
		log.Fatal(err)
	}
	srv, err := web.New(web.Options{App: a, Store: store, Manager: app.NewManager(a, nil)})
	if err != nil {
		log.Fatal(err)
	}
	cookie := signIn(srv)

	pages := []string{"/", "/runs", fmt.Sprintf("/runs?page=%d", (*runs+49)/50), "/runs?sort=size", "/runs?sort=duration&status=failed&job=shop",
		"/runs?q=crm_2026", "/runs.csv?status=failed", fmt.Sprintf("/runs/%d", last)}
	fmt.Printf("machine: %d cores, %s %s/%s; %d requests per page\n\n", runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, *requests)
	fmt.Println("| page | median | p95 | slowest | bytes |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, p := range pages {
		times, size := measure(srv, cookie, p, *requests)
		fmt.Printf("| `%s` | %s | %s | %s | %d |\n", p, ms(times[len(times)/2]), ms(times[len(times)*95/100]), ms(times[len(times)-1]), size)
	}
}

// seed records n runs, newest last, ending at now: three jobs taking
// turns every hour or so, most of them good, some with warnings, a few
// failed. It returns the last run's id.
func seed(ctx context.Context, store *state.Store, n int, now time.Time) (int64, error) {
	step := 365 * 24 * time.Hour / time.Duration(n)
	tables := []dbbackup.TableCount{}
	for i, name := range []string{"album", "artist", "customer", "employee", "genre", "invoice", "invoice_line",
		"media_type", "playlist", "playlist_track", "track"} {
		tables = append(tables, dbbackup.TableCount{Schema: "public", Name: name, Rows: int64(100 * (i + 1))})
	}
	var id int64
	for i := range n {
		job := jobs[i%len(jobs)]
		started := now.Add(-time.Duration(n-i) * step)
		var err error
		if id, err = store.Begin(ctx, job, started); err != nil {
			return 0, err
		}
		prefix := job // a job's sets take its name, the default's "backup"
		if job == "default" {
			prefix = "backup"
		}
		setID := prefix + "_" + started.UTC().Format("20060102_150405")
		rep := &dbbackup.Report{SetID: setID, Started: started, Finished: started.Add(time.Duration(40+i%50) * time.Second),
			Snapshot: dbbackup.SnapshotInfo{Database: job, ServerVersion: "15.19", ServerMajor: 15, SnapshotTime: started},
			Tables:   tables}
		o := &dbbackup.Outcome{Report: rep, Job: job, Database: job, Destination: "local folder backups"}
		switch {
		case i%50 == 7:
			o.Err, o.Stage = fmt.Errorf("connect to the database: connection refused"), dbbackup.StageConnect
		case i%20 == 3:
			rep.Warnings = []string{"table public.audit is empty"}
			fallthrough
		default:
			for _, f := range []string{"csv.zip", "json.zip", "dump", "manifest.json"} {
				rep.Files = append(rep.Files, dbbackup.File{Name: setID + "." + f, SetID: setID, Size: int64(1 << 20 * (1 + i%7)),
					SHA256: strings.Repeat("ab", 32)})
			}
		}
		if err := store.Finish(ctx, id, o); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// signIn signs in as the admin, as a browser does, and returns the
// session cookie.
func signIn(srv http.Handler) *http.Cookie {
	form := url.Values{"name": {"admin"}, "password": {password}}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Value != "" {
			return c
		}
	}
	log.Fatalf("sign in: %d, no session cookie\n%s", rec.Code, rec.Body.String())
	return nil
}

// measure requests path n times (after one request to warm up) and
// returns the times, sorted, and the page's size.
func measure(srv http.Handler, cookie *http.Cookie, path string, n int) ([]time.Duration, int) {
	get := func() (time.Duration, int) {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		start := time.Now()
		srv.ServeHTTP(rec, req)
		d := time.Since(start)
		if rec.Code != http.StatusOK {
			body, _ := io.ReadAll(rec.Body)
			log.Fatalf("GET %s: %d\n%s", path, rec.Code, body)
		}
		return d, rec.Body.Len()
	}
	_, size := get()
	times := make([]time.Duration, n)
	for i := range times {
		times[i], _ = get()
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times, size
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
