package web

import "net/http"

// googleRoutes registers the Google page. A placeholder until the
// page itself lands.
func (s *Server) googleRoutes(mux *http.ServeMux) {
	mux.Handle("GET /google", s.viewer(func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, "google", "Google", nil)
	}))
}
