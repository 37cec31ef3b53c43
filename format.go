package dbbackup

import (
	"fmt"
	"strings"
)

// Format is one kind of backup file.
type Format string

// The formats a run can write.
const (
	FormatCSV  Format = "csv"
	FormatXLSX Format = "xlsx"
	FormatJSON Format = "json"
	FormatDump Format = "dump"
)

// FormatManifest marks a set's manifest file. It is not an export format.
const FormatManifest Format = "manifest"

// FormatSchema marks a set's schema file, <set>.schema.sql: plain SQL that
// creates the tables of the set (see SchemaWriter). It is written with
// every set whose snapshot can write it, whatever the formats: it is not an
// export format either.
const FormatSchema Format = "schema"

// FormatInfo is what the program knows of a format: the registry below is
// the one place that says it, and listing, Drive, the exporters and the
// wiring all read it, so a new format is added here once.
type FormatInfo struct {
	Format Format
	// Files are the endings a file of this format has after its set id,
	// each with its MIME type.
	Files []FileType
	// PgDump: pg_dump writes the file from the snapshot's id. A run needs
	// pg_dump installed for it; the exporter reads no rows through the
	// Source and counts none.
	PgDump bool
}

// FileType is one ending of a format's files.
type FileType struct {
	Suffix string // with its dot: ".csv.zip"
	MIME   string
	// OneTable: the ending of a file that holds exactly one table; the
	// format's other ending names a file of any other number of tables.
	OneTable bool
}

// registry holds every format, export formats in the order a run writes
// them, then the schema and the manifest, which are no export formats.
var registry = []FormatInfo{
	{Format: FormatCSV, Files: []FileType{
		{Suffix: ".csv", MIME: "text/csv", OneTable: true},
		{Suffix: ".csv.zip", MIME: "application/zip"}}},
	{Format: FormatXLSX, Files: []FileType{
		{Suffix: ".xlsx", MIME: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}}},
	{Format: FormatJSON, Files: []FileType{{Suffix: ".json", MIME: "application/json"}}},
	{Format: FormatDump, PgDump: true, Files: []FileType{{Suffix: ".dump", MIME: "application/octet-stream"}}},
	{Format: FormatSchema, Files: []FileType{{Suffix: ".schema.sql", MIME: "application/sql"}}},
	{Format: FormatManifest, Files: []FileType{{Suffix: ".manifest.json", MIME: "application/json"}}},
}

// Formats lists every export format in the order a run writes them.
var Formats = exportFormats()

func exportFormats() []Format {
	var fs []Format
	for _, i := range registry {
		if !i.Format.setFile() {
			fs = append(fs, i.Format)
		}
	}
	return fs
}

// LookupFormat returns what the registry knows of an export format. Wiring
// that maps formats to exporters calls it, so that a format it has no
// exporter for is an error, never a set silently missing a file.
func LookupFormat(f Format) (FormatInfo, error) {
	if f.setFile() {
		return FormatInfo{}, fmt.Errorf("the %s is written with every set: it is not a format to export (known: %s)", f, knownFormats())
	}
	if i, ok := lookup(f); ok {
		return i, nil
	}
	return FormatInfo{}, fmt.Errorf("unknown format %q (known: %s)", f, knownFormats())
}

// ParseFormat returns the export format named s (case-insensitive).
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if _, err := LookupFormat(f); err != nil {
		return "", fmt.Errorf("unknown format %q (known: %s)", s, knownFormats())
	}
	return f, nil
}

// Suffix is the ending, after the set id, of the file of f that holds
// the given number of tables. It is "" for a format the registry does not
// know, which no wiring lets a run write (LookupFormat).
func (f Format) Suffix(tables int) string {
	i, _ := lookup(f)
	for _, t := range i.Files {
		if t.OneTable == (tables == 1) {
			return t.Suffix
		}
	}
	if len(i.Files) > 0 {
		return i.Files[0].Suffix
	}
	return ""
}

// MIMEType is the MIME type of a file named as the tool names files, by
// its ending; application/octet-stream for any other name, and for an
// encrypted file (age has no MIME type of its own).
func MIMEType(name string) string {
	switch _, e := plainName(name); {
	case e.Encrypted:
		return "application/octet-stream"
	case e.Compression == CompressionZstd:
		return "application/zstd"
	}
	best := FileType{MIME: "application/octet-stream"}
	for _, i := range registry {
		for _, t := range i.Files {
			if strings.HasSuffix(name, t.Suffix) && len(t.Suffix) > len(best.Suffix) {
				best = t
			}
		}
	}
	return best.MIME
}

// formatOfSuffix returns the format of a file whose name ends in suffix
// after its set id.
func formatOfSuffix(suffix string) (Format, bool) {
	for _, i := range registry {
		for _, t := range i.Files {
			if t.Suffix == suffix {
				return i.Format, true
			}
		}
	}
	return "", false
}

// setFile reports whether f is a file every set has whatever its formats
// (the manifest, the schema) rather than an export format.
func (f Format) setFile() bool { return f == FormatManifest || f == FormatSchema }

func lookup(f Format) (FormatInfo, bool) {
	for _, i := range registry {
		if i.Format == f {
			return i, true
		}
	}
	return FormatInfo{}, false
}

func knownFormats() string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}
