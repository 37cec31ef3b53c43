package drive_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/destinationtest"
	"github.com/dbbackup/dbbackup/internal/drive"
	"github.com/dbbackup/dbbackup/internal/googleauth"
	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/retry"
)

var (
	quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
	fast  = retry.Policy{Tries: 5, Base: time.Millisecond, Max: 5 * time.Millisecond}
)

// fixture is a fake Google with one folder, and a Drive destination on it
// as the program wires it: a token source, the chunk size, retries.
type fixture struct {
	fake   *googlefake.Server
	root   string
	ts     *googleauth.Source
	folder string
	inner  *drive.Dest
	dest   dbbackup.Destination
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	fake, srv := googlefake.NewTestServer(t)
	tok := &googleauth.Token{ClientID: googlefake.DefaultClientID, ClientSecret: googlefake.DefaultClientSecret,
		RefreshToken: googlefake.DefaultRefreshToken, TokenURI: srv.URL + "/token"}
	scopes := []string{googlefake.ScopeDrive}
	fx := &fixture{fake: fake, root: srv.URL + "/", folder: fake.AddFolder("Backups").ID,
		ts: googleauth.TokenSource(context.Background(), tok.Config(scopes), tok, filepath.Join(t.TempDir(), "token.json"), quiet)}
	fx.inner = fx.newDest(t, fx.folder)
	fx.dest = &retry.Destination{Destination: fx.inner, Policy: fast, Log: quiet}
	return fx
}

func (fx *fixture) newDest(t *testing.T, folder string) *drive.Dest {
	t.Helper()
	return fx.newDestChunk(t, folder, 256<<10)
}

func (fx *fixture) newDestChunk(t *testing.T, folder string, chunk int) *drive.Dest {
	t.Helper()
	ctx := context.Background()
	d, err := drive.New(ctx, drive.Options{FolderID: folder, Endpoint: fx.root, ChunkSize: chunk,
		HTTPClient: fx.ts.Client(nil), Unauthorized: fx.ts.Invalidate})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestContract(t *testing.T) {
	destinationtest.Run(t, func(t *testing.T) dbbackup.Destination { return newFixture(t).dest })
}

func payload(n int) ([]byte, dbbackup.File) {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(uint64(n), 7))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	sum := md5.Sum(b)
	return b, dbbackup.File{Name: "backup_20260210_020000.csv.zip", SetID: "backup_20260210_020000", Format: dbbackup.FormatCSV,
		Size: int64(n), MD5: hex.EncodeToString(sum[:])}
}

// put uploads data through the destination and checks that Drive holds
// exactly those bytes, tagged as the tool's.
func (fx *fixture) put(t *testing.T, data []byte, f dbbackup.File) (dbbackup.File, error) {
	t.Helper()
	stored, err := fx.dest.Put(context.Background(), f, bytes.NewReader(data))
	if err != nil {
		return stored, err
	}
	got, ok := fx.fake.Content(stored.ID)
	if !ok || !bytes.Equal(got, data) {
		t.Fatalf("Drive holds %d bytes that differ from the %d sent", len(got), len(data))
	}
	meta, _ := fx.fake.File(stored.ID)
	if meta.AppProperties["dbbackup_set"] != f.SetID || meta.AppProperties["dbbackup_format"] != "csv" || meta.Parents[0] != fx.folder {
		t.Fatalf("file not tagged or misplaced: %+v", meta)
	}
	if stored.Link == "" {
		t.Fatal("no link")
	}
	return stored, nil
}

func TestUploadSurvivesTemporaryFaults(t *testing.T) {
	tests := []struct {
		name   string
		inject func(*googlefake.Server)
	}{
		{"503 twice on a chunk", func(s *googlefake.Server) { s.FailNext(googlefake.KindChunk, 2, googlefake.ServiceUnavailable()) }},
		{"503 twice on session start", func(s *googlefake.Server) { s.FailNext(googlefake.KindCreate, 2, googlefake.ServiceUnavailable()) }},
		{"429 with Retry-After", func(s *googlefake.Server) {
			s.FailNext(googlefake.KindCreate, 1, googlefake.RateLimitExceeded(time.Second))
		}},
		{"403 userRateLimitExceeded", func(s *googlefake.Server) {
			s.FailNext(googlefake.KindChunk, 1, googlefake.UserRateLimitExceeded())
		}},
		{"list fails before upload", func(s *googlefake.Server) { s.FailNext(googlefake.KindList, 2, googlefake.InternalError()) }},
		{"connection cut mid-chunk", func(s *googlefake.Server) { s.CutNext(googlefake.KindChunk, 100<<10) }},
		{"access token refused before its expiry", func(s *googlefake.Server) { s.ExpireAccessTokens() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t)
			data, f := payload(1<<20 + 1234) // five chunks
			if _, err := fx.dest.List(context.Background()); err != nil {
				t.Fatal(err) // a first call, so that a token exists to refuse
			}
			tt.inject(fx.fake)
			if _, err := fx.put(t, data, f); err != nil {
				t.Fatalf("upload failed: %v", err)
			}
			if n := len(fx.fake.Files()); n != 2 { // the folder and one file
				t.Fatalf("Drive holds %d files, want the folder and one file", n)
			}
		})
	}
}

