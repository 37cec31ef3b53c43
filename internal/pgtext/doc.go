// Package pgtext reads the text forms PostgreSQL prints values in, as a
// session with DateStyle ISO and bytea_output hex sees them: the forms
// dbbackup.Source.Rows hands to the exporters.
//
// The functions run once per cell on tables of millions of rows, so none of
// them allocates unless it fails (or, for DecodeBytea, to return its result).
package pgtext
