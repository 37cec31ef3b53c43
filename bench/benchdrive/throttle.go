package benchdrive

import (
	"context"
	"io"
	"net/http"
	"strings"

	"golang.org/x/time/rate"
)

// burst is the most bytes of an upload read at once: small beside a chunk
// (16 MiB by default), so the rate holds within each request too.
const burst = 256 << 10

// Throttle passes every request to h, and reads the bodies of uploads
// (paths under /upload/) at no more than bytesPerSec together: one line to
// Google of that speed, shared by all uploads at once. Other requests
// (metadata, listing, tokens) are small and pass as they come. A rate of 0
// or less throttles nothing.
func Throttle(h http.Handler, bytesPerSec int) http.Handler {
	if bytesPerSec <= 0 {
		return h
	}
	lim := rate.NewLimiter(rate.Limit(bytesPerSec), burst)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/upload/") && r.Body != nil {
			r.Body = &slowBody{ReadCloser: r.Body, ctx: r.Context(), lim: lim}
		}
		h.ServeHTTP(w, r)
	})
}

// slowBody hands on what it reads only once the limiter allows that many
// bytes, so the client, its socket buffers full, sends no faster.
type slowBody struct {
	io.ReadCloser
	ctx context.Context
	lim *rate.Limiter
}

func (b *slowBody) Read(p []byte) (int, error) {
	if len(p) > burst {
		p = p[:burst]
	}
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		if werr := b.lim.WaitN(b.ctx, n); werr != nil {
			return n, werr
		}
	}
	return n, err
}
