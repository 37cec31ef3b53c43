package googleauth

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Authorize runs the consent flow for an installed ("Desktop app") client:
// it prints the consent URL to out and waits for Google to redirect the
// browser to a loopback address it listens on (listen, e.g. "127.0.0.1:0"),
// or for the user to paste the redirected URL into in — the way on a server
// without a browser. It uses PKCE and a random state, and asks for offline
// access with prompt=consent so that a refresh token is always returned.
func Authorize(ctx context.Context, cfg *oauth2.Config, listen string, in io.Reader, out io.Writer) (*oauth2.Token, error) {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("listen for Google's redirect on %s: %w", listen, err)
	}
	defer ln.Close()
	c := *cfg
	c.RedirectURL = "http://" + ln.Addr().String() + "/"
	state, verifier := randomString(), oauth2.GenerateVerifier()
	authURL := c.AuthCodeURL(state, oauth2.AccessTypeOffline, oauth2.SetAuthURLParam("prompt", "consent"),
		oauth2.S256ChallengeOption(verifier))

	fmt.Fprintf(out, "Open this address in a browser and allow access:\n\n  %s\n\n", authURL)
	fmt.Fprintf(out, "Waiting for Google to redirect to %s …\n", c.RedirectURL)
	fmt.Fprintf(out, "On a machine without a browser, open the address elsewhere, then paste here the address\n"+
		"the browser was sent to (it starts with %s and fails to load there), and press Enter.\n", c.RedirectURL)

	codes := make(chan result, 2)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" { // a browser also asks for /favicon.ico
			http.NotFound(w, r)
			return
		}
		res := parseRedirect(r.URL.Query(), state)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if res.err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<h1>dbbackup: authorization failed</h1><p>%s</p>", html.EscapeString(res.err.Error()))
		} else {
			fmt.Fprint(w, "<h1>dbbackup is authorized</h1><p>You can close this tab and return to the terminal.</p>")
		}
		if f, ok := w.(http.Flusher); ok {
			f.Flush() // the browser gets its page before the server is shut down
		}
		codes <- res
	})}
	go srv.Serve(ln)
	defer func() {
		// Let the browser's request finish; a stalled one is cut after a while.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	go readPasted(in, state, codes)

	var res result
	select {
	case res = <-codes:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if res.err != nil {
		return nil, res.err
	}
	tok, err := c.Exchange(ctx, res.code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("exchange the authorization code: %w", Explain(err))
	}
	if tok.RefreshToken == "" {
		return nil, errors.New("no refresh token came back from Google; remove dbbackup's access at https://myaccount.google.com/permissions and run `dbbackup token` again")
	}
	return tok, nil
}

type result struct {
	code string
	err  error
}

func parseRedirect(q url.Values, state string) result {
	switch {
	case q.Get("error") != "":
		return result{err: fmt.Errorf("google answered %q: access was not granted", q.Get("error"))}
	case q.Get("state") != state:
		return result{err: errors.New("the redirect's state does not match this request: start `dbbackup token` again")}
	case q.Get("code") == "":
		return result{err: errors.New("the redirect carries no authorization code")}
	}
	return result{code: q.Get("code")}
}

// readPasted accepts the redirected URL typed into in.
func readPasted(in io.Reader, state string, codes chan<- result) {
	if in == nil {
		return
	}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		u, err := url.Parse(line)
		if err != nil || (u.Query().Get("code") == "" && u.Query().Get("error") == "") {
			continue
		}
		codes <- parseRedirect(u.Query(), state)
		return
	}
}

func randomString() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
