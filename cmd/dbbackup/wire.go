package main

import (
	"log/slog"
	"path/filepath"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/export/csv"
	"github.com/dbbackup/dbbackup/internal/export/dump"
	"github.com/dbbackup/dbbackup/internal/export/json"
	"github.com/dbbackup/dbbackup/internal/export/xlsx"
	"github.com/dbbackup/dbbackup/internal/localdir"
	"github.com/dbbackup/dbbackup/internal/postgres"
)

// stagingDirName is the folder inside BACKUP_DIR where runs write their
// files before they are stored. Listings skip hidden names.
const stagingDirName = ".partial"

// newRunner wires the adapters the configuration asks for.
func newRunner(cfg *config.Config, log *slog.Logger) (*dbbackup.Runner, error) {
	db, err := postgres.New(cfg.DatabaseURL)
	if err != nil {
		return nil, &dbbackup.ConfigError{Var: "DATABASE_URL", Problem: err.Error(),
			Hint: "use postgres://user:password@host:5432/dbname or leave it empty to use PGHOST, PGUSER, …"}
	}
	dest, err := localdir.New(cfg.BackupDir)
	if err != nil {
		return nil, &dbbackup.ConfigError{Var: "BACKUP_DIR", Problem: err.Error(), Hint: "point BACKUP_DIR to a folder this user can write"}
	}
	var exporters []dbbackup.Exporter
	for _, f := range cfg.Formats {
		switch f {
		case dbbackup.FormatCSV:
			exporters = append(exporters, &csv.Exporter{})
		case dbbackup.FormatXLSX:
			exporters = append(exporters, &xlsx.Exporter{})
		case dbbackup.FormatJSON:
			exporters = append(exporters, &json.Exporter{})
		case dbbackup.FormatDump:
			env, err := postgres.LibpqEnv(cfg.DatabaseURL)
			if err != nil {
				return nil, &dbbackup.ConfigError{Var: "DATABASE_URL", Problem: err.Error(), Hint: "check the connection string's syntax"}
			}
			exporters = append(exporters, &dump.Exporter{PgDump: cfg.PgDump, Env: env, Scoped: cfg.Scope.IsSet()})
		}
	}
	return &dbbackup.Runner{
		DB:         db,
		Exporters:  exporters,
		Dest:       dest,
		Scope:      cfg.Scope,
		StagingDir: filepath.Join(dest.Path(), stagingDirName),
		Location:   cfg.NameLocation,
		Now:        time.Now,
		Log:        log,
	}, nil
}
