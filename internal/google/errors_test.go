package google_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/google"
	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/retry"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/option"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// env is the fake Google, a token file for it, and the official Drive
// client on a google.Client made from that file, as the program wires it.
type env struct {
	fake   *googlefake.Server
	root   string
	token  string
	client *google.Client
	svc    *drive.Service
}

func newEnv(t *testing.T, scopes ...string) *env {
	t.Helper()
	fake, srv := googlefake.NewTestServer(t)
	e := &env{fake: fake, root: srv.URL + "/", token: filepath.Join(t.TempDir(), "token.json")}
	if err := os.WriteFile(e.token, fake.AuthorizedUserJSON(srv.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	if len(scopes) > 0 {
		fake.AddRefreshToken(googlefake.DefaultClientID, googlefake.DefaultRefreshToken, scopes...)
	}
	var err error
	if e.client, err = google.New(context.Background(), e.token, []string{googlefake.ScopeDrive}, quiet); err != nil {
		t.Fatal(err)
	}
	e.svc, err = drive.NewService(context.Background(), option.WithHTTPClient(e.client.HTTP()), option.WithEndpoint(e.root+"drive/v3/"))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) about() error {
	_, err := e.svc.About.Get().Fields("user").Do()
	return err
}

func (e *env) mkdir() error {
	_, err := e.svc.Files.Create(&drive.File{Name: "x", MimeType: "application/vnd.google-apps.folder"}).Do()
	return err
}

// TestClassifyWhatTheClientReturns: each failure Google sends, as the
// official client returns it, falls in the class whose handling a user
// depends on: retried, re-authorized, or said to be the resource's.
func TestClassifyWhatTheClientReturns(t *testing.T) {
	cases := []struct {
		name    string
		failure googlefake.Failure
		want    google.Class
	}{
		{"503", googlefake.ServiceUnavailable(), google.Temporary},
		{"500", googlefake.InternalError(), google.Temporary},
		{"429 rate limit", googlefake.RateLimitExceeded(0), google.Temporary},
		{"403 user rate limit", googlefake.UserRateLimitExceeded(), google.Temporary},
		{"Sheets' 429, no errors[]", googlefake.Failure{Code: 429, InfoReason: "RATE_LIMIT_EXCEEDED",
			Message: "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user'"}, google.Temporary},
		{"storage quota", googlefake.StorageQuotaExceeded(), google.StorageQuota},
		{"Drive's missing scope", googlefake.Failure{Code: 403, Reason: "insufficientPermissions",
			Message: "Request had insufficient authentication scopes."}, google.Scope},
		{"Sheets' missing scope", googlefake.Failure{Code: 403, InfoReason: "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
			Message: "Request had insufficient authentication scopes."}, google.Scope},
		{"Sheets' no permission", googlefake.Failure{Code: 403, Message: "The caller does not have permission"}, google.Forbidden},
		{"Drive's no permission", googlefake.Failure{Code: 403, Reason: "insufficientFilePermissions",
			Message: "The user does not have sufficient permissions for this file."}, google.Forbidden},
		{"404", googlefake.Failure{Code: 404, Reason: "notFound", Message: "File not found: x."}, google.NotFound},
		{"Sheets' bad range", googlefake.Failure{Code: 400, Message: "Unable to parse range: Nope!A1"}, google.Invalid},
		{"401", googlefake.Failure{Code: 401, Reason: "authError", Message: "Request had invalid authentication credentials."}, google.Unauthorized},
	}
	e := newEnv(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.fake.FailNext(googlefake.KindAbout, 1, c.failure)
			err := e.about()
			if got := google.Classify(err); got != c.want {
				t.Fatalf("class %d, want %d: %v", got, c.want, err)
			}
			var te *retry.TemporaryError
			if temporary := errors.As(google.Explain("read", err, nil), &te); temporary != (c.want == google.Temporary) {
				t.Fatalf("marked temporary: %v", temporary)
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	e := newEnv(t)
	e.fake.FailNext(googlefake.KindAbout, 1, googlefake.RateLimitExceeded(7*time.Second))
	var te *retry.TemporaryError
	if err := google.Explain("read", e.about(), nil); !errors.As(err, &te) || te.After != 7*time.Second {
		t.Fatalf("got %#v", err)
	}
}

// TestATokenTheFakeNarrowedIsAScopeProblem: a token granted drive.readonly
// cannot write; the user is told about GOOGLE_SCOPES and `dbbackup token`.
func TestATokenTheFakeNarrowedIsAScopeProblem(t *testing.T) {
	e := newEnv(t, googlefake.ScopeDriveReadonly)
	err := google.Explain("create a folder", e.mkdir(), nil)
	var he *dbbackup.HintError
	if !errors.As(err, &he) || !strings.Contains(he.Hint, "GOOGLE_SCOPES") || !strings.Contains(he.Hint, "dbbackup token") {
		t.Fatalf("got %v", err)
	}
}

// TestA401GetsAFreshAccessToken: an access token refused before its expiry
// is dropped, and the retried call refreshes it and succeeds.
func TestA401GetsAFreshAccessToken(t *testing.T) {
	e := newEnv(t)
	if err := e.about(); err != nil {
		t.Fatal(err)
	}
	e.fake.ExpireAccessTokens() // by the server's clock only: the client still holds it as valid
	err := google.Explain("read", e.about(), e.client.Invalidate)
	var te *retry.TemporaryError
	if !errors.As(err, &te) {
		t.Fatalf("a 401 was not marked for retry: %v", err)
	}
	if err := e.about(); err != nil {
		t.Fatalf("the retry did not get a fresh token: %v", err)
	}
	if n := e.fake.Calls(googlefake.KindToken); n != 2 {
		t.Fatalf("%d token calls, want 2", n)
	}
}

func TestARevokedRefreshTokenIsRefusedWithItsHint(t *testing.T) {
	e := newEnv(t)
	e.fake.RevokeRefreshToken(googlefake.DefaultRefreshToken)
	err := e.about()
	if google.Classify(err) != google.Refused {
		t.Fatalf("got %v", err)
	}
	err = google.Explain("read", err, e.client.Invalidate)
	var he *dbbackup.HintError
	var te *retry.TemporaryError
	if errors.As(err, &te) || !errors.As(err, &he) || !strings.Contains(he.Hint, "dbbackup token") {
		t.Fatalf("got %v", err)
	}
	if err := e.client.Refresh(); err == nil {
		t.Fatal("Refresh passed with a revoked token")
	}
}

func TestUnresolvableHostIsRetriedBriefly(t *testing.T) {
	e := newEnv(t)
	svc, _ := drive.NewService(context.Background(), option.WithHTTPClient(e.client.HTTP()),
		option.WithEndpoint("http://nonexistent.invalid/drive/v3/"))
	_, err := svc.About.Get().Fields("user").Do()
	err = google.Explain("read", err, nil)
	var te *retry.TemporaryError
	var he *dbbackup.HintError
	if !errors.As(err, &te) || te.Tries != 3 || !errors.As(err, &he) || !strings.Contains(he.Hint, "GOOGLE_API_ENDPOINT") {
		t.Fatalf("got %#v", err)
	}
}

func TestACutConnectionIsTemporary(t *testing.T) {
	e := newEnv(t)
	e.fake.CutNext(googlefake.KindCreate, 0)
	if err := e.mkdir(); google.Classify(err) != google.Temporary {
		t.Fatalf("got %v", err)
	}
}

// TestRefreshSavesTheToken: the client made from the token file keeps it
// current, so the next process starts with the fresh access token.
func TestRefreshSavesTheToken(t *testing.T) {
	e := newEnv(t)
	if err := e.client.Refresh(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(e.token)
	if !strings.Contains(string(b), `"token": "ya29.fake-`) {
		t.Fatalf("token file after a refresh: %s", b)
	}
}

// TestAnAPINotEnabledSaysWhereToEnableIt: Google's 403 SERVICE_DISABLED is
// not a missing permission; the hint names the project and the console
// page Google gave, and asks to enable the API, not to share anything.
func TestAnAPINotEnabledSaysWhereToEnableIt(t *testing.T) {
	e := newEnv(t)
	e.fake.FailNext(googlefake.KindAbout, 1, googlefake.SheetsServiceDisabled())
	err := e.about()
	if c := google.Classify(err); c != google.ServiceDisabled {
		t.Fatalf("class %v: %v", c, err)
	}
	if d := google.DisabledOf(err); d.Project != "1234567890" || d.API != "Google Sheets API" {
		t.Fatalf("got %+v", d)
	}
	err = google.Explain("open the spreadsheet", err, nil)
	var he *dbbackup.HintError
	if !errors.As(err, &he) || !strings.Contains(he.Hint, "enable Google Sheets API in Google Cloud project 1234567890") ||
		!strings.Contains(he.Hint, "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=1234567890") ||
		strings.Contains(he.Hint, "share") ||
		err.Error() != "open the spreadsheet: Google Sheets API is not enabled in the Google Cloud project 1234567890 of the OAuth client (Google answered 403 SERVICE_DISABLED)" {
		t.Fatalf("got %v (hint %q)", err, he.Hint)
	}
	if c := google.Classify(err); c != google.ServiceDisabled {
		t.Fatalf("explained, the class is %v", c)
	}
}

// TestClassifySeesThroughExplain: an error Explain gave a hint is still
// what Google answered, not a refused refresh token.
func TestClassifySeesThroughExplain(t *testing.T) {
	e := newEnv(t, googlefake.ScopeDriveReadonly)
	err := google.Explain("create a folder", e.mkdir(), nil)
	if c := google.Classify(err); c != google.Scope {
		t.Fatalf("class %v: %v", c, err)
	}
}
