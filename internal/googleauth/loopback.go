package googleauth

import (
	"bufio"
	"context"
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

	"github.com/dbbackup/dbbackup"
)

// Authorize runs the consent flow of `dbbackup token` on top of Begin and
// Exchange: it prints the consent URL to out and waits for Google to
// redirect the browser to a loopback address it listens on, or for the
// user to paste the redirected URL into in — the way on a server without a
// browser. An answer that does not carry this consent's state is ignored:
// it may come from any program or web page that reaches the address.
//
// A "Desktop app" client listens on listen (e.g. "127.0.0.1:0", any free
// port). A "Web application" client listens where one of its registered
// loopback redirect URIs points (see loopbackRedirect); with none, it
// fails with the URI to register.
func Authorize(ctx context.Context, c *Client, listen string, in io.Reader, out io.Writer) (*Token, error) {
	if err := CheckListen(listen); err != nil {
		return nil, err
	}
	redirect, addr := "", listen
	if c.Web {
		var err error
		if redirect, addr, err = c.loopbackRedirect(listen); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for Google's redirect on %s: %w", addr, err)
	}
	defer ln.Close()
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() { // "localhost" that is not
		return nil, fmt.Errorf("--listen %s: it listens on %s, which is not a loopback address", addr, ip)
	}
	if redirect == "" {
		redirect = "http://" + ln.Addr().String() + "/"
	}
	p, err := c.Begin(redirect)
	if err != nil {
		return nil, err
	}
	path := "/"
	if u, _ := url.Parse(redirect); u.Path != "" {
		path = u.Path
	}

	out = &lockedWriter{w: out} // the server and the paste reader both write
	fmt.Fprintf(out, "Open this address in a browser and allow access:\n\n  %s\n\n", p.URL)
	fmt.Fprintf(out, "Waiting for Google to redirect to %s …\n", redirect)
	fmt.Fprintf(out, "On a machine without a browser, open the address elsewhere, then paste here the address\n"+
		"the browser was sent to (it starts with %s and fails to load there), and press Enter.\n", redirect)

	a := &answers{ctx: ctx, c: c, p: p, out: out, results: make(chan result, 1)}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path { // a browser also asks for /favicon.ico
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch _, err := a.take(r.URL.Query()); {
		case errors.Is(err, ErrOtherState):
			fmt.Fprintln(out, "Ignored an answer whose state is not this request's (an old consent page, or another program); still waiting …")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, "<h1>dbbackup: not the answer to this authorization</h1><p>Its state differs from the request's, so it was ignored; "+
				"dbbackup is still waiting. Open the address `dbbackup token` printed last.</p>")
		case err != nil:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<h1>dbbackup: authorization failed</h1><p>%s</p>", html.EscapeString(err.Error()))
		default:
			fmt.Fprint(w, "<h1>dbbackup is authorized</h1><p>You can close this tab and return to the terminal.</p>")
		}
	})}
	go srv.Serve(ln)
	defer func() {
		// Let the browser's request finish; a stalled one is cut after a while.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	go a.readPasted(in)

	select {
	case res := <-a.results:
		return res.tok, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// loopbackRedirect picks, for a "Web application" client, the registered
// redirect URI on a loopback host that `dbbackup token` can listen on: the
// one on listen's port when that port is not 0, else the first. Google
// sends a Web client's answer nowhere else, so without one it is a
// configuration error that names the URI to register.
func (c *Client) loopbackRedirect(listen string) (uri, addr string, err error) {
	_, port, _ := net.SplitHostPort(listen)
	for _, r := range c.RedirectURIs {
		u, err := url.Parse(r)
		if err != nil || !isLoopbackURL(r) {
			continue
		}
		p := u.Port()
		if p == "" {
			p = "80"
		}
		if port == "0" || port == p {
			return r, net.JoinHostPort(u.Hostname(), p), nil
		}
	}
	want, which := "http://127.0.0.1:8085/", "none of its authorized redirect URIs is"
	if port != "0" {
		want = "http://127.0.0.1:" + port + "/"
		which = want + " is not among its authorized redirect URIs"
	}
	return "", "", &dbbackup.ConfigError{Var: credentialsVar,
		Problem: fmt.Sprintf("%s is a \"Web application\" OAuth client, and `dbbackup token` receives Google's answer only on a loopback address registered for it: %s (%s)",
			c.Path, which, registered(c.RedirectURIs)),
		Hint: registerHint(want) + ", then run `dbbackup token` again; or use an OAuth client of type \"Desktop app\", which may use any local port"}
}

// answers takes the answers that come by the browser and by pasting: the
// first that carries the consent's state is exchanged, once.
type answers struct {
	ctx     context.Context
	c       *Client
	p       *Consent
	out     io.Writer
	results chan result

	mu    sync.Mutex
	taken bool
}

type result struct {
	tok *Token
	err error
}

// take exchanges answer if it is the first of this consent. Its error
// tells the browser's page what happened; ErrOtherState leaves the flow
// waiting.
func (a *answers) take(answer url.Values) (*Token, error) {
	if !a.p.Matches(answer) {
		return nil, ErrOtherState
	}
	a.mu.Lock()
	taken := a.taken
	a.taken = true
	a.mu.Unlock()
	if taken {
		return nil, errors.New("this authorization was answered already: see the terminal")
	}
	tok, err := a.c.Exchange(a.ctx, a.p, answer)
	a.results <- result{tok, err}
	return tok, err
}

// readPasted accepts the redirected URL typed into in.
func (a *answers) readPasted(in io.Reader) {
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
		if _, err := a.take(u.Query()); errors.Is(err, ErrOtherState) {
			fmt.Fprintln(a.out, "That address answers another request (its state differs): paste the one the browser went to after the address printed above.")
			continue
		}
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
	if isLoopbackHost(host) {
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
