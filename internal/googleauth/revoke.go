package googleauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// RevokeURL is the revoke endpoint beside a token endpoint: Google's
// https://oauth2.googleapis.com/token is revoked at …/revoke, and a
// token_uri that points elsewhere (a proxy, the fake in tests) is followed
// the same way.
func RevokeURL(tokenURI string) string {
	tokenURI = or(tokenURI, DefaultTokenURL)
	if base, ok := strings.CutSuffix(tokenURI, "/token"); ok {
		return base + "/revoke"
	}
	return strings.TrimSuffix(tokenURI, "/") + "/revoke"
}

// ErrUnknownToken is Revoke's answer when Google no longer knows the
// token: it was revoked already (another disconnect, the user at
// myaccount.google.com/permissions) or it expired. Access has ended
// either way.
var ErrUnknownToken = errors.New("google no longer knows the token: it was revoked already or has expired")

// Revoke ends dbbackup's access to the account t authorizes: Google
// revokes the refresh token and every access token of the grant, so no
// copy of the token file works any more. The caller deletes the file.
func Revoke(ctx context.Context, t *Token) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	endpoint := RevokeURL(t.TokenURI)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint,
		strings.NewReader(url.Values{"token": {t.RefreshToken}}.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("revoke the Google token at %s: %w", endpoint, Explain(err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &e)
	if e.Error == "invalid_token" {
		return ErrUnknownToken
	}
	return fmt.Errorf("revoke the Google token at %s: %s %s %s", endpoint, resp.Status, e.Error, e.Description)
}
