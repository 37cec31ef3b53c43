package web

import "net/http"

// settingsRoutes registers the Settings page. A placeholder until the
// page itself lands.
func (s *Server) settingsRoutes(mux *http.ServeMux) {
	mux.Handle("GET /settings", s.viewer(func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, "settings", "Settings", nil)
	}))
}
