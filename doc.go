// Package dbbackup holds the nouns of a PostgreSQL backup and the interfaces
// its adapters implement.
//
// A run takes one consistent snapshot of the database (a Source), writes each
// configured Format with an Exporter, stores the files of the Set in a
// Destination, verifies them, and records what it did in a Manifest.
// Adapters live under internal/, one package per thing they talk to; this
// package imports none of them.
package dbbackup
