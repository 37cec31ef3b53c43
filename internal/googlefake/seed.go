package googlefake

import (
	"cmp"
	"maps"
	"slices"
	"time"
)

// FileSpec describes a file or folder a test puts straight into the fake
// Drive, as if it had been made in the web UI.
type FileSpec struct {
	ID       string // default: a fresh Drive-like id
	Name     string
	MimeType string   // FolderMimeType for a folder; default application/octet-stream
	Parents  []string // default: My Drive's root
	Content  []byte
	Trashed  bool

	AppProperties map[string]string
	Properties    map[string]string

	// Owner, when set, is another user's email: the file is shared with the
	// authorized user, uses none of their quota and is not theirs to delete.
	Owner string
	// Hidden files are not shared with the authorized user: every call
	// about them answers 404, as for a folder id from someone else's Drive.
	Hidden bool
	// ReadOnly files are shared as "reader": capabilities.canAddChildren
	// is false and writes get 403 insufficientFilePermissions.
	ReadOnly bool
	// ByApp marks a file the app created, so that a drive.file token sees
	// it; files made in the web UI are invisible to that scope.
	ByApp bool

	CreatedTime time.Time // default: the server's clock
}

// File is a snapshot of a stored file, for assertions.
type File struct {
	ID, Name, MimeType string
	Parents            []string
	AppProperties      map[string]string
	Properties         map[string]string
	Trashed            bool // explicitly, or because a folder above it is
	Size               int64
	MD5Checksum        string // what Drive reports, wrong after CorruptNextMD5
	CreatedTime        time.Time
	ModifiedTime       time.Time
	Owner              string // "" for the authorized user
}

// RootID is the id of My Drive's root folder, which "root" also names.
func (s *Server) RootID() string { return rootID }

// AddFile stores spec directly, bypassing checks and faults.
func (s *Server) AddFile(spec FileSpec) File {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := &s.drive
	now := s.now().Truncate(time.Millisecond)
	f := d.newFile(now)
	if spec.ID != "" {
		delete(d.files, f.id)
		f.id = spec.ID
		d.files[f.id] = f
	}
	if !spec.CreatedTime.IsZero() {
		f.created = spec.CreatedTime.Truncate(time.Millisecond)
		f.modified = f.created
	}
	f.name = cmp.Or(spec.Name, "Untitled")
	f.mimeType = cmp.Or(spec.MimeType, "application/octet-stream")
	f.parents = []string{rootID}
	if len(spec.Parents) > 0 {
		f.parents = nil
		for _, p := range spec.Parents {
			f.parents = append(f.parents, d.resolve(p))
		}
	}
	f.trashed = spec.Trashed
	f.appProperties, f.properties = maps.Clone(spec.AppProperties), maps.Clone(spec.Properties)
	f.owner, f.hidden, f.readOnly = spec.Owner, spec.Hidden, spec.ReadOnly
	if spec.ByApp {
		f.app = appAny
	}
	if !f.isFolder() {
		f.content = slices.Clone(spec.Content)
		f.md5 = md5Hex(f.content)
	}
	return s.snapshotLocked(f)
}

// AddFolder stores a folder of the user's in parent (default: the root).
func (s *Server) AddFolder(name string, parent ...string) File {
	return s.AddFile(FileSpec{Name: name, MimeType: FolderMimeType, Parents: parent})
}

// SetTrashed moves a file or folder to the trash or out of it, and reports
// whether it exists.
func (s *Server) SetTrashed(id string, trashed bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.drive.files[s.drive.resolve(id)]
	if f != nil {
		f.trashed = trashed
	}
	return f != nil
}

// SetStorageQuota sets the account's limit (0: unlimited, as for some
// Workspace plans; about.get then leaves storageQuota.limit out) and the
// bytes used outside Drive (Gmail, Photos), which count against it too.
func (s *Server) SetStorageQuota(limit, otherUsage int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drive.limit, s.drive.otherUsage = limit, otherUsage
}

// SetUser sets the account about.get describes.
func (s *Server) SetUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drive.user = u
}

// SetListPageLimit caps every files.list page at n files whatever pageSize
// asks for (0: no cap), to prove a client follows nextPageToken.
func (s *Server) SetListPageLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drive.pageCap = n
}

// SetUploadGranularity sets the unit in which resumable sessions persist
// non-final chunks (default 256 KiB, Google's); tests of raw chunking may
// use a smaller one to keep bodies small.
func (s *Server) SetUploadGranularity(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drive.granularity = n
}

// Content returns a copy of a stored file's bytes.
func (s *Server) Content(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.drive.files[s.drive.resolve(id)]
	if f == nil {
		return nil, false
	}
	return slices.Clone(f.content), true
}

// Corrupt flips one bit of a stored file's content and leaves its metadata
// as it was, as a damaged disk would: only reading the bytes tells.
func (s *Server) Corrupt(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.drive.files[s.drive.resolve(id)]
	if f == nil || len(f.content) == 0 {
		return false
	}
	f.content = slices.Clone(f.content)
	f.content[len(f.content)/2] ^= 1
	return true
}

// File returns a snapshot of one stored file, hidden ones included.
func (s *Server) File(id string) (File, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.drive.files[s.drive.resolve(id)]
	if f == nil {
		return File{}, false
	}
	return s.snapshotLocked(f), true
}

// Files returns every stored file but the root, oldest first.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var fs []*file
	for _, f := range s.drive.files {
		if f.id != rootID {
			fs = append(fs, f)
		}
	}
	slices.SortFunc(fs, func(a, b *file) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]File, len(fs))
	for i, f := range fs {
		out[i] = s.snapshotLocked(f)
	}
	return out
}

func (s *Server) snapshotLocked(f *file) File {
	return File{ID: f.id, Name: f.name, MimeType: f.mimeType, Parents: slices.Clone(f.parents),
		AppProperties: maps.Clone(f.appProperties), Properties: maps.Clone(f.properties),
		Trashed: s.drive.trashed(f), Size: int64(len(f.content)), MD5Checksum: f.md5,
		CreatedTime: f.created, ModifiedTime: f.modified, Owner: f.owner}
}
