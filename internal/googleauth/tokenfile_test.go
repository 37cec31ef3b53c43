package googleauth

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
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
