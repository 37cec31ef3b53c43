// Package googleauth authorizes dbbackup to a user's Google account with
// OAuth 2.0 and a refresh token: it reads the OAuth client
// (credentials.json), reads and writes the token file (the authorized_user
// JSON Google's own libraries read, or a Python token.pickle), runs the
// loopback consent flow, and gives a token source that refreshes the access
// token and saves what changes. It never prints a token or secret.
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

// LoadClient reads the OAuth client of type "Desktop app" from path
// (GOOGLE_CREDENTIALS_FILE) and returns its configuration for scopes.
func LoadClient(path string, scopes []string) (*oauth2.Config, error) {
	const variable = "GOOGLE_CREDENTIALS_FILE"
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &dbbackup.ConfigError{Var: variable, Problem: fmt.Sprintf("cannot read %s: %v", path, plain(err)),
			Hint: "create an OAuth client of type \"Desktop app\" in Google Cloud Console (APIs & Services → Credentials), download its JSON and save it as " + path}
	}
	var f clientFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, &dbbackup.ConfigError{Var: variable, Problem: path + " is not JSON",
			Hint: "download the client's JSON again from Google Cloud Console (APIs & Services → Credentials)"}
	}
	switch {
	case f.Type == "service_account":
		return nil, &dbbackup.ConfigError{Var: variable, Problem: path + " is a service account key",
			Hint: "a service account has no Drive storage of its own (uploads fail with storageQuotaExceeded): create an OAuth client of type \"Desktop app\" and run `dbbackup token`"}
	case f.Web != nil:
		return nil, &dbbackup.ConfigError{Var: variable, Problem: path + " is a \"Web application\" OAuth client",
			Hint: "create an OAuth client of type \"Desktop app\" instead: only it may redirect to 127.0.0.1 for `dbbackup token`"}
	case f.Installed == nil || f.Installed.ClientID == "":
		return nil, &dbbackup.ConfigError{Var: variable, Problem: path + " holds no \"installed\" OAuth client",
			Hint: "download the JSON of an OAuth client of type \"Desktop app\" from Google Cloud Console"}
	}
	c := f.Installed
	cfg := &oauth2.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		Scopes:       scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:  or(c.AuthURI, DefaultAuthURL),
			TokenURL: or(c.TokenURI, DefaultTokenURL),
		},
	}
	return cfg, nil
}

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
