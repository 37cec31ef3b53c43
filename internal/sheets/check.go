package sheets

import (
	"context"

	"github.com/dbbackup/dbbackup/internal/google"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/option"
	"strings"
)

// Access is what Reach found of a spreadsheet.
type Access struct {
	// Title is the spreadsheet's title, Tabs how many tabs it has.
	Title string
	Tabs  int
	// EditUnknown is set when Drive could not say whether the account
	// may edit it (a token with the spreadsheets scope alone may not ask
	// Drive): the first sync finds out.
	EditUnknown bool
}

// Reach does, without writing anything, what a sync does first with
// spreadsheet id: spreadsheets.get (no cell data), which fails as a sync
// would for a spreadsheet that does not exist or is not shared with the
// token's account, a token without a Sheets scope, or the Sheets API not
// enabled in the OAuth client's project (google.ServiceDisabled). Sheets
// has no call that tells edit permission without writing, so Drive's
// capabilities.canEdit of the same file does: a spreadsheet the account
// may only view fails with the message a sync's first write would get,
// naming the account.
func (s *Syncer) Reach(ctx context.Context, id string) (Access, error) {
	r := s.newRun(Job{SpreadsheetID: id})
	var a Access
	err := r.read(ctx, "open spreadsheet "+id, func() error {
		ss, err := s.svc.Spreadsheets.Get(id).Fields("properties(title),sheets(properties(sheetId))").Context(ctx).Do()
		if err == nil {
			a.Title, a.Tabs = ss.Properties.Title, len(ss.Sheets)
		}
		return err
	})
	if err != nil {
		return a, err
	}
	canEdit, known := s.canEdit(ctx, id)
	switch {
	case !known:
		a.EditUnknown = true
	case !canEdit:
		return a, s.forbidden("check spreadsheet "+id, id, true, nil)
	}
	return a, nil
}

// canEdit asks Drive whether the token's account may edit file id; known
// is false when Drive did not answer it.
func (s *Syncer) canEdit(ctx context.Context, id string) (canEdit, known bool) {
	opts := []option.ClientOption{option.WithHTTPClient(s.o.HTTPClient)}
	if s.o.Endpoint != "" {
		opts = append(opts, option.WithEndpoint(strings.TrimSuffix(s.o.Endpoint, "/")+"/drive/v3/"))
	}
	d, err := drive.NewService(ctx, opts...)
	if err != nil {
		return false, false
	}
	f, err := d.Files.Get(id).Fields("capabilities(canEdit)").SupportsAllDrives(true).Context(ctx).Do()
	if err != nil || f.Capabilities == nil {
		s.o.Log.Debug("Drive cannot say whether the spreadsheet is editable", "id", id, "err", err, "class", google.Classify(err))
		return false, false
	}
	return f.Capabilities.CanEdit, true
}

// CheckSource does what a sync of job does with its source before it
// reads a row: it connects, begins the read-only transaction, finds the
// table (or plans the query, refusing one that writes) and the key
// column, and learns the columns, whose number it returns. Nothing is
// read or written.
func (s *Syncer) CheckSource(ctx context.Context, job Job) (columns int, err error) {
	if err := job.Validate(); err != nil {
		return 0, err
	}
	src, err := openSource(ctx, job.withDefaults(), s.o.StatementTimeout)
	if err != nil {
		return 0, err
	}
	defer src.close()
	return len(src.cols), checkColumns(src.what, len(src.cols))
}
