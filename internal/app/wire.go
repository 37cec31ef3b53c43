package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/crypt"
	"github.com/dbbackup/dbbackup/internal/drive"
	"github.com/dbbackup/dbbackup/internal/export/csv"
	"github.com/dbbackup/dbbackup/internal/export/dump"
	"github.com/dbbackup/dbbackup/internal/export/json"
	"github.com/dbbackup/dbbackup/internal/export/xlsx"
	"github.com/dbbackup/dbbackup/internal/google"
	"github.com/dbbackup/dbbackup/internal/localdir"
	"github.com/dbbackup/dbbackup/internal/postgres"
	"github.com/dbbackup/dbbackup/internal/retry"
)

// DatabaseName is the name of the database the settings connect to: the
// sets of that database are the ones prune, verify and restore pick.
func DatabaseName(cfg *config.Config) (string, error) {
	db, err := parseDatabaseURL(cfg, 0)
	if err != nil {
		return "", err
	}
	return db.Name(), nil
}

// Runner wires the adapters the configuration asks for.
func (a *App) Runner(ctx context.Context, cfg *config.Config, log *slog.Logger) (*dbbackup.Runner, error) {
	pg, db, err := NewDatabase(cfg, log)
	if err != nil {
		return nil, err
	}
	local, err := newLocal(cfg)
	if err != nil {
		return nil, err
	}
	var exporters []dbbackup.Exporter
	for _, f := range cfg.Formats {
		e, err := newExporter(cfg, f)
		if err != nil {
			return nil, err
		}
		exporters = append(exporters, e)
	}
	r := &dbbackup.Runner{
		DB:         db,
		Exporters:  exporters,
		Dest:       local,
		Scope:      cfg.Scope,
		Job:        cfg.Job,
		Prefix:     cfg.Prefix,
		OneOff:     cfg.OneOff,
		Database:   pg.Name(),
		StagingDir: filepath.Join(local.Path(), dbbackup.StagingDirName(cfg.Job)),
		Location:   cfg.NameLocation,
		Now:        a.now,
		Log:        log,
	}
	recipients, err := crypt.ParseRecipients(cfg.EncryptRecipients)
	if err != nil { // config checked them: a bug
		return nil, &dbbackup.ConfigError{Var: "BACKUP_ENCRYPT_RECIPIENTS", Problem: err.Error()}
	}
	if enc := crypt.New(recipients, cfg.Compress); enc != nil {
		r.Encoder = enc
	}
	if cfg.DriveEnabled() {
		d, dest, err := a.Drive(ctx, cfg, log)
		if err != nil {
			return nil, err
		}
		r.Dest = dest
		r.StoreWhileWriting = true
		r.Preflight = func(ctx context.Context, need int64) (*dbbackup.Quota, error) {
			var q drive.Quota
			err := a.retry().Do(ctx, log, "check the backup folder", func() error {
				var err error
				q, err = d.Check(ctx, need)
				return err
			})
			if err != nil {
				return nil, err
			}
			log.Info("google drive ready", "folder", cfg.Google.FolderID, "account", q.User,
				"used", dbbackup.HumanSize(q.Usage), "free", FreeText(q.Free()))
			return &dbbackup.Quota{Used: q.Usage, Limit: q.Limit}, nil
		}
		if cfg.Google.KeepLocal {
			r.Copy = local
		}
	}
	return r, nil
}

// newExporter is the exporter of format f; a format the registry does not
// know, or one no exporter is wired for, is an error.
func newExporter(cfg *config.Config, f dbbackup.Format) (dbbackup.Exporter, error) {
	if _, err := dbbackup.LookupFormat(f); err != nil {
		return nil, &dbbackup.ConfigError{Var: "BACKUP_FORMATS", Problem: err.Error(), Hint: "list formats separated by commas, e.g. csv,xlsx,json,dump"}
	}
	switch f {
	case dbbackup.FormatCSV:
		return &csv.Exporter{}, nil
	case dbbackup.FormatXLSX:
		return &xlsx.Exporter{}, nil
	case dbbackup.FormatJSON:
		return &json.Exporter{}, nil
	case dbbackup.FormatDump:
		return DumpExporter(cfg)
	}
	return nil, fmt.Errorf("format %s is in the registry but no exporter is wired for it", f)
}

// LocalCopy is the local folder that keeps a copy of every set beside
// Google Drive (BACKUP_KEEP_LOCAL), or nil.
func LocalCopy(cfg *config.Config) (dbbackup.Destination, error) {
	if !cfg.DriveEnabled() || !cfg.Google.KeepLocal {
		return nil, nil
	}
	d, err := newLocal(cfg)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// newLocal is the folder BACKUP_DIR.
func newLocal(cfg *config.Config) (*localdir.Dir, error) {
	d, err := localdir.New(cfg.BackupDir)
	if err != nil {
		return nil, &dbbackup.ConfigError{Var: "BACKUP_DIR", Problem: err.Error(), Hint: "point BACKUP_DIR to a folder this user can write"}
	}
	return d, nil
}

// DumpExporter is pg_dump, reaching the database as the main connection
// does.
func DumpExporter(cfg *config.Config) (*dump.Exporter, error) {
	conn, err := postgres.LibpqEnv(cfg.DatabaseURL)
	if err != nil {
		return nil, &dbbackup.ConfigError{Var: "DATABASE_URL", Problem: err.Error(), Hint: "check the connection string, or remove dump from BACKUP_FORMATS"}
	}
	return &dump.Exporter{PgDump: cfg.PgDump, Conn: dump.Conn{Env: conn.Env, Password: conn.Password}, Scoped: cfg.Scope.IsSet(), Compression: cfg.DumpCompression}, nil
}

// Destination is where the sets are: Google Drive when configured, else
// the local folder.
func (a *App) Destination(ctx context.Context, cfg *config.Config, log *slog.Logger) (dbbackup.Destination, error) {
	if cfg.DriveEnabled() {
		_, dest, err := a.Drive(ctx, cfg, log)
		return dest, err
	}
	// Reading backups must not create the folder they are looked for in:
	// a mistyped BACKUP_DIR would look like a folder with no backups.
	if _, err := os.Stat(cfg.BackupDir); errors.Is(err, fs.ErrNotExist) {
		return nil, &dbbackup.ConfigError{Var: "BACKUP_DIR", Problem: cfg.BackupDir + " does not exist: no backup was ever stored there",
			Hint: "point BACKUP_DIR to the folder that holds the backups, or make the first one with `dbbackup run`"}
	}
	d, err := newLocal(cfg)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Drive is the Drive folder, reached with the saved token, every call
// retried on temporary failures.
func (a *App) Drive(ctx context.Context, cfg *config.Config, log *slog.Logger) (*drive.Dest, dbbackup.Destination, error) {
	g := cfg.Google
	gc, err := google.New(ctx, g.TokenFile, g.Scopes, log)
	if err != nil {
		return nil, nil, err
	}
	d, err := drive.New(ctx, drive.Options{FolderID: g.FolderID, Endpoint: g.APIEndpoint, ChunkSize: g.ChunkSize,
		HTTPClient: gc.HTTP(), Unauthorized: gc.Invalidate, Trash: cfg.TrashExpired, Log: log.WithGroup("drive")})
	if err != nil {
		return nil, nil, err
	}
	return d, &retry.Destination{Destination: d, Policy: a.retry(), Log: log.WithGroup("drive")}, nil
}

// FreeText is free space for people: "unlimited" when there is no limit.
func FreeText(n int64) string {
	if n < 0 {
		return "unlimited"
	}
	return dbbackup.HumanSize(n)
}
