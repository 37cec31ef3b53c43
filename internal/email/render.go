package email

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"

	"github.com/dbbackup/dbbackup"
)

//go:embed report.html.tmpl report.txt.tmpl
var templates embed.FS

var (
	htmlReport = htmltemplate.Must(htmltemplate.ParseFS(templates, "report.html.tmpl"))
	textReport = texttemplate.Must(texttemplate.New("report.txt.tmpl").Funcs(texttemplate.FuncMap{
		"pad": pad, "lpad": lpad,
	}).ParseFS(templates, "report.txt.tmpl"))
)

// causeLen bounds the cause in a subject: mail clients cut longer ones.
const causeLen = 80

// Render returns the report of o as an email's subject, plain-text body and
// HTML body. It needs no SMTP server: a web page can show the same report.
// Every value is escaped in the HTML, so nothing in o can add markup.
func Render(o *dbbackup.Outcome) (subject, text, html string, err error) {
	if o == nil || o.Report == nil {
		return "", "", "", errors.New("render: no outcome")
	}
	v := newView(o)
	var tb, hb bytes.Buffer
	if err := textReport.Execute(&tb, v); err != nil {
		return "", "", "", fmt.Errorf("text report: %w", err)
	}
	if err := htmlReport.Execute(&hb, v); err != nil {
		return "", "", "", fmt.Errorf("HTML report: %w", err)
	}
	return v.subject(o), tb.String(), hb.String(), nil
}

// Subject is the report's subject line: status (with the number of
// warnings), database, and either the size of the set or the cause of the
// failure, so the inbox alone tells.
func Subject(o *dbbackup.Outcome) string { return newView(o).subject(o) }

func (v *view) subject(o *dbbackup.Outcome) string {
	if o.OK() {
		n := len(o.Report.Files)
		status := v.Status
		if status != "OK" {
			status += ":" // "OK with 2 warnings: shop — …"
		}
		return fmt.Sprintf("[dbbackup] %s %s — %d %s, %s", status, v.Database, n, plural(n, "file"), v.TotalSize)
	}
	return fmt.Sprintf("[dbbackup] %s %s — %s", v.Status, v.Database, shortCause(o.Err))
}

// shortCause is the first line of err, cut at causeLen characters.
func shortCause(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if utf8.RuneCountInString(s) > causeLen {
		r := []rune(s)
		s = strings.TrimSpace(string(r[:causeLen-1])) + "…"
	}
	if s == "" {
		s = "unknown error"
	}
	return s
}

// pad fills s with spaces to width characters, for the columns of the
// plain-text part.
func pad(width int, s string) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

// lpad is pad on the left, for numbers.
func lpad(width int, s string) string {
	if n := utf8.RuneCountInString(s); n < width {
		return strings.Repeat(" ", width-n) + s
	}
	return s
}
