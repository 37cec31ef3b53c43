package drive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"
)

// Put implements dbbackup.Destination. The upload is resumable, in chunks
// of the configured size, so memory stays flat for any file size; r may
// be a file still being written (f.Size 0: the size is sent with the last
// chunk). When a
// file of this name is already in the folder — an earlier attempt whose
// answer was lost — and it has the expected md5, it is taken as stored;
// otherwise Put refuses to add a second file of the same name.
func (d *Dest) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	existing, err := d.find(ctx, f.Name)
	if err != nil {
		return dbbackup.File{}, err
	}
	if existing != nil {
		if f.MD5 != "" && existing.Md5Checksum == f.MD5 && existing.Size == f.Size {
			return d.file(existing), nil
		}
		return dbbackup.File{}, fmt.Errorf("put %s: a different file of that name is already in the folder", f.Name)
	}
	meta := &drive.File{
		Name:          f.Name,
		Parents:       []string{d.folder},
		MimeType:      dbbackup.MIMEType(f.Name),
		AppProperties: map[string]string{propTool: dbbackup.Version, propSet: f.SetID, propFormat: string(f.Format), propDB: f.Database, propJob: f.Job},
	}
	created, err := d.svc.Files.Create(meta).
		Media(r, googleapi.ChunkSize(d.chunkFor(f)), googleapi.ContentType(meta.MimeType)).
		ProgressUpdater(d.progress(f)).
		Fields(fileFields).Context(ctx).Do()
	if err != nil {
		return dbbackup.File{}, d.explain("upload "+f.Name, err)
	}
	stored := d.file(created)
	if (f.MD5 != "" && created.Md5Checksum != f.MD5) || (f.Size != 0 && created.Size != f.Size) {
		// A file that is not what was sent must not stay: it would look
		// like a backup.
		delErr := d.Delete(context.WithoutCancel(ctx), stored)
		return dbbackup.File{}, errors.Join(fmt.Errorf("put %s: Google Drive stored %d bytes with md5 %s, %d bytes with md5 %s were sent: %w",
			f.Name, created.Size, created.Md5Checksum, f.Size, f.MD5, dbbackup.ErrChecksumMismatch), delErr)
	}
	return stored, nil
}

// followChunk is the largest chunk of an upload whose size is not known
// yet: a file uploaded while it is written. A run uploads its text
// formats so, all at once (three files in the default run), and each
// upload holds one chunk in memory.
const followChunk = 8 << 20

// chunkFor is the chunk size of f's upload: d's, but no more than
// followChunk for a file of unknown size, and just over the file's size
// for a file smaller than a chunk (the client holds a buffer of the chunk
// size, which would be mostly empty). A chunk that holds the whole file
// makes the upload one request.
func (d *Dest) chunkFor(f dbbackup.File) int {
	switch {
	case f.Size == 0 && f.MD5 == "":
		return min(d.chunk, followChunk)
	case f.Size < int64(d.chunk):
		return int(f.Size) + 1
	}
	return d.chunk
}

// progressEvery is how often a long upload says how far it is.
const progressEvery = 30 * time.Second

// progress logs an upload's progress at most every progressEvery.
func (d *Dest) progress(f dbbackup.File) googleapi.ProgressUpdater {
	start := time.Now()
	last := start
	return func(current, _ int64) {
		now := time.Now()
		if d.log == nil || now.Sub(last) < progressEvery {
			return
		}
		last = now
		rate := float64(current) / now.Sub(start).Seconds()
		args := []any{"file", f.Name, "sent", dbbackup.HumanSize(current)}
		if f.Size > 0 { // unknown for a file uploaded while it is written
			args = append(args, "of", dbbackup.HumanSize(f.Size))
		}
		d.log.Info("uploading", append(args, "rate", dbbackup.HumanSize(int64(rate))+"/s")...)
	}
}

// find returns the untrashed file called name in the folder, if any.
func (d *Dest) find(ctx context.Context, name string) (*drive.File, error) {
	q := fmt.Sprintf("'%s' in parents and name = '%s' and trashed = false", escape(d.folder), escape(name))
	res, err := d.svc.Files.List().Q(q).Fields(googleapi.Field("files(" + fileFields + ")")).PageSize(10).Context(ctx).Do()
	if err != nil {
		return nil, d.explain("look for "+name, err)
	}
	if len(res.Files) == 0 {
		return nil, nil
	}
	return res.Files[0], nil
}

// List implements dbbackup.Destination: every file in the folder that is
// not in the trash. Files without the tool's appProperties are listed with
// an empty SetID.
func (d *Dest) List(ctx context.Context) ([]dbbackup.File, error) {
	q := fmt.Sprintf("'%s' in parents and trashed = false", escape(d.folder))
	var files []dbbackup.File
	err := d.svc.Files.List().Q(q).PageSize(1000).OrderBy("createdTime").
		Fields(googleapi.Field("nextPageToken,files("+fileFields+")")).
		Pages(ctx, func(page *drive.FileList) error {
			for _, f := range page.Files {
				files = append(files, d.file(f))
			}
			return nil
		})
	if err != nil {
		return nil, d.explain("list the backup folder", err)
	}
	return files, nil
}

// Open implements dbbackup.Destination.
func (d *Dest) Open(ctx context.Context, f dbbackup.File) (io.ReadCloser, error) {
	res, err := d.svc.Files.Get(f.ID).Context(ctx).Download()
	if isNotFound(err) {
		return nil, fmt.Errorf("download %s: %w", f.Name, dbbackup.ErrNotFound)
	}
	if err != nil {
		return nil, d.explain("download "+f.Name, err)
	}
	return res.Body, nil
}

// Delete implements dbbackup.Destination: the file is deleted for good
// (trashed files still count against the quota), or moved to the trash when
// the destination was made with Trash.
func (d *Dest) Delete(ctx context.Context, f dbbackup.File) error {
	var err error
	if d.trash {
		_, err = d.svc.Files.Update(f.ID, &drive.File{Trashed: true}).Fields("id").Context(ctx).Do()
	} else {
		err = d.svc.Files.Delete(f.ID).Context(ctx).Do()
	}
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return d.explain("delete "+f.Name, err)
	}
	return nil
}

func (d *Dest) file(f *drive.File) dbbackup.File {
	out := dbbackup.File{Name: f.Name, ID: f.Id, Size: f.Size, MD5: f.Md5Checksum, Link: f.WebViewLink}
	if _, ok := f.AppProperties[propTool]; ok {
		out.SetID = f.AppProperties[propSet]
		out.Format = dbbackup.Format(f.AppProperties[propFormat])
		out.Database = f.AppProperties[propDB]
		out.Job = f.AppProperties[propJob]
	}
	if t, err := time.Parse(time.RFC3339, f.CreatedTime); err == nil {
		out.ModTime = t
	}
	return out
}

// escape quotes a value for a Drive query string.
func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s)
}