func TestPermanentFaults(t *testing.T) {
	t.Run("wrong md5 is deleted and reported", func(t *testing.T) {
		fx := newFixture(t)
		data, f := payload(300 << 10)
		fx.fake.CorruptNextMD5()
		_, err := fx.put(t, data, f)
		if !errors.Is(err, dbbackup.ErrChecksumMismatch) {
			t.Fatalf("got %v, want ErrChecksumMismatch", err)
		}
		if n := len(fx.fake.Files()); n != 1 {
			t.Fatalf("the bad file was not deleted: %d files", n)
		}
	})
	t.Run("storage quota exceeded", func(t *testing.T) {
		fx := newFixture(t)
		fx.fake.SetStorageQuota(1<<20, 1<<20-1000)
		data, f := payload(300 << 10)
		_, err := fx.put(t, data, f)
		var hint *dbbackup.HintError
		if !errors.As(err, &hint) || !bytes.Contains([]byte(hint.Hint), []byte("service account")) {
			t.Fatalf("got %v, want the quota explained", err)
		}
		if calls := fx.fake.Calls(googlefake.KindCreate); calls != 1 {
			t.Fatalf("a permanent error was retried: %d attempts", calls)
		}
	})
}

func TestCheck(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	if _, err := fx.inner.Check(ctx, 1<<20); err != nil {
		t.Fatalf("a good folder: %v", err)
	}
	fx.fake.SetStorageQuota(10<<20, 9<<20)
	if _, err := fx.inner.Check(ctx, 5<<20); err == nil {
		t.Fatal("a full Drive passed the check")
	}
	fx.fake.SetStorageQuota(0, 0)

	var ce *dbbackup.ConfigError
	file := fx.fake.AddFile(googlefake.FileSpec{Name: "notes.txt", Parents: []string{fx.folder}, Content: []byte("x")})
	trashed := fx.fake.AddFolder("Old")
	fx.fake.SetTrashed(trashed.ID, true)
	for name, id := range map[string]string{"a file": file.ID, "a trashed folder": trashed.ID, "a missing id": "no-such-id"} {
		if _, err := fx.newDest(t, id).Check(ctx, 0); !errors.As(err, &ce) || ce.Var != "DRIVE_BACKUP_FOLDER_ID" {
			t.Errorf("%s: got %v, want a ConfigError naming DRIVE_BACKUP_FOLDER_ID", name, err)
		}
	}
}

func TestListTellsTheToolsFilesFromOthers(t *testing.T) {
	fx := newFixture(t)
	data, f := payload(1000)
	if _, err := fx.put(t, data, f); err != nil {
		t.Fatal(err)
	}
	fx.fake.AddFile(googlefake.FileSpec{Name: "backup_20260101_000000.csv", Parents: []string{fx.folder}, Content: []byte("not ours")})
	files, err := fx.dest.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tagged := 0
	for _, f := range files {
		if f.SetID != "" {
			tagged++
		}
	}
	if len(files) != 2 || tagged != 1 {
		t.Fatalf("listed %+v: want 2 files, 1 of them the tool's", files)
	}
}

// TestFilesCarryTheirJob: a file is tagged with the job that made its
// set, and listed with it, so that jobs sharing a folder tell their sets
// apart; a file made before jobs lists no job, and its set is default's.
func TestFilesCarryTheirJob(t *testing.T) {
	fx := newFixture(t)
	data, f := payload(1000)
	f.Job, f.Database = "crm", "shop"
	stored, err := fx.put(t, data, f)
	if err != nil {
		t.Fatal(err)
	}
	if meta, _ := fx.fake.File(stored.ID); meta.AppProperties["dbbackup_job"] != "crm" {
		t.Fatalf("appProperties %v", meta.AppProperties)
	}
	fx.fake.AddFile(googlefake.FileSpec{Name: "backup_20250101_000000.csv", Parents: []string{fx.folder}, Content: []byte("old"),
		AppProperties: map[string]string{"dbbackup": "1.0", "dbbackup_set": "backup_20250101_000000", "dbbackup_format": "csv"}})
	files, err := fx.dest.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	jobs := map[string]string{}
	for _, s := range dbbackup.Sets(files, time.UTC) {
		jobs[s.ID] = s.Job + "/" + s.Database
	}
	want := map[string]string{f.SetID: "crm/shop", "backup_20250101_000000": "default/"}
	if len(jobs) != 2 || jobs[f.SetID] != want[f.SetID] || jobs["backup_20250101_000000"] != want["backup_20250101_000000"] {
		t.Fatalf("sets listed as %v, want %v", jobs, want)
	}
}

