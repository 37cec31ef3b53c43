package web

import (
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/passwd"
	"github.com/dbbackup/dbbackup/internal/schedule"
	"github.com/dbbackup/dbbackup/internal/state"
)

// Options are what the server serves.
type Options struct {
	App   *app.App
	Store *state.Store
	// Manager runs jobs in the background (Run now, Cancel); Schedule
	// starts them at their BACKUP_SCHEDULE and tells when next: nil when
	// the server schedules nothing.
	Manager  *app.Manager
	Schedule *schedule.Scheduler
	// BaseURL is the address people open (SERVE_BASE_URL), when it is not
	// the one the server listens on: behind a reverse proxy. Its path is
	// where every link and cookie points; https makes cookies Secure.
	BaseURL string
	// MetricsToken opens /metrics to `Authorization: Bearer TOKEN`
	// (METRICS_TOKEN); "" leaves it to signed-in users.
	MetricsToken string
	Log          *slog.Logger
	// Now is the clock (time.Now when nil); tests move it.
	Now func() time.Time
}

// Server is the web UI: an http.Handler.
type Server struct {
	o   Options
	log *slog.Logger
	now func() time.Time
	// base is the path every URL starts with ("" at the root, else
	// "/path" without a trailing slash); https is whether people reach
	// the server over HTTPS whatever the request says (BaseURL's scheme).
	base    string
	https   bool
	origin  string // BaseURL's scheme://host, "" without a BaseURL
	pages   map[string]*template.Template
	assets  *assets
	handler http.Handler

	// verify checks a password against its hash, in the same time for
	// an empty hash (an unknown user) as for a real one.
	verify   func(hash, password string) bool
	throttle *loginThrottle
	schedule nexter // nil when nothing is scheduled
	// results are what POSTs found, for the pages they redirect to.
	results *resultStore
}

// New makes the server. It fails when a template does not parse or
// BaseURL is not an absolute http(s) address.
func New(o Options) (*Server, error) {
	s := &Server{o: o, log: o.Log, now: o.Now, throttle: newLoginThrottle(), results: newResultStore()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if o.BaseURL != "" {
		u, err := url.Parse(o.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("base URL %q: not an absolute http or https address", o.BaseURL)
		}
		s.base, s.https, s.origin = strings.TrimSuffix(u.Path, "/"), u.Scheme == "https", u.Scheme+"://"+u.Host
	}
	if o.App == nil || o.Store == nil {
		return nil, errors.New("web: Options.App and Options.Store are required")
	}
	if o.Schedule != nil {
		s.schedule = o.Schedule
	}
	s.verify = passwd.Verify
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = s.parsePages(); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// url is the address of path (which starts with /) as people reach it:
// under the base URL's path.
func (s *Server) url(path string) string { return s.base + path }

// redirect sends the browser to path (which starts with /) after a POST
// or to a login page: 303, so that the next request is a GET.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, s.url(path), http.StatusSeeOther)
}
