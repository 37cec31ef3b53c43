package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
)

// all: embeds the partials too: go:embed leaves out a directory's files
// whose names start with _ otherwise.
//
//go:embed all:templates
var templateFS embed.FS

// pageFuncs are template functions a page file adds for its own templates
// (in an init func of its own file); the server's own (url, static, size,
// when, ago) are added to them.
var pageFuncs = template.FuncMap{}

// view is what every template receives: the layout reads Title, User and
// Nav; a page's "content" reads its own Data.
type view struct {
	Title string
	User  *User
	Nav   []navItem
	Data  any
}

// navItem is one link of the navigation; Current marks the page shown.
type navItem struct {
	Label, Href string
	Current     bool
}

// parsePages parses each templates/NAME.html (but layout.html and the
// partials, _NAME.html) together with the layout and every partial: one
// set per page, so that each page defines its own "content".
func (s *Server) parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	partials, err := fs.Glob(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	funcs := s.funcs()
	pages := map[string]*template.Template{}
	for _, file := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(file, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		files := append([]string{"templates/layout.html"}, partials...)
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, append(files, file)...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", file, err)
		}
		pages[name] = t
	}
	return pages, nil
}

func (s *Server) funcs() template.FuncMap {
	f := template.FuncMap{}
	for k, v := range pageFuncs {
		f[k] = v
	}
	f["url"] = s.url
	f["static"] = func(name string) (string, error) {
		p, err := s.assets.path(name)
		return s.url(p), err
	}
	f["size"] = dbbackup.HumanSize
	f["when"] = func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		// With its zone: the server's clock, a job's BACKUP_NAME_TIMEZONE
		// and the reader's may all differ.
		return t.Format("2006-01-02 15:04 MST")
	}
	f["ago"] = func(t time.Time) string { return ago(s.now().Sub(t)) }
	return f
}

// ago says how long d is, roughly, for people: "3 h ago".
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
}

// render writes the page name (templates/name.html) inside the layout with
// status 200. A template that fails is a 500 with nothing of the page
// sent: the page is made in memory first.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name, title string, data any) {
	s.renderStatus(w, r, http.StatusOK, name, title, data)
}

func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	v := view{Title: title, User: userOf(r), Data: data}
	if v.User != nil {
		v.Nav = s.nav(r, v.User)
	}
	s.execute(w, r, status, name, "layout", v)
}

// fragment writes the template block of page name alone, with the same
// view a page gets: a part of a page that htmx swaps in.
func (s *Server) fragment(w http.ResponseWriter, r *http.Request, name, block string, data any) {
	s.execute(w, r, http.StatusOK, name, block, view{User: userOf(r), Data: data})
}

func (s *Server) execute(w http.ResponseWriter, r *http.Request, status int, name, block string, v view) {
	t, ok := s.pages[name]
	var buf bytes.Buffer
	err := fmt.Errorf("no template %q", name)
	if ok {
		err = t.ExecuteTemplate(&buf, block, v)
	}
	if err != nil {
		s.log.Error("render a page", "page", name, "block", block, "path", r.URL.Path, "err", err)
		http.Error(w, "the page could not be made: the server's log says why", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// nav is the navigation for u on r's page; Admin only for admins.
func (s *Server) nav(r *http.Request, u *User) []navItem {
	items := []navItem{{Label: "Dashboard", Href: "/"}, {Label: "Runs", Href: "/runs"}, {Label: "Backups", Href: "/backups"}}
	if u.Role == RoleAdmin {
		items = append(items, navItem{Label: "Admin", Href: "/admin"})
	}
	items = append(items, navItem{Label: "Settings", Href: "/settings"}, navItem{Label: "Google", Href: "/google"})
	for i := range items {
		p := items[i].Href
		items[i].Current = r.URL.Path == p || (p != "/" && strings.HasPrefix(r.URL.Path, p+"/"))
		items[i].Href = s.url(p)
	}
	return items
}
