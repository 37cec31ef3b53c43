package googleauth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/googlefake"
)

func TestReadPickleFixturesMadeByGoogleAuth(t *testing.T) {
	want := &Token{
		Type:         "authorized_user",
		ClientID:     "1234567890-fixture.apps.googleusercontent.com",
		ClientSecret: "GOCSPX-fixture-secret",
		RefreshToken: "1//fixture-refresh-token-abc",
		TokenURI:     "https://oauth2.googleapis.com/token",
		Scopes:       []string{"https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/spreadsheets"},
		AccessToken:  "ya29.fixture-access-token",
		Expiry:       time.Date(2026, 2, 10, 2, 0, 0, 0, time.UTC),
	}
	for _, name := range []string{"token.pickle", "token_protocol2.pickle"} {
		got, err := ReadToken(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got.pickle = false
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
		}
	}
}

func TestTokenFileRoundTripIs0600(t *testing.T) {
	p := filepath.Join(t.TempDir(), "token.json")
	in := &Token{ClientID: "id", ClientSecret: "s", RefreshToken: "r", TokenURI: "https://x/token",
		AccessToken: "a", Expiry: time.Date(2026, 2, 10, 2, 0, 0, 0, time.UTC)}
	if err := WriteToken(p, in); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	out, err := ReadToken(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) || out.Type != "authorized_user" {
		t.Fatalf("read back %+v", out)
	}
}

func TestBadTokenFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"garbage":    "not json",
		"no-refresh": `{"type":"authorized_user","client_id":"x"}`,
		"bad-pickle": "\x80\x04garbage",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		_, err := ReadToken(p)
		var ce *dbbackup.ConfigError
		if !errors.As(err, &ce) || ce.Var != "GOOGLE_TOKEN_FILE" || ce.Hint == "" {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if _, err := ReadToken(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing token file was read")
	}
}

func TestRefreshWritesThroughASymlinkedTokenFile(t *testing.T) {
	fake, srv := googlefake.NewTestServer(t)
	dir := t.TempDir()
	real := filepath.Join(dir, "secrets", "token.json")
	os.Mkdir(filepath.Dir(real), 0o700)
	os.WriteFile(real, fake.AuthorizedUserJSON(srv.URL), 0o600)
	link := filepath.Join(dir, "token.json")
	if err := os.Symlink(filepath.Join("secrets", "token.json"), link); err != nil {
		t.Fatal(err)
	}
	tok, err := ReadToken(link)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := TokenSource(context.Background(), tok.Config(nil), tok, link, quiet).Token(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced by a file: %v %v", st.Mode(), err)
	}
	saved, err := ReadToken(real)
	if err != nil || saved.AccessToken == "" {
		t.Fatalf("the link's target holds no refreshed token: %+v %v", saved, err)
	}
	if st, _ := os.Stat(real); st.Mode().Perm() != 0o600 {
		t.Errorf("target mode %v, want 0600", st.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("the token's folder holds %d entries, want the link and secrets/", len(entries))
	}

	dangling := filepath.Join(dir, "dangling.json")
	os.Symlink(filepath.Join(dir, "nowhere", "token.json"), dangling)
	err = WriteToken(dangling, saved)
	var ce *dbbackup.ConfigError
	if !errors.As(err, &ce) || ce.Var != "GOOGLE_TOKEN_FILE" || !strings.Contains(ce.Problem, "symbolic link") {
		t.Errorf("writing through a dangling link: %v", err)
	}
	if st, err := os.Lstat(dangling); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the dangling link was replaced: %v", err)
	}
}

func TestExposedTokenFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "token.json")
	os.WriteFile(p, []byte("{}"), 0o600)
	if w := Exposed(p); w != "" {
		t.Errorf("a 0600 file: %q", w)
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604} {
		os.Chmod(p, mode)
		if w := Exposed(p); !strings.Contains(w, "GOOGLE_TOKEN_FILE") || !strings.Contains(w, "chmod 600 "+p) {
			t.Errorf("mode %04o: %q", mode, w)
		}
	}
}

func TestTokenFileTooLargeIsRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "token.json")
	os.WriteFile(p, make([]byte, maxTokenFile+1), 0o600)
	_, err := ReadToken(p)
	var ce *dbbackup.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(ce.Problem, "larger than") {
		t.Errorf("got %v", err)
	}
}
