package googlefake

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// NewTestServer starts a fake on a loopback port and stops it when the
// test ends. The URL of the returned server is the root to give clients.
func NewTestServer(tb testing.TB) (*Server, *httptest.Server) {
	tb.Helper()
	s := New()
	srv := httptest.NewServer(s)
	tb.Cleanup(srv.Close)
	return s, srv
}

// OAuth2Config is the default client's configuration against the fake at
// root (an httptest URL). AuthStyle is left to auto-detection, so x/oauth2
// tries HTTP Basic first, as it does against Google.
func (s *Server) OAuth2Config(root string, scopes ...string) *oauth2.Config {
	root = strings.TrimSuffix(root, "/")
	if len(scopes) == 0 {
		scopes = []string{ScopeDrive}
	}
	return &oauth2.Config{
		ClientID:     DefaultClientID,
		ClientSecret: DefaultClientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: root + "/o/oauth2/auth", TokenURL: root + "/token"},
		Scopes:       scopes,
	}
}

// CredentialsJSON is a "Desktop app" credentials.json for the default
// client whose endpoints are the fake's at root.
func (s *Server) CredentialsJSON(root string) []byte {
	root = strings.TrimSuffix(root, "/")
	b, _ := json.MarshalIndent(map[string]any{"installed": map[string]any{
		"client_id":                   DefaultClientID,
		"project_id":                  "googlefake",
		"auth_uri":                    root + "/o/oauth2/auth",
		"token_uri":                   root + "/token",
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"client_secret":               DefaultClientSecret,
		"redirect_uris":               []string{"http://localhost"},
	}}, "", "  ")
	return b
}

// WebCredentialsJSON is the credentials.json of the "Web application"
// client (WebClientID) as AddWebClient registered it, whose endpoints are
// the fake's at root. A client without redirect URIs has no
// "redirect_uris", as in the file Cloud Console downloads.
func (s *Server) WebCredentialsJSON(root string) []byte {
	root = strings.TrimSuffix(root, "/")
	s.mu.Lock()
	uris := slices.Clone(s.oauth.web[WebClientID])
	s.mu.Unlock()
	c := map[string]any{
		"client_id":                   WebClientID,
		"project_id":                  "googlefake",
		"auth_uri":                    root + "/o/oauth2/auth",
		"token_uri":                   root + "/token",
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"client_secret":               WebClientSecret,
	}
	if len(uris) > 0 {
		c["redirect_uris"] = uris
	}
	b, _ := json.MarshalIndent(map[string]any{"web": c}, "", "  ")
	return b
}

// AuthorizedUserJSON is the token file Google's libraries read
// (type authorized_user) for DefaultRefreshToken against the fake at root.
func (s *Server) AuthorizedUserJSON(root string) []byte {
	root = strings.TrimSuffix(root, "/")
	b, _ := json.MarshalIndent(map[string]any{
		"type":          "authorized_user",
		"client_id":     DefaultClientID,
		"client_secret": DefaultClientSecret,
		"refresh_token": DefaultRefreshToken,
		"token_uri":     root + "/token",
	}, "", "  ")
	return b
}
