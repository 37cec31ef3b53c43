package app

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
)

// restoreOrder is the formats a restore may load, best first: a dump
// holds everything pg_dump knows; csv is PostgreSQL's own COPY format;
// json is read back through the catalog. xlsx is for people.
var restoreOrder = []dbbackup.Format{dbbackup.FormatDump, dbbackup.FormatCSV, dbbackup.FormatJSON}

// restorable is a set, the format it is restored from, and the files that
// takes: the data file first, then (for csv and json) the schema.
type restorable struct {
	set    dbbackup.Set
	format dbbackup.Format
	files  []dbbackup.File
}

// RestoreFiles are the files a restore of set from format from ("" the
// best it has) loads, data first, or an error that says what the set
// holds instead.
func RestoreFiles(set dbbackup.Set, from dbbackup.Format) (dbbackup.Format, []dbbackup.File, error) {
	if set.Manifest == nil {
		return "", nil, fmt.Errorf("set %s has no readable manifest: it cannot be restored", set.ID)
	}
	return restoreFilesOf(set.ID, set.Listed(), from)
}

// restoreFilesOf is RestoreFiles over the files of set setID.
func restoreFilesOf(setID string, files []dbbackup.File, from dbbackup.Format) (dbbackup.Format, []dbbackup.File, error) {
	byFormat := map[dbbackup.Format]dbbackup.File{}
	var has []string
	for _, f := range files {
		if _, ok := byFormat[f.Format]; !ok && f.Format != dbbackup.FormatManifest && f.Format != dbbackup.FormatSchema {
			has = append(has, string(f.Format))
		}
		byFormat[f.Format] = f
	}
	schema, hasSchema := byFormat[dbbackup.FormatSchema]
	formats := restoreOrder
	if from != "" {
		formats = []dbbackup.Format{from}
	}
	var noSchema error
	for _, f := range formats {
		data, ok := byFormat[f]
		switch {
		case !ok:
		case f == dbbackup.FormatDump:
			return f, []dbbackup.File{data}, nil
		case hasSchema:
			return f, []dbbackup.File{data, schema}, nil
		case noSchema == nil:
			noSchema = dbbackup.WithHint(fmt.Errorf("set %s has no schema file (%s): its %s cannot be restored by this tool", setID, setID+dbbackup.FormatSchema.Suffix(0), f),
				"%s", "sets made before the schema traveled with them restore from their dump; or create the tables by hand and load the data with psql (see the README)")
		}
	}
	if noSchema != nil {
		return "", nil, noSchema
	}
	what := "no file"
	sort.Strings(has)
	if len(has) > 0 {
		what = strings.Join(has, ", ")
	}
	if from != "" {
		return "", nil, dbbackup.WithHint(fmt.Errorf("set %s has no %s: it has %s", setID, from, what), "%s", restoreHint(has))
	}
	return "", nil, dbbackup.WithHint(fmt.Errorf("set %s cannot be restored: it has %s", setID, what), "%s", restoreHint(has))
}

// RestoreFormats are the formats set can be restored from, best first.
func RestoreFormats(set dbbackup.Set) []dbbackup.Format {
	var out []dbbackup.Format
	for _, f := range restoreOrder {
		if _, _, err := RestoreFiles(set, f); err == nil {
			out = append(out, f)
		}
	}
	return out
}

// restoreHint says what to restore from instead, or how to make sets
// that restore.
func restoreHint(has []string) string {
	var can []string
	for _, f := range restoreOrder {
		for _, h := range has {
			if h == string(f) {
				can = append(can, "--from "+h)
			}
		}
	}
	if len(can) > 0 {
		return "restore it with " + strings.Join(can, " or ")
	}
	return "xlsx is for people, not for restore: keep csv, json or dump in BACKUP_FORMATS (the default csv,xlsx,json restores from csv)"
}

// findRestorable picks the set (the one named, or the newest complete one
// of the job's database that can be restored from from) and its files.
func findRestorable(ctx context.Context, dest dbbackup.Destination, loc *time.Location, job, database, setID string, from dbbackup.Format) (restorable, error) {
	sets, err := dbbackup.InspectSets(ctx, dest, loc)
	if err != nil {
		return restorable{}, err
	}
	if setID != "" {
		if len(Pick(sets, setID)) == 0 {
			return restorable{}, &NoSetError{ID: setID, Dest: dest.String()}
		}
		for _, s := range sets {
			if s.ID == setID && s.Complete {
				format, files, err := RestoreFiles(s, from)
				return restorable{set: s, format: format, files: files}, err
			}
		}
		return restorable{}, fmt.Errorf("no complete set %s in %s: `dbbackup list` shows the sets", setID, dest)
	}
	var newest error
	for _, s := range dbbackup.OfJob(sets, job, database) {
		if !s.Complete {
			continue
		}
		format, files, err := RestoreFiles(s, from)
		if err == nil {
			return restorable{set: s, format: format, files: files}, nil
		}
		if newest == nil {
			newest = err
		}
	}
	if newest != nil {
		return restorable{}, fmt.Errorf("no complete set of database %s in %s can be restored%s; the newest: %w", database, dest, fromWhat(from), newest)
	}
	return restorable{}, fmt.Errorf("no complete set of database %s in %s: `dbbackup list` shows the sets there are", database, dest)
}

func fromWhat(from dbbackup.Format) string {
	if from == "" {
		return ""
	}
	return " from " + string(from)
}
