package googleauth

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/googlefake"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestRefreshSavesJSONButNeverRewritesAPickle(t *testing.T) {
	fake, srv := googlefake.NewTestServer(t)
	dir := t.TempDir()

	jsonPath := filepath.Join(dir, "token.json")
	os.WriteFile(jsonPath, fake.AuthorizedUserJSON(srv.URL), 0o600)
	tok, err := ReadToken(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := TokenSource(context.Background(), tok.Config(nil), tok, jsonPath, quiet).Token(); err != nil {
		t.Fatal(err)
	}
	saved, _ := ReadToken(jsonPath)
	if saved.AccessToken == "" || saved.RefreshToken != googlefake.DefaultRefreshToken {
		t.Fatalf("the refreshed token was not saved: %+v", saved)
	}

	picklePath := filepath.Join(dir, "token.pickle")
	orig, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "token.pickle"))
	os.WriteFile(picklePath, orig, 0o600)
	tok, err = ReadToken(picklePath)
	if err != nil {
		t.Fatal(err)
	}
	fake.AddClient(tok.ClientID, tok.ClientSecret)
	fake.AddRefreshToken(tok.ClientID, tok.RefreshToken, googlefake.ScopeDrive)
	tok.TokenURI = srv.URL + "/token"
	tok.AccessToken = "" // expired long ago: refresh
	if _, err := TokenSource(context.Background(), tok.Config(nil), tok, picklePath, quiet).Token(); err != nil {
		t.Fatal(err)
	}
	if now, _ := os.ReadFile(picklePath); !bytes.Equal(now, orig) {
		t.Fatal("the token.pickle was rewritten")
	}
}

func TestUnresolvableTokenEndpointSaysWhatToCheck(t *testing.T) {
	tok := &Token{ClientID: "id", ClientSecret: "s", RefreshToken: "r", TokenURI: "http://nonexistent.invalid/token"}
	_, err := TokenSource(context.Background(), tok.Config(nil), tok, filepath.Join(t.TempDir(), "token.json"), quiet).Token()
	var he *dbbackup.HintError
	if !errors.As(err, &he) || !strings.Contains(he.Hint, "cannot reach Google") || !strings.Contains(he.Hint, "HTTPS_PROXY") {
		t.Fatalf("got %v", err)
	}
}
