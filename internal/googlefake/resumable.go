package googlefake

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// contentRange is a parsed Content-Range request header of a session call.
type contentRange struct {
	query       bool  // "bytes */…": no bytes, a status query or an empty last chunk
	whole       bool  // no header: the body is the entire content
	first, last int64 // the bytes this request carries, inclusive
	total       int64 // -1 for "*"
}

func parseContentRange(h string) (contentRange, error) {
	cr := contentRange{total: -1}
	if h == "" {
		cr.whole = true
		return cr, nil
	}
	spec, ok := strings.CutPrefix(h, "bytes ")
	rng, tot, ok2 := strings.Cut(spec, "/")
	if !ok || !ok2 {
		return cr, fmt.Errorf("bad Content-Range %q", h)
	}
	if tot != "*" {
		t, err := strconv.ParseInt(tot, 10, 64)
		if err != nil || t < 0 {
			return cr, fmt.Errorf("bad total in %q", h)
		}
		cr.total = t
	}
	if rng == "*" {
		cr.query = true
		return cr, nil
	}
	a, b, ok := strings.Cut(rng, "-")
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || first < 0 || last < first || (cr.total >= 0 && last >= cr.total) {
		return cr, fmt.Errorf("bad range in %q", h)
	}
	cr.first, cr.last = first, last
	return cr, nil
}

// handleChunk serves a request to a session URI (POST, as the Go client
// sends, or PUT, as rclone and the docs do):
//
//	bytes a-b/*      a chunk of an upload of unknown size
//	bytes a-b/TOTAL  a chunk, the last one when b+1 = TOTAL
//	bytes */TOTAL    empty body: completes an upload of TOTAL bytes, or reports progress
//	bytes */*        empty body: reports progress
//	(none)           the whole content in one request
//
// Until the upload is complete the answer is "resume incomplete" with
// Range: bytes=0-N (no Range before the first byte): a literal 308, or, when
// the request says X-GUploader-No-308: yes, a 200 with
// X-Http-Status-Code-Override: 308. Bytes before what the session already
// holds are skipped, so a retried chunk is harmless; a chunk that starts
// beyond it is refused with the 503 and text Google sends.
func (s *Server) handleChunk(w http.ResponseWriter, r *http.Request) {
	cr, err := parseContentRange(r.Header.Get("Content-Range"))
	if err != nil {
		s.writeError(w, r, badRequest("Failed to parse Content-Range header."))
		return
	}
	id := r.URL.Query().Get("upload_id")
	s.mu.Lock()
	sess := s.drive.sessions[id]
	s.mu.Unlock()
	if sess == nil {
		s.writeError(w, r, Failure{Code: 404, Reason: "notFound", Location: "upload_id", LocationType: "parameter",
			Message: "No upload session with this upload_id; it may have expired."})
		return
	}
	data, readErr := readBody(r)

	s.mu.Lock()
	defer s.mu.Unlock()
	if sess.fileID != "" {
		// Already complete: a client whose answer to the last chunk was
		// lost asks again and gets the file.
		f := s.drive.files[sess.fileID]
		if f == nil {
			s.writeError(w, r, fileNotFound(sess.fileID))
			return
		}
		s.writeFileLocked(w, r, http.StatusOK, f)
		return
	}
	have := sess.size
	if cr.whole {
		cr.first, cr.last, cr.total = 0, int64(len(data))-1, int64(len(data))
		cr.query = len(data) == 0
	}
	if readErr != nil {
		// The connection broke mid-chunk. Like Google, keep what arrived
		// in whole granules; the client learns how much by asking.
		if !cr.query && cr.first <= have {
			s.appendLocked(sess, cr.first, data, false)
		}
		s.writeError(w, r, badRequest("The request body was cut short."))
		return
	}
	total, fail := announcedTotal(sess, cr)
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	if !cr.query {
		if n := int64(len(data)); n != cr.last-cr.first+1 {
			s.writeError(w, r, badRequest("Content-Range announces %d bytes but the body has %d.", cr.last-cr.first+1, n))
			return
		}
		if total >= 0 && cr.last >= total {
			s.writeError(w, r, badRequest("The chunk ends at byte %d, beyond the upload's size %d.", cr.last, total))
			return
		}
		if cr.first > have {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "Invalid request.  According to the Content-Range header, the upload offset is %d byte(s), which exceeds already uploaded size of %d byte(s).", cr.first, have)
			return
		}
		if !s.drive.fits(cr.last + 1) {
			s.writeError(w, r, StorageQuotaExceeded())
			return
		}
		s.appendLocked(sess, cr.first, data, total == cr.last+1)
	} else if len(data) > 0 {
		s.writeError(w, r, badRequest("Content-Range says no bytes but the body has %d.", len(data)))
		return
	}
	sess.total = total

	if sess.total >= 0 && sess.size == sess.total {
		s.completeLocked(w, r, sess)
		return
	}
	resumeIncomplete(w, r, sess.size)
}

// announcedTotal is the upload's size once this request is accepted: the
// one it states, which must agree with any stated before and with the bytes
// already held, or the one known so far (-1: not yet).
func announcedTotal(sess *session, cr contentRange) (int64, *Failure) {
	if cr.total < 0 {
		return sess.total, nil
	}
	if sess.total >= 0 && sess.total != cr.total {
		e := badRequest("The upload's size was announced as %d and is now %d.", sess.total, cr.total)
		return 0, &e
	}
	if cr.total < sess.size {
		e := badRequest("The upload's size %d is less than the %d bytes already uploaded.", cr.total, sess.size)
		return 0, &e
	}
	return cr.total, nil
}

// appendLocked adds the part of data (which starts at offset first) that
// the session does not hold yet. Unless it ends the upload, only whole
// multiples of the granularity are kept, as Google persists. The part is
// kept as it is, not copied, and hashed as it comes.
func (s *Server) appendLocked(sess *session, first int64, data []byte, final bool) {
	skip := sess.size - first
	if skip >= int64(len(data)) {
		return
	}
	add := data[skip:]
	if g := s.drive.granularity; !final && g > 0 {
		keep := max((sess.size+int64(len(add)))/g*g, sess.size)
		add = add[:keep-sess.size]
	}
	if len(add) == 0 {
		return
	}
	if sess.md5 == nil {
		sess.md5 = md5.New()
	}
	sess.md5.Write(add)
	sess.parts = append(sess.parts, add)
	sess.size += int64(len(add))
}

func (s *Server) completeLocked(w http.ResponseWriter, r *http.Request, sess *session) {
	ct := sess.contentType
	if ct == "" {
		ct = r.Header.Get("Content-Type")
	}
	content := slices.Concat(sess.parts...)
	if len(sess.parts) == 1 {
		content = sess.parts[0]
	}
	sum := ""
	if sess.md5 != nil {
		sum = hex.EncodeToString(sess.md5.Sum(nil))
	}
	f, fail := s.createFileLocked(sess.meta, sess.grant, content, ct, sum)
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	sess.fileID, sess.parts, sess.md5 = f.id, nil, nil
	s.writeFileLocked(w, r, http.StatusOK, f)
}

func resumeIncomplete(w http.ResponseWriter, r *http.Request, persisted int64) {
	if persisted > 0 {
		w.Header().Set("Range", fmt.Sprintf("bytes=0-%d", persisted-1))
	}
	w.Header().Set("Content-Length", "0")
	if strings.EqualFold(r.Header.Get("X-GUploader-No-308"), "yes") {
		w.Header().Set("X-Http-Status-Code-Override", "308")
		w.WriteHeader(http.StatusOK)
		return
	}
	w.WriteHeader(http.StatusPermanentRedirect)
}
