package googlefake

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

func postForm(t *testing.T, e *rawEnv, form url.Values, basicID, basicSecret string) (*http.Response, map[string]any) {
	t.Helper()
	r, _ := http.NewRequest("POST", e.url+"/token", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		r.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return resp, m
}

func TestTokenRefresh(t *testing.T) {
	e := newRaw(t)
	e.s.AddClient("odd+id@x", "s3cret/+=") // characters that Basic auth must form-escape
	e.s.AddRefreshToken("odd+id@x", "1//odd", ScopeDrive, ScopeSpreadsheets)
	cases := []struct {
		name           string
		form           url.Values
		basicID, basic string
	}{
		{"basic", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {DefaultRefreshToken}}, DefaultClientID, DefaultClientSecret},
		{"form", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {DefaultRefreshToken},
			"client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}}, "", ""},
		{"basic escaped", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"1//odd"}}, "odd+id@x", "s3cret/+="},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, m := postForm(t, e, c.form, c.basicID, c.basic)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %v", resp.StatusCode, m)
			}
			if m["token_type"] != "Bearer" || m["expires_in"] != float64(3599) || m["scope"] == "" {
				t.Fatalf("token answer %v", m)
			}
			if _, ok := m["refresh_token"]; ok {
				t.Fatalf("a refresh answer carries no refresh_token: %v", m)
			}
			e.token = m["access_token"].(string)
			if resp, body := e.do(t, req{method: "GET", path: "/drive/v3/about", query: jsonQuery("fields", "user")}); resp.StatusCode != 200 {
				t.Fatalf("fresh token refused: %d %s", resp.StatusCode, body)
			}
		})
	}
}

func TestTokenErrors(t *testing.T) {
	e := newRaw(t)
	e.s.AddRefreshToken(DefaultClientID, "1//revoked", ScopeDrive)
	e.s.RevokeRefreshToken("1//revoked")
	refresh := func(tok string) url.Values {
		return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok}}
	}
	cases := []struct {
		name        string
		form        url.Values
		id, secret  string
		status      int
		code, descr string
	}{
		{"unknown refresh token", refresh("1//nope"), DefaultClientID, DefaultClientSecret, 400, "invalid_grant", "Token has been expired or revoked."},
		{"revoked refresh token", refresh("1//revoked"), DefaultClientID, DefaultClientSecret, 400, "invalid_grant", "Token has been expired or revoked."},
		{"wrong secret", refresh(DefaultRefreshToken), DefaultClientID, "wrong", 401, "invalid_client", "Unauthorized"},
		{"unknown client", refresh(DefaultRefreshToken), "nobody", "x", 401, "invalid_client", "The OAuth client was not found."},
		{"no client", refresh(DefaultRefreshToken), "", "", 400, "invalid_request", "Could not determine client ID from request."},
		{"bad grant type", url.Values{"grant_type": {"password"}}, DefaultClientID, DefaultClientSecret, 400, "unsupported_grant_type", "Invalid grant_type: password"},
		{"missing refresh token", url.Values{"grant_type": {"refresh_token"}}, DefaultClientID, DefaultClientSecret, 400, "invalid_request", "Missing required parameter: refresh_token"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, m := postForm(t, e, c.form, c.id, c.secret)
			if resp.StatusCode != c.status || m["error"] != c.code || m["error_description"] != c.descr {
				t.Fatalf("got %d %v, want %d %s %q", resp.StatusCode, m, c.status, c.code, c.descr)
			}
		})
	}
}

// TestRevokeThroughClient checks invalid_grant reaches x/oauth2 users as
// *oauth2.RetrieveError, the type our tool's messages key on.
func TestRevokeThroughClient(t *testing.T) {
	e := newRaw(t)
	e.s.RevokeRefreshToken(DefaultRefreshToken)
	ts := e.s.OAuth2Config(e.url).TokenSource(context.Background(), &oauth2.Token{RefreshToken: DefaultRefreshToken})
	_, err := ts.Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || re.ErrorDescription != "Token has been expired or revoked." {
		t.Fatalf("err = %v", err)
	}
}

