package googleauth

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/googlefake"
)

var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// browse plays the user's browser on the consent page: Google's answer is
// the query of the address it redirects to.
func browse(t *testing.T, consentURL string) (*url.URL, int) {
	t.Helper()
	resp, err := noFollow.Get(consentURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return loc, resp.StatusCode
}

func loadClient(t *testing.T, credentials []byte) *Client {
	t.Helper()
	p := filepath.Join(t.TempDir(), "credentials.json")
	os.WriteFile(p, credentials, 0o600)
	c, err := LoadClient(p, []string{googlefake.ScopeDrive})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestConsentInTwoSteps drives the flow as a web page would: the consent
// URL is made in one request, the answer exchanged in another, with only
// the Consent kept between them.
func TestConsentInTwoSteps(t *testing.T) {
	fake, srv := googlefake.NewTestServer(t)
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		client   func() *Client
		redirect string
	}{
		{"desktop client, loopback", func() *Client { return loadClient(t, fake.CredentialsJSON(srv.URL)) }, "http://127.0.0.1:53682/"},
		{"web client, its registered URI", func() *Client {
			fake.AddWebClient("https://backup.example.com/google/callback")
			return loadClient(t, fake.WebCredentialsJSON(srv.URL))
		}, "https://backup.example.com/google/callback"},
	} {
		t.Run(c.name, func(t *testing.T) {
			client := c.client()
			p, err := client.Begin(c.redirect)
			if err != nil {
				t.Fatal(err)
			}
			answer, status := browse(t, p.URL)
			if status != http.StatusFound || !strings.HasPrefix(answer.String(), c.redirect+"?") {
				t.Fatalf("consent page: %d %s", status, answer)
			}
			forged := answer.Query()
			forged.Set("state", "someone-else")
			if _, err := client.Exchange(ctx, p, forged); !errors.Is(err, ErrOtherState) {
				t.Fatalf("an answer of another state: %v", err)
			}
			tok, err := client.Exchange(ctx, p, answer.Query())
			if err != nil {
				t.Fatal(err)
			}
			if tok.RefreshToken == "" || tok.ClientID != client.Config.ClientID || tok.TokenURI != srv.URL+"/token" {
				t.Fatalf("token %+v", tok)
			}
			// What was exchanged is a working token file.
			path := filepath.Join(t.TempDir(), "token.json")
			if err := WriteToken(path, tok); err != nil {
				t.Fatal(err)
			}
			saved, _ := ReadToken(path)
			saved.AccessToken = ""
			if _, err := TokenSource(ctx, saved.Config(nil), saved, path, quiet).Token(); err != nil {
				t.Fatalf("the new refresh token: %v", err)
			}
			if _, err := client.Exchange(ctx, p, answer.Query()); err == nil {
				t.Fatal("a code was exchanged twice")
			}
		})
	}
	q := fake.AuthRequests()[0]
	if q.Get("access_type") != "offline" || q.Get("prompt") != "consent" || q.Get("code_challenge_method") != "S256" {
		t.Errorf("consent request %v", q)
	}
}

func TestConsentDeclined(t *testing.T) {
	fake, srv := googlefake.NewTestServer(t)
	fake.DenyConsent(true)
	client := loadClient(t, fake.CredentialsJSON(srv.URL))
	p, _ := client.Begin("http://127.0.0.1:53682/")
	answer, _ := browse(t, p.URL)
	if _, err := client.Exchange(context.Background(), p, answer.Query()); err == nil || !strings.Contains(err.Error(), "access_denied") {
		t.Fatalf("got %v", err)
	}
}

// TestBeginRefusesARedirectGoogleWouldRefuse: Google shows only an error
// page for a redirect URI the client may not use; Begin says which URI to
// register, naming GOOGLE_CREDENTIALS_FILE.
func TestBeginRefusesARedirectGoogleWouldRefuse(t *testing.T) {
	fake, srv := googlefake.NewTestServer(t)
	fake.AddWebClient("https://backup.example.com/google/callback")
	web := loadClient(t, fake.WebCredentialsJSON(srv.URL))
	desktop := loadClient(t, fake.CredentialsJSON(srv.URL))
	for _, c := range []struct {
		client   *Client
		redirect string
		hint     string
	}{
		{web, "https://backup.example.com/other", "add https://backup.example.com/other to \"Authorized redirect URIs\""},
		{web, "http://127.0.0.1:8085/", "add http://127.0.0.1:8085/ to"},
		{desktop, "https://backup.example.com/google/callback", "\"Web application\""},
	} {
		_, err := c.client.Begin(c.redirect)
		var ce *dbbackup.ConfigError
		if !errors.As(err, &ce) || ce.Var != "GOOGLE_CREDENTIALS_FILE" || !strings.Contains(ce.Hint, c.hint) {
			t.Errorf("%s with %s: %v", c.client.Kind(), c.redirect, err)
		}
	}
	// Google agrees: the fake's consent page refuses what Begin refuses.
	cfg := web.Config
	cfg.RedirectURL = "https://backup.example.com/other"
	if _, status := browse(t, cfg.AuthCodeURL("s")); status != http.StatusBadRequest {
		t.Errorf("the fake accepted an unregistered redirect: %d", status)
	}
}

// TestAuthorizeWithAWebClient: `dbbackup token` with a "Web application"
// client listens on the loopback URI registered for it, path included.
func TestAuthorizeWithAWebClient(t *testing.T) {
	fake, srv := googlefake.NewTestServer(t)
	redirect := "http://" + freeAddr(t) + "/oauth2callback"
	fake.AddWebClient("https://backup.example.com/google/callback", redirect)
	client := loadClient(t, fake.WebCredentialsJSON(srv.URL))
	consent, done := authorize(t, client, "127.0.0.1:0")
	answer, _ := browse(t, consent)
	// Another request's answer is ignored, and the flow goes on waiting.
	other := answer.Query()
	other.Set("state", "x")
	if resp, err := http.Get(redirect + "?" + other.Encode()); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("an answer of another state: %v %v", resp, err)
	}
	resp, err := http.Get(answer.String())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "dbbackup is authorized") {
		t.Fatalf("page: %s", page)
	}
	res := <-done
	if res.err != nil || res.tok.RefreshToken == "" {
		t.Fatalf("authorize: %+v %v", res.tok, res.err)
	}
	if got := fake.AuthRequests()[0].Get("redirect_uri"); got != redirect {
		t.Fatalf("redirect_uri %q, want the registered %q", got, redirect)
	}
}

