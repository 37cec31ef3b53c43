package googlefake

import (
	"net/http"
)

// handleRevoke is https://oauth2.googleapis.com/revoke: the token to
// revoke comes as the form field (or query parameter) token, with no
// client authentication, as Google documents it. Revoking a refresh token
// ends it and every access token minted from it; revoking an access token
// minted from a refresh token ends that refresh token too (Google revokes
// the whole grant). A token Google does not know, or one already revoked,
// is 400 invalid_token: the answer a second disconnect gets.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, 400, "invalid_request", "Invalid request body.")
		return
	}
	tok := r.Form.Get("token")
	if tok == "" {
		oauthError(w, 400, "invalid_request", "Missing required parameter: token")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rg := s.oauth.refresh[tok]
	if g := s.oauth.access[tok]; rg == nil && g != nil {
		if g.refresh != nil {
			rg = g.refresh
		} else if s.now().Before(g.expiry) {
			g.expiry = s.now() // a token minted alone: only it ends
			writeOAuthJSON(w, http.StatusOK, map[string]string{})
			return
		}
	}
	if rg == nil || rg.revoked {
		oauthError(w, 400, "invalid_token", "Token expired or revoked")
		return
	}
	rg.revoked = true
	writeOAuthJSON(w, http.StatusOK, map[string]string{})
}

// Revoked reports whether the refresh token was revoked (by the revoke
// endpoint or RevokeRefreshToken); false for a token the fake never knew.
func (s *Server) Revoked(refreshToken string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rg := s.oauth.refresh[refreshToken]
	return rg != nil && rg.revoked
}
