package googleauth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/fsutil"
	"golang.org/x/oauth2"
)

// Token is the content of the token file: the authorized_user JSON that
// gcloud and Python's google-auth (Credentials.from_authorized_user_file)
// read too.
type Token struct {
	Type         string    `json:"type"` // always "authorized_user"
	ClientID     string    `json:"client_id"`
	ClientSecret string    `json:"client_secret"`
	RefreshToken string    `json:"refresh_token"`
	TokenURI     string    `json:"token_uri,omitempty"`
	Scopes       []string  `json:"scopes,omitempty"`
	AccessToken  string    `json:"token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`

	// pickle is true for a token read from a Python token.pickle: it is
	// never overwritten with JSON, so the scripts that made it still read it.
	pickle bool
}

// OAuth2 returns the token for golang.org/x/oauth2.
func (t *Token) OAuth2() *oauth2.Token {
	return &oauth2.Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Expiry: t.Expiry, TokenType: "Bearer"}
}

// Config returns the OAuth client the token belongs to.
func (t *Token) Config(scopes []string) *oauth2.Config {
	return &oauth2.Config{ClientID: t.ClientID, ClientSecret: t.ClientSecret, Scopes: scopes,
		Endpoint: oauth2.Endpoint{AuthURL: DefaultAuthURL, TokenURL: or(t.TokenURI, DefaultTokenURL)}}
}

const tokenVar = "GOOGLE_TOKEN_FILE"

// ReadToken reads a token file: the authorized_user JSON, or a Python
// token.pickle (told apart by content, whatever the name).
func ReadToken(path string) (*Token, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &dbbackup.ConfigError{Var: tokenVar, Problem: fmt.Sprintf("cannot read %s: %v", path, plain(err)),
			Hint: "run `dbbackup token` to authorize dbbackup and create it"}
	}
	var t *Token
	if len(b) > 0 && b[0] == 0x80 { // the PROTO opcode every pickle of protocol 2+ starts with
		t, err = parsePickle(b)
		if t != nil {
			t.pickle = true
		}
	} else {
		t = &Token{}
		err = json.Unmarshal(b, t)
	}
	if err != nil {
		return nil, &dbbackup.ConfigError{Var: tokenVar, Problem: fmt.Sprintf("%s is neither a token JSON file nor a token.pickle: %v", path, err),
			Hint: "run `dbbackup token` to create it again"}
	}
	if t.RefreshToken == "" {
		return nil, &dbbackup.ConfigError{Var: tokenVar, Problem: path + " holds no refresh token",
			Hint: "run `dbbackup token`: it asks Google for offline access, which returns a refresh token"}
	}
	if t.Type == "" {
		t.Type = "authorized_user"
	}
	return t, nil
}

// WriteToken saves t to path with mode 0600, atomically: a crash leaves the
// old file or the new one, never half of one.
func WriteToken(path string, t *Token) error {
	t.Type = "authorized_user"
	t.pickle = false
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	if err := fsutil.Replace(path, bytes.NewReader(append(b, '\n')), 0o600); err != nil {
		return fmt.Errorf("save the Google token (%s): %w", tokenVar, err)
	}
	return nil
}
