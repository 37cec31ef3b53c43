package pgtext

import "github.com/dbbackup/dbbackup"

// SessionSettings are the run-time parameters under which PostgreSQL
// prints values in the forms this package reads: a connection that reads
// values for it sets them all (pgx: ConnConfig.RuntimeParams).
func SessionSettings() map[string]string {
	return map[string]string{
		"DateStyle":          "ISO, YMD",
		"IntervalStyle":      "postgres",
		"bytea_output":       "hex",
		"extra_float_digits": "1", // shortest text that reads back to the same float
		"client_encoding":    "UTF8",
	}
}

// BuiltinKind is the kind of the values of a built-in type, by its OID
// (fixed in pg_type.dat). ok is false for other types: domains must be
// resolved to their base type first, and arrays and the rest are told by
// the catalog (typcategory 'A' is an array; anything else is text).
func BuiltinKind(oid uint32) (kind dbbackup.Kind, ok bool) {
	kind, ok = builtinKinds[oid]
	return kind, ok
}

var builtinKinds = map[uint32]dbbackup.Kind{
	16:   dbbackup.KindBool,        // bool
	17:   dbbackup.KindBytea,       // bytea
	20:   dbbackup.KindInt,         // int8
	21:   dbbackup.KindInt,         // int2
	23:   dbbackup.KindInt,         // int4
	26:   dbbackup.KindInt,         // oid
	114:  dbbackup.KindJSON,        // json
	3802: dbbackup.KindJSON,        // jsonb
	700:  dbbackup.KindFloat,       // float4
	701:  dbbackup.KindFloat,       // float8
	1700: dbbackup.KindNumeric,     // numeric
	1082: dbbackup.KindDate,        // date
	1083: dbbackup.KindTime,        // time
	1266: dbbackup.KindTimeTZ,      // timetz
	1114: dbbackup.KindTimestamp,   // timestamp
	1184: dbbackup.KindTimestampTZ, // timestamptz
	1186: dbbackup.KindInterval,    // interval
	2950: dbbackup.KindUUID,        // uuid
}