func TestTrashInsteadOfDelete(t *testing.T) {
	fx := newFixture(t)
	data, f := payload(1000)
	stored, err := fx.put(t, data, f)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d, err := drive.New(ctx, drive.Options{FolderID: fx.folder, Endpoint: fx.root, HTTPClient: fx.ts.Client(nil), Trash: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(ctx, stored); err != nil {
		t.Fatal(err)
	}
	if meta, ok := fx.fake.File(stored.ID); !ok || !meta.Trashed {
		t.Fatalf("the file was not moved to the trash: %+v %v", meta, ok)
	}
	if files, _ := d.List(ctx); len(files) != 0 {
		t.Fatalf("a trashed file is still listed: %+v", files)
	}
}

// TestPutAfterALostAnswer: an upload whose answer was lost left the file in
// Drive; the retry finds it and takes it as stored when it is the same
// bytes, and refuses to add a second file of that name when it is not.
func TestPutAfterALostAnswer(t *testing.T) {
	fx := newFixture(t)
	data, f := payload(2000)
	earlier := fx.fake.AddFile(googlefake.FileSpec{Name: f.Name, Parents: []string{fx.folder}, Content: data,
		AppProperties: map[string]string{"dbbackup": "test", "dbbackup_set": f.SetID, "dbbackup_format": "csv"}})
	stored, err := fx.dest.Put(context.Background(), f, bytes.NewReader(data))
	if err != nil || stored.ID != earlier.ID {
		t.Fatalf("got %+v, %v; want the earlier upload %s", stored, err, earlier.ID)
	}
	if n := fx.fake.Calls(googlefake.KindCreate); n != 0 {
		t.Fatalf("uploaded again: %d create calls", n)
	}
	other, g := payload(3000)
	g.Name = f.Name
	if _, err := fx.dest.Put(context.Background(), g, bytes.NewReader(other)); err == nil {
		t.Fatal("a different file of the same name was stored beside the first")
	}
	if got, _ := fx.fake.Content(earlier.ID); !bytes.Equal(got, data) {
		t.Fatal("the stored file changed")
	}
}

// TestAccountNeedsNoFolder: the Google page shows who is connected before
// any backup folder is chosen.
func TestAccountNeedsNoFolder(t *testing.T) {
	fx := newFixture(t)
	fx.fake.SetUser(googlefake.User{EmailAddress: "owner@example.com", DisplayName: "Owner"})
	fx.fake.SetStorageQuota(15<<30, 1<<30)
	q, err := fx.newDest(t, "").Account(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if q.User != "owner@example.com" || q.Limit != 15<<30 || q.Usage < 1<<30 {
		t.Fatalf("account %+v", q)
	}
}

// TestAFileOfUnknownSizeGoesInSmallerChunks: a file uploaded while it is
// written (its size and md5 not known) goes in chunks of 8 MiB at most,
// however large BACKUP_UPLOAD_CHUNK_MB is: a run uploads several at once,
// each holding a chunk in memory.
func TestAFileOfUnknownSizeGoesInSmallerChunks(t *testing.T) {
	fx := newFixture(t)
	d := fx.newDestChunk(t, fx.folder, 32<<20)
	data, f := payload(9<<20 + 5)
	f.Size, f.MD5 = 0, ""
	stored, err := d.Put(context.Background(), f, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := fx.fake.Content(stored.ID); !bytes.Equal(got, data) {
		t.Fatalf("Drive holds %d bytes that differ from the %d sent", len(got), len(data))
	}
	var chunks []int64
	for _, r := range fx.fake.Requests() {
		if r.Kind == googlefake.KindChunk {
			chunks = append(chunks, r.BodyBytes)
		}
	}
	if len(chunks) != 2 || chunks[0] != 8<<20 {
		t.Fatalf("chunks of %v bytes, want 8 MiB then the rest", chunks)
	}
}

// TestASmallFileHoldsNoWholeChunk: a file smaller than a chunk takes a
// buffer of its own size, not of BACKUP_UPLOAD_CHUNK_MB.
func TestASmallFileHoldsNoWholeChunk(t *testing.T) {
	fx := newFixture(t)
	d := fx.newDestChunk(t, fx.folder, 64<<20)
	data, f := payload(2000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := d.Put(context.Background(), f, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
		t.Fatalf("a %d-byte upload allocated %d MiB", len(data), n>>20)
	}
}
