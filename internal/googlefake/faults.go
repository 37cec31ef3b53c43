package googlefake

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Kind is the endpoint a request is for; faults are scripted per kind.
type Kind string

// Endpoint kinds.
const (
	KindToken     Kind = "token"     // POST /token
	KindAuthorize Kind = "authorize" // the consent page
	KindRevoke    Kind = "revoke"    // POST /revoke
	// KindCreate is files.create in all its forms: metadata only,
	// multipart and media uploads, and the start of a resumable session.
	KindCreate Kind = "create"
	KindChunk  Kind = "chunk" // a request to a resumable session URI
	KindList   Kind = "list"
	KindGet    Kind = "get"   // files.get metadata
	KindMedia  Kind = "media" // files.get?alt=media
	KindUpdate Kind = "update"
	KindDelete Kind = "delete"
	KindAbout  Kind = "about"
	KindOther  Kind = "other" // anything the fake does not serve
	// KindAll matches every kind when scripting faults or counting calls.
	KindAll Kind = "*"
)

// needsBearer tells which kinds check the access token. Chunks do too,
// although Google may accept a session URI alone as the credential: being
// stricter makes a test fail when a client stops refreshing mid-upload.
func (k Kind) needsBearer() bool {
	return k != KindToken && k != KindAuthorize && k != KindRevoke && k != KindOther
}

func (k Kind) writes() bool {
	return k == KindCreate || k == KindChunk || k == KindUpdate || k == KindDelete
}

func classify(r *http.Request) Kind {
	if rt, ok := parseSheetsRoute(r); ok {
		return rt.kind
	}
	p, m := r.URL.Path, r.Method
	switch {
	case p == "/token" || p == "/o/oauth2/token":
		return KindToken
	case p == "/revoke" || p == "/o/oauth2/revoke":
		return KindRevoke
	case p == "/auth" || p == "/o/oauth2/auth" || p == "/o/oauth2/v2/auth":
		return KindAuthorize
	case p == "/drive/v3/about":
		return KindAbout
	case p == "/upload/drive/v3/files" && r.URL.Query().Has("upload_id"):
		return KindChunk
	case p == "/upload/drive/v3/files" && m == http.MethodPost:
		return KindCreate
	case p == "/drive/v3/files" && m == http.MethodGet:
		return KindList
	case p == "/drive/v3/files" && m == http.MethodPost:
		return KindCreate
	case strings.HasPrefix(p, "/drive/v3/files/"):
		switch m {
		case http.MethodGet:
			if r.URL.Query().Get("alt") == "media" {
				return KindMedia
			}
			return KindGet
		case http.MethodPatch:
			return KindUpdate
		case http.MethodDelete:
			return KindDelete
		}
	}
	return KindOther
}

type failScript struct {
	kind    Kind
	left    int
	failure Failure
}

type cutScript struct {
	kind  Kind
	after int64
}

type faultState struct {
	fails    []*failScript
	cuts     []*cutScript
	latency  map[Kind]time.Duration
	wrongMD5 int
}

func (f *faultState) init() { f.latency = map[Kind]time.Duration{} }

// faultPlan is what the scripts hold for one request.
type faultPlan struct {
	latency  time.Duration
	failure  *Failure
	cut      bool
	cutAfter int64
}

// FailNext makes the next n requests of kind (KindAll: of any kind;
// KindSheetsWrite: of any Sheets write) answer f instead of being served. Scripts queue: a second FailNext for the same
// kind takes effect when the first is used up.
func (s *Server) FailNext(kind Kind, n int, f Failure) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.fails = append(s.faults.fails, &failScript{kind: kind, left: n, failure: f})
}

// CutNext makes the next request of kind lose its connection after the
// server has read afterBytes of its body (all of it if the body is
// shorter): the server resets the TCP connection and sends no response, so
// the client sees a network error. What the handler did with the bytes it
// read stands, as on Google: a resumable session keeps the chunk's bytes up
// to the last whole multiple of the upload granularity (256 KiB). A scripted
// failure for the same request wins and leaves the cut for the next one.
func (s *Server) CutNext(kind Kind, afterBytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.cuts = append(s.faults.cuts, &cutScript{kind: kind, after: afterBytes})
}

// CorruptNextMD5 makes the next file created with content report a wrong
// md5Checksum; its stored bytes stay right, as with a corrupted transfer
// that Drive hashed after the damage.
func (s *Server) CorruptNextMD5() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.wrongMD5++
}

// SetLatency delays every request of kind (KindAll: every request;
// KindSheetsWrite: every Sheets write) by d before it is served; zero
// removes the delay. Delays of a kind, of its group and of KindAll add up.
func (s *Server) SetLatency(kind Kind, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.latency[kind] = d
}

// ClearFaults drops every scripted failure, cut, wrong checksum and delay.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = faultState{}
	s.faults.init()
}

func (s *Server) takeFaults(kind Kind) faultPlan {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.faults
	plan := faultPlan{latency: f.latency[kind] + f.latency[KindAll]}
	if kind.sheetsWrite() {
		plan.latency += f.latency[KindSheetsWrite]
	}
	for i, sc := range f.fails {
		if kind.matches(sc.kind) {
			failure := sc.failure
			plan.failure = &failure
			if sc.left--; sc.left <= 0 {
				f.fails = append(f.fails[:i], f.fails[i+1:]...)
			}
			return plan
		}
	}
	for i, sc := range f.cuts {
		if kind.matches(sc.kind) {
			plan.cut, plan.cutAfter = true, sc.after
			f.cuts = append(f.cuts[:i], f.cuts[i+1:]...)
			break
		}
	}
	return plan
}

// takeWrongMD5Locked reports whether the file being created gets a wrong
// checksum.
func (s *Server) takeWrongMD5Locked() bool {
	if s.faults.wrongMD5 == 0 {
		return false
	}
	s.faults.wrongMD5--
	return true
}

// writeFault answers a scripted failure in the shape of the endpoint.
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, kind Kind, f Failure) {
	switch kind {
	case KindToken:
		if f.RetryAfter > 0 {
			s.writeError(w, r, f) // keeps the Retry-After header
			return
		}
		code := f.Reason
		if code == "" {
			code = "server_error"
		}
		oauthError(w, f.Code, code, f.Message)
	case KindAuthorize:
		errorPage(w, f.Code, f.Reason, f.Message)
	default:
		s.writeError(w, r, f)
	}
}

var errCut = errors.New("googlefake: connection cut by a scripted fault")

// cutReader hands the handler at most left bytes, then fails.
type cutReader struct {
	rc   io.ReadCloser
	left int64
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errCut
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.rc.Read(p)
	c.left -= int64(n)
	return n, err
}

func (c *cutReader) Close() error { return c.rc.Close() }

// cutConnection resets the client's TCP connection without a response. A
// reset (SO_LINGER 0) rather than a clean close is what a dropped proxy or
// server looks like, and it is what the Go client classifies as retryable.
func cutConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 cannot be hijacked; aborting resets the stream instead.
		panic(http.ErrAbortHandler)
	}
	if nc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		conn = nc.NetConn()
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
