package config

import (
	"fmt"
	"strings"

	"github.com/dbbackup/dbbackup"
)

// Google is the Google Drive and OAuth configuration.
type Google struct {
	CredentialsFile string   // GOOGLE_CREDENTIALS_FILE: the OAuth client (credentials.json)
	TokenFile       string   // GOOGLE_TOKEN_FILE: the authorized user's refresh token
	Scopes          []string // GOOGLE_SCOPES
	FolderID        string   // DRIVE_BACKUP_FOLDER_ID; empty: no Drive, backups stay local
	APIEndpoint     string   // GOOGLE_API_ENDPOINT; empty: Google's
	ChunkSize       int      // BACKUP_UPLOAD_CHUNK_MB, in bytes
	KeepLocal       bool     // BACKUP_KEEP_LOCAL: keep local copies after a verified upload
}

// DefaultScope reaches every file of the user's Drive, so that a folder
// made in the Drive web interface can be used; drive.file reaches only
// the files the app made.
const DefaultScope = "https://www.googleapis.com/auth/drive"

func (c *Config) parseGoogle(v func(name, def string) string) error {
	g := &c.Google
	g.CredentialsFile = v("GOOGLE_CREDENTIALS_FILE", "credentials.json")
	g.TokenFile = v("GOOGLE_TOKEN_FILE", "token.json")
	g.Scopes = list(v("GOOGLE_SCOPES", DefaultScope))
	for _, s := range g.Scopes {
		if !strings.HasPrefix(s, "https://") {
			return &dbbackup.ConfigError{Var: "GOOGLE_SCOPES", Problem: fmt.Sprintf("%q is not a scope URL", s),
				Hint: "use " + DefaultScope + " (or …/auth/drive.file), comma-separated"}
		}
	}
	g.FolderID = v("DRIVE_BACKUP_FOLDER_ID", "")
	if strings.ContainsAny(g.FolderID, "/?' ") {
		return &dbbackup.ConfigError{Var: "DRIVE_BACKUP_FOLDER_ID", Problem: fmt.Sprintf("%q is not a folder id", g.FolderID),
			Hint: "use only the id, the last part of the folder's address: https://drive.google.com/drive/folders/<id>"}
	}
	g.APIEndpoint = v("GOOGLE_API_ENDPOINT", "")
	if g.APIEndpoint != "" && !strings.HasPrefix(g.APIEndpoint, "http://") && !strings.HasPrefix(g.APIEndpoint, "https://") {
		return &dbbackup.ConfigError{Var: "GOOGLE_API_ENDPOINT", Problem: fmt.Sprintf("%q is not an http(s) URL", g.APIEndpoint),
			Hint: "leave it empty for Google, or give the API root, e.g. http://127.0.0.1:8080/"}
	}
	mb, err := number("BACKUP_UPLOAD_CHUNK_MB", v("BACKUP_UPLOAD_CHUNK_MB", "16"), 1, 1024)
	if err != nil {
		return err
	}
	g.ChunkSize = mb << 20
	g.KeepLocal, err = boolean("BACKUP_KEEP_LOCAL", v("BACKUP_KEEP_LOCAL", "false"))
	return err
}
