package web

import "net/http"

// dashboardRoutes registers the Dashboard page. A placeholder until the
// page itself lands.
func (s *Server) dashboardRoutes(mux *http.ServeMux) {
	mux.Handle("GET /{$}", s.viewer(func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, "dashboard", "Dashboard", nil)
	}))
}
