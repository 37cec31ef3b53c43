package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/dbbackup/dbbackup"
)

// download streams a stored file of a set to the browser, checking its
// size and SHA-256 against the manifest as it goes (the manifest itself
// against the run history's record). The last bytes are held back until
// the whole file is known good: a damaged file is cut short, so the
// browser reports a failed download instead of keeping a wrong file.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	fs, err := s.findSet(r)
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	f, want, err := s.vouched(r.Context(), fs, r.PathValue("file"))
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	rc, err := fs.dest.Open(r.Context(), f)
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	if want.Size >= 0 {
		h.Set("Content-Length", strconv.FormatInt(want.Size, 10))
	}
	if err := copyChecked(w, rc, want); err != nil {
		s.log.Error("download cut short: the stored file does not match", "job", fs.cfg.Job, "set", fs.set.ID,
			"file", f.Name, "destination", fs.dest.String(), "err", err)
		// Closes the connection (HTTP/1) or resets the stream (HTTP/2)
		// before the response is complete.
		panic(http.ErrAbortHandler)
	}
}

// expected is what a download must turn out to be: Size is -1 when only
// the checksum is known.
type expected struct {
	Size   int64
	SHA256 string
}

// vouched finds the stored file name of the set and what it must hold:
// the manifest's size and SHA-256 for a file it lists, the run history's
// SHA-256 for the manifest. Anything else cannot be checked and is not
// served.
func (s *Server) vouched(ctx context.Context, fs *foundSet, name string) (dbbackup.File, expected, error) {
	notServed := func(why string) error {
		return fmt.Errorf("%s of set %s is not served: %s: %w", name, fs.set.ID, why, dbbackup.ErrNotFound)
	}
	var stored *dbbackup.File
	for _, f := range fs.set.Listed() {
		if f.Name == name {
			stored = &f
		}
	}
	if stored == nil {
		return dbbackup.File{}, expected{}, notServed("the set's manifest does not list it, so it cannot be checked")
	}
	if stored.Format == dbbackup.FormatManifest {
		sum, ok, err := s.recordedManifest(ctx, fs.set.ID)
		switch {
		case err != nil:
			return dbbackup.File{}, expected{}, err
		case !ok:
			return dbbackup.File{}, expected{}, notServed("the run history has no record of it to check it against")
		}
		return *stored, expected{Size: -1, SHA256: sum}, nil
	}
	for _, mf := range fs.set.Manifest.Files {
		if mf.Name == name && mf.SHA256 != "" {
			return *stored, expected{Size: mf.Size, SHA256: mf.SHA256}, nil
		}
	}
	return dbbackup.File{}, expected{}, notServed("the manifest gives no checksum for it")
}

// copyChecked copies r to w, holding back the last chunk read until r
// ends and what it gave has want's size and SHA-256. On a mismatch the
// held-back bytes are never written.
func copyChecked(w io.Writer, r io.Reader, want expected) error {
	h := sha256.New()
	var n int64
	held := make([]byte, 0, 64<<10)
	buf := make([]byte, 64<<10)
	for {
		k, err := r.Read(buf)
		if k > 0 {
			h.Write(buf[:k])
			n += int64(k)
			if len(held) > 0 {
				if _, werr := w.Write(held); werr != nil {
					return werr
				}
			}
			held = append(held[:0], buf[:k]...)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read the stored file: %w", err)
		}
	}
	if want.Size >= 0 && n != want.Size {
		return fmt.Errorf("it holds %d bytes, the manifest says %d", n, want.Size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, want.SHA256) {
		return fmt.Errorf("its SHA-256 is %s, the record says %s: the file is damaged", got, want.SHA256)
	}
	_, err := w.Write(held)
	return err
}
