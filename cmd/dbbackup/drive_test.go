package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/googleauth"
	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/retry"
	"github.com/dbbackup/dbbackup/internal/state"
)

func init() {
	// Retries as in production, but in milliseconds.
	retryPolicy = retry.Policy{Tries: 5, Base: time.Millisecond, Max: 10 * time.Millisecond}
}

// google is a fake Google with a backup folder, and the settings that
// point the program at it.
type google struct {
	fake   *googlefake.Server
	folder string
	env    map[string]string
}

func newGoogle(t *testing.T, dbURL string) *google {
	t.Helper()
	return newGoogleBehind(t, dbURL, nil)
}

// newGoogleBehind is newGoogle with every request going through wrap
// (nil: none), to hold or drop answers the fake cannot.
func newGoogleBehind(t *testing.T, dbURL string, wrap func(*googlefake.Server) http.Handler) *google {
	t.Helper()
	fake := googlefake.New()
	var h http.Handler = fake
	if wrap != nil {
		h = wrap(fake)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	creds, token := filepath.Join(dir, "credentials.json"), filepath.Join(dir, "token.json")
	os.WriteFile(creds, fake.CredentialsJSON(srv.URL), 0o600)
	os.WriteFile(token, fake.AuthorizedUserJSON(srv.URL), 0o600)
	g := &google{fake: fake, folder: fake.AddFolder("Backups").ID}
	g.env = map[string]string{"DATABASE_URL": dbURL, "BACKUP_DIR": t.TempDir(), "BACKUP_FORMATS": "csv,json,dump",
		"GOOGLE_CREDENTIALS_FILE": creds, "GOOGLE_TOKEN_FILE": token, "DRIVE_BACKUP_FOLDER_ID": g.folder,
		"GOOGLE_API_ENDPOINT": srv.URL + "/", "BACKUP_UPLOAD_CHUNK_MB": "1"}
	return g
}

func (g *google) with(kv ...string) map[string]string { return withEnv(g.env, kv...) }

// stored lists the files in the backup folder, by name.
func (g *google) stored() map[string]googlefake.File {
	out := map[string]googlefake.File{}
	for _, f := range g.fake.Files() {
		if len(f.Parents) > 0 && f.Parents[0] == g.folder {
			out[f.Name] = f
		}
	}
	return out
}

func TestRunStoresTheSetInDrive(t *testing.T) {
	g := newGoogle(t, pgtest.NewDatabase(t, pgtest.Chinook(t)))
	res := runCLI(t, g.env, "run")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	stored := g.stored()
	if len(stored) != 5 {
		t.Fatalf("Drive holds %v, want csv.zip, json, dump, the schema and the manifest", stored)
	}
	var manifest googlefake.File
	for name, f := range stored {
		if strings.HasSuffix(name, ".manifest.json") {
			manifest = f
		}
		if f.AppProperties["dbbackup_set"] == "" || f.AppProperties["dbbackup_format"] == "" {
			t.Errorf("%s is not tagged: %v", name, f.AppProperties)
		}
	}
	b, _ := g.fake.Content(manifest.ID)
	var m struct {
		Files []struct{ Name, MD5 string }
	}
	if err := json.Unmarshal(b, &m); err != nil || len(m.Files) != 4 {
		t.Fatalf("manifest in Drive: %v %s", err, b)
	}
	for _, f := range m.Files {
		if stored[f.Name].MD5Checksum != f.MD5 {
			t.Errorf("%s: Drive md5 %s, manifest %s", f.Name, stored[f.Name].MD5Checksum, f.MD5)
		}
	}
	if !strings.Contains(res.stdout, "https://drive.google.com/file/d/") {
		t.Errorf("the summary has no Drive links:\n%s", res.stdout)
	}
	if files := setFiles(t, g.env["BACKUP_DIR"]); len(files) != 0 {
		t.Errorf("local copies were kept without BACKUP_KEEP_LOCAL: %v", files)
	}
	st, err := os.Stat(g.env["GOOGLE_TOKEN_FILE"])
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("token file after the run: %v %v", err, st.Mode())
	}
	if tok, err := googleauth.ReadToken(g.env["GOOGLE_TOKEN_FILE"]); err != nil || tok.AccessToken == "" || tok.Expiry.IsZero() {
		t.Errorf("the refreshed token was not saved: %+v %v", tok, err)
	}

	verify := runCLI(t, g.env, "verify")
	if verify.code != 0 || strings.Count(verify.stdout, "OK    ") != 4 {
		t.Errorf("verify:\n%s%s", verify.stdout, verify.stderr)
	}
	for name, f := range stored { // one bit flipped in Drive
		if strings.HasSuffix(name, ".json") && !strings.HasSuffix(name, ".manifest.json") {
			g.fake.Corrupt(f.ID)
		}
	}
	if bad := runCLI(t, g.env, "verify"); bad.code != exitFailed || !strings.Contains(bad.stdout, "SHA-256 differs") {
		t.Errorf("verify of a damaged set: exit %d\n%s%s", bad.code, bad.stdout, bad.stderr)
	}

	list := runCLI(t, g.env, "list")
	if list.code != 0 || !strings.Contains(list.stdout, "1 backup sets") || !strings.Contains(list.stdout, "complete") {
		t.Errorf("list:\n%s\n%s", list.stdout, list.stderr)
	}

	keep := runCLI(t, g.with("BACKUP_KEEP_LOCAL", "true"), "run")
	if keep.code != 0 || len(setFiles(t, g.env["BACKUP_DIR"])) != 5 {
		t.Errorf("BACKUP_KEEP_LOCAL=true: exit %d, local %v", keep.code, setFiles(t, g.env["BACKUP_DIR"]))
	}
}

