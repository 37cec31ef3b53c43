package googlefake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	drive "google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
)

// clientEnv is the fake driven by the official client, authorized the way
// our tool will be: a token source refreshing DefaultRefreshToken.
type clientEnv struct {
	s   *Server
	url string
	svc *drive.Service
}

func newClient(t *testing.T) *clientEnv {
	t.Helper()
	s, srv := NewTestServer(t)
	ctx := context.Background()
	hc := s.OAuth2Config(srv.URL).Client(ctx, &oauth2.Token{RefreshToken: DefaultRefreshToken})
	svc, err := drive.NewService(ctx, option.WithEndpoint(srv.URL+"/drive/v3/"), option.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	return &clientEnv{s: s, url: srv.URL, svc: svc}
}

func (c *clientEnv) folder(t *testing.T, name string) string {
	t.Helper()
	f, err := c.svc.Files.Create(&drive.File{Name: name, MimeType: FolderMimeType}).
		Fields("id,capabilities/canAddChildren").Do()
	if err != nil || !f.Capabilities.CanAddChildren {
		t.Fatalf("create folder: %+v %v", f, err)
	}
	return f.Id
}

func (c *clientEnv) upload(name, parent string, r io.Reader, chunk int) (*drive.File, error) {
	return c.svc.Files.Create(&drive.File{Name: name, Parents: []string{parent},
		AppProperties: map[string]string{"tool": "dbbackup"}}).
		Media(r, googleapi.ChunkSize(chunk), googleapi.ContentType("application/octet-stream")).
		Fields("id,name,size,md5Checksum,webViewLink").Do()
}

func TestOfficialClient(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	folder := c.folder(t, "Backups")

	big := patterned(40 << 20)
	f, err := c.upload("big.dump", folder, bytes.NewReader(big), 8<<20)
	if err != nil {
		t.Fatal(err)
	}
	if f.Size != int64(len(big)) || f.Md5Checksum != md5Hex(big) {
		t.Fatalf("uploaded %+v", f)
	}
	if stored, _ := c.s.Content(f.Id); !bytes.Equal(stored, big) {
		t.Fatal("stored bytes differ")
	}
	// 40 MiB is exactly five chunks, so the Go client ends with an empty
	// "bytes */TOTAL" request.
	log := c.s.Requests()
	if n := c.s.Calls(KindChunk); n != 6 {
		t.Fatalf("%d chunk requests", n)
	}
	if cr := log[len(log)-1].Header.Get("Content-Range"); cr != fmt.Sprintf("bytes */%d", len(big)) {
		t.Fatalf("last Content-Range %q", cr)
	}

	small, err := c.upload("small.txt", folder, strings.NewReader("hello"), 8<<20)
	if err != nil || small.Size != 5 {
		t.Fatalf("small: %+v %v", small, err)
	}
	log = c.s.Requests()
	if ut := log[len(log)-1].Query.Get("uploadType"); ut != "multipart" {
		t.Fatalf("small upload went %s", ut)
	}
	for i := range 5 {
		if _, err := c.upload(fmt.Sprintf("n%d", i), folder, strings.NewReader("x"), 8<<20); err != nil {
			t.Fatal(err)
		}
	}

	c.s.SetListPageLimit(3)
	var names []string
	var sizes int64
	err = c.svc.Files.List().Q(fmt.Sprintf("'%s' in parents and trashed = false and appProperties has { key='tool' and value='dbbackup' }", folder)).
		PageSize(1000).OrderBy("name").Fields("nextPageToken", "files(id,name,size,md5Checksum)").
		Pages(ctx, func(l *drive.FileList) error {
			for _, f := range l.Files {
				names = append(names, f.Name)
				sizes += f.Size
			}
			return nil
		})
	if err != nil || strings.Join(names, ",") != "big.dump,n0,n1,n2,n3,n4,small.txt" || sizes != int64(len(big))+5+5 {
		t.Fatalf("list: %q %d %v", names, sizes, err)
	}

	resp, err := c.svc.Files.Get(small.Id).Download()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello" {
		t.Fatalf("download %q", body)
	}

	if _, err := c.svc.Files.Update(small.Id, &drive.File{Trashed: true}).Do(); err != nil {
		t.Fatal(err)
	}
	about, err := c.svc.About.Get().Fields("user,storageQuota").Do()
	if err != nil || about.StorageQuota.Usage != int64(len(big))+10 || about.StorageQuota.UsageInDriveTrash != 5 ||
		about.StorageQuota.Limit != 0 || about.User.EmailAddress == "" {
		t.Fatalf("about %+v %v", about, err)
	}

	if err := c.svc.Files.Delete(small.Id).Do(); err != nil {
		t.Fatal(err)
	}
	_, err = c.svc.Files.Get(small.Id).Do()
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Code != 404 || len(ge.Errors) != 1 || ge.Errors[0].Reason != "notFound" {
		t.Fatalf("get after delete: %v", err)
	}
}

