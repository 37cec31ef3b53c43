package config

// unsetWords say what a setting does when nothing sets it, where its
// default is no value (an empty value is no "none": SMTP_TLS=none turns
// TLS off, an empty one does not) or a value that does not say it alone.
// TestUnsetSaysWhatLoadDoes holds them to what load does.
var unsetWords = map[string]string{
	"DATABASE_URL":              "libpq's defaults: the PG* variables, else this user on the local socket",
	"BACKUP_FORMATS":            "csv,xlsx,json (no dump, which restore needs)",
	"BACKUP_SCHEMAS":            "every schema",
	"BACKUP_TABLES":             "every table",
	"BACKUP_EXCLUDE_TABLES":     "no table left out",
	"BACKUP_NAME_PREFIX":        "the job's name (backup for the job default)",
	"BACKUP_NAME_TIMEZONE":      "Local: the machine's time zone",
	"DRIVE_BACKUP_FOLDER_ID":    "no Google Drive: the sets stay in BACKUP_DIR",
	"GOOGLE_API_ENDPOINT":       "Google's own",
	"EMAIL_TO":                  "nobody: no report is sent",
	"SMTP_USERNAME":             "no login",
	"SMTP_PASSWORD":             "no password",
	"SMTP_TLS":                  "STARTTLS when the server offers it",
	"BACKUP_DUMP_COMPRESSION":   "pg_dump's default: gzip at level 6",
	"VERIFY_DATABASE_URL":       "DATABASE_URL's server and role",
	"PG_DUMP":                   "found automatically: the server's version in /usr/lib/postgresql, else pg_dump on PATH",
	"BACKUP_COMPRESS":           "no compression: csv and json files are stored as written",
	"BACKUP_ENCRYPT_RECIPIENTS": "no encryption: files are stored as exported",
	"BACKUP_VERIFY_IDENTITY":    "no key: verify --restore skips encrypted sets, and restore needs --identity",
}

// Unset says, for people, what setting key does when nothing sets it.
// def is its default as load read it (the Value of a Setting From
// FromDefault), which is shown as it is where it says enough ("30",
// "./backups").
func Unset(key, def string) string {
	if w, ok := unsetWords[key]; ok {
		return w
	}
	return def
}
