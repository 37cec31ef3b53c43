package dbbackup

import (
	"context"
	"fmt"
	"os"
)

// Checksumming a file while it is written. To the local folder a run is
// bound by CPU, and with every format written at once from one read, the
// files are finished together: reading each again to checksum it made a
// tail of a second or more at the end of the run, on a million rows. So a
// format that Appends (FormatInfo) is checksummed as it grows instead, on
// the cores the writers leave idle.
//
// Those are the sums of the bytes read as the file grew. The destination
// checks them against the sealed file it stores (the local folder reads
// it again, Drive computes its own md5), so a file that changed after it
// was read fails the run; it is never stored under wrong sums. That is
// why a file uploaded while it is written (follows) is not also
// checksummed so: both would read the same growing file, and nothing
// would compare the sealed one with them.

// summing checksums one file while its exporter writes it.
type summing struct {
	writing
	done chan struct{} // closed when the sums are taken or failed
	sums sums
	err  error
}

// sumsWhileWriting tells whether the file name of format f is
// checksummed while it is written.
func (r *Runner) sumsWhileWriting(st *staging, name string, f Format) bool {
	info, _ := lookup(f)
	return info.Appends && st.storedAsWritten(name, f) && !r.follows(st, name, f)
}

// sum starts checksumming the file name as it is written.
func (st *staging) sum(ctx context.Context, name string) *summing {
	m := &summing{writing: newWriting(), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		in := m.follow(ctx, st.path(name))
		defer in.close()
		m.sums, m.err = checksum(in, st.md5)
	}()
	return m
}

// result waits for the sums of the written file f: the file must be as
// long as what was checksummed.
func (m *summing) result(f *os.File) (sums, error) {
	<-m.done
	if m.err != nil {
		return sums{}, m.err
	}
	st, err := f.Stat()
	if err != nil {
		return sums{}, err
	}
	if st.Size() != m.sums.n {
		return sums{}, fmt.Errorf("%d bytes were checksummed as the file was written, it holds %d", m.sums.n, st.Size())
	}
	return m.sums, nil
}
