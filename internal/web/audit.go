package web

import (
	"net/http"

	"github.com/dbbackup/dbbackup/internal/state"
)

// auditRoutes registers the audit log's read-only view.
func (s *Server) auditRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/audit", s.admin(s.auditPage))
}

// auditActions are the actions the audit log's filter offers: every one
// the pages record. A search finds any other.
var auditActions = []string{
	"login", "logout", "run", "cancel", "verify", "restore",
	"job.add", "job.edit", "job.remove",
	"user.add", "user.passwd", "user.role", "user.remove",
	"google.connect", "google.disconnect",
}

// auditView is a page of the audit log.
type auditView struct {
	Search  searchForm
	Entries []state.AuditEntry
}

// auditPage lists what users did, newest first unless sorted otherwise;
// the state database filters, searches and pages it.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	l := readListing(r, []string{"at", "user", "action"}, auditActions, true)
	entries, total, err := s.o.Store.AuditLog(r.Context(), state.AuditQuery{Action: l.Filter, Search: l.Search,
		Sort: l.Sort, Desc: l.Desc, Offset: l.Offset(), Limit: perPage})
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	l.Total = total
	v := auditView{Entries: entries,
		Search: searchForm{List: l, Label: "users, actions and details", FilterLabel: "Action", Filters: auditActions}}
	s.render(w, r, "audit", "Audit log", v)
}
