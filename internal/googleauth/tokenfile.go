package googleauth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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

// maxTokenFile bounds what is read of a token file: real ones hold a few
// kilobytes, and a larger one is not worth the memory.
const maxTokenFile = 1 << 20

// ReadToken reads a token file: the authorized_user JSON, or a Python
// token.pickle (told apart by content, whatever the name).
func ReadToken(path string) (*Token, error) {
	b, err := readSmall(path, maxTokenFile)
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

// readSmall reads the file at path, refusing one larger than limit.
func readSmall(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = fmt.Errorf("larger than %s, no token file is", dbbackup.HumanSize(limit))
	}
	return b, err
}

// Exposed returns, when other users may read the token file at path (it
// is readable by its group or by others), a warning that says how to fix
// it; "" otherwise. The file holds a refresh token: whoever reads it has
// the Drive.
func Exposed(path string) string {
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm()&0o044 == 0 {
		return ""
	}
	return fmt.Sprintf("%s (%s) is readable by other users (mode %04o): whoever reads it can use your Google Drive; run: chmod 600 %s",
		tokenVar, path, st.Mode().Perm(), path)
}

// WriteToken saves t to path with mode 0600, atomically: a crash leaves the
// old file or the new one, never half of one. When path is a symbolic link
// the file it points to is replaced, so the link stays a link.
func WriteToken(path string, t *Token) error {
	t.Type = "authorized_user"
	t.pickle = false
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	target, err := linkTarget(path)
	if err != nil {
		return err
	}
	if err := fsutil.Replace(target, bytes.NewReader(append(b, '\n')), 0o600); err != nil {
		return fmt.Errorf("save the Google token (%s): %w", tokenVar, err)
	}
	return nil
}

// linkTarget is the file path names: path itself, or, for a symbolic link,
// the file at the end of the links. A link to nowhere is an error: writing
// beside it would leave the link broken and the token where nobody looks.
func linkTarget(path string) (string, error) {
	st, err := os.Lstat(path)
	if err != nil || st.Mode()&fs.ModeSymlink == 0 {
		return path, nil // a new file, or a regular one
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", &dbbackup.ConfigError{Var: tokenVar, Problem: fmt.Sprintf("%s is a symbolic link that leads nowhere: %v", path, plain(err)),
			Hint: "fix the link, or set GOOGLE_TOKEN_FILE to the token file itself"}
	}
	return target, nil
}
