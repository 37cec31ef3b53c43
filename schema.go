package dbbackup

import (
	"fmt"
	"strings"
)

// The lines that open the two sections of a set's schema file (see
// SchemaWriter). Each stands alone on its line, once.
const (
	// SchemaPreData opens what goes before the rows: schemas, extensions,
	// types, sequences, tables (with their columns, defaults, NOT NULL,
	// identity and generated columns) and partitions.
	SchemaPreData = "-- dbbackup:pre-data"
	// SchemaPostData opens what goes after the rows: keys, checks, foreign
	// keys, indexes, and every sequence's value.
	SchemaPostData = "-- dbbackup:post-data"
)

// SplitSchema cuts a schema file into the SQL to run before the rows are
// loaded and the SQL to run after. What comes before the pre-data line
// (the file's header comment) is in neither.
func SplitSchema(sql string) (pre, post string, err error) {
	preAt, postAt := -1, -1
	for at := 0; at < len(sql); {
		end := strings.IndexByte(sql[at:], '\n')
		if end < 0 {
			end = len(sql) - at
		}
		line := strings.TrimSuffix(sql[at:at+end], "\r")
		var mark *int
		switch line {
		case SchemaPreData:
			mark = &preAt
		case SchemaPostData:
			mark = &postAt
		}
		if mark != nil {
			if *mark >= 0 {
				return "", "", fmt.Errorf("the schema holds the line %q twice: the file was edited or joined with another; use the set's file as it was stored", line)
			}
			*mark = at
		}
		at += end + 1
	}
	for _, m := range []struct {
		at   int
		line string
	}{{preAt, SchemaPreData}, {postAt, SchemaPostData}} {
		if m.at < 0 {
			return "", "", fmt.Errorf("the schema has no line %q: it is not a schema file dbbackup wrote, or it was cut short", m.line)
		}
	}
	if postAt < preAt {
		return "", "", fmt.Errorf("the schema's line %q comes before %q: the file was edited; use the set's file as it was stored", SchemaPostData, SchemaPreData)
	}
	return sql[preAt:postAt], sql[postAt:], nil
}
