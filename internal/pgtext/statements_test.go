package pgtext

import (
	"strings"
	"testing"
)

const (
	schemaPre = `
CREATE SCHEMA "odd; schema";
CREATE TYPE "odd; schema".mood AS ENUM ('ok', 'sad; very');
CREATE TABLE "odd; schema".child (id integer NOT NULL, parent_id integer, body text DEFAULT $x$;$x$);
`
	schemaPost = `
ALTER TABLE ONLY "odd; schema".child ADD CONSTRAINT child_pkey PRIMARY KEY (id);
SELECT pg_catalog.setval('"odd; schema".parent_id_seq', 2, true);
`
)

func TestStatements(t *testing.T) {
	got := Statements(schemaPre + schemaPost + `
-- a comment; with a semicolon
CREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $fn$SELECT 'a;b'$fn$;
SELECT E'it\'s; fine', 'it''s; fine', "a;b" FROM /* c; /* nested; */ */ t;
;
-- only a comment at the end`)
	if len(got) != 7 {
		t.Fatalf("%d statements:\n%s", len(got), strings.Join(got, "\n---\n"))
	}
	for _, want := range []string{
		`CREATE TABLE "odd; schema".child (id integer NOT NULL, parent_id integer, body text DEFAULT $x$;$x$)`,
		"-- a comment; with a semicolon\nCREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $fn$SELECT 'a;b'$fn$",
		`SELECT E'it\'s; fine', 'it''s; fine', "a;b" FROM /* c; /* nested; */ */ t`,
	} {
		found := false
		for _, s := range got {
			found = found || s == want
		}
		if !found {
			t.Errorf("no statement %q in:\n%s", want, strings.Join(got, "\n---\n"))
		}
	}
}