func TestAuthorizeWithAWebClientWithoutALoopbackURI(t *testing.T) {
	fake, srv := googlefake.NewTestServer(t)
	fake.AddWebClient("https://backup.example.com/google/callback", "http://127.0.0.1:9001/")
	client := loadClient(t, fake.WebCredentialsJSON(srv.URL))
	// --listen names a port no registered URI has.
	_, err := Authorize(context.Background(), client, "127.0.0.1:9002", nil, io.Discard)
	var ce *dbbackup.ConfigError
	if !errors.As(err, &ce) || ce.Var != "GOOGLE_CREDENTIALS_FILE" || !strings.Contains(ce.Hint, "add http://127.0.0.1:9002/ to") ||
		!strings.Contains(ce.Problem, "https://backup.example.com/google/callback") {
		t.Errorf("--listen 127.0.0.1:9002: %v", err)
	}
	fake.AddWebClient("https://backup.example.com/google/callback")
	client = loadClient(t, fake.WebCredentialsJSON(srv.URL))
	_, err = Authorize(context.Background(), client, "127.0.0.1:0", nil, io.Discard)
	if !errors.As(err, &ce) || !strings.Contains(ce.Hint, "http://127.0.0.1:8085/") || !strings.Contains(ce.Hint, "Desktop app") {
		t.Errorf("no loopback URI: %v", err)
	}
}

type authorized struct {
	tok *Token
	err error
}

// authorize runs Authorize in the background and returns the consent URL
// it prints.
func authorize(t *testing.T, c *Client, listen string) (string, <-chan authorized) {
	t.Helper()
	r, w := io.Pipe()
	done := make(chan authorized, 1)
	go func() {
		tok, err := Authorize(context.Background(), c, listen, nil, w)
		w.CloseWithError(err)
		done <- authorized{tok, err}
	}()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "http") {
			go io.Copy(io.Discard, r)
			return line, done
		}
	}
	t.Fatalf("no consent URL printed: %v", (<-done).err)
	return "", nil
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
