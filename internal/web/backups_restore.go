package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
)

// targetField is the restore form's field for the target database, and
// the Var its errors name.
const targetField = "target"

// restoreView is the restore form, its confirmation and its result.
type restoreView struct {
	Job, Set string
	// From is the format restored from, File the file it loads; Formats
	// are those the set can be restored from, for the form to offer.
	From, File string
	Formats    []dbbackup.Format
	// Target is what the admin typed; Where names the database it points
	// at, without its password, for the confirmation.
	Target, Where string
	Confirm       bool
	Problem, Hint string
	Done          *app.Restored
}

// restoreForm asks which database to restore the set into.
func (s *Server) restoreForm(w http.ResponseWriter, r *http.Request) {
	fs, err := s.findSet(r)
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	v, err := restoreChoice(fs.set, "")
	if err != nil {
		s.fail(w, r, http.StatusConflict, err)
		return
	}
	v.Job, v.Set = fs.cfg.Job, fs.set.ID
	s.render(w, r, "restore", "Restore "+v.Set, v)
}

// targetCheckWait bounds the check of the target before the confirmation.
const targetCheckWait = 30 * time.Second

// restore takes the form in two steps. Without confirm it checks the
// target (app.EnsureEmpty: it exists, can be reached and is empty, or it
// says what it holds) and only then asks, naming the set, the dump and the
// target. With confirm it restores and waits for the result (the restore
// is one transaction: a failure, or the browser going away, leaves the
// target as it was; app.Restore checks the target again), then sends the
// browser to the result's own page, so that a reload restores nothing
// twice.
func (s *Server) restore(w http.ResponseWriter, r *http.Request) {
	fs, err := s.findSet(r)
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	v, err := restoreChoice(fs.set, dbbackup.Format(strip(r.PostFormValue("from"))))
	if err != nil {
		s.fail(w, r, http.StatusConflict, err)
		return
	}
	v.Job, v.Set, v.Target = fs.cfg.Job, fs.set.ID, strip(r.PostFormValue(targetField))
	target, err := restoreTarget(fs.cfg, v.Target)
	if err != nil {
		v.Problem, v.Hint = problemOf(err)
		s.renderStatus(w, r, http.StatusBadRequest, "restore", "Restore "+v.Set, v)
		return
	}
	v.Where = describeTarget(target)
	if r.PostFormValue("confirm") != "yes" {
		ctx, cancel := context.WithTimeout(r.Context(), targetCheckWait)
		defer cancel()
		if err := app.EnsureEmpty(ctx, target); err != nil {
			v.Problem, v.Hint = problemOf(err)
			s.renderStatus(w, r, statusOf(err), "restore", "Restore "+v.Set, v)
			return
		}
		v.Confirm = true
		s.render(w, r, "restore", "Restore "+v.Set, v)
		return
	}
	// A proxy that gives up waiting must not roll back a restore that is
	// nearly done; the job's timeout bounds it instead.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), fs.cfg.Timeout)
	defer cancel()
	done, err := s.o.App.Restore(ctx, fs.cfg, s.log, target, app.RestoreOptions{SetID: fs.set.ID, From: dbbackup.Format(v.From), Identity: app.KeyFile(fs.cfg, "BACKUP_VERIFY_IDENTITY", "")})
	if err != nil {
		s.audit(r, "restore", fmt.Sprintf("set %s of job %s into %s failed: %v", v.Set, v.Job, v.Where, err))
		v.Problem, v.Hint = problemOf(err)
		status := http.StatusInternalServerError
		if errors.As(err, new(*dbbackup.ConfigError)) {
			status = http.StatusConflict // the target is not empty, or cannot be reached
		}
		s.renderStatus(w, r, status, "restore", "Restore "+v.Set, v)
		return
	}
	v.Done, v.Target = done, "" // the page kept needs no connection string
	s.audit(r, "restore", fmt.Sprintf("set %s of job %s into %s: %d %s, %d rows", v.Set, v.Job, v.Where, done.Tables, plural(done.Tables, "table", "tables"), done.Rows))
	s.redirect(w, r, setPath(v.Job, v.Set, "restore/"+s.results.put(v)))
}

// restoreResult is the page of a restore just made.
func (s *Server) restoreResult(w http.ResponseWriter, r *http.Request) {
	if v, ok := keptSetResult[restoreView](s, w, r, "restore", "the audit log (Admin, Audit log) records every restore and what it loaded"); ok {
		s.render(w, r, "restore", "Restore "+v.Set, v)
	}
}

func (v restoreView) ofSet() (job, set string) { return v.Job, v.Set }

// restoreTarget reads the target the admin typed: a connection string, or
// a bare database name on the job's own server (with its user and
// password).
func restoreTarget(cfg *config.Config, typed string) (*app.RestoreTarget, error) {
	if typed == "" {
		return nil, &dbbackup.ConfigError{Var: targetField, Problem: "names no database",
			Hint: "type the name of an empty database on the job's server (createdb NAME makes one), or a connection string postgres://user@host:5432/NAME"}
	}
	conn := typed
	if !strings.Contains(typed, "://") && !strings.Contains(typed, "=") {
		conn = onSameServer(cfg.DatabaseURL, typed)
	}
	return app.ParseRestoreTarget(conn, targetField)
}

// onSameServer is the connection string of database name on the server
// of conn (a URL, key=value settings, or "" for libpq's defaults).
func onSameServer(conn, name string) string {
	if u, err := url.Parse(conn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/" + name
		q := u.Query()
		q.Del("dbname")
		q.Del("database")
		u.RawQuery = q.Encode()
		return u.String()
	}
	// In key=value form a later keyword wins.
	return strings.TrimSpace(conn + " dbname='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(name) + "'")
}

// describeTarget names the target database for people: database, host
// and port, never the password.
func describeTarget(t *app.RestoreTarget) string {
	host, port := "", ""
	for _, kv := range t.Conn.Env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "PGHOST":
			host = v
		case "PGPORT":
			port = v
		}
	}
	where := t.Conn.Database
	if host != "" {
		if port != "" {
			host = net.JoinHostPort(host, port)
		}
		where += " on " + host
	}
	return where
}

// problemOf is an error and its hint, as a page shows them.
func problemOf(err error) (problem, hint string) {
	return err.Error(), dbbackup.Explain(err).Hint
}
