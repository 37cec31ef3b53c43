package web

import "net/http"

// backupsRoutes registers the Backups page. A placeholder until the
// page itself lands.
func (s *Server) backupsRoutes(mux *http.ServeMux) {
	mux.Handle("GET /backups", s.viewer(func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, "backups", "Backups", nil)
	}))
}
