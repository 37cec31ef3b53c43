// Package csv writes the csv format. One table is a plain .csv file holding
// exactly PostgreSQL's own COPY … (FORMAT csv, HEADER) output, so that
// \copy … FROM … CSV HEADER reads it back unchanged. Several tables are a
// .csv.zip holding one such file per table.
package csv

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/ziputil"
	"github.com/klauspost/compress/flate"
)

// deflateLevel is chosen by measurement on a 2-core machine: a 1M-row,
// 10-column table (251 MB of CSV) from psql's \copy took 3.4-3.6 s alone,
// 3.65 s piped through the standard library's BestSpeed (0.95x, to 21% of
// the size) and 5.2-7.3 s through DefaultCompression (0.5-0.7x, to 19%).
// Only BestSpeed keeps compression from being the bottleneck; 2 points of
// size do not pay for halving throughput. klauspost/compress's flate (see
// ziputil) does BestSpeed at 329 MB/s to 13.7% where the standard library
// did 225 MB/s to 13.9%: BenchmarkDeflateLevel.
const deflateLevel = flate.BestSpeed

// bufferSize batches the small writes a COPY stream makes (one per row).
const bufferSize = 128 << 10

// Exporter writes FormatCSV. The zero value is ready to use.
type Exporter struct{}

var _ dbbackup.StreamExporter = Exporter{}

// Format returns dbbackup.FormatCSV.
func (Exporter) Format() dbbackup.Format { return dbbackup.FormatCSV }

// Extension is ".csv" for exactly one table and ".csv.zip" otherwise (an
// empty set of tables makes an empty zip).
func (Exporter) Extension(tables []dbbackup.Table) string {
	return dbbackup.FormatCSV.Suffix(len(tables))
}

// Export writes tables to a new file at path. It neither syncs nor renames
// it: the caller does.
func (e Exporter) Export(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, path string) (dbbackup.ExportResult, error) {
	return dbbackup.ExportFile(ctx, e, src, tables, path, nil)
}

// ExportTo writes tables to w, as Export writes them to its file.
func (Exporter) ExportTo(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, out io.Writer) (dbbackup.ExportResult, error) {
	w := bufio.NewWriterSize(out, bufferSize)
	var counts []dbbackup.TableCount
	var err error
	if len(tables) == 1 {
		var c dbbackup.TableCount
		c, err = copyTable(ctx, src, tables[0], w)
		counts = []dbbackup.TableCount{c}
	} else {
		counts, err = writeZip(ctx, src, tables, w)
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return dbbackup.ExportResult{}, err
	}
	res := dbbackup.ExportResult{Tables: counts}
	if len(tables) > 1 { // a zip: its entries' names are made safe and unique
		for i, name := range entryNames(tables) {
			res.Parts = append(res.Parts, dbbackup.Part{Name: name, Schema: tables[i].Schema, Table: tables[i].Name})
		}
	}
	return res, nil
}

// copyTable streams one table's COPY output to w.
func copyTable(ctx context.Context, src dbbackup.Source, t dbbackup.Table, w io.Writer) (dbbackup.TableCount, error) {
	// A Source may not notice a cancelled context before its first row.
	if err := ctx.Err(); err != nil {
		return dbbackup.TableCount{}, err
	}
	n, err := src.CopyCSV(ctx, t, w)
	if err != nil {
		return dbbackup.TableCount{}, fmt.Errorf("table %s: %w", t, err)
	}
	return dbbackup.TableCount{Schema: t.Schema, Name: t.Name, Rows: n}, nil
}

func writeZip(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, w io.Writer) ([]dbbackup.TableCount, error) {
	zw := zip.NewWriter(w)
	ziputil.ReuseDeflate(zw, deflateLevel)
	// The entries' time is the data's time: the snapshot, in the
	// server's zone (a zip stores local time).
	modified := src.Info().SnapshotTime
	if modified.IsZero() {
		modified = time.Now()
	}
	counts := make([]dbbackup.TableCount, 0, len(tables))
	async := newAsyncWriter()
	for i, name := range entryNames(tables) {
		entry, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return nil, fmt.Errorf("zip entry %s: %w", name, err)
		}
		async.start(entry)
		c, err := copyTable(ctx, src, tables[i], async)
		if werr := async.finish(); werr != nil {
			err = fmt.Errorf("zip entry %s: %w", name, werr) // the cause of a failed copy
		}
		if err != nil {
			return nil, err
		}
		counts = append(counts, c)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("zip: %w", err)
	}
	return counts, nil
}
