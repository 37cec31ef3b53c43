package web

import "net/http"

// adminRoutes registers the Admin page. A placeholder until the
// page itself lands.
func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin", s.admin(func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, "admin", "Admin", nil)
	}))
}
