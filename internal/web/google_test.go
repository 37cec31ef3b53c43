package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/googleauth"
	"github.com/dbbackup/dbbackup/internal/googlefake"
)

// googleInstallation is an installation whose Google is the fake, with
// its OAuth client (credentials) and no token yet.
type googleInstallation struct {
	*installation
	fake      *googlefake.Server
	fakeURL   string
	tokenFile string
}

func newGoogleInstallation(t *testing.T, web bool) *googleInstallation {
	t.Helper()
	fake := googlefake.New()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	fake.SetUser(googlefake.User{EmailAddress: "owner@example.com", DisplayName: "Owner"})
	dir := t.TempDir()
	creds, token := filepath.Join(dir, "credentials.json"), filepath.Join(dir, "token.json")
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app",
		"GOOGLE_CREDENTIALS_FILE": creds, "GOOGLE_TOKEN_FILE": token, "GOOGLE_API_ENDPOINT": srv.URL + "/"})
	credentials := fake.CredentialsJSON(srv.URL)
	if web {
		fake.AddWebClient(in.ts.URL + "/google/callback")
		credentials = fake.WebCredentialsJSON(srv.URL)
	}
	os.WriteFile(creds, credentials, 0o600)
	return &googleInstallation{installation: in, fake: fake, fakeURL: srv.URL, tokenFile: token}
}

// consentAnswer plays the person on Google's consent page: it returns
// where Google sends the browser back.
func consentAnswer(t *testing.T, consentURL string) string {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(consentURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("consent page: %d", res.StatusCode)
	}
	return res.Header.Get("Location")
}

// connect presses Connect and returns where the browser is sent.
func (g *googleInstallation) connect(t *testing.T, c *http.Client, host string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", g.ts.URL+"/google/connect", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if host != "" {
		// The client's jar would look for cookies of this host.
		req.Host = host
		for _, ck := range c.Jar.Cookies(req.URL) {
			req.AddCookie(ck)
		}
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func (g *googleInstallation) connected(t *testing.T) *googleauth.Token {
	t.Helper()
	st, err := os.Stat(g.tokenFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", err, st)
	}
	tok, err := googleauth.ReadToken(g.tokenFile)
	if err != nil || tok.RefreshToken == "" {
		t.Fatalf("token: %+v %v", tok, err)
	}
	return tok
}

func TestConnectGoogleFromTheBrowserAndDisconnect(t *testing.T) {
	for _, web := range []bool{false, true} {
		t.Run(map[bool]string{false: "desktop client on loopback", true: "web client"}[web], func(t *testing.T) {
			g := newGoogleInstallation(t, web)
			ts := g.ts
			alice := ts.signedIn(t, "alice")
			if page := body(t, ts.get(t, alice, "/google")); !strings.Contains(page, "Not connected") || !strings.Contains(page, "Connect to Google") {
				t.Fatalf("before connecting:\n%s", page)
			}
			res := g.connect(t, alice, "")
			consent := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(consent, g.fakeURL) {
				t.Fatalf("connect: %d to %q", res.StatusCode, consent)
			}
			back := consentAnswer(t, consent)
			asked := g.fake.AuthRequests()[0]
			if asked.Get("code_challenge_method") != "S256" || asked.Get("state") == "" || asked.Get("access_type") != "offline" {
				t.Errorf("the consent asked for %v", asked)
			}
			if !strings.HasPrefix(back, ts.URL+"/google/callback?") {
				t.Fatalf("Google sends the browser to %s", back)
			}
			res = ts.get(t, alice, strings.TrimPrefix(back, ts.URL))
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/google?done=connected" {
				t.Fatalf("callback: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), body(t, res))
			}
			tok := g.connected(t)
			if res := ts.get(t, alice, strings.TrimPrefix(back, ts.URL)); res.StatusCode != http.StatusBadRequest {
				t.Errorf("the answer was taken twice: %d", res.StatusCode)
			}
			bob := ts.signedIn(t, "bob")
			page := body(t, ts.get(t, bob, "/google"))
			if !strings.Contains(page, "owner@example.com") || !strings.Contains(page, googlefake.ScopeDrive) || strings.Contains(page, "Disconnect (revoke") {
				t.Errorf("the page a viewer sees:\n%s", page)
			}
			if !ts.audited(t, "alice", "google.connect", "token saved to "+g.tokenFile) {
				t.Errorf("audit: %v", ts.auditLog(t))
			}

			res = ts.postForm(t, alice, "/google/disconnect", nil)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("disconnect: %d\n%s", res.StatusCode, body(t, res))
			}
			if _, err := os.Stat(g.tokenFile); !os.IsNotExist(err) {
				t.Errorf("the token file is still there: %v", err)
			}
			if !g.fake.Revoked(tok.RefreshToken) {
				t.Error("the token still works at Google")
			}
			if !ts.audited(t, "alice", "google.disconnect", g.tokenFile+" deleted (revoked at Google)") {
				t.Errorf("audit: %v", ts.auditLog(t))
			}
		})
	}
}

