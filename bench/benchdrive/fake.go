// Package benchdrive is the fake Google Drive the benchmarks upload to: the
// fake of internal/googlefake on loopback, in the benchmark's own process,
// behind a throttle that stands for the line to Google, with the files that
// point dbbackup at it.
package benchdrive

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"

	"github.com/dbbackup/dbbackup/internal/drive"
	"github.com/dbbackup/dbbackup/internal/google"
	"github.com/dbbackup/dbbackup/internal/googlefake"
)

// Fake is a fake Google serving on loopback, with one folder, Backups, for
// the sets.
type Fake struct {
	*googlefake.Server
	// URL is the root of the fake's API (no trailing slash).
	URL string
	// Folder is the id of Backups (DRIVE_BACKUP_FOLDER_ID).
	Folder string
	// Credentials and Token are the credentials.json and token.json a
	// run reads (GOOGLE_CREDENTIALS_FILE, GOOGLE_TOKEN_FILE).
	Credentials, Token string
	srv                *httptest.Server
}

// Start serves a fake Google whose uploads are read at no more than
// bytesPerSec (0: as fast as they come), and writes its credentials and
// token files into dir.
func Start(dir string, bytesPerSec int) (*Fake, error) {
	g := googlefake.New()
	f := &Fake{Server: g, Folder: g.AddFolder("Backups").ID,
		Credentials: filepath.Join(dir, "credentials.json"), Token: filepath.Join(dir, "token.json")}
	f.srv = httptest.NewServer(Throttle(g, bytesPerSec))
	f.URL = f.srv.URL
	// 0600: a run warns about a token file others may read.
	if err := os.WriteFile(f.Credentials, g.CredentialsJSON(f.URL), 0o600); err != nil {
		f.Close()
		return nil, err
	}
	if err := os.WriteFile(f.Token, g.AuthorizedUserJSON(f.URL), 0o600); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Close stops serving.
func (f *Fake) Close() { f.srv.Close() }

// Env is the settings that send a run's sets to the fake's Backups, in
// upload requests of chunkMB MiB (BACKUP_UPLOAD_CHUNK_MB).
func (f *Fake) Env(chunkMB int) []string {
	return []string{"GOOGLE_CREDENTIALS_FILE=" + f.Credentials, "GOOGLE_TOKEN_FILE=" + f.Token,
		"DRIVE_BACKUP_FOLDER_ID=" + f.Folder, "GOOGLE_API_ENDPOINT=" + f.URL + "/",
		"BACKUP_UPLOAD_CHUNK_MB=" + strconv.Itoa(chunkMB)}
}

// Dest is the folder at root (a fake's URL) as a run reaches it: the Drive
// destination over internal/google's client for the token file, chunk
// bytes to an upload request. Its calls are not retried.
func Dest(ctx context.Context, root, folder, tokenFile string, chunk int) (*drive.Dest, error) {
	gc, err := google.New(ctx, tokenFile, []string{googlefake.ScopeDrive}, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	return drive.New(ctx, drive.Options{FolderID: folder, Endpoint: root + "/", ChunkSize: chunk,
		HTTPClient: gc.HTTP(), Unauthorized: gc.Invalidate})
}

// Stored is the files in Backups.
func (f *Fake) Stored() []googlefake.File {
	var in []googlefake.File
	for _, file := range f.Files() {
		if len(file.Parents) > 0 && file.Parents[0] == f.Folder {
			in = append(in, file)
		}
	}
	return in
}

// Clean deletes every file but the folders, through the API, so that the
// fake holds no more than one run's files (in memory) and the next run
// finds an empty folder.
func (f *Fake) Clean() error {
	access := f.AccessToken(googlefake.ScopeDrive)
	for _, file := range f.Files() {
		if file.MimeType == googlefake.FolderMimeType {
			continue
		}
		req, err := http.NewRequest(http.MethodDelete, f.URL+"/drive/v3/files/"+file.ID, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+access)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			return fmt.Errorf("delete %s from the fake: %s", file.Name, res.Status)
		}
	}
	return nil
}
