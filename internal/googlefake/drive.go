package googlefake

import (
	"crypto/md5"
	"encoding/hex"
	"time"
)

// FolderMimeType is the MIME type of a Drive folder.
const FolderMimeType = "application/vnd.google-apps.folder"

// rootID stands for "My Drive"; Drive's own root ids end in Uk9PVA too.
const rootID = "0AFakeMyDriveRootUk9PVA"

// appAny marks a seeded file as created by "the app", whichever client asks,
// so that it is visible under the drive.file scope.
const appAny = "*"

// file is a stored Drive file or folder. content is never modified in place
// once stored, so a handler may serve it after releasing the lock.
type file struct {
	id, name, mimeType, description string
	parents                         []string
	appProperties, properties       map[string]string
	trashed                         bool // explicitly; see driveState.trashed
	starred                         bool
	content                         []byte
	md5                             string
	created, modified               time.Time
	owner                           string // email of another user; "" is the authorized user
	hidden                          bool   // not shared with the authorized user
	readOnly                        bool   // shared with them as a reader
	app                             string // client id that created it; "" for the web UI
	seq                             int64  // creation order, the stable tie-break
	version                         int64
}

func (f *file) isFolder() bool { return f.mimeType == FolderMimeType }

type driveState struct {
	files       map[string]*file
	seq         int64
	sessions    map[string]*session
	limit       int64 // 0: unlimited
	otherUsage  int64 // Gmail and Photos, which share the quota
	user        User
	pageCap     int   // files.list never returns more than this per page (0: no cap)
	granularity int64 // resumable uploads persist whole multiples of this
}

// User is the account the tokens belong to, as about.get describes it.
type User struct {
	DisplayName  string
	EmailAddress string
	PermissionID string
}

func (d *driveState) init(now time.Time) {
	d.files = map[string]*file{}
	d.sessions = map[string]*session{}
	d.granularity = 256 << 10
	d.user = User{DisplayName: "Fake User", EmailAddress: "fake.user@gmail.com", PermissionID: "01234567890123456789"}
	d.files[rootID] = &file{id: rootID, name: "My Drive", mimeType: FolderMimeType,
		created: now, modified: now, app: appAny, version: 1}
}

func (d *driveState) resolve(id string) string {
	if id == "root" {
		return rootID
	}
	return id
}

// visible reports whether g may see f at all. drive.file reaches only the
// app's own files, so a folder made in the web UI is invisible to it.
func (d *driveState) visible(f *file, g *grant) bool {
	if f.hidden {
		return false
	}
	if f.id == rootID || g.has(ScopeDrive) || g.has(ScopeDriveReadonly) {
		return true
	}
	return g.has(ScopeDriveFile) && (f.app == g.clientID || f.app == appAny)
}

// lookup finds a file g can see, or says "File not found" as Drive does for
// both missing and invisible files.
func (d *driveState) lookup(id string, g *grant) (*file, *Failure) {
	f := d.files[d.resolve(id)]
	if f == nil || !d.visible(f, g) {
		e := fileNotFound(id)
		return nil, &e
	}
	return f, nil
}

// trashed reports whether f is in the trash, explicitly or because a folder
// above it is: Drive trashes a folder's contents with it.
func (d *driveState) trashed(f *file) bool {
	for depth := 0; f != nil && depth < 100; depth++ {
		if f.trashed {
			return true
		}
		if len(f.parents) == 0 {
			return false
		}
		f = d.files[f.parents[0]]
	}
	return false
}

// usage is the quota counters: Drive counts the user's own files, trashed
// ones included, and nothing shared with them.
func (d *driveState) usage() (inDrive, inTrash int64) {
	for _, f := range d.files {
		if f.owner != "" {
			continue
		}
		n := int64(len(f.content))
		inDrive += n
		if d.trashed(f) {
			inTrash += n
		}
	}
	return inDrive, inTrash
}

// fits reports whether extra more bytes stay within the storage limit.
func (d *driveState) fits(extra int64) bool {
	if d.limit <= 0 {
		return true
	}
	inDrive, _ := d.usage()
	return inDrive+d.otherUsage+extra <= d.limit
}

// isAncestor reports whether a is b or above b.
func (d *driveState) isAncestor(a, b string) bool {
	for depth := 0; depth < 100 && b != ""; depth++ {
		if a == b {
			return true
		}
		f := d.files[b]
		if f == nil || len(f.parents) == 0 {
			return false
		}
		b = f.parents[0]
	}
	return false
}

// remove deletes f and, when it is a folder, everything below it.
func (d *driveState) remove(id string) {
	delete(d.files, id)
	for cid, c := range d.files {
		for _, p := range c.parents {
			if p == id {
				d.remove(cid)
				break
			}
		}
	}
}

func (d *driveState) newFile(now time.Time) *file {
	d.seq++
	f := &file{id: "1" + randomString(32), created: now, modified: now, seq: d.seq, version: 1}
	d.files[f.id] = f
	return f
}

func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// rfc3339Millis is how Drive writes every timestamp.
func rfc3339Millis(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
