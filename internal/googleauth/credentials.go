// Package googleauth authorizes dbbackup to a user's Google account with
// OAuth 2.0 and a refresh token: it reads the OAuth client
// (credentials.json), reads and writes the token file (the authorized_user
// JSON Google's own libraries read, or a Python token.pickle), runs the
// consent flow in two steps a web page can drive too (Begin makes the
// consent URL, Exchange takes Google's answer; Authorize runs both over a
// loopback address for `dbbackup token`), and gives a token source that
// refreshes the access token and saves what changes. It never prints a
// token or secret.
package googleauth

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/dbbackup/dbbackup"
	"golang.org/x/oauth2"
)

// Google's endpoints, used when credentials.json or the token file names none.
const (
	DefaultAuthURL  = "https://accounts.google.com/o/oauth2/auth"
	DefaultTokenURL = "https://oauth2.googleapis.com/token"
)

// clientFile is credentials.json as the Google Cloud Console downloads it.
type clientFile struct {
	Installed *clientInfo `json:"installed"`
	Web       *clientInfo `json:"web"`
	Type      string      `json:"type"` // "service_account" for a service account key
}

type clientInfo struct {
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret"`
	AuthURI      string   `json:"auth_uri"`
	TokenURI     string   `json:"token_uri"`
	RedirectURIs []string `json:"redirect_uris"`
}

// Client is an OAuth client from credentials.json: the app dbbackup
// authorizes as.
type Client struct {
	// Config has no RedirectURL: Begin sets one per consent.
	Config oauth2.Config
	// Web is true for a client of type "Web application": Google sends its
	// answers only to the redirect URIs registered for it. A "Desktop app"
	// client may use any loopback address and port.
	Web bool
	// RedirectURIs are the ones registered ("Authorized redirect URIs").
	RedirectURIs []string
	// Path is the file it was read from, for messages.
	Path string
}

// Kind names the client's type as Cloud Console does.
func (c *Client) Kind() string {
	if c.Web {
		return "Web application"
	}
	return "Desktop app"
}

// LoadClient reads the OAuth client at path (GOOGLE_CREDENTIALS_FILE), of
// type "Desktop app" or "Web application", and returns it for scopes.
func LoadClient(path string, scopes []string) (*Client, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &dbbackup.ConfigError{Var: credentialsVar, Problem: fmt.Sprintf("cannot read %s: %v", path, plain(err)),
			Hint: "create an OAuth client of type \"Desktop app\" in Google Cloud Console (APIs & Services → Credentials), download its JSON and save it as " + path}
	}
	var f clientFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, &dbbackup.ConfigError{Var: credentialsVar, Problem: path + " is not JSON",
			Hint: "download the client's JSON again from Google Cloud Console (APIs & Services → Credentials)"}
	}
	c := f.Installed
	switch {
	case f.Type == "service_account":
		return nil, &dbbackup.ConfigError{Var: credentialsVar, Problem: path + " is a service account key",
			Hint: "a service account has no Drive storage of its own (uploads fail with storageQuotaExceeded): create an OAuth client of type \"Desktop app\" and run `dbbackup token`"}
	case f.Web != nil && f.Web.ClientID != "":
		c = f.Web
	case c == nil || c.ClientID == "":
		return nil, &dbbackup.ConfigError{Var: credentialsVar, Problem: path + " holds no \"installed\" or \"web\" OAuth client",
			Hint: "download the JSON of an OAuth client of type \"Desktop app\" from Google Cloud Console"}
	}
	return &Client{
		Config: oauth2.Config{
			ClientID:     c.ClientID,
			ClientSecret: c.ClientSecret,
			Scopes:       scopes,
			Endpoint: oauth2.Endpoint{
				AuthURL:  or(c.AuthURI, DefaultAuthURL),
				TokenURL: or(c.TokenURI, DefaultTokenURL),
			},
		},
		Web:          c == f.Web,
		RedirectURIs: c.RedirectURIs,
		Path:         path,
	}, nil
}

const credentialsVar = "GOOGLE_CREDENTIALS_FILE"

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// plain drops the path from an *os.PathError: the caller names the file.
func plain(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
