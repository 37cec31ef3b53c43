package drive

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/google"
	"google.golang.org/api/googleapi"
)

// explain turns an error of the Drive client into one that says what to
// do, marking the ones worth retrying temporary. internal/google words
// what every API shares; what concerns the folder is said here.
func (d *Dest) explain(what string, err error) error {
	class := google.Classify(err)
	explained := google.Explain(what, err, d.unauthorized)
	switch class {
	case google.StorageQuota:
		return &dbbackup.HintError{Err: fmt.Errorf("%s: the Google Drive storage quota is exceeded", what),
			Hint: "free space in Google Drive and empty its trash. If GOOGLE_TOKEN_FILE holds a service account's key: a service account has no storage quota of its own; authorize a real user with `dbbackup token` (OAuth client of type \"Desktop app\")"}
	case google.NotFound:
		return &dbbackup.ConfigError{Var: "DRIVE_BACKUP_FOLDER_ID",
			Problem: fmt.Sprintf("%s: Google Drive has no file or folder %s that the authorized account can see", what, d.folder),
			Hint:    "check the id (the last part of the folder's address in Drive) and that the folder belongs to, or is shared with, the account in GOOGLE_TOKEN_FILE; with GOOGLE_SCOPES=…/drive.file only folders made by dbbackup are visible: create one with `dbbackup drive mkdir Backups`"}
	case google.Forbidden:
		return &dbbackup.HintError{Err: explained, Hint: "the authorized account may not do this in DRIVE_BACKUP_FOLDER_ID: use a folder it owns, or check GOOGLE_SCOPES"}
	}
	return explained
}

func isNotFound(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == http.StatusNotFound
}
