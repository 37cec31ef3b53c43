package dbbackup

import (
	"context"
	"fmt"
	"io"
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
type summing = following[sums]

// sumsWhileWriting tells whether the file name of format f is
// checksummed while it is written.
func (r *Runner) sumsWhileWriting(st *staging, name string, f Format) bool {
	info, _ := lookup(f)
	return info.Appends && st.storedAsWritten(name, f) && !r.follows(st, name, f)
}

// sum starts checksumming the file w is writing.
func (st *staging) sum(ctx context.Context, w *writing) *summing {
	return follow(ctx, w, func(in io.Reader) (sums, error) { return checksum(in, st.md5) })
}

// sumsOf waits for the sums m took of the written file f: the file must
// be as long as what was checksummed.
func sumsOf(m *summing, f *os.File) (sums, error) {
	sum, err := m.wait()
	if err != nil {
		return sums{}, err
	}
	st, err := f.Stat()
	if err != nil {
		return sums{}, err
	}
	if st.Size() != sum.n {
		return sums{}, fmt.Errorf("%d bytes were checksummed as the file was written, it holds %d", sum.n, st.Size())
	}
	return sum, nil
}