// TestADesktopClientAwayFromLoopbackPastesTheAddress: Google sends a
// Desktop client's answer to a loopback address only, which is not this
// server as the browser reaches it: the person pastes the address.
func TestADesktopClientAwayFromLoopbackPastesTheAddress(t *testing.T) {
	g := newGoogleInstallation(t, false)
	ts := g.ts
	alice := ts.signedIn(t, "alice")
	res := g.connect(t, alice, "backup.example.com:8080")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/google" {
		t.Fatalf("connect: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	page := body(t, ts.get(t, alice, "/google"))
	if !strings.Contains(page, `name="address"`) {
		t.Fatalf("no paste form:\n%s", page)
	}
	start := strings.Index(page, `href="`+g.fakeURL)
	if start < 0 {
		t.Fatalf("no consent link:\n%s", page)
	}
	consent := page[start+len(`href="`):]
	consent = strings.ReplaceAll(consent[:strings.Index(consent, `"`)], "&amp;", "&")
	back := consentAnswer(t, consent)
	if !strings.HasPrefix(back, pasteRedirect) {
		t.Fatalf("Google sends the browser to %s", back)
	}
	if res := ts.postForm(t, alice, "/google/paste", url.Values{"address": {"http://127.0.0.1:8976/?state=other&code=x"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("an address of another consent: %d", res.StatusCode)
	}
	res = ts.postForm(t, alice, "/google/paste", url.Values{"address": {back}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("paste: %d\n%s", res.StatusCode, body(t, res))
	}
	g.connected(t)
}

// TestAWebClientWithoutThisAddressSaysWhatToRegister.
func TestAWebClientWithoutThisAddressSaysWhatToRegister(t *testing.T) {
	g := newGoogleInstallation(t, true)
	g.fake.AddWebClient("https://elsewhere.example.com/google/callback")
	os.WriteFile(filepath.Join(filepath.Dir(g.tokenFile), "credentials.json"), g.fake.WebCredentialsJSON(g.fakeURL), 0o600)
	alice := g.ts.signedIn(t, "alice")
	res := g.ts.postForm(t, alice, "/google/connect", nil)
	page := body(t, res)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "add "+g.ts.URL+"/google/callback to") {
		t.Errorf("connect: %d\n%s", res.StatusCode, page)
	}
}

// TestTheGooglePageSaysWhereTheClientGoesAndThatDriveIsOptional: with no
// OAuth client file, the page names the absolute path where the server
// looks for it and how to make it; that is a problem (red) only when a job
// stores in Drive.
func TestTheGooglePageSaysWhereTheClientGoesAndThatDriveIsOptional(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app", "GOOGLE_CREDENTIALS_FILE": "credentials.json"})
	bob := in.ts.signedIn(t, "bob")
	page := body(t, in.ts.get(t, bob, "/google"))
	path := filepath.Join(dir, "credentials.json")
	for _, want := range []string{"Google Drive is optional", "No job stores in Drive now", "No OAuth client yet: the server reads it from <code>" + path + "</code>",
		"Put it on this server as <code>" + path + "</code>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the Google page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, `class="failed"`) {
		t.Errorf("the Google page shows a problem though no job uses Drive:\n%s", page)
	}

	in = newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app", "GOOGLE_CREDENTIALS_FILE": "credentials.json",
		"DRIVE_BACKUP_FOLDER_ID": "1AbC"})
	page = body(t, in.ts.get(t, in.ts.signedIn(t, "bob"), "/google"))
	if !strings.Contains(page, "Jobs that store in Drive: default.") || !strings.Contains(page, `<p role="alert" class="failed">No OAuth client yet`) {
		t.Errorf("the Google page of an installation that stores in Drive:\n%s", page)
	}
}
