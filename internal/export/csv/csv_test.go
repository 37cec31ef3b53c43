package csv

import (
	"archive/zip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/dbbackup/dbbackup"
)

func table(schema, name string) dbbackup.Table {
	return dbbackup.Table{Schema: schema, Name: name, Columns: []dbbackup.Column{{Name: "id", Type: "integer", Kind: dbbackup.KindInt}}}
}

func export(t *testing.T, ctx context.Context, src dbbackup.Source, tables []dbbackup.Table) (dbbackup.ExportResult, string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out"+Exporter{}.Extension(tables))
	res, err := Exporter{}.Export(ctx, src, tables, path)
	return res, path, err
}

func TestSingleTableIsCopyOutput(t *testing.T) {
	src := newFakeSource()
	users := table("public", "users")
	const body = "id,name,note\n1,Анна,\"a, \"\"b\"\"\nc\"\n2,,\"\"\n"
	src.add(users, body, 2, nil)

	if ext := (Exporter{}).Extension([]dbbackup.Table{users}); ext != ".csv" {
		t.Fatalf("Extension = %q", ext)
	}
	res, path, err := export(t, context.Background(), src, []dbbackup.Table{users})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != body {
		t.Errorf("file = %q, want the COPY output %q", got, body)
	}
	want := []dbbackup.TableCount{{Schema: "public", Name: "users", Rows: 2}}
	if !reflect.DeepEqual(res.Tables, want) {
		t.Errorf("Tables = %+v, want %+v", res.Tables, want)
	}
}

func TestSeveralTablesAreZipEntries(t *testing.T) {
	src := newFakeSource()
	tables := []dbbackup.Table{
		table("public", "users"),
		table("public", "a/b"),
		table("public", `a\b`),
		table("public", "a_b"),
		table("public", "A_B (2)"),
		table("..", "x"),
		table(".hidden", "y"),
		table("склад", "Товары"),
		table("склад", "товары"),
		table("public", "what?*:<>|\"\x01"),
		table("public", "bad\xffutf8"),
	}
	want := []string{
		"public.users.csv",
		"public.a_b.csv",
		"public.a_b (2).csv",
		"public.a_b (3).csv",
		"public.A_B (2) (2).csv",
		"___x.csv", // "...x": every leading dot
		"_hidden.y.csv",
		"склад.Товары.csv",
		"склад.товары (2).csv",
		"public.what________.csv",
		"public.bad_utf8.csv",
	}
	bodies := map[string]string{}
	for i, tb := range tables {
		body := "id\n" + string(rune('0'+i)) + "\n"
		bodies[want[i]] = body
		src.add(tb, body, 1, nil)
	}
	if ext := (Exporter{}).Extension(tables); ext != ".csv.zip" {
		t.Fatalf("Extension = %q", ext)
	}
	res, path, err := export(t, context.Background(), src, tables)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != len(want) {
		t.Fatalf("%d entries, want %d", len(zr.File), len(want))
	}
	for i, f := range zr.File {
		if f.Name != want[i] {
			t.Errorf("entry %d = %q, want %q", i, f.Name, want[i])
		}
		if !f.Modified.Equal(src.info.SnapshotTime) {
			t.Errorf("entry %q modified %v, want the snapshot time %v", f.Name, f.Modified, src.info.SnapshotTime)
		}
		const utf8Flag = 0x800 // without it, unzip tools read the name in a DOS code page
		if strings.ContainsFunc(f.Name, func(r rune) bool { return r > unicode.MaxASCII }) && f.Flags&utf8Flag == 0 {
			t.Errorf("entry %q is not marked UTF-8", f.Name)
		}
		if f.Method != zip.Deflate {
			t.Errorf("entry %q method %d, want deflate", f.Name, f.Method)
		}
		if got := readEntry(t, f); got != bodies[f.Name] {
			t.Errorf("entry %q = %q, want %q", f.Name, got, bodies[f.Name])
		}
	}
	if len(res.Tables) != len(tables) || res.Tables[1] != (dbbackup.TableCount{Schema: "public", Name: "a/b", Rows: 1}) {
		t.Errorf("Tables = %+v", res.Tables)
	}
}

func readEntry(t *testing.T, f *zip.File) string {
	t.Helper()
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestNoTablesIsAnEmptyZip(t *testing.T) {
	res, path, err := export(t, context.Background(), newFakeSource(), nil)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != 0 || len(res.Tables) != 0 {
		t.Errorf("%d entries, %d counts; want none", len(zr.File), len(res.Tables))
	}
}

func TestSourceErrorsPropagate(t *testing.T) {
	errBroken := errors.New("connection reset")
	for _, n := range []int{1, 3} {
		src := newFakeSource()
		var tables []dbbackup.Table
		for i := range n {
			tb := table("public", "t"+string(rune('a'+i)))
			tables = append(tables, tb)
			var err error
			if i == n-1 {
				err = errBroken
			}
			src.add(tb, "id\n1\n", 1, err)
		}
		_, _, err := export(t, context.Background(), src, tables)
		if !errors.Is(err, errBroken) {
			t.Errorf("%d tables: error %v, want %v", n, err, errBroken)
		}
	}
}

func TestCreateFails(t *testing.T) {
	tables := []dbbackup.Table{table("public", "t")}
	_, err := Exporter{}.Export(context.Background(), newFakeSource(), tables, filepath.Join(t.TempDir(), "missing", "x.csv"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %v, want one wrapping os.ErrNotExist", err)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	src := newFakeSource()
	tables := []dbbackup.Table{table("public", "a"), table("public", "b"), table("public", "c")}
	src.add(tables[0], "id\n1\n", 1, nil)
	src.copies["public.b"] = func(ctx context.Context, w io.Writer) (int64, error) {
		cancel() // the user gives up while b is copied
		return 0, ctx.Err()
	}
	src.add(tables[2], "id\n1\n", 1, nil)

	_, _, err := export(t, ctx, src, tables)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if want := []string{"public.a", "public.b"}; !reflect.DeepEqual(src.called, want) {
		t.Errorf("copied %v, want %v and then stop", src.called, want)
	}

	// Cancelled before it starts: not even the first table is read.
	src.called = nil
	_, _, err = export(t, ctx, src, tables[:1])
	if !errors.Is(err, context.Canceled) || len(src.called) != 0 {
		t.Errorf("error %v after copying %v, want context.Canceled and nothing read", err, src.called)
	}
}
