// Package sheets keeps a table or a read-only query current in a tab of a
// Google spreadsheet: the engine of `dbbackup sheets sync`. It reads
// PostgreSQL with pgx and writes with the official Sheets v4 client.
//
// # API
//
// One Syncer per Google account (New, from the token's HTTP client, the
// API endpoint, the account's email, WritesPerMinute); Sync runs one Job
// and returns a Result even when it fails:
//
//	s, _ := sheets.New(ctx, sheets.Options{HTTPClient: gc.HTTP(), Unauthorized: gc.Invalidate,
//		Endpoint: cfg.GoogleAPIEndpoint, Account: email, WritesPerMinute: cfg.SheetsWritesPerMinute})
//	res, err := s.Sync(ctx, sheets.Job{Database: url, Table: "public.invoice", SpreadsheetID: id,
//		Mode: sheets.Append, Key: "invoice_id", LastKey: lastRun.LastKey, Progress: show})
//	// record res (Rows, SheetRows, LastKey, Requests, Retries, Cut, URL) and err in the history
//
// Job.Validate checks a job without a database or Google, for the
// settings' validator. What a Syncer does not do is the plumbing's: stored
// sync jobs and SHEETS_* settings, the history (where LastKey is kept),
// the report, scheduling, the per-job lock (two syncs of one tab at once
// would delete each other's unfinished tab), and the commands and pages.
//
// # Reading
//
// The source is read in one REPEATABLE READ, READ ONLY transaction with a
// statement timeout: the rows counted to size the sheet are the rows
// written, and a query that writes is refused by PostgreSQL itself, the
// error saying so. Rows come through a cursor, a thousand at a time, so
// memory stays flat; the timeout bounds each fetch, not the time spent
// writing to Google between fetches. A table's rows come in primary-key
// order, a query's in its own; with a Key, in key order.
//
// # Cells
//
// Values are written with valueInputOption RAW, so nothing is ever parsed
// as a formula ("=HYPERLINK(…)" stays text). Numbers are numbers when a
// double holds them exactly (integers up to 2^53, numerics of at most 15
// significant digits, every finite float); booleans are booleans; dates,
// timestamps and times are serial numbers with a number format (timestamps
// with time zone as the wall clock of the session's TimeZone); NULL is an
// empty cell; everything else, including the numbers above those limits,
// NaN and infinities, json and arrays, is PostgreSQL's text. A text over
// 50,000 characters is cut (Result.Cut says where). The header row is bold
// and frozen.
//
// # Replace
//
// The rows go into a new tab, sized to them first (values.update does not
// grow a grid); one batchUpdate then deletes the old tab and gives the new
// one its title, place and visibility. Readers see the old rows or the
// new ones, never a mix, and no stale row is left. The tab's sheet id
// (the #gid= of links) changes, and formulas elsewhere that pointed at the
// old tab break, as when a tab is deleted by hand. A run that fails
// deletes its unfinished tab, or the next run does.
//
// # Append
//
// Rows whose key is greater than the last one synced are added below the
// tab's rows with values.append, in key order, the key compared as its
// type by PostgreSQL. The tab keeps its own record of its rows (count and
// last key, in its developer metadata), written only when a run succeeds;
// it wins over Job.LastKey, which serves when the tab is new (the first
// append loads the tab as a replace does). Neither a failed run nor a
// retry doubles or loses a row: rows a failed run appended past the
// record are found in the key column and skipped in the source, each key
// checked; an append whose answer was lost is looked for in the tab
// before it is sent again. A tab whose rows were edited since (a row
// emptied, sorted, columns changed) is refused with a hint to replace once.
//
// # Google's limits
//
// Checked before anything is written: 10 million cells per spreadsheet,
// every tab counted (during a replace the old tab still counts). Google's
// 18,278 columns cannot be reached: a PostgreSQL result has at most 1,664.
// Each request stays under the recommended 2 MB (a single larger row goes
// alone). Write requests are paced: at most WritesPerMinute (Google's
// default quota, 60 a minute per user) in any minute, across every sync of
// a Syncer, so a short sync goes at full speed; 429s and 5xx
// are retried with exponential backoff, and a sync that runs out of
// retries fails — it is never reported as a success. A spreadsheet the
// account cannot edit fails with a message that says permission is
// missing and names the account. After writing, the end of the rows is
// read back: the last row must be the last row sent, with nothing below.
//
// # The sync note
//
// A reader sees on the header's first cell a note saying when the tab was
// synced, how many rows and from what; the same as JSON (key
// "dbbackup.sync") is the tab's developer metadata, which Append relies on.
package sheets
