package dbbackup

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Version is the tool's version, set at build time with
// -ldflags "-X github.com/dbbackup/dbbackup.Version=…".
var Version = "dev"

// Sentinel errors that callers test with errors.Is.
var (
	// ErrNotFound: the named file or set does not exist.
	ErrNotFound = errors.New("not found")
	// ErrChecksumMismatch: stored bytes differ from the bytes that were sent.
	ErrChecksumMismatch = errors.New("checksum mismatch")
)

// Kind says how a column's values are written. It is derived from the
// column's type after domains are resolved to their base type.
type Kind int

// The kinds of column value. KindText covers every type without a kind of
// its own (enums, money, ranges, geometric types, …): they are written as
// PostgreSQL's text form.
const (
	KindText Kind = iota
	KindInt
	KindFloat
	KindNumeric
	KindBool
	KindJSON
	KindBytea
	KindDate
	KindTimestamp
	KindTimestampTZ
	KindTime
	KindTimeTZ
	KindInterval
	KindUUID
	KindArray
)

var kindNames = [...]string{"text", "int", "float", "numeric", "bool", "json", "bytea",
	"date", "timestamp", "timestamptz", "time", "timetz", "interval", "uuid", "array"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Column is one column of a table.
type Column struct {
	Name string // as in the catalog, unquoted
	Type string // as format_type prints it, e.g. "numeric(40,10)", "text[]", "public.mood"
	Kind Kind
	// Generated: a GENERATED ALWAYS AS … STORED column. COPY … TO leaves
	// it out (COPY … FROM could not write it), and so does the CSV;
	// json and xlsx keep it for people.
	Generated bool
}

// Copied is t with the columns COPY … TO writes: the generated ones left
// out.
func (t Table) Copied() Table {
	cols := make([]Column, 0, len(t.Columns))
	for _, c := range t.Columns {
		if !c.Generated {
			cols = append(cols, c)
		}
	}
	t.Columns = cols
	return t
}

// Table is one table in scope of a backup. Partitioned tables appear once,
// as their parent.
type Table struct {
	Schema  string
	Name    string
	Columns []Column
	// Partitioned is true for a partitioned table: reading it reads
	// every partition.
	Partitioned bool
	// Partitions are a partitioned table's partitions at every level
	// (Schema and Name only). Their rows are read through the table; a
	// tool that names tables one by one, as pg_dump --table does, must
	// name them too.
	Partitions []Table
}

// String returns schema.name as a person reads it (not quoted for SQL).
func (t Table) String() string { return t.Schema + "." + t.Name }

// TableCount is a table's row count as one export saw it.
type TableCount struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	Rows   int64  `json:"rows"`
	// Fingerprint proves a copy of the table holds the same rows:
	// "xxh64sum:" and 16 hex digits, the sum mod 2^64 of the xxh64 of
	// every record of the table's COPY … (FORMAT csv) text (header left
	// out, each record without its "\n"), printed under the snapshot's
	// session settings and time zone. It ignores the order of the rows and
	// counts duplicates. "" when the Snapshot cannot fingerprint (see
	// Fingerprinter), and in the counts an Exporter returns: the Runner
	// fills it.
	Fingerprint string `json:"fingerprint,omitempty"`
}

