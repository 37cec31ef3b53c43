package dbbackup_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

// A compressed or encrypted file is listed as the format it holds, with a
// MIME type that does not claim a readable file; a manifest is never one.
func TestEncodedFileNamesParseBack(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format dbbackup.Format
		mime   string
	}{
		{"backup_20260210_020000.json.zst.age", dbbackup.FormatJSON, "application/octet-stream"},
		{"backup_20260210_020000.json.zst", dbbackup.FormatJSON, "application/zstd"},
		{"backup_20260210_020000.csv.zst.age", dbbackup.FormatCSV, "application/octet-stream"},
		{"backup_20260210_020000.csv.zip.age", dbbackup.FormatCSV, "application/octet-stream"},
		{"backup_20260210_020000.xlsx.age", dbbackup.FormatXLSX, "application/octet-stream"},
		{"backup_20260210_020000.dump.age", dbbackup.FormatDump, "application/octet-stream"},
	} {
		set, f, ok := dbbackup.ParseFileName(tc.name)
		if !ok || set != "backup_20260210_020000" || f != tc.format {
			t.Errorf("%s parsed as %q, %q, %v; want %s", tc.name, set, f, ok, tc.format)
		}
		if got := dbbackup.MIMEType(tc.name); got != tc.mime {
			t.Errorf("MIMEType(%s) = %s, want %s", tc.name, got, tc.mime)
		}
	}
	for _, name := range []string{"backup_20260210_020000.manifest.json.age", "backup_20260210_020000.manifest.json.zst",
		"backup_20260210_020000.age", "backup_20260210_020000.json.age.zst", "backup_20260210_020000.txt.age"} {
		if _, f, ok := dbbackup.ParseFileName(name); ok {
			t.Errorf("%s parsed as a file of format %s", name, f)
		}
	}
}

// reverser "encodes" a file by reversing its bytes, and appends .zst to
// json files alone, as an encoder that compresses some formats does.
type reverser struct{}

func (reverser) Encoding(name string, f dbbackup.Format) dbbackup.Encoding {
	if f == dbbackup.FormatJSON {
		return dbbackup.Encoding{Compression: dbbackup.CompressionZstd, Encrypted: true}
	}
	return dbbackup.Encoding{Encrypted: true}
}

func (reverser) Encode(_ string, _ dbbackup.Format, w io.Writer) (io.WriteCloser, error) {
	return &reversing{w: w}, nil
}

type reversing struct {
	w   io.Writer
	buf []byte
}

func (r *reversing) Write(p []byte) (int, error) { r.buf = append(r.buf, p...); return len(p), nil }
func (r *reversing) Close() error {
	out := bytes.Clone(r.buf)
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	_, err := r.w.Write(out)
	return err
}

// forgetful answers a Put as Drive does: with what it knows of the file,
// not what the run knew.
type forgetful struct{ dbbackup.Destination }

func (d forgetful) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	stored, err := d.Destination.Put(ctx, f, r)
	return dbbackup.File{Name: stored.Name, ID: stored.ID, SetID: stored.SetID, Format: stored.Format, Size: stored.Size, MD5: stored.MD5}, err
}

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// A run with an encoder stores the encoded files under their new names,
// the manifest plain; the manifest lists each file's stored checksums and
// size, and those of the bytes exported, with how they were stored.
func TestRunEncodesEveryFileButTheManifest(t *testing.T) {
	r, dest := newRunner(t)
	r.Encoder = reverser{}
	r.Dest = forgetful{dest}
	rep, err := r.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := dest.Path()
	names := map[string]bool{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names[e.Name()] = true
	}
	for _, want := range []string{"backup_20260210_020000.csv.age", "backup_20260210_020000.json.zst.age", "backup_20260210_020000.manifest.json"} {
		if !names[want] {
			t.Errorf("%s is not stored; the folder holds %v", want, names)
		}
	}
	if names["backup_20260210_020000.csv"] || names["backup_20260210_020000.json"] {
		t.Errorf("an exported file is stored beside its encoded form: %v", names)
	}
	f, err := os.Open(filepath.Join(dir, "backup_20260210_020000.manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := dbbackup.ReadManifest(f) // plain JSON: no key needed
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 2 || len(rep.Files) != 3 {
		t.Fatalf("manifest lists %d files, the report %d", len(m.Files), len(rep.Files))
	}
	for i, mf := range m.Files {
		stored, _ := os.ReadFile(filepath.Join(dir, mf.Name))
		plain := bytes.Clone(stored)
		for i, j := 0, len(plain)-1; i < j; i, j = i+1, j-1 {
			plain[i], plain[j] = plain[j], plain[i]
		}
		switch {
		case mf.SHA256 != sum(stored) || mf.Size != int64(len(stored)):
			t.Errorf("%s: manifest says %d bytes, sha256 %s; stored %d, %s", mf.Name, mf.Size, mf.SHA256, len(stored), sum(stored))
		case mf.PlainSHA256 != sum(plain) || mf.PlainSize != int64(len(plain)) || !strings.HasPrefix(string(plain), "public."):
			t.Errorf("%s: manifest's plain %d bytes %s; exported %d, %s (%q)", mf.Name, mf.PlainSize, mf.PlainSHA256, len(plain), sum(plain), plain)
		case !mf.Encrypted || (mf.Compression == "zstd") != (mf.Format == dbbackup.FormatJSON):
			t.Errorf("%s: encrypted %v, compression %q", mf.Name, mf.Encrypted, mf.Compression)
		case rep.Files[i].PlainSHA256 != mf.PlainSHA256 || rep.Files[i].Name != mf.Name:
			t.Errorf("the report's %+v differs from the manifest's %+v", rep.Files[i], mf)
		}
	}
	// Listing and checking the set need no key.
	sets, err := dbbackup.InspectSets(context.Background(), dest, r.Location)
	if err != nil || len(sets) != 1 || !sets[0].Complete || len(sets[0].Listed()) != 3 {
		t.Fatalf("sets %+v, %v", sets, err)
	}
	checks, err := dbbackup.Verify(context.Background(), dest, sets[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		if c.Problem != "" {
			t.Errorf("verify: %+v", c)
		}
	}
}
