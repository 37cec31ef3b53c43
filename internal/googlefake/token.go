package googlefake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// handleToken is https://oauth2.googleapis.com/token. Client authentication
// may come as HTTP Basic (x/oauth2's first try, with id and secret
// form-escaped as RFC 6749 says) or as client_id/client_secret in the form
// (its second try, and what google.ConfigFromJSON configures).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, 400, "invalid_request", "Invalid request body.")
		return
	}
	clientID, secret, basic := r.BasicAuth()
	if basic {
		clientID, _ = url.QueryUnescape(clientID)
		secret, _ = url.QueryUnescape(secret)
	} else {
		clientID, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if clientID == "" {
		oauthError(w, 400, "invalid_request", "Could not determine client ID from request.")
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	want, ok := s.oauth.clients[clientID]
	switch {
	case !ok:
		oauthError(w, 401, "invalid_client", "The OAuth client was not found.")
		return
	case want != secret:
		oauthError(w, 401, "invalid_client", "Unauthorized")
		return
	}
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "refresh_token":
		s.refreshGrantLocked(w, r, clientID)
	case "authorization_code":
		s.codeGrantLocked(w, r, clientID)
	default:
		oauthError(w, 400, "unsupported_grant_type", "Invalid grant_type: "+gt)
	}
}

func (s *Server) refreshGrantLocked(w http.ResponseWriter, r *http.Request, clientID string) {
	tok := r.PostForm.Get("refresh_token")
	if tok == "" {
		oauthError(w, 400, "invalid_request", "Missing required parameter: refresh_token")
		return
	}
	rg := s.oauth.refresh[tok]
	if rg == nil || rg.revoked {
		oauthError(w, 400, "invalid_grant", "Token has been expired or revoked.")
		return
	}
	if rg.clientID != clientID {
		oauthError(w, 401, "unauthorized_client", "Unauthorized")
		return
	}
	access := s.issueAccessLocked(clientID, rg.scopes, rg)
	writeToken(w, map[string]any{
		"access_token": access,
		"expires_in":   int(s.oauth.lifetime.Seconds()),
		"scope":        strings.Join(rg.scopes, " "),
		"token_type":   "Bearer",
	})
}

// codeGrantLocked exchanges a code from the consent page. A code is good
// once, for the redirect_uri it was issued to, and with the PKCE verifier
// whose hash was the challenge.
func (s *Server) codeGrantLocked(w http.ResponseWriter, r *http.Request, clientID string) {
	code := r.PostForm.Get("code")
	ac := s.oauth.codes[code]
	if ac == nil {
		oauthError(w, 400, "invalid_grant", "Malformed auth code.")
		return
	}
	delete(s.oauth.codes, code)
	switch {
	case ac.clientID != clientID || !s.now().Before(ac.expiry):
		oauthError(w, 400, "invalid_grant", "Bad Request")
		return
	case r.PostForm.Get("redirect_uri") != ac.redirectURI:
		oauthError(w, 400, "redirect_uri_mismatch", "Bad Request")
		return
	}
	if ac.challenge != "" {
		v := r.PostForm.Get("code_verifier")
		if v == "" {
			oauthError(w, 400, "invalid_grant", "Missing code verifier.")
			return
		}
		got := v
		if ac.method == "S256" {
			got = pkceS256(v)
		}
		if got != ac.challenge {
			oauthError(w, 400, "invalid_grant", "Invalid code verifier.")
			return
		}
	}
	var rg *refreshGrant
	body := map[string]any{
		"expires_in": int(s.oauth.lifetime.Seconds()),
		"scope":      strings.Join(ac.scopes, " "),
		"token_type": "Bearer",
	}
	if ac.offline {
		rt := "1//fake-" + randomString(60)
		rg = &refreshGrant{clientID: clientID, scopes: slices.Clone(ac.scopes)}
		s.oauth.refresh[rt] = rg
		body["refresh_token"] = rt
	}
	body["access_token"] = s.issueAccessLocked(clientID, ac.scopes, rg)
	writeToken(w, body)
}

func writeToken(w http.ResponseWriter, body map[string]any) {
	w.Header().Set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
	w.Header().Set("Pragma", "no-cache")
	writeOAuthJSON(w, http.StatusOK, body)
}

// oauthError is the token endpoint's error shape (RFC 6749 §5.2), which is
// not the APIs' {"error":{…}} shape.
func oauthError(w http.ResponseWriter, status int, code, description string) {
	writeOAuthJSON(w, status, map[string]string{"error": code, "error_description": description})
}

// writeOAuthJSON answers the token endpoint, which ignores prettyPrint and
// always indents, like Google's.
func writeOAuthJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
