package sheets

import "context"

// maxRequestBytes keeps each write's body under Google's recommended
// 2 MB, leaving room for what surrounds the values.
const maxRequestBytes = 2_000_000 - 4096

// streamed is what stream read and sent.
type streamed struct {
	// last is the last row read, sent or skipped: the one that ends the
	// tab. nil if none.
	last    []any
	lastKey *string // the key text of the last row read, nil if none
}

// stream reads every row of src and hands them to send in chunks whose
// values take at most maxRequestBytes (a row larger than that goes alone),
// first (the header, if any) at the start of the first chunk. While skip
// (if not nil) says so, leading rows are read but not sent: rows a failed
// run already wrote.
func (r *run) stream(ctx context.Context, src *source, enc *encoder, first []any,
	skip func(row []any) (bool, error), send func(rows [][]any) error) (streamed, error) {
	var out streamed
	var chunk [][]any
	size := 0
	if first != nil {
		chunk, size = [][]any{first}, rowSize(first)
	}
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		if err := send(chunk); err != nil {
			return err
		}
		chunk, size = nil, 0
		r.progress("write")
		return nil
	}
	var pending [][]any
	for {
		pending = pending[:0]
		n, err := src.fetch(ctx, func(values [][]byte) {
			pending = append(pending, enc.row(values))
			if src.key >= 0 {
				k := string(values[src.key])
				out.lastKey = &k
			}
		})
		if err != nil {
			return out, err
		}
		for _, row := range pending {
			out.last = row
			if skip != nil {
				skipped, err := skip(row)
				if err != nil {
					return out, err
				}
				if skipped {
					continue
				}
				skip = nil
			}
			n := rowSize(row)
			if size+n > maxRequestBytes && len(chunk) > 0 {
				if err := flush(); err != nil {
					return out, err
				}
			}
			chunk, size = append(chunk, row), size+n
		}
		if n == 0 {
			return out, flush()
		}
	}
}
