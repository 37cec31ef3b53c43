-- The shapes where writing PostgreSQL's CSV, or reading a table once for
-- every format, could go wrong.
CREATE TABLE one_col (v text);
INSERT INTO one_col VALUES ('\.'), ('\.x'), (''), (NULL), ('a,b'), ('say "hi"'), (E'cr\rlf\n'), (' lead'), ('tail ');
CREATE TABLE "quote""d, name" ("a,b" int, "c""d" text, "e
f" text);
INSERT INTO "quote""d, name" VALUES (1, '\.', 'x'), (NULL, NULL, '');
-- Rows over 1 MiB: their long values come through temporary files.
CREATE TABLE long_values (id int, t text, b bytea, j jsonb, a text[], small text, n numeric);
INSERT INTO long_values
SELECT g, CASE WHEN g <> 3 THEN rpad('', 700000 * g, E'Имя, "клиент"\n№1 ') END,
  decode(rpad('', 1400000, 'ff00' || to_hex(g)), 'hex'),
  jsonb_build_object('k', rpad('', 300000, 'x"y')), ARRAY[rpad('', 200000, 'a,b'), NULL, 'c'],
  'short, "quoted"', 12.5
FROM generate_series(1, 4) g;
INSERT INTO long_values VALUES (5, rpad('', 2000000, 'plain'), NULL, NULL, NULL, NULL, NULL);
-- COPY … TO leaves generated columns out, wherever they stand.
CREATE TABLE generated (g0 int GENERATED ALWAYS AS (id * 2) STORED, id int, tags int[], total numeric,
  doubled numeric GENERATED ALWAYS AS (total * 2) STORED, note text);
INSERT INTO generated (id, tags, total, note) VALUES (1, '{1,2}', 2.5, 'a'), (2, NULL, NULL, NULL), (3, '{}', 1, '');
