package web

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// loginForm is what the login page shows.
type loginForm struct {
	Name, Next, Problem string
	NoUsers             bool
	// SignedOut says the browser was just signed out (by Log out).
	SignedOut bool
}

// wrongLogin is the one answer to a wrong name or a wrong password: the
// page must not tell which names exist.
const wrongLogin = "Wrong user name or password."

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if u, err := s.sessionUser(r); err == nil && u != nil {
		s.redirect(w, r, next)
		return
	}
	s.showLogin(w, r, http.StatusOK, loginForm{Next: next, SignedOut: r.URL.Query().Has("signed-out")})
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, status int, f loginForm) {
	if ok, err := s.o.Store.HasAdmin(r.Context()); err == nil && !ok {
		f.NoUsers = true
	}
	s.renderStatus(w, r, status, "login", "Sign in", f)
}

// login checks a name and password. Unknown names and wrong passwords get
// the same answer after the same work (the password is checked against an
// empty hash, which takes as long as a real one); both count toward the
// throttle of the name and of the address. A success ends the session the
// browser had and starts a new one, so that a session id planted before
// sign-in is worth nothing after it.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	name, password := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("password")
	f := loginForm{Name: name, Next: safeNext(r.PostFormValue("next"))}
	addr, now := clientAddr(r), s.now()
	if wait := s.throttle.wait(name, addr, now); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		f.Problem = "Too many failed sign-ins: try again in " + waitWords(wait) + "."
		s.showLogin(w, r, http.StatusTooManyRequests, f)
		return
	}
	u, hash, ok, err := s.o.Store.UserHash(r.Context(), name)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if !ok {
		hash = ""
	}
	if !s.verify(hash, password) || !ok {
		s.throttle.failed(name, addr, now)
		s.log.Warn("failed sign-in", "user", name, "address", addr)
		f.Problem = wrongLogin
		s.showLogin(w, r, http.StatusUnauthorized, f)
		return
	}
	s.throttle.succeeded(name, addr)
	if c, err := r.Cookie(cookieName); err == nil && c.Value != "" {
		if err := s.o.Store.EndSession(r.Context(), c.Value); err != nil {
			s.log.Warn("end the session before sign-in", "err", err)
		}
	}
	token, err := s.o.Store.CreateSession(r.Context(), u.Name, now)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.setCookie(w, r, token)
	s.auditAs(r, u.Name, "login", "from "+addr)
	s.redirect(w, r, f.Next)
}

// logout ends the session in the state database (the cookie is worth
// nothing after it, wherever a copy of it is) and in the browser.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(cookieName); err == nil && c.Value != "" {
		u, _ := s.sessionUser(r)
		if err := s.o.Store.EndSession(r.Context(), c.Value); err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		if u != nil {
			s.auditAs(r, u.Name, "logout", "")
		}
	}
	s.clearCookie(w, r)
	s.redirect(w, r, "/login?signed-out")
}

// safeNext is where to go after sign-in: a path on this server, never
// another site (//evil.example or a full address), else the dashboard.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.HasPrefix(next, "/login") {
		return "/"
	}
	return next
}

// clientAddr is the address a request came from, for the throttle. Behind
// a reverse proxy on this machine (the request comes from loopback) it is
// the last address of X-Forwarded-For, the one the proxy added: every
// request would otherwise share the proxy's address and one attacker
// could throttle everyone.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			hops := strings.Split(xff[len(xff)-1], ",")
			if last := strings.TrimSpace(hops[len(hops)-1]); net.ParseIP(last) != nil {
				return last
			}
		}
	}
	return host
}
