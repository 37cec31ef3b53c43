// Package drive is a Destination on a folder of a user's Google Drive, with
// the official Drive v3 client. Files are uploaded in resumable chunks,
// tagged with appProperties so that the tool's files can be told from
// anything else in the folder, and checked against Drive's md5Checksum.
// Retries are not done here: wrap the destination with internal/retry,
// which retries the errors this package marks temporary.
package drive

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/dbbackup/dbbackup"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
)

// App properties that tag the tool's files.
const (
	propTool   = "dbbackup"
	propSet    = "dbbackup_set"
	propFormat = "dbbackup_format"
	propDB     = "dbbackup_database"
	// propJob is the job that made the file's set; a file without it was
	// made before there were jobs and is the job default's.
	propJob = "dbbackup_job"
)

const folderMime = "application/vnd.google-apps.folder"

// fileFields are the fields read for every file.
const fileFields = "id,name,size,md5Checksum,createdTime,modifiedTime,appProperties,webViewLink,trashed"

// Options configure a Dest.
type Options struct {
	// FolderID is DRIVE_BACKUP_FOLDER_ID: the folder that holds the sets.
	FolderID string
	// Endpoint is the API root (GOOGLE_API_ENDPOINT), e.g.
	// "https://www.googleapis.com/"; empty for Google's.
	Endpoint string
	// ChunkSize is the size of each upload request (BACKUP_UPLOAD_CHUNK_MB).
	ChunkSize int
	// HTTPClient carries the OAuth token source.
	HTTPClient *http.Client
	// Unauthorized, if set, is called when Drive answers 401; the call is
	// then retried (with a refreshed token).
	Unauthorized func()
	// Trash makes Delete move files to the trash (BACKUP_RETENTION_TRASH)
	// instead of deleting them for good. Trashed files still use quota.
	Trash bool
	// Log, if set, receives a progress line every so often during long
	// uploads, so a log under cron shows that a run is moving.
	Log *slog.Logger
}

// Dest is a Google Drive folder.
type Dest struct {
	svc          *drive.Service
	folder       string
	chunk        int
	unauthorized func()
	trash        bool
	log          *slog.Logger
}

var _ dbbackup.MD5Keeper = (*Dest)(nil)

// KeepsMD5 implements dbbackup.MD5Keeper: Drive computes the md5 of every
// file it stores, and Put compares it with the run's.
func (d *Dest) KeepsMD5() {}

// New connects to Drive. It makes no call yet: Check does.
func New(ctx context.Context, o Options) (*Dest, error) {
	opts := []option.ClientOption{option.WithHTTPClient(o.HTTPClient)}
	if o.Endpoint != "" {
		// The client sends uploads to /upload/drive/v3/ on the same host,
		// whatever path the endpoint has.
		opts = append(opts, option.WithEndpoint(strings.TrimSuffix(o.Endpoint, "/")+"/drive/v3/"))
	}
	svc, err := drive.NewService(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("google drive client: %w", err)
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = googleapi.DefaultUploadChunkSize
	}
	return &Dest{svc: svc, folder: o.FolderID, chunk: o.ChunkSize, unauthorized: o.Unauthorized, trash: o.Trash, log: o.Log}, nil
}

func (d *Dest) String() string { return "Google Drive folder " + d.folder }

// Quota is the account's storage: Limit is 0 when unlimited.
type Quota struct {
	Limit, Usage int64
	User         string
}

// Free is the room left, or -1 when unlimited.
func (q Quota) Free() int64 {
	if q.Limit == 0 {
		return -1
	}
	return q.Limit - q.Usage
}

// Check makes sure the folder can take a set of about need bytes: it
// exists, is a folder, is not in the trash, the account may add files to
// it, and the quota has room. Each failure has its own message.
func (d *Dest) Check(ctx context.Context, need int64) (Quota, error) {
	f, err := d.svc.Files.Get(d.folder).Fields("id,name,mimeType,trashed,capabilities/canAddChildren").Context(ctx).Do()
	if err != nil {
		return Quota{}, d.explain("open the backup folder", err)
	}
	switch {
	case f.MimeType != folderMime:
		return Quota{}, folderError(fmt.Sprintf("%q (%s) is a file, not a folder", f.Name, d.folder))
	case f.Trashed:
		return Quota{}, folderError(fmt.Sprintf("the folder %q is in the trash", f.Name))
	case f.Capabilities != nil && !f.Capabilities.CanAddChildren:
		return Quota{}, folderError(fmt.Sprintf("the authorized account may not add files to the folder %q", f.Name))
	}
	q, err := d.Account(ctx)
	if err != nil {
		return Quota{}, err
	}
	if free := q.Free(); free >= 0 && free < need {
		return q, &dbbackup.HintError{
			Err:  fmt.Errorf("google drive has %s free, the backup needs about %s", dbbackup.HumanSize(free), dbbackup.HumanSize(need)),
			Hint: "free space in Google Drive (empty its trash too: trashed files count) or lower BACKUP_RETENTION_DAYS"}
	}
	return q, nil
}

// Account reads who the token authorizes and their storage, without
// looking at the folder: what a page shows of the connected account.
func (d *Dest) Account(ctx context.Context) (Quota, error) {
	a, err := d.svc.About.Get().Fields("user(emailAddress),storageQuota").Context(ctx).Do()
	if err != nil {
		return Quota{}, d.explain("read the storage quota", err)
	}
	q := Quota{Limit: a.StorageQuota.Limit, Usage: a.StorageQuota.Usage}
	if a.User != nil {
		q.User = a.User.EmailAddress
	}
	return q, nil
}

func folderError(problem string) error {
	return &dbbackup.ConfigError{Var: "DRIVE_BACKUP_FOLDER_ID", Problem: problem,
		Hint: "set DRIVE_BACKUP_FOLDER_ID to the id of a folder the authorized account owns (the last part of its address in Drive), or create one with `dbbackup drive mkdir Backups`"}
}

// CreateFolder makes a folder called name (in parent, or in My Drive when
// parent is empty) and returns its id and address. A folder made by the app
// is visible even with the narrow drive.file scope.
func (d *Dest) CreateFolder(ctx context.Context, name, parent string) (id, link string, err error) {
	meta := &drive.File{Name: name, MimeType: folderMime, AppProperties: map[string]string{propTool: dbbackup.Version}}
	if parent != "" {
		meta.Parents = []string{parent}
	}
	f, err := d.svc.Files.Create(meta).Fields("id,webViewLink").Context(ctx).Do()
	if err != nil {
		return "", "", d.explain("create the folder "+name, err)
	}
	return f.Id, f.WebViewLink, nil
}
