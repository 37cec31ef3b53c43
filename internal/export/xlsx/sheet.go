package xlsx

import (
	"io"
	"strconv"
)

// Column widths come from the header and the first rows of each sheet.
// The sheet's <cols> must precede its rows, so those rows wait in memory
// until the widths are known: at most sampleRows rows or sampleBytes of
// XML, whichever comes first, which keeps the wait bounded however wide
// the cells are.
const (
	sampleRows  = 100
	sampleBytes = 1 << 20
	minWidth    = 8
	maxWidth    = 60
	flushBytes  = 64 << 10 // write to the archive in chunks of about this size
)

// sheetWriter writes one worksheet's XML to w, a row at a time, in the
// element order the schema demands: sheetViews (the frozen header), cols
// (the widths), sheetData, autoFilter.
type sheetWriter struct {
	w        io.Writer
	enc      *rowEncoder
	selected bool // the sheet Excel shows on opening
	rows     int  // rows written, the header included
	rowNum   []byte
	buf      []byte
	sampling bool
	widths   []int // in characters
	err      error // the first write error; later writes are skipped
}

func newSheetWriter(w io.Writer, enc *rowEncoder, header []string, selected bool) *sheetWriter {
	s := &sheetWriter{
		w:        w,
		enc:      enc,
		selected: selected,
		rows:     1,
		sampling: true,
		widths:   make([]int, len(header)),
		buf:      make([]byte, 0, flushBytes+flushBytes/4),
	}
	if len(header) == 0 {
		return s // a table without columns: nothing to head or filter
	}
	s.buf = append(s.buf, `<row r="1">`...)
	for i, name := range header {
		// Bold text plus room for the filter button.
		s.widths[i] = displayWidth([]byte(name), maxWidth) + 4
		s.buf, _ = appendInline(enc.appendStart(s.buf, i, []byte("1"), styleHeader), []byte(name))
	}
	s.buf = append(s.buf, `</row>`...)
	return s
}

// writeRow writes the next row. values must hold one entry per column.
func (s *sheetWriter) writeRow(values [][]byte) error {
	s.rows++
	s.rowNum = strconv.AppendInt(s.rowNum[:0], int64(s.rows), 10)
	s.buf = s.enc.appendRow(s.buf, s.rowNum, values)
	if s.sampling {
		for i, v := range values {
			s.widths[i] = max(s.widths[i], displayWidth(v, maxWidth)+2)
		}
		if s.rows <= sampleRows && len(s.buf) < sampleBytes {
			return nil
		}
		return s.endSample()
	}
	if len(s.buf) >= flushBytes {
		return s.flush()
	}
	return nil
}

// endSample writes what precedes the rows, now that the widths are known,
// then the rows held back.
func (s *sheetWriter) endSample() error {
	s.sampling = false
	sampled := s.buf
	s.buf = s.appendHead(make([]byte, 0, 1024))
	if err := s.flush(); err != nil {
		return err
	}
	s.buf = sampled
	return s.flush()
}

func (s *sheetWriter) appendHead(b []byte) []byte {
	b = append(b, xmlHeader+`<worksheet xmlns="`+nsMain+`" xmlns:r="`+nsRelationships+`">`...)
	b = append(b, `<sheetViews><sheetView workbookViewId="0"`...)
	if s.selected {
		b = append(b, ` tabSelected="1"`...)
	}
	// Freeze the header: the pane below row 1 scrolls, row 1 stays.
	b = append(b, `><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>`+
		`<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>`+
		`<sheetFormatPr defaultRowHeight="15"/>`...)
	if len(s.widths) > 0 {
		b = append(b, `<cols>`...)
		for i, w := range s.widths {
			n := strconv.Itoa(i + 1)
			b = append(b, `<col min="`+n+`" max="`+n+`" width="`...)
			b = strconv.AppendInt(b, int64(min(max(w, minWidth), maxWidth)), 10)
			b = append(b, `" customWidth="1"/>`...)
		}
		b = append(b, `</cols>`...)
	}
	return append(b, `<sheetData>`...)
}

// close ends the sheet and returns the range its auto-filter covers, ""
// for a sheet without columns.
func (s *sheetWriter) close() (filter string, err error) {
	if s.sampling {
		if err := s.endSample(); err != nil {
			return "", err
		}
	}
	s.buf = append(s.buf, `</sheetData>`...)
	if len(s.widths) > 0 {
		filter = "A1:" + columnName(len(s.widths)-1) + strconv.Itoa(s.rows)
		s.buf = append(s.buf, `<autoFilter ref="`+filter+`"/>`...)
	}
	s.buf = append(s.buf, `</worksheet>`...)
	return filter, s.flush()
}

func (s *sheetWriter) flush() error {
	if s.err == nil {
		_, s.err = s.w.Write(s.buf)
	}
	s.buf = s.buf[:0]
	return s.err
}