func TestDriveFailures(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	tests := []struct {
		name  string
		setup func(g *google) map[string]string
		code  int
		want  []string
	}{
		{"storage quota exceeded", func(g *google) map[string]string {
			g.fake.SetStorageQuota(15<<30, 15<<30-100)
			return g.env
		}, exitFailed, []string{"storage quota", "service account"}},
		{"revoked refresh token", func(g *google) map[string]string {
			g.fake.RevokeRefreshToken(googlefake.DefaultRefreshToken)
			return g.env
		}, exitFailed, []string{"invalid_grant", "dbbackup token", "7 days"}},
		{"wrong md5 from Drive", func(g *google) map[string]string {
			g.fake.CorruptNextMD5()
			return g.env
		}, exitFailed, []string{"checksum mismatch"}},
		{"Drive down for good", func(g *google) map[string]string {
			g.fake.FailNext(googlefake.KindCreate, 100, googlefake.ServiceUnavailable())
			return g.env
		}, exitFailed, []string{"gave up after 5 attempts", "503"}},
		{"trashed folder", func(g *google) map[string]string {
			g.fake.SetTrashed(g.folder, true)
			return g.env
		}, exitConfig, []string{"DRIVE_BACKUP_FOLDER_ID", "trash"}},
		{"folder id of a file", func(g *google) map[string]string {
			f := g.fake.AddFile(googlefake.FileSpec{Name: "notes.txt", Content: []byte("x")})
			return g.with("DRIVE_BACKUP_FOLDER_ID", f.ID)
		}, exitConfig, []string{"DRIVE_BACKUP_FOLDER_ID", "not a folder"}},
		{"folder not shared with the account", func(g *google) map[string]string {
			f := g.fake.AddFile(googlefake.FileSpec{Name: "Theirs", MimeType: googlefake.FolderMimeType, Hidden: true})
			return g.with("DRIVE_BACKUP_FOLDER_ID", f.ID)
		}, exitConfig, []string{"DRIVE_BACKUP_FOLDER_ID", "can see"}},
		{"missing token file", func(g *google) map[string]string {
			return g.with("GOOGLE_TOKEN_FILE", "/nonexistent/token.json")
		}, exitConfig, []string{"GOOGLE_TOKEN_FILE", "dbbackup token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGoogle(t, url)
			env := tt.setup(g)
			res := runCLI(t, env, "run")
			if res.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", res.code, tt.code, res.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, res.stderr)
				}
			}
			for name := range g.stored() {
				if strings.HasPrefix(name, "backup_") {
					t.Errorf("a failed run left %s in Drive", name)
				}
			}
			if files := setFiles(t, env["BACKUP_DIR"]); len(files) != 0 {
				t.Errorf("a failed run left %v locally", files)
			}
		})
	}
}

