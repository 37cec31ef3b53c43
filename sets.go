package dbbackup

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Set is one backup set as found in a destination: the files that share a
// set id, and what its manifest says of them.
type Set struct {
	ID   string
	Time time.Time // from the id, in the location given to Sets
	// Database is the database the set holds: its manifest's, or, without
	// a readable manifest, the one its files are tagged with ("" when
	// unknown).
	Database string
	// Job is the job that made the set: its manifest's, else the one its
	// files are tagged with, else DefaultJob (a set made before jobs).
	Job      string
	Files    []File    // every file tagged with the set id, the user's renamed ones too
	Manifest *Manifest // nil when there is none or it cannot be read
	// Complete: the manifest parses, names this set and a database, and
	// every file it lists is there with its size (and md5 where the
	// destination keeps one). Only InspectSets sets it.
	Complete bool
	Problem  string // why the set is not complete
}

// OneOff reports whether the set was made with settings given for that
// run alone (see Manifest.OneOff).
func (s Set) OneOff() bool { return s.Manifest != nil && len(s.Manifest.OneOff) > 0 }

// Size is the total size of the set's files.
func (s Set) Size() int64 {
	var n int64
	for _, f := range s.Files {
		n += f.Size
	}
	return n
}

// Sets groups the files the tool made into sets, newest first, without
// reading anything: Complete stays false, and Job and Database are the
// files' tags. Files of other origin are left out.
func Sets(files []File, loc *time.Location) []Set {
	byID := map[string]*Set{}
	for _, f := range files {
		if f.SetID == "" {
			continue
		}
		s := byID[f.SetID]
		if s == nil {
			_, at, ok := ParseSetID(f.SetID, loc)
			if !ok {
				continue
			}
			s = &Set{ID: f.SetID, Time: at}
			byID[f.SetID] = s
		}
		s.Files = append(s.Files, f)
		if s.Job == "" {
			s.Job = f.Job
		}
		if s.Database == "" {
			s.Database = f.Database
		}
	}
	sets := make([]Set, 0, len(byID))
	for _, s := range byID {
		s.Job = jobOrDefault(s.Job)
		sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Name < s.Files[j].Name })
		sets = append(sets, *s)
	}
	sort.Slice(sets, func(i, j int) bool { return newer(sets[i], sets[j]) })
	return sets
}

// newer orders sets newest first by the time in their ids, not by the ids:
// a job whose prefix changed has sets of two prefixes. Sets of one second
// go by their number: a longer id has the larger one.
func newer(a, b Set) bool {
	switch {
	case !a.Time.Equal(b.Time):
		return a.Time.After(b.Time)
	case len(a.ID) != len(b.ID):
		return len(a.ID) > len(b.ID)
	}
	return a.ID > b.ID
}

// InspectSets lists dest and tells of every set, newest first, which job
// made it, which database it holds and whether it is whole: each manifest
// is read once. Pick one job's sets with OfJob.
func InspectSets(ctx context.Context, dest Destination, loc *time.Location) ([]Set, error) {
	files, err := dest.List(ctx)
	if err != nil {
		return nil, err
	}
	sets := Sets(files, loc)
	for i := range sets {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		inspect(ctx, dest, &sets[i])
	}
	return sets, nil
}

// inspect reads s's manifest and checks s against it.
func inspect(ctx context.Context, dest Destination, s *Set) {
	m, err := SetManifest(ctx, dest, *s)
	if err != nil {
		s.Problem = err.Error()
		return
	}
	s.Manifest = m
	if m.Database != "" {
		s.Database = m.Database
	}
	if m.Job != "" {
		s.Job = m.Job
	}
	var problems []string
	switch {
	case m.SetID != s.ID:
		problems = append(problems, fmt.Sprintf("its manifest is the one of set %q", m.SetID))
	case m.Database == "":
		problems = append(problems, "its manifest names no database")
	case len(m.Files) == 0:
		problems = append(problems, "its manifest lists no file")
	}
	stored := map[string]File{}
	for _, f := range s.Files {
		stored[f.Name] = f
	}
	for _, want := range m.Files {
		if p := fileProblem(stored, want, m.Database, s.Job); p != "" {
			problems = append(problems, p)
		}
	}
	s.Problem = strings.Join(problems, "; ")
	s.Complete = s.Problem == ""
}

// fileProblem checks a file the manifest lists against the stored one.
func fileProblem(stored map[string]File, want File, database, job string) string {
	got, ok := stored[want.Name]
	switch {
	case !ok:
		return want.Name + " is missing"
	case got.Size != want.Size:
		return fmt.Sprintf("%s holds %d bytes, the manifest says %d", want.Name, got.Size, want.Size)
	case got.MD5 != "" && want.MD5 != "" && !strings.EqualFold(got.MD5, want.MD5):
		return want.Name + "'s md5 differs from the manifest's: the file is damaged"
	case got.Format != "" && want.Format != "" && got.Format != want.Format:
		return fmt.Sprintf("%s is tagged as %s, the manifest says %s", want.Name, got.Format, want.Format)
	case got.Database != "" && got.Database != database:
		return fmt.Sprintf("%s is tagged as a file of database %s, the manifest says %s", want.Name, got.Database, database)
	case got.Job != "" && got.Job != job:
		return fmt.Sprintf("%s is tagged as a file of job %s, the manifest says %s", want.Name, got.Job, job)
	}
	return ""
}

// Named reports whether the set's manifest could be read and names this
// set and its database: the tool knows which files are the set's.
func (s Set) Named() bool {
	return s.Manifest != nil && s.Manifest.SetID == s.ID && s.Manifest.Database != ""
}

// Listed returns the stored files the set's manifest lists, the manifest
// last: the only files of the set the tool may delete. A file is the
// manifest's by name and by its tags (format, database, job) where the
// destination keeps them.
func (s Set) Listed() []File {
	if s.Manifest == nil {
		return nil
	}
	listed := map[string]File{}
	for _, f := range s.Manifest.Files {
		listed[f.Name] = f
	}
	var out, manifest []File
	for _, f := range s.Files {
		want, ok := listed[f.Name]
		switch {
		case f.Database != "" && f.Database != s.Manifest.Database:
		case f.Job != "" && f.Job != s.Job:
		case f.Name == ManifestName(s.ID) && f.Format == FormatManifest:
			manifest = append(manifest, f)
		case ok && (f.Format == "" || f.Format == want.Format):
			out = append(out, f)
		}
	}
	return append(out, manifest...)
}

// OfJob returns the sets job made of database ("" is DefaultJob): the
// only sets that job's runs count, compare or delete. A set whose database
// is unknown (no readable manifest, no tag) is of none: nothing ever
// removes it.
func OfJob(sets []Set, job, database string) []Set {
	job = jobOrDefault(job)
	var out []Set
	for _, s := range sets {
		if s.Job == job && s.Database == database {
			out = append(out, s)
		}
	}
	return out
}

// jobOrDefault is job, or DefaultJob for "": a zero Runner, a set or a run
// record without a job are the job default's.
func jobOrDefault(job string) string {
	if job == "" {
		return DefaultJob
	}
	return job
}
