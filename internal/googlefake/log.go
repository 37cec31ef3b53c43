package googlefake

import (
	"net/http"
	"net/url"
	"time"
)

// Request is one entry of the request log.
type Request struct {
	Time   time.Time // by the server's clock
	Kind   Kind
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Status int  // the status sent; 0 when the connection was cut
	Cut    bool // the connection was reset by a scripted CutNext
	// BodyBytes is the request body's size: its Content-Length, or what
	// the server had read of a chunked body when it answered.
	BodyBytes int64
}

func (s *Server) record(r *http.Request, kind Kind, status int, cut bool, bodyBytes int64) {
	if r.ContentLength >= 0 {
		bodyBytes = r.ContentLength
	}
	e := Request{Kind: kind, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(),
		Header: r.Header.Clone(), Status: status, Cut: cut, BodyBytes: bodyBytes}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	e.Time = s.now()
	s.log = append(s.log, e)
}

// recorder logs a request as soon as its fate is known, when the status is
// sent or the connection cut, so that a client holding its answer always
// finds the request in the log. It also swallows the response of a request
// whose connection is about to be cut.
type recorder struct {
	http.ResponseWriter
	log      func(status int, cut bool)
	logged   bool
	wrote    bool
	suppress bool
}

func (rw *recorder) logOnce(status int, cut bool) {
	if !rw.logged {
		rw.logged = true
		rw.log(status, cut)
	}
}

func (rw *recorder) WriteHeader(code int) {
	if rw.wrote || rw.suppress {
		return
	}
	rw.wrote = true
	rw.logOnce(code, false)
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(p []byte) (int, error) {
	if rw.suppress {
		return len(p), nil
	}
	rw.WriteHeader(http.StatusOK)
	return rw.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (Hijack, Flush).
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// Requests returns the log of every request served so far, oldest first.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, len(s.log))
	copy(out, s.log)
	return out
}

// Calls counts the requests of kind served so far (KindAll: all of them;
// KindSheetsWrite: every Sheets write).
func (s *Server) Calls(kind Kind) int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	n := 0
	for _, e := range s.log {
		if e.Kind.matches(kind) {
			n++
		}
	}
	return n
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = nil
}
