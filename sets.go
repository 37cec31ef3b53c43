package dbbackup

import (
	"sort"
	"time"
)

// Set is one backup set as found in a destination: the files that share a
// set id.
type Set struct {
	ID       string
	Time     time.Time // from the id, in the location given to Sets
	Files    []File
	Complete bool // the manifest is there
}

// Size is the total size of the set's files.
func (s Set) Size() int64 {
	var n int64
	for _, f := range s.Files {
		n += f.Size
	}
	return n
}

// Sets groups the files the tool made into sets, newest first. Files of
// other origin are left out.
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
		if f.Format == FormatManifest {
			s.Complete = true
		}
	}
	sets := make([]Set, 0, len(byID))
	for _, s := range byID {
		sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Name < s.Files[j].Name })
		sets = append(sets, *s)
	}
	sort.Slice(sets, func(i, j int) bool { return sets[i].ID > sets[j].ID })
	return sets
}
