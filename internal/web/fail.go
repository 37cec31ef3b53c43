package web

import (
	"net/http"

	"github.com/dbbackup/dbbackup"
)

// failure is what the error page shows.
type failure struct {
	Heading, Message, Hint string
}

// fail answers with status and an error page that says what went wrong
// and, from dbbackup.Explain, what to do: the same hint the command line
// and the email give. A server error (5xx) is logged too.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	f := failure{Heading: http.StatusText(status), Message: err.Error(), Hint: dbbackup.Explain(err).Hint}
	s.renderStatus(w, r, status, "error", http.StatusText(status), f)
}