func TestTokenCommand(t *testing.T) {
	g := newGoogle(t, "")
	tokenFile := filepath.Join(t.TempDir(), "new-token.json")
	address, done := startToken(t, g.with("GOOGLE_TOKEN_FILE", tokenFile), strings.NewReader(""))
	consent(t, address, done)
	q := g.fake.AuthRequests()[0]
	if q.Get("access_type") != "offline" || q.Get("prompt") != "consent" || q.Get("code_challenge_method") != "S256" || q.Get("state") == "" {
		t.Errorf("consent request %v", q)
	}
	tok, err := googleauth.ReadToken(tokenFile)
	if err != nil || tok.RefreshToken == "" || tok.Type != "authorized_user" {
		t.Fatalf("saved token %+v, %v", tok, err)
	}
	if st, _ := os.Stat(tokenFile); st.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v", st.Mode().Perm())
	}
	// The new token works for a run.
	if res := runCLI(t, g.with("GOOGLE_TOKEN_FILE", tokenFile, "DATABASE_URL", pgtest.NewDatabase(t, ordersSQL)), "run"); res.code != 0 {
		t.Fatalf("run with the new token: exit %d\n%s", res.code, res.stderr)
	}
}

func TestTokenCommandRefusesWrongCredentials(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct{ content, want string }{
		"service account": {`{"type": "service_account", "client_email": "x@y.iam.gserviceaccount.com"}`, "Desktop app"},
		// Google answers a Web client only at a registered redirect URI.
		"web client without a loopback redirect": {`{"web": {"client_id": "x", "client_secret": "y", "redirect_uris": ["https://backup.example.com/cb"]}}`,
			"add http://127.0.0.1:8085/ to \"Authorized redirect URIs\""},
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".json")
		os.WriteFile(p, []byte(c.content), 0o600)
		res := runCLI(t, map[string]string{"GOOGLE_CREDENTIALS_FILE": p}, "token")
		if res.code != exitConfig || !strings.Contains(res.stderr, "GOOGLE_CREDENTIALS_FILE") || !strings.Contains(res.stderr, c.want) {
			t.Errorf("%s: exit %d\n%s", name, res.code, res.stderr)
		}
	}
}

// TestTokenCommandWithAWebClient: a "Web application" client that has a
// loopback redirect URI registered authorizes through it, and the token
// works for a run.
func TestTokenCommandWithAWebClient(t *testing.T) {
	g := newGoogle(t, "")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + ln.Addr().String() + "/oauth2callback"
	ln.Close()
	g.fake.AddWebClient("https://backup.example.com/google/callback", redirect)
	creds, tokenFile := filepath.Join(t.TempDir(), "web.json"), filepath.Join(t.TempDir(), "token.json")
	os.WriteFile(creds, g.fake.WebCredentialsJSON(g.env["GOOGLE_API_ENDPOINT"]), 0o600)
	address, done := startToken(t, g.with("GOOGLE_CREDENTIALS_FILE", creds, "GOOGLE_TOKEN_FILE", tokenFile), strings.NewReader(""))
	consent(t, address, done)
	if got := g.fake.AuthRequests()[0].Get("redirect_uri"); got != redirect {
		t.Errorf("redirect_uri %q, want the registered %q", got, redirect)
	}
	if res := runCLI(t, g.with("GOOGLE_TOKEN_FILE", tokenFile, "DATABASE_URL", pgtest.NewDatabase(t, ordersSQL)), "run"); res.code != 0 {
		t.Fatalf("run with the new token: exit %d\n%s", res.code, res.stderr)
	}
}

