package googlefake

import (
	"hash"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
)

// handleUpload serves /upload/drive/v3/files: requests to a resumable
// session (they carry upload_id), and the three ways to start a create.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Has("upload_id") {
		s.handleChunk(w, r)
		return
	}
	if r.Method != http.MethodPost {
		s.writeError(w, r, badRequest("Uploads start with POST."))
		return
	}
	switch q.Get("uploadType") {
	case "multipart":
		s.handleMultipart(w, r)
	case "resumable":
		s.handleStartSession(w, r)
	case "media":
		s.handleSimpleMedia(w, r)
	default:
		s.writeError(w, r, invalidParam("uploadType", "Invalid value for uploadType: "+q.Get("uploadType")))
	}
}

// handleMultipart takes a multipart/related body: the JSON metadata, then
// the media. The Go client streams it chunked, without Content-Length.
func (s *Server) handleMultipart(w http.ResponseWriter, r *http.Request) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/related" || params["boundary"] == "" {
		s.writeError(w, r, badRequest("Bad content type. Please use multipart."))
		return
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	metaPart, err := mr.NextPart()
	if err != nil {
		s.writeError(w, r, badRequest("Missing metadata part in multipart request."))
		return
	}
	metaBody, err := io.ReadAll(metaPart)
	if err != nil {
		s.writeError(w, r, badRequest("Could not read the metadata part."))
		return
	}
	meta, fail := parseFileMeta(metaBody, true)
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	mediaPart, err := mr.NextPart()
	if err != nil {
		s.writeError(w, r, badRequest("Missing media part in multipart request."))
		return
	}
	content, err := io.ReadAll(mediaPart)
	if err != nil {
		// The client went away mid-body (or a scripted cut): nothing is
		// stored, as a multipart upload is all or nothing.
		s.writeError(w, r, badRequest("Could not read the media part."))
		return
	}
	s.finishCreate(w, r, meta, content, mediaPart.Header.Get("Content-Type"))
}

// handleSimpleMedia is uploadType=media: the body is the content and the
// file gets no metadata but its type.
func (s *Server) handleSimpleMedia(w http.ResponseWriter, r *http.Request) {
	content, err := readBody(r)
	if err != nil {
		s.writeError(w, r, badRequest("Could not read the request body."))
		return
	}
	s.finishCreate(w, r, &fileMeta{}, content, r.Header.Get("Content-Type"))
}

func (s *Server) finishCreate(w http.ResponseWriter, r *http.Request, meta *fileMeta, content []byte, contentType string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, fail := s.createFileLocked(meta, grantFrom(r), content, contentType, "")
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	s.writeFileLocked(w, r, http.StatusOK, f)
}

// maxPrealloc bounds the buffer readBody sizes from a Content-Length
// before a byte has arrived.
const maxPrealloc = 1 << 30

// readBody reads a request's whole body. When the client announced its
// length the bytes land in one buffer of that size, read once; a body of
// unknown length grows as io.ReadAll grows it. On a cut body it returns
// what arrived with the error.
func readBody(r *http.Request) ([]byte, error) {
	n := r.ContentLength
	if n <= 0 || n > maxPrealloc {
		return io.ReadAll(r.Body)
	}
	buf := make([]byte, n)
	got, err := io.ReadFull(r.Body, buf)
	return buf[:got], err
}

// session is a resumable upload in progress.
type session struct {
	id          string
	meta        *fileMeta
	grant       *grant // who started it: the file is theirs
	contentType string
	declared    int64     // X-Upload-Content-Length, or -1
	total       int64     // the size the client has announced, or -1
	parts       [][]byte  // the bytes held, in the order received
	size        int64     // their length
	md5         hash.Hash // of the bytes held
	fileID      string    // set once the upload is complete
}

// handleStartSession validates the metadata, parents and (when the client
// announces the size) the quota, then answers 200 with the session URI in
// Location. The URI keeps the request's query, as Google's does, so the
// final chunk's answer honours the same fields and prettyPrint.
func (s *Server) handleStartSession(w http.ResponseWriter, r *http.Request) {
	meta := s.readFileMeta(w, r, true)
	if meta == nil {
		return
	}
	declared := int64(-1)
	if v := r.Header.Get("X-Upload-Content-Length"); v != "" {
		var err error
		if declared, err = strconv.ParseInt(v, 10, 64); err != nil || declared < 0 {
			s.writeError(w, r, badRequest("Invalid X-Upload-Content-Length: %s", v))
			return
		}
	}
	g := grantFrom(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, fail := s.checkCreateLocked(meta, g, max(declared, 0)); fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	sess := &session{id: "AFake" + randomString(60), meta: meta, grant: g,
		contentType: r.Header.Get("X-Upload-Content-Type"), declared: declared, total: declared}
	s.drive.sessions[sess.id] = sess

	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	q := r.URL.Query()
	q.Set("upload_id", sess.id)
	loc := url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
	w.Header().Set("Location", loc.String())
	w.Header().Set("X-GUploader-UploadID", sess.id)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}
