package dbbackup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
)

// A fan-out lets the text exporters of a run (csv, xlsx, json) write at
// the same time while every table is read from the snapshot once: each
// exporter reads through a view of one shared reader, a Source of its own.
//
// The exporters read the tables in the same order (the run's), one at a
// time. The shared read of a table starts when every exporter still
// exporting has asked for it (a rendezvous); an exporter that returned
// leaves. One goroutine then reads the table through the real Source and
// copies its rows into batches that every view hands to its exporter's
// callback, on the exporter's goroutine. The batches are shared by the
// views (each row is copied once, whatever the number of formats) and
// recycled: fanBatches of them, each of about fanBatchBytes, whatever the
// size of the table. The reader waits for a free batch, so the slowest
// writer sets the pace of the read, and no queue grows.
//
// Each view asks for the form it wants: a table's generated columns left
// out (CopyCSV, as COPY), arrays as JSON (json) or as literals (xlsx). The
// shared read fetches the widest form, and both forms of array columns
// when the views differ (RowsOptions.ArraysAlsoAsJSON); each view picks its
// columns from it. CopyCSV is the source's own, from the view's Rows
// (CSVWriterFrom: postgres.Snapshot keeps the fingerprint CopyCSV takes),
// or WriteCSV.
//
// A row holding long values (the Source's temporary files, valid only
// during its callback) is handed over alone, and the read waits until
// every view has processed it; each view reads the files through its own
// SectionReaders.
//
// An error in one exporter's callback stops the fan-out: the read in
// progress stops, and every other view returns ErrOtherFormatFailed (which
// wraps context.Canceled), so the caller can tell the cause from its
// consequences.
type fanOut struct {
	src    Source
	ctx    context.Context
	cancel context.CancelCauseFunc
	free   chan *batch

	mu      sync.Mutex
	live    int           // views that have not left
	waiting []*fanRequest // the reads asked for, waiting for every live view
}

const (
	fanBatches    = 8         // shared by every view
	fanBatchBytes = 256 << 10 // a batch is handed over when it holds this much
	fanBatchRows  = 4096      // or this many rows (a table may have no columns)
)

// ErrOtherFormatFailed is what a view returns when another view's
// exporter failed and stopped the fan-out: a consequence, not a cause. It
// wraps context.Canceled.
var ErrOtherFormatFailed = fmt.Errorf("stopped because another format failed: %w", context.Canceled)

// FanOut returns n Sources that read src together, for n exporters
// running at once, each on a goroutine of its own: every table is read
// from src once, for all of them (see fanOut). Each view must Leave when
// its exporter returned, so that the reads of the others no longer wait
// for it. Reads stop when ctx is done.
func FanOut(ctx context.Context, src Source, n int) []*FanView {
	f := &fanOut{src: src, free: make(chan *batch, fanBatches), live: n}
	f.ctx, f.cancel = context.WithCancelCause(ctx)
	for range fanBatches {
		f.free <- &batch{}
	}
	views := make([]*FanView, n)
	for i := range views {
		views[i] = &FanView{f: f}
	}
	return views
}

// stop ends every read, now and later, with cause. It reports whether it
// was this call that stopped the fan-out.
func (f *fanOut) stop(cause error) bool {
	if f.ctx.Err() != nil {
		return false
	}
	f.cancel(cause)
	return context.Cause(f.ctx) == cause
}

// stopped is the error of a read that was stopped.
func (f *fanOut) stopped() error { return context.Cause(f.ctx) }

// interrupted stops the fan-out because a view's ctx ended, and is that
// view's error: the fan-out's cause, so a view stopped because another
// format failed says so (ErrOtherFormatFailed), not a bare "context
// canceled" that would pass for a failure of its own.
func (f *fanOut) interrupted(ctx context.Context) error {
	f.stop(context.Cause(ctx))
	return f.stopped()
}

// fanRequest is one view's read of one table.
type fanRequest struct {
	t       Table
	opt     RowsOptions
	started chan struct{} // closed when the shared read starts
	in      chan *batch   // the batches, closed after the last
	cols    []int         // for each of t's columns, its value in the shared row
	n       int64         // the rows read, set before in is closed
	err     error         // the read's error, set before in is closed
}

func (f *fanOut) ask(r *fanRequest) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ctx.Err() != nil {
		return f.stopped()
	}
	f.waiting = append(f.waiting, r)
	f.startIfAll()
	return nil
}

func (f *fanOut) leave() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.live--
	f.startIfAll()
}

