package googlefake

import (
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// handleAuthorize is the consent page. There is no human, so a valid
// request is answered at once with a 302 to redirect_uri carrying code and
// state (or error=access_denied after DenyConsent).
//
// Which redirect_uri is valid depends on the client's type, as on Google:
// a "Desktop app" client may use any loopback address and port
// (http://127.0.0.1:PORT/…, [::1], localhost); a "Web application" client
// only the URIs registered for it, exactly, port and path included.
//
// Like Google, problems with the client or the redirect URI, and malformed
// requests, get an error page and no redirect: redirecting to an unverified
// URI would leak the error to whoever owns it.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oauth.requests = append(s.oauth.requests, cloneValues(q))

	if _, ok := s.oauth.clients[q.Get("client_id")]; !ok {
		errorPage(w, 401, "invalid_client", "The OAuth client was not found.")
		return
	}
	redirect := q.Get("redirect_uri")
	registered, web := s.oauth.web[q.Get("client_id")]
	switch {
	case redirect == "urn:ietf:wg:oauth:2.0:oob":
		errorPage(w, 400, "invalid_request", "The out-of-band (OOB) flow has been blocked; use a loopback redirect URI.")
		return
	case web && !slices.Contains(registered, redirect):
		errorPage(w, 400, "redirect_uri_mismatch", "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. "+
			"If you're the app developer, register the redirect URI in the Google Cloud Console. Request details: redirect_uri="+redirect)
		return
	case !web && !isLoopback(redirect):
		errorPage(w, 400, "redirect_uri_mismatch", "Desktop clients may only redirect to http://127.0.0.1:PORT/ or http://[::1]:PORT/.")
		return
	}
	if msg := checkAuthParams(q); msg != "" {
		errorPage(w, 400, "invalid_request", msg)
		return
	}

	back := url.Values{}
	if st, ok := q["state"]; ok {
		back.Set("state", st[0])
	}
	if s.oauth.deny {
		back.Set("error", "access_denied")
		http.Redirect(w, r, withQuery(redirect, back), http.StatusFound)
		return
	}
	clientID := q.Get("client_id")
	prompts := strings.Fields(q.Get("prompt"))
	// Google hands out a refresh token on the first consent only, unless
	// the app asks for consent again: the trap that prompt=consent avoids.
	offline := q.Get("access_type") == "offline" &&
		(!s.oauth.consented[clientID] || slices.Contains(prompts, "consent"))
	s.oauth.consented[clientID] = true

	code := "4/fake-" + randomString(40)
	scopes := strings.Fields(q.Get("scope"))
	s.oauth.codes[code] = &authCode{clientID: clientID, redirectURI: redirect,
		challenge: q.Get("code_challenge"), method: q.Get("code_challenge_method"),
		scopes: scopes, offline: offline, expiry: s.now().Add(10 * time.Minute)}
	back.Set("code", code)
	back.Set("scope", strings.Join(scopes, " "))
	http.Redirect(w, r, withQuery(redirect, back), http.StatusFound)
}

// checkAuthParams returns why the consent request is malformed, or "".
func checkAuthParams(q url.Values) string {
	if rt := q.Get("response_type"); rt != "code" {
		return fmt.Sprintf("Invalid response_type %q: the loopback flow uses \"code\".", rt)
	}
	scopes := strings.Fields(q.Get("scope"))
	if len(scopes) == 0 {
		return "Missing required parameter: scope"
	}
	for _, sc := range scopes {
		if !slices.Contains(knownScopes, sc) {
			return "Some requested scopes were invalid: " + sc
		}
	}
	switch q.Get("access_type") {
	case "", "online", "offline":
	default:
		return "Invalid access_type: " + q.Get("access_type")
	}
	for _, p := range strings.Fields(q.Get("prompt")) {
		if p != "none" && p != "consent" && p != "select_account" {
			return "Invalid prompt: " + p
		}
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case challenge == "" && method != "":
		return "Missing code_challenge."
	case challenge == "":
	case method != "S256" && method != "plain":
		return "Invalid code_challenge_method: use S256."
	case len(challenge) < 43 || len(challenge) > 128:
		return "Invalid code_challenge length."
	}
	return ""
}

// isLoopback reports whether raw is a redirect URI a Desktop client may use.
func isLoopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.User != nil || u.Fragment != "" {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func withQuery(raw string, extra url.Values) string {
	u, _ := url.Parse(raw)
	q := u.Query()
	for k, vs := range extra {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func errorPage(w http.ResponseWriter, status int, code, detail string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE html><title>Error %d: %s</title><h1>Access blocked: authorization error</h1><p>Error %d: %s</p><p>%s</p>\n",
		status, code, status, code, html.EscapeString(detail))
}