// TestOfficialClientFaults records what the Go client does on its own when
// the fake misbehaves: it retries chunk uploads (5xx, 429, a reset
// connection) and nothing else.
func TestOfficialClientFaults(t *testing.T) {
	data := patterned(3<<20 + 100)
	cases := []struct {
		name    string
		script  func(s *Server) // nil: cut the final chunk after its body
		wantErr int             // googleapi.Error code the call ends with; 0: it succeeds
		cut     bool            // a connection is cut and the chunk resent
	}{
		{"chunk 503 twice: retried", func(s *Server) { s.FailNext(KindChunk, 2, ServiceUnavailable()) }, 0, false},
		{"chunk 500: retried", func(s *Server) { s.FailNext(KindChunk, 1, InternalError()) }, 0, false},
		// The 30 s Retry-After is not honoured: the backoff starts at 100 ms.
		{"chunk 429: retried", func(s *Server) { s.FailNext(KindChunk, 1, RateLimitExceeded(30e9)) }, 0, false},
		{"chunk cut mid-body: retried", func(s *Server) { s.CutNext(KindChunk, 700<<10) }, 0, true},
		{"final chunk's answer lost: retried", nil, 0, true},
		{"chunk 403 userRateLimitExceeded: not retried", func(s *Server) { s.FailNext(KindChunk, 1, UserRateLimitExceeded()) }, 403, false},
		{"chunk 403 storageQuotaExceeded: not retried", func(s *Server) { s.FailNext(KindChunk, 1, StorageQuotaExceeded()) }, 403, false},
		{"session start 503: not retried", func(s *Server) { s.FailNext(KindCreate, 1, ServiceUnavailable()) }, 503, false},
		{"session start 429: not retried", func(s *Server) { s.FailNext(KindCreate, 1, RateLimitExceeded(0)) }, 429, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t)
			folder := c.folder(t, "Backups")
			var r io.Reader = bytes.NewReader(data)
			if tc.script != nil {
				tc.script(c.s)
			} else {
				// Once the client has read the last byte it sends the
				// final chunk; its answer is lost after the fake stored it.
				r = &triggerReader{r: r, at: int64(len(data)), fn: func() { c.s.CutNext(KindChunk, 1<<30) }}
			}
			f, err := c.upload("x", folder, r, 1<<20)
			if tc.wantErr == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if stored, _ := c.s.Content(f.Id); f.Md5Checksum != md5Hex(data) || !bytes.Equal(stored, data) {
					t.Fatal("stored bytes differ")
				}
				if n := len(c.s.Files()); n != 2 {
					t.Fatalf("%d files besides the root, want the folder and one upload", n)
				}
				if tc.cut {
					wantResent(t, c.s.Requests())
				}
				return
			}
			var ge *googleapi.Error
			if !errors.As(err, &ge) || ge.Code != tc.wantErr {
				t.Fatalf("err = %v, want a googleapi.Error %d", err, tc.wantErr)
			}
		})
	}

	// Calls outside chunk uploads are not retried either.
	c := newClient(t)
	c.s.FailNext(KindList, 1, ServiceUnavailable())
	_, err := c.svc.Files.List().Do()
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Code != 503 || ge.Errors[0].Reason != "backendError" {
		t.Fatalf("list: %v", err)
	}
	c.s.FailNext(KindCreate, 1, ServiceUnavailable())
	if _, err := c.upload("small", "root", strings.NewReader("x"), 1<<20); !errors.As(err, &ge) || ge.Code != 503 {
		t.Fatalf("multipart: %v", err)
	}
	c.s.FailNext(KindAbout, 1, RateLimitExceeded(7e9))
	_, err = c.svc.About.Get().Fields("user").Do()
	if !errors.As(err, &ge) || ge.Code != 429 || ge.Header.Get("Retry-After") != "7" {
		t.Fatalf("about: %v", err)
	}
}

