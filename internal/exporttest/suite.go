package exporttest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/dbbackup/dbbackup"
)

// Suite is one Exporter under the contract that dbbackup.Exporter's doc
// comment states: Run checks every clause of it.
type Suite struct {
	// New returns the exporter under test.
	New func(t *testing.T) dbbackup.Exporter
	// Source returns a new Source over Tables (Script loads them into
	// PostgreSQL). Nil: NewSource.
	Source func(t *testing.T) dbbackup.Source
	// Count reads a file the exporter wrote and returns how many rows of
	// each of tables it holds, in order: the file itself, not the
	// exporter's word, says what a backup holds.
	Count func(t *testing.T, path string, tables []dbbackup.Table) []int64

	fanned bool // Source is a view of a fan-out
}

// setID names the files the suite exports, as a run names them.
const setID = "backup_20260210_020000"

// errBroken is the failure the suite makes a Source report.
var errBroken = errors.New("exporttest: the connection broke")

// Run runs the contract suite.
func Run(t *testing.T, s Suite) {
	if s.Source == nil {
		s.Source = func(*testing.T) dbbackup.Source { return NewSource() }
	}
	t.Run("NamedByTheRegistry", s.named)
	for _, c := range []struct {
		name   string
		tables []dbbackup.Table
	}{{"EveryTable", Tables()}, {"OneTable", []dbbackup.Table{Lines}}, {"EmptyTable", []dbbackup.Table{Empty}}, {"NoTables", nil}} {
		t.Run("Writes/"+c.name, func(t *testing.T) { s.writes(t, c.tables) })
	}
	t.Run("CanceledBefore", s.canceledBefore)
	t.Run("CanceledWhileReading", s.canceledWhileReading)
	t.Run("SourceErrorIsReturned", s.sourceError)
	if info, _ := dbbackup.LookupFormat(s.New(t).Format()); !info.PgDump && !s.fanned {
		// A run gives the text formats views of one fan-out: the same
		// promises hold through one.
		inner := s.Source
		s.fanned = true
		s.Source = func(t *testing.T) dbbackup.Source {
			v := dbbackup.FanOut(context.Background(), inner(t), 1)[0]
			t.Cleanup(v.Leave)
			return v
		}
		t.Run("ThroughAFanOut", func(t *testing.T) { Run(t, s) })
	}
}

// named: a file's name is its set id and the registry's suffix for the
// format and the number of tables, so listing knows it as that format.
func (s Suite) named(t *testing.T) {
	e := s.New(t)
	if _, err := dbbackup.LookupFormat(e.Format()); err != nil {
		t.Fatalf("Format: %v", err)
	}
	for _, tables := range [][]dbbackup.Table{nil, {Lines}, Tables()} {
		ext := e.Extension(tables)
		if want := e.Format().Suffix(len(tables)); ext != want {
			t.Errorf("Extension of %d tables = %q, the registry says %q", len(tables), ext, want)
		}
		if _, f, ok := dbbackup.ParseFileName(setID + ext); !ok || f != e.Format() {
			t.Errorf("%s is listed as format %q (%v), want %q", setID+ext, f, ok, e.Format())
		}
	}
}

// writes: the file holds every table's rows, is owner-only, is the only
// thing left; the result counts, in order, the rows read through src.
func (s Suite) writes(t *testing.T, tables []dbbackup.Table) {
	o := s.export(t, context.Background(), tables, nil)
	if o.err != nil {
		t.Fatalf("Export: %v", o.err)
	}
	st, err := os.Stat(o.path)
	if err != nil {
		t.Fatalf("Export succeeded without writing %s: %v", o.path, err)
	}
	if st.Mode().Perm() != 0o600 || st.Size() == 0 {
		t.Errorf("%s: mode %v (want 0600 under umask 0), %d bytes", filepath.Base(o.path), st.Mode().Perm(), st.Size())
	}
	want := make([]int64, len(tables))
	for i, tb := range tables {
		want[i] = rowCount(tb)
	}
	if o.info.PgDump {
		if len(o.res.Tables) != 0 || len(o.probe.order) != 0 {
			t.Errorf("pg_dump's format counted %v and read %v through the Source: it reads the snapshot by its id", o.res.Tables, o.probe.order)
		}
	} else {
		s.checkCounts(t, o, tables, want)
	}
	if len(o.res.Warnings) > 0 {
		t.Errorf("warnings about ordinary data: %q", o.res.Warnings)
	}
	if got := s.Count(t, o.path, tables); !slices.Equal(got, want) {
		t.Errorf("the file holds %v rows, want %v", got, want)
	}
}