// File is one file of a backup set, as written locally or as stored in a
// Destination.
type File struct {
	Name  string `json:"name"`
	SetID string `json:"-"`
	// Database is the database the file's set holds, where the
	// destination tags files with it (Drive); "" elsewhere.
	Database string `json:"-"`
	// Job is the job that made the file's set, where the destination tags
	// files with it (Drive); "" elsewhere, and on files made before jobs.
	Job    string `json:"-"`
	Format Format `json:"format,omitempty"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
	MD5    string `json:"md5,omitempty"`
	// Compression and Encrypted say how the stored bytes were made from
	// the exported ones (see Encoder); then PlainSHA256 and PlainSize
	// are those of the exported bytes, which a restore gets back. Size,
	// SHA256 and MD5 are always the stored bytes'.
	Compression string `json:"compression,omitempty"`
	Encrypted   bool   `json:"encrypted,omitempty"`
	PlainSHA256 string `json:"plain_sha256,omitempty"`
	PlainSize   int64  `json:"plain_size,omitempty"`
	ID          string `json:"-"` // the destination's own id (a path, a Drive file id)
	Link        string `json:"link,omitempty"`
	// Parts are the file's zip entries or sheets and their tables (see
	// ExportResult.Parts); none for a file of one part.
	Parts   []Part    `json:"parts,omitempty"`
	ModTime time.Time `json:"-"`
}

// DefaultJob is the job the .env defines. A set that carries no job (made
// before there were jobs) is its.
const DefaultJob = "default"

// DefaultPrefix is the set id prefix of the job default
// (BACKUP_NAME_PREFIX): its names stay the seed's backup_YYYYMMDD_HHMMSS.
const DefaultPrefix = "backup"

// prefixPattern is a valid BACKUP_NAME_PREFIX. It may hold "_": a set id
// is read from its end, where the time stamp has a fixed shape.
const prefixPattern = `[A-Za-z0-9][A-Za-z0-9_-]{0,39}`

var validPrefix = regexp.MustCompile(`^` + prefixPattern + `$`)

// setIDPattern matches a set id, prefix_YYYYMMDD_HHMMSS with _N appended
// when several runs start in the same second, followed by the end of the
// name or a dot.
var setIDPattern = regexp.MustCompile(`^` + prefixPattern + `_(\d{8}_\d{6})(?:_[1-9][0-9]*)?(?:\.|$)`)

// ValidPrefix checks a set id prefix (BACKUP_NAME_PREFIX): the error is a
// *ConfigError naming that setting.
func ValidPrefix(prefix string) error {
	if validPrefix.MatchString(prefix) {
		return nil
	}
	return &ConfigError{Var: "BACKUP_NAME_PREFIX", Problem: fmt.Sprintf("%q is not a valid name prefix", prefix),
		Hint: "use 1 to 40 letters, digits, _ or -, beginning with a letter or digit"}
}

// SetIDAt returns the id of a set named with prefix (see ValidPrefix)
// started at t; seq > 1 tells apart runs that started in the same second.
func SetIDAt(prefix string, t time.Time, seq int) string {
	id := prefix + "_" + t.Format("20060102_150405")
	if seq > 1 {
		id += "_" + strconv.Itoa(seq)
	}
	return id
}

// ParseSetID reads the set id and start time from a file name such as
// backup_20260210_020000.csv.zip, in location loc, whatever its prefix.
// ok is false for a name the tool did not make.
func ParseSetID(name string, loc *time.Location) (id string, at time.Time, ok bool) {
	m := setIDPattern.FindStringSubmatch(name)
	if m == nil {
		return "", time.Time{}, false
	}
	at, err := time.ParseInLocation("20060102_150405", m[1], loc)
	if err != nil {
		return "", time.Time{}, false
	}
	return strings.TrimSuffix(m[0], "."), at, true
}

// ParseFileName reads the set id and format of a file the tool names, such
// as backup_20260210_020000.csv.zip or, compressed and encrypted,
// backup_20260210_020000.json.zst.age (json). ok is false for any other
// name.
func ParseFileName(name string) (setID string, format Format, ok bool) {
	id, _, ok := ParseSetID(name, time.UTC)
	if !ok {
		return "", "", false
	}
	// The endings of an Encoder say how the file is stored, not what it
	// holds: backup_….json.zst.age is json. The manifest is never encoded.
	suffix, e := plainName(name[len(id):])
	if f, ok := formatOfSuffix(suffix); ok && (f != FormatManifest || e == Encoding{}) {
		return id, f, true
	}
	return "", "", false
}

// HumanSize prints a byte count for people, in binary units: "1.2 MiB".
func HumanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// HumanChange prints how a count moved from prev to cur for people:
// "+1,204 (+3.1%)", "-28 (-70.0%)", "no change"; "+12" from nothing.
func HumanChange(prev, cur int64) string {
	d := cur - prev
	if d == 0 {
		return "no change"
	}
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	if prev == 0 {
		return sign + HumanCount(d)
	}
	return fmt.Sprintf("%s%s (%s%.1f%%)", sign, HumanCount(d), sign, 100*float64(d)/float64(prev))
}

// HumanCount prints a count for people, thousands marked: "1,234,567".
// The email and the web pages show row counts with it.
func HumanCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
		s = s[1:]
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
