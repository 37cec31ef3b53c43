package googlefake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// revoke posts token to the revoke endpoint as Google's documentation
// shows: a form, no client authentication.
func revoke(t *testing.T, e *rawEnv, token string) (int, map[string]string) {
	t.Helper()
	resp, err := http.Post(e.url+"/revoke", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"token": {token}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, m
}

func refreshWith(t *testing.T, e *rawEnv, tok string) (*http.Response, map[string]any) {
	t.Helper()
	return postForm(t, e, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok}}, DefaultClientID, DefaultClientSecret)
}

func TestRevokeEndsTheRefreshTokenAndItsAccessTokens(t *testing.T) {
	e := newRaw(t)
	resp, m := refreshWith(t, e, DefaultRefreshToken)
	if resp.StatusCode != 200 {
		t.Fatalf("refresh before revoking: %d %v", resp.StatusCode, m)
	}
	e.token = m["access_token"].(string)

	if status, body := revoke(t, e, DefaultRefreshToken); status != 200 {
		t.Fatalf("revoke: %d %v", status, body)
	}
	if !e.s.Revoked(DefaultRefreshToken) {
		t.Error("Revoked says the token is still valid")
	}
	if resp, m := refreshWith(t, e, DefaultRefreshToken); resp.StatusCode != 400 || m["error"] != "invalid_grant" {
		t.Errorf("refresh after revoking: %d %v, want 400 invalid_grant", resp.StatusCode, m)
	}
	if resp, body := e.do(t, req{method: "GET", path: "/drive/v3/about", query: jsonQuery("fields", "user")}); resp.StatusCode != 401 {
		t.Errorf("an access token of the revoked grant still works: %d %s", resp.StatusCode, body)
	}
	if status, body := revoke(t, e, DefaultRefreshToken); status != 400 || body["error"] != "invalid_token" {
		t.Errorf("second revoke: %d %v, want 400 invalid_token", status, body)
	}
}

func TestRevokingAnAccessTokenEndsItsGrant(t *testing.T) {
	e := newRaw(t)
	_, m := refreshWith(t, e, DefaultRefreshToken)
	if status, body := revoke(t, e, m["access_token"].(string)); status != 200 {
		t.Fatalf("revoke: %d %v", status, body)
	}
	if resp, m := refreshWith(t, e, DefaultRefreshToken); resp.StatusCode != 400 || m["error"] != "invalid_grant" {
		t.Errorf("the refresh token outlived its access token's revocation: %d %v", resp.StatusCode, m)
	}
}

func TestRevokeRefusesWhatItDoesNotKnow(t *testing.T) {
	e := newRaw(t)
	for _, tok := range []string{"", "1//never-issued"} {
		status, body := revoke(t, e, tok)
		if status != 400 || body["error"] == "" {
			t.Errorf("revoke %q: %d %v, want 400 with an error", tok, status, body)
		}
	}
	if e.s.Revoked(DefaultRefreshToken) {
		t.Error("a failed revoke revoked the default token")
	}
}
