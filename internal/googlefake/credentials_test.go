package googlefake

import (
	"context"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

// TestCredentialFiles checks that the credentials.json and token file the
// fake hands out are read by Google's own loaders and work against it.
func TestCredentialFiles(t *testing.T) {
	e := newRaw(t)
	ctx := context.Background()
	cfg, err := google.ConfigFromJSON(e.s.CredentialsJSON(e.url), ScopeDrive)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: DefaultRefreshToken}).Token(); err != nil {
		t.Fatalf("credentials.json: %v", err)
	}
	creds, err := google.CredentialsFromJSONWithType(ctx, e.s.AuthorizedUserJSON(e.url), google.AuthorizedUser, ScopeDrive)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := creds.TokenSource.Token()
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("authorized_user: %v", err)
	}
	if n := e.s.Calls(KindToken); n != 2 {
		t.Fatalf("%d token calls reached the fake", n)
	}
}