func TestBearerRequired(t *testing.T) {
	e := newRaw(t)
	resp, body := e.do(t, req{method: "GET", path: "/drive/v3/files", query: jsonQuery(), noAuth: true})
	ge := wantError(t, resp, body, 401, "required")
	if ge.Error.Status != "UNAUTHENTICATED" || ge.Error.Errors[0].Location != "Authorization" {
		t.Fatalf("%s", body)
	}

	e.token = "ya29.bogus"
	resp, body = e.do(t, req{method: "GET", path: "/drive/v3/files", query: jsonQuery()})
	wantError(t, resp, body, 401, "authError")
	if !strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Fatalf("WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
	}

	e.token = e.s.AccessToken()
	e.s.ExpireAccessTokens()
	resp, body = e.do(t, req{method: "GET", path: "/drive/v3/files", query: jsonQuery()})
	wantError(t, resp, body, 401, "authError")

	e.token = e.s.AccessToken(ScopeDriveReadonly)
	resp, body = e.do(t, req{method: "POST", path: "/drive/v3/files", query: jsonQuery(), body: strings.NewReader(`{"name":"x"}`)})
	wantError(t, resp, body, 403, "insufficientPermissions")
	resp, _ = e.do(t, req{method: "GET", path: "/drive/v3/files", query: jsonQuery()})
	if resp.StatusCode != 200 {
		t.Fatalf("read-only scope cannot list: %d", resp.StatusCode)
	}
}

// TestLoopbackFlow walks the consent flow as the tool will: PKCE S256,
// state, offline access and prompt=consent, then the code exchange.
func TestLoopbackFlow(t *testing.T) {
	e := newRaw(t)
	ctx := context.Background()
	cfg := e.s.OAuth2Config(e.url, ScopeDrive)
	cfg.RedirectURL = "http://127.0.0.1:53682/"
	verifier := oauth2.GenerateVerifier()
	authURL := cfg.AuthCodeURL("st4te", oauth2.AccessTypeOffline, oauth2.SetAuthURLParam("prompt", "consent"),
		oauth2.S256ChallengeOption(verifier))

	code := consent(t, authURL, "st4te")
	if _, err := cfg.Exchange(ctx, code, oauth2.VerifierOption("wrong-verifier-wrong-verifier-wrong-verifier")); err == nil {
		t.Fatal("wrong verifier accepted")
	}
	code = consent(t, authURL, "st4te")
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || tok.AccessToken == "" {
		t.Fatalf("token %+v", tok)
	}
	if _, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier)); err == nil {
		t.Fatal("a code was accepted twice")
	}
	// The new refresh token works.
	if _, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); err != nil {
		t.Fatal(err)
	}
	// Without prompt=consent a second authorization brings no refresh token.
	again := cfg.AuthCodeURL("s2", oauth2.AccessTypeOffline, oauth2.S256ChallengeOption(verifier))
	tok2, err := cfg.Exchange(ctx, consent(t, again, "s2"), oauth2.VerifierOption(verifier))
	if err != nil || tok2.RefreshToken != "" {
		t.Fatalf("second consent without prompt=consent: %+v %v", tok2, err)
	}
	got := e.s.AuthRequests()[0]
	if got.Get("code_challenge_method") != "S256" || got.Get("access_type") != "offline" || got.Get("state") != "st4te" {
		t.Fatalf("recorded request %v", got)
	}

	e.s.DenyConsent(true)
	resp, _ := e.do(t, req{method: "GET", path: strings.TrimPrefix(authURL, e.url), noAuth: true})
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 302 || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "st4te" {
		t.Fatalf("deny: %d %s", resp.StatusCode, loc)
	}
}

