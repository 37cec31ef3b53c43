package googleauth

import (
	"context"
	"errors"
	"testing"

	"github.com/dbbackup/dbbackup/internal/googlefake"
)

func TestRevokeURLIsBesideTheTokenEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"":                                    "https://oauth2.googleapis.com/revoke",
		"https://oauth2.googleapis.com/token": "https://oauth2.googleapis.com/revoke",
		"https://accounts.google.com/o/oauth2/token": "https://accounts.google.com/o/oauth2/revoke",
		"http://127.0.0.1:9/proxy/":                  "http://127.0.0.1:9/proxy/revoke",
	} {
		if got := RevokeURL(in); got != want {
			t.Errorf("RevokeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRevokeEndsTheGrant(t *testing.T) {
	fake, srv := googlefake.NewTestServer(t)
	tok := &Token{ClientID: googlefake.DefaultClientID, ClientSecret: googlefake.DefaultClientSecret,
		RefreshToken: googlefake.DefaultRefreshToken, TokenURI: srv.URL + "/token"}
	if err := Revoke(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	if !fake.Revoked(googlefake.DefaultRefreshToken) {
		t.Fatal("the refresh token still works at Google")
	}
	if err := Revoke(context.Background(), tok); !errors.Is(err, ErrUnknownToken) {
		t.Fatalf("second revoke: %v, want ErrUnknownToken", err)
	}
}