// wantResent checks that a chunk request was cut and the client sent the
// same Content-Range again.
func wantResent(t *testing.T, log []Request) {
	t.Helper()
	for i, e := range log {
		if !e.Cut {
			continue
		}
		if i+1 < len(log) && log[i+1].Kind == KindChunk &&
			log[i+1].Header.Get("Content-Range") == e.Header.Get("Content-Range") {
			return
		}
		t.Fatalf("after the cut: %+v", log[i+1:])
	}
	t.Fatal("no request was cut")
}

// triggerReader calls fn once, when the reader has handed out at bytes.
type triggerReader struct {
	r    io.Reader
	n    int64
	at   int64
	fn   func()
	done bool
}

func (tr *triggerReader) Read(p []byte) (int, error) {
	n, err := tr.r.Read(p)
	if tr.n += int64(n); !tr.done && tr.n >= tr.at {
		tr.done = true
		tr.fn()
	}
	return n, err
}

// TestOfficialClientTokenExpiry: x/oauth2 refreshes by its own clock only.
// A token that expires by that clock is replaced before the next chunk; one
// the server drops early makes the chunk fail with 401, unretried.
func TestOfficialClientTokenExpiry(t *testing.T) {
	data := patterned(3 << 20)

	t.Run("refreshed mid-upload", func(t *testing.T) {
		c := newClient(t)
		// expires_in of 10 s is already "expired" to x/oauth2, which
		// subtracts 10 s, so it refreshes before every request.
		c.s.SetAccessTokenLifetime(10e9)
		folder := c.folder(t, "Backups")
		var stale string
		r := &triggerReader{r: bytes.NewReader(data), at: 2 << 20, fn: func() {
			stale = c.s.AccessToken()
			c.s.ExpireAccessTokens() // every token issued so far is dead
		}}
		f, err := c.upload("x", folder, r, 1<<20)
		if err != nil || f.Size != int64(len(data)) {
			t.Fatalf("%+v %v", f, err)
		}
		if tokens, chunks := c.s.Calls(KindToken), c.s.Calls(KindChunk); tokens < chunks {
			t.Fatalf("%d token calls for %d chunks", tokens, chunks)
		}
		e := &rawEnv{s: c.s, url: c.url, token: stale}
		resp, body := e.do(t, req{method: "GET", path: "/drive/v3/about", query: jsonQuery("fields", "user")})
		wantError(t, resp, body, 401, "authError")
	})

	t.Run("dropped by the server", func(t *testing.T) {
		c := newClient(t)
		folder := c.folder(t, "Backups")
		r := &triggerReader{r: bytes.NewReader(data), at: 2 << 20, fn: c.s.ExpireAccessTokens}
		_, err := c.upload("x", folder, r, 1<<20)
		var ge *googleapi.Error
		if !errors.As(err, &ge) || ge.Code != http.StatusUnauthorized {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("refresh token revoked", func(t *testing.T) {
		c := newClient(t)
		c.s.RevokeRefreshToken(DefaultRefreshToken)
		_, err := c.svc.About.Get().Fields("user").Do()
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
			t.Fatalf("err = %v (%T)", err, err)
		}
	})
}