// consent fetches the consent page and returns the code it redirects with.
func consent(t *testing.T, authURL, state string) string {
	t.Helper()
	resp, err := noRedirect.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 302 || err != nil || loc.Host != "127.0.0.1:53682" {
		t.Fatalf("consent: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if loc.Query().Get("state") != state || loc.Query().Get("code") == "" {
		t.Fatalf("redirect %s", loc)
	}
	return loc.Query().Get("code")
}

func TestConsentPageRefuses(t *testing.T) {
	e := newRaw(t)
	good := url.Values{"client_id": {DefaultClientID}, "redirect_uri": {"http://127.0.0.1:9/cb"},
		"response_type": {"code"}, "scope": {ScopeDrive}, "state": {"s"},
		"code_challenge": {pkceS256("v")}, "code_challenge_method": {"S256"}}
	cases := []struct {
		name, key, value string
		status           int
	}{
		{"valid", "", "", 302},
		{"ipv6 loopback", "redirect_uri", "http://[::1]:8080/", 302},
		{"unknown client", "client_id", "nobody", 401},
		{"oob", "redirect_uri", "urn:ietf:wg:oauth:2.0:oob", 400},
		{"not loopback", "redirect_uri", "http://evil.example/cb", 400},
		{"https loopback", "redirect_uri", "https://127.0.0.1:9/", 400},
		{"token response", "response_type", "token", 400},
		{"no scope", "scope", "", 400},
		{"unknown scope", "scope", "https://www.googleapis.com/auth/gmail", 400},
		{"unknown challenge method", "code_challenge_method", "S512", 400},
		{"short challenge", "code_challenge", "abc", 400},
		{"bad access_type", "access_type", "forever", 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := cloneValues(good)
			if c.key != "" {
				q.Set(c.key, c.value)
			}
			resp, body := e.do(t, req{method: "GET", path: "/o/oauth2/auth", query: q, noAuth: true})
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
		})
	}
}

// TestWebClientRedirectsOnlyToItsRegisteredURIs: a "Web application"
// client's consent page redirects to a URI registered for it, compared
// whole; anything else is Google's redirect_uri_mismatch error page, with
// no redirect. A Desktop client keeps any loopback port.
func TestWebClientRedirectsOnlyToItsRegisteredURIs(t *testing.T) {
	e := newRaw(t)
	e.s.AddWebClient("http://127.0.0.1:8085/oauth2callback", "https://backup.example.com/google/callback")
	ask := func(clientID, redirect string) (*http.Response, []byte) {
		q := url.Values{"client_id": {clientID}, "redirect_uri": {redirect}, "response_type": {"code"},
			"scope": {ScopeDrive}, "state": {"s"}}
		return e.do(t, req{method: "GET", path: "/o/oauth2/auth", query: q, noAuth: true})
	}
	for redirect, ok := range map[string]bool{
		"http://127.0.0.1:8085/oauth2callback":       true,
		"https://backup.example.com/google/callback": true,
		"http://127.0.0.1:8086/oauth2callback":       false, // another port
		"http://127.0.0.1:8085/oauth2callback/":      false, // a trailing slash
		"http://localhost:8085/oauth2callback":       false, // another spelling of the host
		"http://127.0.0.1:8085/":                     false,
		"https://evil.example/google/callback":       false,
	} {
		resp, body := ask(WebClientID, redirect)
		if ok {
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != 302 || !strings.HasPrefix(loc.String(), redirect+"?") || loc.Query().Get("code") == "" {
				t.Errorf("%s: %d %s", redirect, resp.StatusCode, loc)
			}
			continue
		}
		if resp.StatusCode != 400 || resp.Header.Get("Location") != "" || !strings.Contains(string(body), "redirect_uri_mismatch") ||
			!strings.Contains(string(body), "redirect_uri="+redirect) {
			t.Errorf("%s: %d %s", redirect, resp.StatusCode, body)
		}
	}
	if resp, _ := ask(DefaultClientID, "http://127.0.0.1:53999/anything"); resp.StatusCode != 302 {
		t.Errorf("a Desktop client lost its loopback redirect: %d", resp.StatusCode)
	}

	// The file the fake hands out is what x/oauth2 reads, and the code it
	// brings back is exchanged for the URI it was issued to.
	cfg, err := google.ConfigFromJSON(e.s.WebCredentialsJSON(e.url), ScopeDrive)
	if err != nil || cfg.ClientID != WebClientID || cfg.RedirectURL != "http://127.0.0.1:8085/oauth2callback" {
		t.Fatalf("web credentials.json: %+v %v", cfg, err)
	}
	resp, err := noRedirect.Get(cfg.AuthCodeURL("st", oauth2.AccessTypeOffline, oauth2.SetAuthURLParam("prompt", "consent")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	tok, err := cfg.Exchange(context.Background(), loc.Query().Get("code"))
	if err != nil || tok.RefreshToken == "" {
		t.Fatalf("exchange: %+v %v", tok, err)
	}
}