func TestTokenImportOfBothPickles(t *testing.T) {
	var saved []string
	for _, p := range []string{"token.pickle", "token_protocol2.pickle"} {
		target := filepath.Join(t.TempDir(), "token.json")
		res := runCLI(t, map[string]string{"GOOGLE_TOKEN_FILE": target}, "token", "import", filepath.Join("..", "..", "testdata", p))
		if res.code != 0 {
			t.Fatalf("%s: exit %d\n%s", p, res.code, res.stderr)
		}
		b, _ := os.ReadFile(target)
		saved = append(saved, string(b))
		if strings.Contains(res.stdout+res.stderr, "fixture-secret") || strings.Contains(res.stdout+res.stderr, "fixture-refresh") {
			t.Errorf("import printed a secret:\n%s%s", res.stdout, res.stderr)
		}
	}
	if saved[0] != saved[1] || !strings.Contains(saved[0], `"refresh_token": "1//fixture-refresh-token-abc"`) {
		t.Fatalf("the pickles import differently:\n%s\n%s", saved[0], saved[1])
	}
}

func TestDriveMkdir(t *testing.T) {
	g := newGoogle(t, "")
	res := runCLI(t, g.with("DRIVE_BACKUP_FOLDER_ID", ""), "drive", "mkdir", "DB Backups")
	if res.code != 0 || !strings.Contains(res.stdout, "DRIVE_BACKUP_FOLDER_ID=") {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	id := strings.TrimSpace(res.stdout[strings.LastIndex(res.stdout, "=")+1:])
	if f, ok := g.fake.File(id); !ok || f.Name != "DB Backups" || f.MimeType != googlefake.FolderMimeType {
		t.Fatalf("folder %s: %+v", id, f)
	}
}

// TestNoGoogleSecretInOutput runs commands that succeed and fail with
// recognisable secrets and looks for them in everything printed.
func TestNoGoogleSecretInOutput(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	g := newGoogle(t, url)
	secrets := []string{googlefake.DefaultClientSecret, googlefake.DefaultRefreshToken}
	var all strings.Builder
	for _, step := range []func(){
		func() {},
		func() { g.fake.ExpireAccessTokens() },
		func() { g.fake.FailNext(googlefake.KindChunk, 2, googlefake.ServiceUnavailable()) },
		func() { g.fake.RevokeRefreshToken(googlefake.DefaultRefreshToken) },
	} {
		step()
		for _, args := range [][]string{{"run"}, {"list"}} {
			res := runCLI(t, g.with("LOG_LEVEL", "debug"), args...)
			all.WriteString(res.stdout + res.stderr)
		}
		if tok, err := googleauth.ReadToken(g.env["GOOGLE_TOKEN_FILE"]); err == nil && tok.AccessToken != "" {
			secrets = append(secrets, tok.AccessToken)
		}
	}
	for _, s := range secrets {
		if strings.Contains(all.String(), s) {
			t.Errorf("a secret (%.8s…) appears in the output", s)
		}
	}
	if !strings.Contains(all.String(), "invalid_grant") {
		t.Error("the revoked token was never reported")
	}
}

// TestRetentionOnDrive seeds a month of old sets in the Drive folder, with
// files the tool did not make beside them, and runs a backup.
func TestRetentionOnDrive(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	g := newGoogle(t, url)
	now := time.Now()
	for day := 1; day <= 35; day++ {
		g.seedDriveSet(dbbackup.SetIDAt("backup", now.AddDate(0, 0, -day).Add(time.Hour), 1), dbName(url), nil)
	}
	old := dbbackup.SetIDAt("backup", now.AddDate(0, 0, -300), 1)
	g.fake.AddFile(googlefake.FileSpec{Name: old + ".csv", Parents: []string{g.folder}, Content: []byte("someone else's")})
	g.fake.AddFile(googlefake.FileSpec{Name: "notes.txt", Parents: []string{g.folder}, Content: []byte("mine")})

	res := runCLI(t, g.with("BACKUP_FORMATS", "csv"), "run")
	if res.code != 0 || !strings.Contains(res.stdout, "Retention: deleted 5 expired sets") {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	stored := g.stored()
	if _, ok := stored[old+".csv"]; !ok {
		t.Error("an untagged file named like a backup was deleted")
	}
	if _, ok := stored["notes.txt"]; !ok {
		t.Error("a foreign file was deleted")
	}
	if len(stored) != 2+30*2+3 {
		t.Errorf("%d files left in Drive, want 65", len(stored))
	}
}

// TestTokenCommandAcceptsAPastedAddress plays a user on a server without a
// browser: the consent page is opened elsewhere, and the address Google
// redirected to is pasted into the waiting command.
func TestTokenCommandAcceptsAPastedAddress(t *testing.T) {
	g := newGoogle(t, "")
	tokenFile := filepath.Join(t.TempDir(), "pasted-token.json")
	stdinR, stdinW := io.Pipe()
	consent, done := startToken(t, g.with("GOOGLE_TOKEN_FILE", tokenFile), stdinR)
	// The "other computer" follows the consent page but not the redirect
	// to 127.0.0.1, which it cannot reach.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(consent)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	redirected := resp.Header.Get("Location")
	if !strings.Contains(redirected, "code=") {
		t.Fatalf("no redirect with a code: %s", redirected)
	}
	io.WriteString(stdinW, "\n  "+redirected+"  \n")
	if err := <-done; err != nil {
		t.Fatalf("token: %v", err)
	}
	if tok, err := googleauth.ReadToken(tokenFile); err != nil || tok.RefreshToken == "" {
		t.Fatalf("saved token %+v, %v", tok, err)
	}
}

// consent plays the browser: it opens the consent address `dbbackup token`
// printed, the fake consents and redirects to the command's loopback
// address; then it waits for the command to finish.
func consent(t *testing.T, address string, done <-chan error) {
	t.Helper()
	resp, err := http.Get(address)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := <-done; err != nil {
		t.Fatalf("token: %v", err)
	}
}

// startToken runs `dbbackup token` in the background and returns the
// consent address it prints, and where its result will come.
func startToken(t *testing.T, env map[string]string, stdin io.Reader) (string, <-chan error) {
	t.Helper()
	for _, k := range settings {
		t.Setenv(k, env[k])
	}
	stderrR, stderrW := io.Pipe()
	cmd := newRootCommand()
	cmd.SetArgs([]string{"token", "--listen", "127.0.0.1:0"})
	cmd.SetErr(stderrW)
	cmd.SetOut(io.Discard)
	cmd.SetIn(stdin)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(context.Background()); stderrW.Close() }()
	sc := bufio.NewScanner(stderrR)
	var consent string
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "http") && strings.Contains(line, "/o/oauth2/auth") {
			consent = line
			break
		}
	}
	go io.Copy(io.Discard, stderrR)
	if consent == "" {
		t.Fatal("no consent address printed")
	}
	return consent, done
}

