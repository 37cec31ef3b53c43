package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// cookieName is the session cookie's name.
const cookieName = "dbbackup_session"

// A session ends after idleTimeout without a request, and absoluteTimeout
// after it began, whatever happens: a stolen cookie is not good forever.
const (
	idleTimeout     = 12 * time.Hour
	absoluteTimeout = 7 * 24 * time.Hour
)

type userKey struct{}

// userOf is the signed-in user of a request that passed s.viewer or
// s.admin; nil on /login and /healthz.
func userOf(r *http.Request) *User {
	u, _ := r.Context().Value(userKey{}).(*User)
	return u
}

// sessionUser is the user of r's session cookie, if the session is alive.
func (s *Server) sessionUser(r *http.Request) (*User, error) {
	c, err := r.Cookie(cookieName)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	u, ok, err := s.o.Store.Session(r.Context(), c.Value, s.now(), idleTimeout, absoluteTimeout)
	if err != nil || !ok {
		return nil, err
	}
	return &u, nil
}

// viewer lets h serve anyone signed in. Without a session, a page (GET)
// sends the browser to /login and back; htmx is told to do the same
// (HX-Redirect); anything else is 401.
func (s *Server) viewer(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := s.sessionUser(r)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		if u == nil {
			s.signInFirst(w, r)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	}
}

// admin lets h serve admins; a viewer gets 403.
func (s *Server) admin(h http.HandlerFunc) http.HandlerFunc {
	return s.viewer(func(w http.ResponseWriter, r *http.Request) {
		if userOf(r).Role != RoleAdmin {
			s.fail(w, r, http.StatusForbidden, errors.New("only an admin may do this: you are signed in as a viewer"))
			return
		}
		h(w, r)
	})
}

func (s *Server) signInFirst(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(cookieName); err == nil && c.Value != "" {
		s.clearCookie(w, r) // ended or expired: no use sending it again
	}
	login := "/login?" + url.Values{"next": {r.URL.RequestURI()}}.Encode()
	switch {
	case r.Header.Get("HX-Request") == "true":
		w.Header().Set("HX-Redirect", s.url(login))
		w.WriteHeader(http.StatusUnauthorized)
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		s.redirect(w, r, login)
	default:
		s.fail(w, r, http.StatusUnauthorized, errors.New("you are not signed in (or your session ended): sign in and try again"))
	}
}

// setCookie gives the browser the session token. HttpOnly keeps it from
// scripts; SameSite=Lax from cross-site POSTs (CrossOriginProtection
// checks them too); Secure whenever people reach the server over HTTPS.
func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, s.cookie(r, token, int(absoluteTimeout/time.Second)))
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, s.cookie(r, "", -1))
}

func (s *Server) cookie(r *http.Request, value string, maxAge int) *http.Cookie {
	path := s.base
	if path == "" {
		path = "/"
	}
	return &http.Cookie{Name: cookieName, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.https || r.TLS != nil}
}

// audit records that the signed-in user did action (run, cancel, restore,
// job.save, …) with detail, for the admin panel's audit log. A failure to
// record is logged: what was done is done.
func (s *Server) audit(r *http.Request, action, detail string) {
	name := ""
	if u := userOf(r); u != nil {
		name = u.Name
	}
	s.auditAs(r, name, action, detail)
}

func (s *Server) auditAs(r *http.Request, user, action, detail string) {
	if err := s.o.Store.Audit(context.WithoutCancel(r.Context()), s.now(), user, action, detail); err != nil {
		s.log.Error("audit log", "user", user, "action", action, "detail", detail, "err", err)
	}
}
