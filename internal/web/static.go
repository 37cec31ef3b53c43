package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// The static files, embedded so that the binary is the whole server and
// no page loads anything from another machine. Vendored from the npm
// registry at pinned versions, each with its license beside it:
//
//	htmx.min.js   htmx.org 2.0.11 (dist/htmx.min.js; htmx.LICENSE, 0BSD)
//	pico.min.css  @picocss/pico 2.1.1 (css/pico.min.css; pico.LICENSE.md, MIT)
//
// app.css is ours.
//
//go:embed static
var staticFS embed.FS

// assets serves the static files under names that carry the first 8 hex
// digits of their SHA-256 (htmx-1a2b3c4d.min.js), so that a browser may
// keep them for a year and still never uses an old one after an upgrade.
type assets struct {
	hashed map[string]string // file name → its hashed name
	files  map[string]asset  // hashed name → the file
}

type asset struct {
	data        []byte
	contentType string
}

func loadAssets() (*assets, error) {
	a := &assets{hashed: map[string]string{}, files: map[string]asset{}}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		data, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		name := hashedName(e.Name(), hex.EncodeToString(sum[:4]))
		ctype := mime.TypeByExtension(path.Ext(e.Name()))
		if ctype == "" {
			ctype = "text/plain; charset=utf-8" // the licenses
		}
		a.hashed[e.Name()], a.files[name] = name, asset{data: data, contentType: ctype}
	}
	return a, nil
}

// hashedName puts hash after the first part of name: htmx.min.js →
// htmx-HASH.min.js.
func hashedName(name, hash string) string {
	stem, ext, _ := strings.Cut(name, ".")
	if ext == "" {
		return stem + "-" + hash
	}
	return stem + "-" + hash + "." + ext
}

// path is where the file name is served, from the root of the server.
func (a *assets) path(name string) (string, error) {
	h, ok := a.hashed[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + h, nil
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.data))
}
