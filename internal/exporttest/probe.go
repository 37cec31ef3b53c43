package exporttest

import (
	"context"
	"io"
	"sync"

	"github.com/dbbackup/dbbackup"
)

// probe wraps the Source an exporter is given, as the runner wraps it to
// report progress: it counts the rows each table gave, notices calls that
// overlap (a Source is not safe for concurrent use), and lets a test act
// on the way (cancel, fail).
type probe struct {
	dbbackup.Source
	// onInfo, when set, is called as Info is.
	onInfo func()
	// onRead, when set, is called as table t is read: after each row
	// (rows counted) or each write of CSV (bytes written). An error it
	// returns fails the read.
	onRead func(t dbbackup.Table, n int64) error

	mu      sync.Mutex
	reading int
	overlap bool             // a read began while another was running
	rows    map[string]int64 // rows each table gave, by Table.String()
	order   []string         // tables as they were read
}

func newProbe(src dbbackup.Source) *probe { return &probe{Source: src, rows: map[string]int64{}} }

func (p *probe) Info() dbbackup.SnapshotInfo {
	if p.onInfo != nil {
		p.onInfo()
	}
	return p.Source.Info()
}

func (p *probe) Rows(ctx context.Context, t dbbackup.Table, opt dbbackup.RowsOptions, fn func([][]byte, []*io.SectionReader) error) (int64, error) {
	defer p.begin(t)()
	var rows int64
	n, err := p.Source.Rows(ctx, t, opt, func(values [][]byte, long []*io.SectionReader) error {
		rows++
		if p.onRead != nil {
			if err := p.onRead(t, rows); err != nil {
				return err
			}
		}
		return fn(values, long)
	})
	p.add(t, rows)
	return n, err
}

func (p *probe) CopyCSV(ctx context.Context, t dbbackup.Table, w io.Writer) (int64, error) {
	defer p.begin(t)()
	n, err := p.Source.CopyCSV(ctx, t, &probeWriter{w: w, t: t, p: p})
	p.add(t, n)
	return n, err
}

// begin notes a read of t; the function it returns ends it.
func (p *probe) begin(t dbbackup.Table) func() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.overlap = p.overlap || p.reading > 0
	p.reading++
	p.order = append(p.order, t.String())
	return func() {
		p.mu.Lock()
		p.reading--
		p.mu.Unlock()
	}
}

func (p *probe) add(t dbbackup.Table, rows int64) {
	p.mu.Lock()
	p.rows[t.String()] += rows
	p.mu.Unlock()
}

type probeWriter struct {
	w io.Writer
	t dbbackup.Table
	p *probe
	n int64
}

func (pw *probeWriter) Write(b []byte) (int, error) {
	pw.n += int64(len(b))
	if pw.p.onRead != nil {
		if err := pw.p.onRead(pw.t, pw.n); err != nil {
			return 0, err
		}
	}
	return pw.w.Write(b)
}
