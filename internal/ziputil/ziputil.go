// Package ziputil holds what the zip-based exporters (csv, xlsx) share.
package ziputil

import (
	"archive/zip"
	"io"

	"github.com/klauspost/compress/flate"
)

// ReuseDeflate makes zw compress every entry with one flate writer at
// level, reset between entries, instead of allocating a compressor
// (about a megabyte of state) per entry: archive/zip closes an entry
// before it starts the next, so one serves them all. The writer is
// klauspost/compress's flate: plain DEFLATE that every zip reader reads,
// made faster than compress/flate's (the exporters' deflateLevel says by
// how much).
func ReuseDeflate(zw *zip.Writer, level int) {
	var fw *flate.Writer
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		if fw == nil {
			var err error
			fw, err = flate.NewWriter(w, level)
			return fw, err
		}
		fw.Reset(w)
		return fw, nil
	})
}
