// Package schedule runs each job of the installation at its
// BACKUP_SCHEDULE inside `dbbackup serve`, through the app.Manager (so
// under the job's lock, which system cron's runs share), and makes up at
// start for a run missed while the server was down (BACKUP_CATCH_UP). It
// runs each Google Sheets sync job with a SHEETS_SCHEDULE the same way
// (syncs.go), without making up missed ones.
package schedule