// startIfAll starts the shared read once every live view asked for it.
// Called with f.mu held.
func (f *fanOut) startIfAll() {
	if len(f.waiting) == 0 || len(f.waiting) < f.live || f.ctx.Err() != nil {
		return
	}
	reqs := f.waiting
	f.waiting = nil
	for _, r := range reqs {
		close(r.started)
	}
	go f.read(reqs)
}

// read reads a table once for every request and closes their channels.
func (f *fanOut) read(reqs []*fanRequest) {
	t, opt, width, err := plan(reqs)
	var n int64
	if err == nil {
		var cur *batch
		n, err = f.src.Rows(f.ctx, t, opt, func(values [][]byte, long []*io.SectionReader) error {
			if len(values) != width {
				return fmt.Errorf("read %s: the source gave %d values a row, not %d", t, len(values), width)
			}
			size := 0
			for _, v := range values {
				size += len(v)
			}
			if cur != nil && (long != nil || !cur.fits(size)) {
				f.send(cur, reqs)
				cur = nil
			}
			if cur == nil {
				var err error
				if cur, err = f.get(); err != nil {
					return err
				}
			}
			cur.add(values, size)
			if long == nil {
				return nil
			}
			// The long values' files are valid until this call returns:
			// every view must be done with the row first.
			cur.long = long
			done := make(chan struct{})
			cur.done = done
			f.send(cur, reqs)
			cur = nil
			select {
			case <-done:
				return nil
			case <-f.ctx.Done():
				return f.stopped()
			}
		})
		if cur != nil {
			if err == nil {
				f.send(cur, reqs)
			} else {
				cur.reset()
				f.free <- cur
			}
		}
	}
	if err != nil && f.ctx.Err() != nil {
		err = f.stopped()
	}
	for _, r := range reqs {
		r.n, r.err = n, err
		close(r.in)
	}
}

// plan chooses the shared read of the requests' table, the widest form of
// it, and where each request finds its columns in it.
func plan(reqs []*fanRequest) (t Table, opt RowsOptions, width int, err error) {
	t = reqs[0].t
	asJSON := 0
	for _, r := range reqs {
		if r.t.Schema != t.Schema || r.t.Name != t.Name {
			return t, opt, 0, fmt.Errorf("the formats read tables in different orders: %s and %s at once", t, r.t)
		}
		if len(r.t.Columns) > len(t.Columns) {
			t = r.t
		}
		if r.opt.ArraysAsJSON {
			asJSON++
		}
	}
	index := make(map[string]int, len(t.Columns))
	jsonIndex := map[string]int{} // the JSON form of array columns, when read apart
	for i, c := range t.Columns {
		index[c.Name] = i
		if c.Kind == KindArray {
			jsonIndex[c.Name] = len(t.Columns) + len(jsonIndex)
		}
	}
	switch {
	case asJSON == len(reqs):
		opt.ArraysAsJSON = true
	case asJSON > 0 && len(jsonIndex) > 0:
		opt.ArraysAlsoAsJSON = true
	}
	width = len(t.Columns)
	if opt.ArraysAlsoAsJSON {
		width += len(jsonIndex)
	}
	for _, r := range reqs {
		r.cols = make([]int, len(r.t.Columns))
		for i, c := range r.t.Columns {
			j, ok := index[c.Name]
			if !ok {
				return t, opt, 0, fmt.Errorf("the formats read different columns of %s: %s is not in every one", t, c.Name)
			}
			if opt.ArraysAlsoAsJSON && r.opt.ArraysAsJSON && c.Kind == KindArray {
				j = jsonIndex[c.Name]
			}
			r.cols[i] = j
		}
	}
	return t, opt, width, nil
}

// get waits for a free batch.
func (f *fanOut) get() (*batch, error) {
	select {
	case b := <-f.free:
		return b, nil
	case <-f.ctx.Done():
		return nil, f.stopped()
	}
}

// send hands b to every request. It never blocks: a request's channel
// holds as many batches as there are.
func (f *fanOut) send(b *batch, reqs []*fanRequest) {
	b.refs.Store(int32(len(reqs)))
	for _, r := range reqs {
		r.in <- b
	}
}

// release tells that one view is done with b; the last one frees it.
func (f *fanOut) release(b *batch) {
	if b.refs.Add(-1) > 0 {
		return
	}
	if b.done != nil {
		close(b.done)
	}
	b.reset()
	f.free <- b
}

// batch holds rows copied from the source, for every view to read.
type batch struct {
	data  []byte   // the values' bytes, one after the other
	vals  [][]byte // width values a row, slices of data; nil is NULL
	rows  int
	long  []*io.SectionReader // a row with long values is a batch alone
	done  chan struct{}       // closed when every view is done with the long row
	refs  atomic.Int32        // views not yet done with the batch
	width int
}

