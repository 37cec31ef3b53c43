package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/google"
	"github.com/dbbackup/dbbackup/internal/sheets"
)

// sheetsChecks are the checks of the Google Sheets sync jobs that read
// the database of the backup job cfg, none when there are none: first
// that the Google Sheets API answers (enabled in the OAuth client's Cloud
// project, the token accepted, a Sheets scope granted), then for each
// sync job its spreadsheet (reachable, editable by the token's account)
// and each of its sources (the table exists, the query parses and only
// reads, the key column is there), in a read-only transaction. Nothing
// is written to the spreadsheets or the database.
func (a *App) sheetsChecks(cfg *config.Config, log *slog.Logger) []Check {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // the .env and the state database: local
	defer cancel()
	all, err := a.SyncJobs(ctx)
	if err != nil {
		return []Check{{"Google Sheets sync jobs", func(context.Context) (string, error) { return "", err }}}
	}
	var jobs []SyncJob
	for _, j := range all {
		if j.Err != nil || j.Job.Job == cfg.Job {
			jobs = append(jobs, j)
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	p := &sheetsProbe{a: a, cfg: cfg, log: log, reached: map[string]probed{}}
	checks := []Check{{"Google Sheets API", p.checkAPI(jobs)}}
	for _, j := range jobs {
		name := "sheets " + j.Name
		if j.Err != nil {
			err := j.Err
			checks = append(checks, Check{name, func(context.Context) (string, error) { return "", err }})
			continue
		}
		sj := j.Job
		checks = append(checks, Check{name + " spreadsheet", func(ctx context.Context) (string, error) {
			acc, err := p.reach(ctx, sj.SpreadsheetID)
			if err != nil {
				return "", err
			}
			edit := "editable by " + p.account()
			if acc.EditUnknown {
				edit = "open to " + p.account() + " (whether it may edit it is known at the first sync: the token may not ask Drive)"
			}
			tabs := "tabs"
			if acc.Tabs == 1 {
				tabs = "tab"
			}
			return fmt.Sprintf("%q (%d %s) is %s", acc.Title, acc.Tabs, tabs, edit), nil
		}})
		for _, src := range sj.Sources() {
			checks = append(checks, Check{name + " source of tab " + src.Sheet, func(ctx context.Context) (string, error) {
				s, err := p.syncer(ctx)
				if err != nil {
					return "", err
				}
				n, err := s.CheckSource(ctx, sheetsJob(cfg, sj, src))
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("%s: %d columns, read in a read-only transaction", src.Source(), n), nil
			}})
		}
	}
	return checks
}

// sheetsJob is what the engine is told to sync for the source src of sj,
// reading the database of the backup job cfg.
func sheetsJob(cfg *config.Config, sj *config.SyncJob, src config.SyncSource) sheets.Job {
	return sheets.Job{Database: cfg.DatabaseURL, Table: src.Table, Query: src.Query, SpreadsheetID: sj.SpreadsheetID,
		Sheet: src.Sheet, Mode: sheets.Mode(sj.Mode), Key: sj.Key}
}

// sheetsProbe is the Sheets engine the checks of one `dbbackup check`
// share, made once, and what it found of each spreadsheet, asked once.
type sheetsProbe struct {
	a   *App
	cfg *config.Config
	log *slog.Logger

	mu      sync.Mutex
	s       *sheets.Syncer
	err     error
	made    bool
	reached map[string]probed
}

type probed struct {
	acc sheets.Access
	err error
}

func (p *sheetsProbe) syncer(ctx context.Context) (*sheets.Syncer, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.made {
		p.made = true
		sh, err := config.LoadSheets(p.a.envFile(), p.a.Explicit)
		if err != nil {
			p.err = err
		} else {
			p.s, p.err = p.a.syncer(ctx, p.cfg, sh.WritesPerMinute, p.log)
		}
	}
	return p.s, p.err
}

func (p *sheetsProbe) account() string {
	if p.s != nil {
		return p.s.Account()
	}
	return "the Google account of GOOGLE_TOKEN_FILE"
}

func (p *sheetsProbe) reach(ctx context.Context, id string) (sheets.Access, error) {
	s, err := p.syncer(ctx)
	if err != nil {
		return sheets.Access{}, err
	}
	p.mu.Lock()
	r, ok := p.reached[id]
	p.mu.Unlock()
	if !ok {
		r.acc, r.err = s.Reach(ctx, id)
		r.err = scopeRefused(p.cfg.Google.TokenFile, r.err)
		p.mu.Lock()
		p.reached[id] = r
		p.mu.Unlock()
	}
	return r.acc, r.err
}

// checkAPI asks for the first spreadsheet of jobs: any answer about the
// spreadsheet itself (it is there, missing, not shared) means the API is
// enabled and the token accepted; the spreadsheet's own check says the
// rest.
func (p *sheetsProbe) checkAPI(jobs []SyncJob) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		var id string
		for _, j := range jobs {
			if j.Job != nil {
				id = j.Job.SpreadsheetID
				break
			}
		}
		if id == "" {
			return "", fmt.Errorf("no sync job's settings can be used: see the lines below")
		}
		acc, err := p.reach(ctx, id)
		if c := google.Classify(err); err != nil && acc.Title == "" && c != google.NotFound && c != google.Forbidden {
			return "", err
		}
		return "enabled in the OAuth client's Cloud project; the token of " + p.account() + " is accepted", nil
	}
}
