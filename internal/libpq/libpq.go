// Package libpq names the PG* environment variables, with the connection
// setting each stands for: the one table that reading the .env file
// (internal/config) and handing the connection to pg_dump
// (internal/postgres) share.
package libpq

// Vars are the environment variables pgx reads, with the setting each gives
// (pgconn's parseEnvSettings, in pgx's names: database, not dbname). A
// variable pgx does not read is not here: written into a connection string
// it would reach the server as a session parameter.
var Vars = map[string]string{
	"PGHOST": "host", "PGPORT": "port", "PGDATABASE": "database", "PGUSER": "user",
	"PGPASSWORD": "password", "PGPASSFILE": "passfile", "PGAPPNAME": "application_name",
	"PGCONNECT_TIMEOUT": "connect_timeout", "PGSSLMODE": "sslmode", "PGSSLKEY": "sslkey",
	"PGSSLCERT": "sslcert", "PGSSLCERTMODE": "sslcertmode", "PGSSLSNI": "sslsni",
	"PGSSLROOTCERT": "sslrootcert", "PGSSLPASSWORD": "sslpassword", "PGSSLNEGOTIATION": "sslnegotiation",
	"PGTARGETSESSIONATTRS": "target_session_attrs", "PGSERVICE": "service", "PGSERVICEFILE": "servicefile",
	"PGTZ": "timezone", "PGOPTIONS": "options", "PGMINPROTOCOLVERSION": "min_protocol_version",
	"PGMAXPROTOCOLVERSION": "max_protocol_version", "PGCHANNELBINDING": "channel_binding",
	"PGREQUIREAUTH": "require_auth",
}
