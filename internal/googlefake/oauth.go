package googlefake

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Credentials the server knows from New on.
const (
	DefaultClientID     = "1234567890-fake.apps.googleusercontent.com"
	DefaultClientSecret = "GOCSPX-fake-client-secret"
	DefaultRefreshToken = "1//fake-refresh-token"
)

// OAuth scopes the fake understands.
const (
	ScopeDrive         = "https://www.googleapis.com/auth/drive"
	ScopeDriveFile     = "https://www.googleapis.com/auth/drive.file"
	ScopeDriveReadonly = "https://www.googleapis.com/auth/drive.readonly"
	ScopeSpreadsheets  = "https://www.googleapis.com/auth/spreadsheets"
	// ScopeSpreadsheetsReadonly lets Sheets read, not write.
	ScopeSpreadsheetsReadonly = "https://www.googleapis.com/auth/spreadsheets.readonly"
)

var knownScopes = []string{ScopeDrive, ScopeDriveFile, ScopeDriveReadonly, ScopeSpreadsheets, ScopeSpreadsheetsReadonly}

type oauthState struct {
	clients   map[string]string   // client id → secret
	web       map[string][]string // "Web application" client id → its authorized redirect URIs
	refresh   map[string]*refreshGrant
	access    map[string]*grant
	codes     map[string]*authCode
	consented map[string]bool // clients the user has already said yes to
	deny      bool
	lifetime  time.Duration
	requests  []url.Values
}

func (o *oauthState) init() {
	o.clients = map[string]string{}
	o.web = map[string][]string{}
	o.refresh = map[string]*refreshGrant{}
	o.access = map[string]*grant{}
	o.codes = map[string]*authCode{}
	o.consented = map[string]bool{}
	o.lifetime = 3599 * time.Second
}

type refreshGrant struct {
	clientID string
	scopes   []string
	revoked  bool
}

// grant is what an access token stands for.
type grant struct {
	clientID string
	scopes   []string
	expiry   time.Time
	refresh  *refreshGrant // nil for tokens minted by AccessToken
}

func (g *grant) has(scope string) bool { return slices.Contains(g.scopes, scope) }

type authCode struct {
	clientID, redirectURI string
	challenge, method     string
	scopes                []string
	offline               bool // a refresh token comes with the exchange
	expiry                time.Time
}

type grantKey struct{}

func withGrant(ctx context.Context, g *grant) context.Context {
	return context.WithValue(ctx, grantKey{}, g)
}

func grantFrom(r *http.Request) *grant {
	g, _ := r.Context().Value(grantKey{}).(*grant)
	return g
}

// AddClient registers an OAuth client ("Desktop app") with its secret.
func (s *Server) AddClient(id, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oauth.clients[id] = secret
}

// The "Web application" client AddWebClient registers.
const (
	WebClientID     = "1234567890-fakeweb.apps.googleusercontent.com"
	WebClientSecret = "GOCSPX-fake-web-client-secret"
)

// AddWebClient registers WebClientID, an OAuth client of type "Web
// application", whose consent page redirects only to one of redirectURIs,
// compared as whole strings (scheme, host, port, path), as Google does.
// Called again, it replaces the list, as editing the client's "Authorized
// redirect URIs" in Cloud Console does.
func (s *Server) AddWebClient(redirectURIs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oauth.clients[WebClientID] = WebClientSecret
	s.oauth.web[WebClientID] = slices.Clone(redirectURIs)
}

// AddRefreshToken makes token a valid refresh token of clientID for scopes.
func (s *Server) AddRefreshToken(clientID, token string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oauth.refresh[token] = &refreshGrant{clientID: clientID, scopes: slices.Clone(scopes)}
}

// RevokeRefreshToken makes token answer invalid_grant from now on, as when
// the user removes the app's access or a "Testing" app's 7 days run out.
// Access tokens minted from it stop working too.
func (s *Server) RevokeRefreshToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rg := s.oauth.refresh[token]; rg != nil {
		rg.revoked = true
	}
}

// ExpireAccessTokens ends the life of every access token issued so far; the
// next API call with one of them gets 401.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, g := range s.oauth.access {
		g.expiry = now
	}
}

// SetAccessTokenLifetime sets expires_in for tokens issued from now on
// (default 3599 s). x/oauth2 treats a token as expired 10 s before its
// expiry, so a lifetime of 10 s or less makes it refresh before every call.
func (s *Server) SetAccessTokenLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oauth.lifetime = d
}

// AccessToken mints a valid access token of the default client, for tests
// that speak raw HTTP. Without scopes it has ScopeDrive.
func (s *Server) AccessToken(scopes ...string) string {
	if len(scopes) == 0 {
		scopes = []string{ScopeDrive}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueAccessLocked(DefaultClientID, scopes, nil)
}

// DenyConsent makes the consent page answer error=access_denied, as when
// the user clicks "Cancel".
func (s *Server) DenyConsent(deny bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oauth.deny = deny
}

// AuthRequests returns the query of every consent-page request so far, so a
// test can check what the tool asked for (PKCE, state, offline, consent).
func (s *Server) AuthRequests() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]url.Values, len(s.oauth.requests))
	for i, q := range s.oauth.requests {
		out[i] = cloneValues(q)
	}
	return out
}

func (s *Server) issueAccessLocked(clientID string, scopes []string, rg *refreshGrant) string {
	tok := "ya29.fake-" + randomString(40)
	s.oauth.access[tok] = &grant{clientID: clientID, scopes: slices.Clone(scopes),
		expiry: s.now().Add(s.oauth.lifetime), refresh: rg}
	return tok
}

// authenticate checks the bearer token and its scopes for kind, answering
// Google's 401 or 403 itself when they don't do.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, kind Kind) (*grant, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		s.writeError(w, r, Failure{Code: 401, Reason: "required", Location: "Authorization", LocationType: "header",
			Message: "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."})
		return nil, false
	}
	tok, ok := cutPrefixFold(h, "Bearer ")
	s.mu.Lock()
	g := s.oauth.access[tok]
	valid := ok && g != nil && s.now().Before(g.expiry) && (g.refresh == nil || !g.refresh.revoked)
	s.mu.Unlock()
	if !valid {
		s.writeError(w, r, Failure{Code: 401, Reason: "authError", Location: "Authorization", LocationType: "header",
			Message: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."})
		return nil, false
	}
	if kind.sheets() {
		return g, s.checkSheetsScope(w, r, kind, g)
	}
	readable := g.has(ScopeDrive) || g.has(ScopeDriveFile) || g.has(ScopeDriveReadonly)
	writable := g.has(ScopeDrive) || g.has(ScopeDriveFile)
	if !readable || (kind.writes() && !writable) {
		s.writeError(w, r, Failure{Code: 403, Reason: "insufficientPermissions",
			Message: "Request had insufficient authentication scopes."})
		return nil, false
	}
	return g, true
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	return s[len(prefix):], true
}

// pkceS256 is the code_challenge a verifier must hash to (RFC 7636).
func pkceS256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}