func (b *batch) fits(size int) bool {
	return b.rows < fanBatchRows && len(b.data)+size <= cap(b.data)
}

// add copies a row into b, which fits it or is empty.
func (b *batch) add(values [][]byte, size int) {
	if b.rows == 0 {
		b.width = len(values)
		if b.data == nil || size > cap(b.data) {
			b.data = make([]byte, 0, max(size, fanBatchBytes))
		}
	}
	for _, v := range values {
		if v == nil {
			b.vals = append(b.vals, nil)
			continue
		}
		start := len(b.data)
		b.data = append(b.data, v...)
		b.vals = append(b.vals, b.data[start:len(b.data):len(b.data)])
	}
	b.rows++
}

func (b *batch) reset() {
	if cap(b.data) > fanBatchBytes { // a row larger than a batch: do not keep its memory
		b.data = nil
	}
	b.data, b.vals, b.rows, b.long, b.done = b.data[:0], b.vals[:0], 0, nil, nil
}

// FanView is one exporter's Source in a fan-out (FanOut). Like any
// Source, it is used by one goroutine at a time.
type FanView struct {
	f      *fanOut
	left   bool
	values [][]byte
}

var _ Source = (*FanView)(nil)

// Info implements Source.
func (v *FanView) Info() SnapshotInfo { return v.f.src.Info() }

// CopyCSV implements Source: the source's CopyCSV (CSVWriterFrom), or
// WriteCSV, from the view's Rows.
func (v *FanView) CopyCSV(ctx context.Context, t Table, w io.Writer) (int64, error) {
	if c, ok := v.f.src.(CSVWriterFrom); ok {
		return c.CopyCSVFrom(ctx, v.Rows, t, w)
	}
	return WriteCSV(ctx, v.Rows, t, w, nil)
}

// Rows implements Source: it waits until every live view asked for t,
// then calls fn with the rows of the one shared read.
func (v *FanView) Rows(ctx context.Context, t Table, opt RowsOptions, fn func(values [][]byte, long []*io.SectionReader) error) (int64, error) {
	f := v.f
	r := &fanRequest{t: t, opt: opt, started: make(chan struct{}), in: make(chan *batch, fanBatches)}
	if err := f.ask(r); err != nil {
		return 0, err
	}
	select {
	case <-r.started:
	case <-f.ctx.Done():
		return 0, f.stopped()
	case <-ctx.Done():
		return 0, f.interrupted(ctx)
	}
	var err error
	for b := range r.in {
		// After a failure, go on taking the batches, so the read never
		// waits for this view.
		if err == nil && ctx.Err() != nil {
			err = f.interrupted(ctx)
		}
		if err == nil {
			if err = v.each(b, r, fn); err != nil && !f.stop(ErrOtherFormatFailed) {
				err = f.stopped() // a consequence of another failure
			}
		}
		f.release(b)
	}
	if err != nil {
		return r.n, err
	}
	return r.n, r.err
}

// each calls fn for every row of b, with r's columns.
func (v *FanView) each(b *batch, r *fanRequest, fn func(values [][]byte, long []*io.SectionReader) error) error {
	if cap(v.values) < len(r.cols) {
		v.values = make([][]byte, len(r.cols))
	}
	values := v.values[:len(r.cols)]
	for row := range b.rows {
		shared := b.vals[row*b.width : (row+1)*b.width]
		for i, c := range r.cols {
			values[i] = shared[c]
		}
		var long []*io.SectionReader
		for i, c := range r.cols {
			if b.long == nil || b.long[c] == nil {
				continue
			}
			if long == nil {
				long = make([]*io.SectionReader, len(r.cols))
			}
			long[i] = io.NewSectionReader(b.long[c], 0, b.long[c].Size())
		}
		if err := fn(values, long); err != nil {
			return err
		}
	}
	return nil
}

// leave tells the fan-out that this view reads no more: the reads of
// the others no longer wait for it. It is safe to call more than once.
func (v *FanView) Leave() {
	if !v.left {
		v.left = true
		v.f.leave()
	}
}

// firstCause returns the first of errs (in the order they happened) that is
// not a consequence of another: not a cancellation, as ErrOtherFormatFailed
// is, nor the "context canceled" of an exporter that saw the run's context
// end before the failure that ended it was heard (the goroutines report in
// any order). With none, it is the first of errs.
func firstCause(errs []error) error {
	for _, err := range errs {
		if !errors.Is(err, context.Canceled) {
			return err
		}
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}
