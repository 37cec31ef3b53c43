package web

import "net/http"

// runsRoutes registers the Runs page. A placeholder until the
// page itself lands.
func (s *Server) runsRoutes(mux *http.ServeMux) {
	mux.Handle("GET /runs", s.viewer(func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, "runs", "Runs", nil)
	}))
}
