package googleauth

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// Authorize runs the consent flow for an installed ("Desktop app") client:
// it prints the consent URL to out and waits for Google to redirect the
// browser to a loopback address it listens on (listen, e.g. "127.0.0.1:0"),
// or for the user to paste the redirected URL into in — the way on a server
// without a browser. It uses PKCE and a random state, and asks for offline
// access with prompt=consent so that a refresh token is always returned.
// An answer that does not carry this request's state is ignored: it may
// come from any program or web page that reaches the loopback address.
func Authorize(ctx context.Context, cfg *oauth2.Config, listen string, in io.Reader, out io.Writer) (*oauth2.Token, error) {
	if err := CheckListen(listen); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("listen for Google's redirect on %s: %w", listen, err)
	}
	defer ln.Close()
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() { // "localhost" that is not
		return nil, fmt.Errorf("--listen %s: it listens on %s, which is not a loopback address", listen, ip)
	}
	out = &lockedWriter{w: out} // the server and the paste reader both write
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
		res, ours := parseRedirect(r.URL.Query(), state)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if !ours {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, "<h1>dbbackup: not the answer to this authorization</h1><p>Its state differs from the request's, so it was ignored; "+
				"dbbackup is still waiting. Open the address `dbbackup token` printed last.</p>")
			fmt.Fprintln(out, "Ignored an answer whose state is not this request's (an old consent page, or another program); still waiting …")
			return
		}
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
	go readPasted(in, out, state, codes)

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

// parseRedirect reads Google's answer. ours is false when the answer does
// not carry this request's state: it is then no answer at all, and the
// flow goes on waiting for the right one.
func parseRedirect(q url.Values, state string) (res result, ours bool) {
	switch {
	case subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1:
		return result{}, false
	case q.Get("error") != "":
		return result{err: fmt.Errorf("google answered %q: access was not granted", q.Get("error"))}, true
	case q.Get("code") == "":
		return result{err: errors.New("the redirect carries no authorization code")}, true
	}
	return result{code: q.Get("code")}, true
}

// readPasted accepts the redirected URL typed into in.
func readPasted(in io.Reader, out io.Writer, state string, codes chan<- result) {
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
		res, ours := parseRedirect(u.Query(), state)
		if !ours {
			fmt.Fprintln(out, "That address answers another request (its state differs): paste the one the browser went to after the address printed above.")
			continue
		}
		codes <- res
		return
	}
}

// CheckListen refuses a --listen address that is not a loopback one: the
// authorization code comes in plain HTTP, and Google sends a "Desktop app"
// client's answer to 127.0.0.1 or [::1] only. To authorize from another
// computer, forward the port (ssh -L) or paste the address instead.
func CheckListen(listen string) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("--listen %q: %v; use 127.0.0.1:PORT", listen, err)
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("--listen %q is not a loopback address: the authorization code would travel unencrypted to any machine that can reach it; "+
		"use 127.0.0.1:PORT (or [::1]:PORT), and from another computer forward the port with `ssh -L PORT:127.0.0.1:PORT`", listen)
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func randomString() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
