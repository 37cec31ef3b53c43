package email

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	texttemplate "text/template"

	"github.com/dbbackup/dbbackup"
)

//go:embed sync.html.tmpl sync.txt.tmpl
var syncTemplates embed.FS

var (
	htmlSync = htmltemplate.Must(htmltemplate.ParseFS(syncTemplates, "sync.html.tmpl"))
	textSync = texttemplate.Must(texttemplate.ParseFS(syncTemplates, "sync.txt.tmpl"))
)

// syncView is a sync's report as the templates show it, every value in
// words.
type syncView struct {
	OK                      bool
	Status, Job, From       string
	Spreadsheet, Started    string
	Finished, Duration      string
	Rows, Requests, Retries string
	Error, Hint             string
	ErrorLines              []string
	Skipped                 bool
	Tabs                    []syncTabRow
	Warnings                []string
	Version                 string
}

type syncTabRow struct {
	Sheet, Source, Mode, Rows, SheetRows string
	Requests, Retries, Cut, Error        string
	URL                                  string
	Href                                 htmltemplate.URL // URL when it is Google's https address
}

func newSyncView(o *dbbackup.SyncOutcome) *syncView {
	requests, retries := o.Requests()
	v := &syncView{OK: o.OK(), Status: "OK", Job: o.Job, Spreadsheet: or(o.Spreadsheet, "—"),
		Started: when(o.Started), Finished: when(o.Finished),
		Rows: dbbackup.HumanCount(o.Rows()), Requests: fmt.Sprint(requests), Retries: fmt.Sprint(retries),
		Warnings: o.Warnings, Skipped: o.Skipped, Version: dbbackup.Version}
	v.From = withJob(or(o.Database, "—"), o.BackupJob)
	v.Duration = took(o.Started, o.Finished)
	if !v.OK {
		v.Status = "FAILED"
		if o.Skipped {
			v.Status = "SKIPPED"
		}
		v.Error, v.Hint = o.Err.Error(), o.Hint()
		v.ErrorLines = strings.Split(v.Error, "\n")
	}
	for _, t := range o.Tabs {
		row := syncTabRow{Sheet: t.Sheet, Source: t.Source, Mode: t.Mode, Rows: dbbackup.HumanCount(t.Rows),
			SheetRows: dbbackup.HumanCount(t.SheetRows), Requests: fmt.Sprint(t.Requests), Retries: fmt.Sprint(t.Retries), URL: t.URL}
		if t.Key != "" {
			row.Mode += " by " + t.Key
		}
		var cut []string
		for _, c := range t.Cut {
			cut = append(cut, fmt.Sprintf("%s (%s cells)", c.Column, dbbackup.HumanCount(c.Cells)))
		}
		row.Cut = strings.Join(cut, ", ")
		if t.Err != nil {
			row.Error = t.Err.Error()
		}
		if u, err := url.Parse(t.URL); err == nil && u.Scheme == "https" {
			row.Href = htmltemplate.URL(t.URL)
		}
		v.Tabs = append(v.Tabs, row)
	}
	return v
}

// SyncSubject is a sync report's subject: "[dbbackup] Sheets sync OK
// NAME — N rows", the cause added to a failure's.
func SyncSubject(o *dbbackup.SyncOutcome) string {
	v := newSyncView(o)
	s := fmt.Sprintf("[dbbackup] Sheets sync %s %s — %s %s", v.Status, o.Job, v.Rows, plural(int(min(o.Rows(), 2)), "row"))
	if !o.OK() {
		s += ": " + shortCause(o.Err)
	}
	return s
}

// RenderSync returns the report of a Google Sheets sync as an email's
// subject, plain text and HTML: what was synced where, the rows, the
// requests and retries, the cells cut, and the spreadsheet's address.
func RenderSync(o *dbbackup.SyncOutcome) (subject, text, html string, err error) {
	if o == nil {
		return "", "", "", errors.New("render: no sync outcome")
	}
	v := newSyncView(o)
	var tb, hb bytes.Buffer
	if err := textSync.Execute(&tb, v); err != nil {
		return "", "", "", fmt.Errorf("text report: %w", err)
	}
	if err := htmlSync.Execute(&hb, v); err != nil {
		return "", "", "", fmt.Errorf("HTML report: %w", err)
	}
	return SyncSubject(o), tb.String(), hb.String(), nil
}

// WantsSync reports whether a sync's report is to be sent under On
// (EMAIL_ON), as Wants does for a backup.
func (n *Notifier) WantsSync(o *dbbackup.SyncOutcome) bool { return n.wants(o.OK()) }

// NotifySync sends the report of a sync (when On asks for it).
func (n *Notifier) NotifySync(ctx context.Context, o *dbbackup.SyncOutcome) error {
	return n.notify(ctx, o.OK(), func() (string, string, string, error) { return RenderSync(o) })
}