// TestDriveQuotaInReportAndHistory: the storage Drive reports before the
// run reaches the email's storage section and the history's quota columns.
func TestDriveQuotaInReportAndHistory(t *testing.T) {
	g := newGoogle(t, pgtest.NewDatabase(t, ordersSQL))
	g.fake.SetStorageQuota(15<<30, 5<<30)
	mb := newMailbox(t)
	stateDir := t.TempDir()
	res := runCLI(t, mb.env(g.with("STATE_DIR", stateDir, "BACKUP_FORMATS", "csv")), "run")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	texts := mb.texts(t)
	if len(texts) != 1 || !strings.Contains(texts[0], "STORAGE\n5.0 GiB used of 15.0 GiB (33%), 10.0 GiB free.") {
		t.Errorf("the email has no storage section:\n%q", texts)
	}
	s, err := state.Open(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runs, _ := s.Runs(context.Background(), "", 0)
	if len(runs) != 1 {
		t.Fatalf("history %+v", runs)
	}
	d, err := s.Run(context.Background(), runs[0].ID)
	if err != nil || d.Quota == nil || *d.Quota != (dbbackup.Quota{Used: 5 << 30, Limit: 15 << 30}) {
		t.Fatalf("history quota %+v, %v", d.Quota, err)
	}
}