// checkCounts: one count a table, in order, each the rows src gave, every
// read one at a time.
func (s Suite) checkCounts(t *testing.T, o outcome, tables []dbbackup.Table, want []int64) {
	t.Helper()
	if len(o.res.Tables) != len(tables) {
		t.Fatalf("Tables = %v for %d tables", o.res.Tables, len(tables))
	}
	for i, tb := range tables {
		c := o.res.Tables[i]
		if c.Schema != tb.Schema || c.Name != tb.Name || c.Rows != want[i] || c.Rows != o.probe.rows[tb.String()] {
			t.Errorf("Tables[%d] = %+v; want %s with %d rows, as read through the Source (%d)", i, c, tb, want[i], o.probe.rows[tb.String()])
		}
	}
	if o.probe.overlap {
		t.Error("the Source was read by two calls at once: it is not safe for concurrent use")
	}
}

func (s Suite) canceledBefore(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	o := s.export(t, ctx, Tables(), nil)
	if !errors.Is(o.err, context.Canceled) {
		t.Errorf("Export with a cancelled context: %v; want an error that is context.Canceled", o.err)
	}
}

// canceledWhileReading: cancelled in the middle of the first table, Export
// reads no other and says it was cancelled. A format pg_dump writes reads
// nothing through the Source: it is cancelled as it asks for the snapshot.
func (s Suite) canceledWhileReading(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := s.export(t, ctx, Tables(), func(p *probe, info dbbackup.FormatInfo) {
		if info.PgDump {
			p.onInfo = cancel
			return
		}
		p.onRead = func(tb dbbackup.Table, n int64) error {
			if tb.String() == Table.String() && n >= 100 {
				cancel()
			}
			return nil
		}
	})
	if !errors.Is(o.err, context.Canceled) {
		t.Errorf("Export cancelled while reading: %v; want an error that is context.Canceled", o.err)
	}
	if len(o.probe.order) > 1 {
		t.Errorf("Export went on reading %v after it was cancelled", o.probe.order[1:])
	}
}

// sourceError: a table that fails to read fails the export, with the
// source's error inside and the table named.
func (s Suite) sourceError(t *testing.T) {
	o := s.export(t, context.Background(), Tables(), func(p *probe, info dbbackup.FormatInfo) {
		if info.PgDump {
			t.Skip("pg_dump reads the snapshot itself: no row passes through the Source")
		}
		p.onRead = func(tb dbbackup.Table, _ int64) error {
			if tb.String() == Lines.String() {
				return errBroken
			}
			return nil
		}
	})
	if !errors.Is(o.err, errBroken) || !strings.Contains(o.err.Error(), Lines.String()) {
		t.Errorf("Export from a Source failing on %s: %v; want its error, naming the table", Lines, o.err)
	}
}

// outcome is what one Export did.
type outcome struct {
	path  string
	info  dbbackup.FormatInfo
	res   dbbackup.ExportResult
	err   error
	probe *probe
}

// export runs Export of tables into an empty folder under umask 0, with a
// TMPDIR of its own, and checks that whatever happened it left nothing
// but the file at path, and that file closed.
func (s Suite) export(t *testing.T, ctx context.Context, tables []dbbackup.Table, setup func(*probe, dbbackup.FormatInfo)) outcome {
	t.Helper()
	e := s.New(t)
	info, err := dbbackup.LookupFormat(e.Format())
	if err != nil {
		t.Fatal(err)
	}
	p := newProbe(s.Source(t))
	if setup != nil {
		setup(p, info)
	}
	dir, tmp := t.TempDir(), t.TempDir()
	t.Setenv("TMPDIR", tmp)
	path := filepath.Join(dir, setID+e.Extension(tables))
	old := syscall.Umask(0)
	res, err := e.Export(ctx, p, tables, path)
	syscall.Umask(old)
	checkLeftovers(t, dir, path, tmp, err == nil)
	return outcome{path: path, info: info, res: res, err: err, probe: p}
}
