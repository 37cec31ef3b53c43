package web

import (
	"errors"
	"net/http"
	"strings"
)

// routes is every route of the server behind the checks every request
// passes: the security headers, the base path, and cross-origin
// protection on every request that can change something.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/{name}", s.assets)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", s.metricsHandler())
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	// Anything else needs a session too, so that nothing but /login and
	// /healthz tells a stranger what is there.
	mux.Handle("/", s.viewer(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, errors.New("there is no page "+r.URL.Path))
	}))

	s.dashboardRoutes(mux)
	s.runsRoutes(mux)
	s.backupsRoutes(mux)
	s.adminRoutes(mux)
	s.settingsRoutes(mux)
	s.googleRoutes(mux)

	cop := http.NewCrossOriginProtection()
	if s.origin != "" {
		// Behind a proxy that rewrites Host, the browser's Origin is the
		// base URL's, not the one the request carries.
		if err := cop.AddTrustedOrigin(s.origin); err != nil {
			s.log.Warn("SERVE_BASE_URL cannot be trusted as an origin", "err", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, errors.New("a request from another site was refused: nothing was changed"))
	}))
	return s.headers(s.stripBase(cop.Handler(mux)))
}

// stripBase serves the paths under the base URL's path as if at the root,
// for a proxy that passes the path through; a proxy that strips it works
// too.
func (s *Server) stripBase(h http.Handler) http.Handler {
	if s.base == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, s.base); ok && (rest == "" || rest[0] == '/') {
			r2 := r.Clone(r.Context())
			r2.URL.Path, r2.URL.RawPath = rest, ""
			if rest == "" {
				r2.URL.Path = "/"
			}
			r = r2
		}
		h.ServeHTTP(w, r)
	})
}

// healthz answers 200 while the server can read the state database: for
// a load balancer or systemd, without a session.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if _, err := s.o.Store.Runs(r.Context(), "", 1); err != nil {
		s.log.Warn("health check: the state database cannot be read", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("the state database cannot be read\n"))
		return
	}
	w.Write([]byte("ok\n"))
}
