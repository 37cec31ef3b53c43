// Package google is what every Google API client of dbbackup shares: the
// authorized HTTP client made from the token file (GOOGLE_TOKEN_FILE), and
// the reading of Google's failures — which are worth retrying, which mean
// the token or its scopes are wrong, which concern the API's own resource.
//
// Drive (internal/drive) and Sheets import it; it imports neither. The
// token file and the consent flow are internal/googleauth's, below it.
// Messages that name an API's own setting (DRIVE_BACKUP_FOLDER_ID, a
// spreadsheet) are left to that API's package: Classify says which failure
// it is, Explain words the rest.
package google
