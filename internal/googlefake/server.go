package googlefake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"
)

// maxDrain bounds how much of an unread request body the server swallows
// after answering.
const maxDrain = 64 << 20

// Server is the fake Google. The zero value is not usable; call New.
// All methods are safe for concurrent use, including while requests are
// being served.
type Server struct {
	mux *http.ServeMux

	// logMu guards log. It is separate from mu because a request is logged
	// when its status is written, which handlers do while holding mu.
	logMu sync.Mutex
	log   []Request

	// mu guards everything below. Handlers never hold it while reading a
	// request body or sleeping, so a slow client cannot stall the others.
	mu     sync.Mutex
	now    func() time.Time // SetClock takes logMu too, for record's sake
	oauth  oauthState
	drive  driveState
	sheets sheetsState
	faults faultState
}

// New returns a server with one registered OAuth client (DefaultClientID,
// DefaultClientSecret), one refresh token (DefaultRefreshToken, scope
// ScopeDrive), an empty My Drive and no quota limit.
func New() *Server {
	s := &Server{now: time.Now}
	s.oauth.init()
	s.drive.init(s.now())
	s.sheets.init()
	s.faults.init()
	s.AddClient(DefaultClientID, DefaultClientSecret)
	s.AddRefreshToken(DefaultClientID, DefaultRefreshToken, ScopeDrive)
	s.mux = http.NewServeMux()
	s.routes()
	return s
}

// routes is the one place where endpoints are registered.
func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("POST /token", s.handleToken)
	m.HandleFunc("POST /o/oauth2/token", s.handleToken)
	m.HandleFunc("POST /revoke", s.handleRevoke)
	m.HandleFunc("POST /o/oauth2/revoke", s.handleRevoke)
	for _, p := range []string{"/auth", "/o/oauth2/auth", "/o/oauth2/v2/auth"} {
		m.HandleFunc("GET "+p, s.handleAuthorize)
	}

	m.HandleFunc("GET /drive/v3/about", s.handleAbout)
	m.HandleFunc("GET /drive/v3/files", s.handleList)
	m.HandleFunc("POST /drive/v3/files", s.handleCreateMetadata)
	m.HandleFunc("GET /drive/v3/files/{fileId}", s.handleGet)
	m.HandleFunc("PATCH /drive/v3/files/{fileId}", s.handleUpdate)
	m.HandleFunc("DELETE /drive/v3/files/{fileId}", s.handleDelete)
	m.HandleFunc("POST /upload/drive/v3/files", s.handleUpload)
	m.HandleFunc("PUT /upload/drive/v3/files", s.handleUpload)

	// Sheets v4 takes its path apart itself (custom verbs like
	// "…/values/Sheet1%21A1:append" do not fit ServeMux patterns).
	m.HandleFunc("/v4/spreadsheets", s.handleSheets)
	m.HandleFunc("/v4/spreadsheets/", s.handleSheets)

	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, Failure{Code: http.StatusNotFound, Reason: "notFound", Domain: "global",
			Message: "Not Found"})
	})
}

// ServeHTTP applies, in order, the scripted latency and failures of the
// request's kind, the bearer-token check, the standard parameters (alt,
// fields), and then the endpoint itself.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	kind := classify(r)
	rec := &recorder{ResponseWriter: w}
	counted := &countingReader{rc: r.Body}
	r.Body = counted
	rec.log = func(status int, cut bool) { s.record(r, kind, status, cut, counted.n) }
	plan := s.takeFaults(kind)
	defer rec.logOnce(http.StatusOK, false) // a handler that writes nothing sends 200
	if !plan.cut {
		// Read what an early answer (an error, a fault) left unread, so the
		// connection stays usable: net/http would otherwise close it and
		// stall half a second to avoid a reset, slowing every fault test.
		body := r.Body
		defer func() { _, _ = io.Copy(io.Discard, io.LimitReader(body, maxDrain)) }()
	}

	if plan.latency > 0 {
		t := time.NewTimer(plan.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if plan.failure != nil {
		s.writeFault(rec, r, kind, *plan.failure)
		return
	}
	if plan.cut {
		// Nothing the handler writes may reach the client: the connection
		// dies after the body's first plan.cutAfter bytes, whatever happens.
		rec.suppress = true
		r.Body = &cutReader{rc: r.Body, left: plan.cutAfter}
		defer func() {
			rec.logOnce(0, true)
			cutConnection(w)
		}()
	}
	if kind.needsBearer() {
		g, ok := s.authenticate(rec, r, kind)
		if !ok {
			return
		}
		r = r.WithContext(withGrant(r.Context(), g))
		if fail := checkParams(kind, r.URL.Query()); fail != nil {
			s.writeError(rec, r, *fail)
			return
		}
	}
	s.mux.ServeHTTP(rec, r)
}

// countingReader counts the body bytes a handler reads, for the log.
type countingReader struct {
	rc io.ReadCloser
	n  int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.rc.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) Close() error { return c.rc.Close() }

// SetClock replaces the clock used for createdTime, modifiedTime and token
// expiry. Tests pass a fixed or stepping clock to get stable timestamps.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.now = now
}

// writeJSON answers v as JSON. Google pretty-prints unless the request says
// prettyPrint=false, and clients must not care, so the fake does the same.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if r.URL.Query().Get("prettyPrint") != "false" {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
