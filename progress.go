package dbbackup

import (
	"context"
	"io"
	"sync"
	"time"
)

// Progress is what a run tells its Observer: a stage that begins (Stage
// alone), the export of a format that begins (Format alone: pg_dump tells
// nothing more), how far the export of one table has come (Format and
// Table: it begins with Rows and Bytes 0, Done once the table is read
// whole), or a file that was stored (Stage StageStore, File and Bytes).
type Progress struct {
	Stage   Stage
	File    string
	Format  Format
	Table   Table
	Rows    int64 // rows read so far (0 while CSV is copied: see Bytes)
	Bytes   int64 // bytes of CSV copied so far
	Elapsed time.Duration
	Done    bool
	// RunID is the run's id in the history, 0 when it is not recorded
	// (Job.Run sets it on everything its runner reports).
	RunID int64
}

// Observer hears how a run goes. It is called by one of the run's
// goroutines at a time (the formats are written at once) and should return
// quickly: the run waits for it. A nil Observer hears nothing.
type Observer func(Progress)

// serialized is o, called by one goroutine at a time.
func (o Observer) serialized() Observer {
	if o == nil {
		return nil
	}
	var mu sync.Mutex
	return func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		o(p)
	}
}

func (o Observer) call(p Progress) {
	if o != nil {
		o(p)
	}
}

func (o Observer) stage(s Stage) { o.call(Progress{Stage: s}) }

// withRun is o, telling every Progress the run's id in the history.
func (o Observer) withRun(id int64) Observer {
	if o == nil || id == 0 {
		return o
	}
	return func(p Progress) {
		p.RunID = id
		o(p)
	}
}

// progressEvery is how often progress is reported while a table is read.
const progressEvery = 500 * time.Millisecond

// progressSource reports the progress of every read through it.
type progressSource struct {
	Source
	report Observer
	now    func() time.Time
	// formats are those the rows go to: a fan-out's one read is every
	// text format's progress, told for each.
	formats []Format
}

func (p *progressSource) CopyCSV(ctx context.Context, t Table, w io.Writer) (int64, error) {
	tick := p.start(t)
	cw := &countingWriter{w: w, tick: tick}
	n, err := p.Source.CopyCSV(ctx, t, cw)
	tick(n, cw.n, err == nil)
	return n, err
}

func (p *progressSource) Rows(ctx context.Context, t Table, opt RowsOptions, fn func([][]byte, []*io.SectionReader) error) (int64, error) {
	tick := p.start(t)
	var rows int64
	n, err := p.Source.Rows(ctx, t, opt, func(v [][]byte, long []*io.SectionReader) error {
		rows++
		if rows&1023 == 0 {
			tick(rows, 0, false)
		}
		return fn(v, long)
	})
	tick(n, 0, err == nil)
	return n, err
}

// start reports that the read of t begins, before its first row (which a
// lock held on t may keep waiting), and returns a function that reports
// its progress (see TableProgress).
func (p *progressSource) start(t Table) func(rows, bytes int64, done bool) {
	ticks := make([]func(rows, bytes int64, done bool), len(p.formats))
	for i, f := range p.formats {
		ticks[i] = TableProgress(p.report, StageExport, f, t, p.now)
	}
	return func(rows, bytes int64, done bool) {
		for _, tick := range ticks {
			tick(rows, bytes, done)
		}
	}
}

// TableProgress reports that the work of stage on table t in format
// begins, and returns a function that reports how far it has come: at
// most every progressEvery, and always when done (only work that ended
// without an error is done). bytes 0 keeps the count told before. o may
// be nil.
func TableProgress(o Observer, stage Stage, format Format, t Table, now func() time.Time) func(rows, bytes int64, done bool) {
	if o == nil {
		return func(int64, int64, bool) {}
	}
	begin := now()
	last := begin
	var read int64
	o(Progress{Stage: stage, Format: format, Table: t})
	return func(rows, bytes int64, done bool) {
		if bytes > 0 {
			read = bytes
		}
		at := now()
		if !done && at.Sub(last) < progressEvery {
			return
		}
		last = at
		o(Progress{Stage: stage, Format: format, Table: t, Rows: rows, Bytes: read, Elapsed: at.Sub(begin), Done: done})
	}
}

type countingWriter struct {
	w    io.Writer
	n    int64
	tick func(rows, bytes int64, done bool)
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.tick(0, c.n, false)
	return n, err
}

// CopyCSVFrom implements CSVWriterFrom, for a fan-out over p: the rows
// come from the fan-out's one read, whose progress Rows tells.
func (p *progressSource) CopyCSVFrom(ctx context.Context, read RowsFunc, t Table, w io.Writer) (int64, error) {
	if c, ok := p.Source.(CSVWriterFrom); ok {
		return c.CopyCSVFrom(ctx, read, t, w)
	}
	return WriteCSV(ctx, read, t, w, nil)
}
