-- Every type and identifier shape a backup must carry faithfully.
-- Loaded by the tests into a scratch database.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'счастлив');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE DOMAIN money_text AS text;
CREATE DOMAIN nested_domain AS positive_int;

CREATE TABLE all_types (
    id        integer PRIMARY KEY,
    t         text,
    vc        varchar(20),
    ch        char(5),
    i2        smallint,
    i4        integer,
    i8        bigint,
    n         numeric,
    n_scaled  numeric(40, 10),
    f4        real,
    f8        double precision,
    b         boolean,
    d         date,
    ts        timestamp,
    tstz      timestamptz,
    tm        time,
    tmtz      timetz,
    iv        interval,
    u         uuid,
    by        bytea,
    j         json,
    jb        jsonb,
    arr_i     integer[],
    arr_t     text[],
    arr_2d    integer[][],
    m         mood,
    pi        positive_int,
    nd        nested_domain,
    mt        money_text,
    inet_col  inet
);

SET TIME ZONE 'UTC';
INSERT INTO all_types VALUES
(1, 'comma, "quote", new
line	tab; Привет, мир! 🙂', 'short', 'ab', 32767, 2147483647, 9223372036854775807,
 123456789012345678901234567890.123456789, 1234567890123456789012345678.1234567890, 3.14, 2.718281828459045, true,
 '2026-02-10', '2026-02-10 02:00:00.123456', '2026-02-10 02:00:00+03', '13:45:00.25', '13:45:00+03', '1 year 2 mons 3 days 04:05:06.5',
 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x00ff10', '{"a": [1, 2.5, "x"], "b": null}', '{"k": "значение", "n": 1}',
 '{1,2,NULL}', '{"a b","c\"d",NULL,"",","}', '{{1,2},{3,4}}', 'счастлив', 7, 8, 'domain text', '192.168.0.1/24'),
(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
(3, '', '', '', -32768, -2147483648, -9223372036854775808, 'NaN', 0, 'NaN', '-Infinity', false,
 'infinity', '-infinity', 'infinity', '00:00:00', '00:00:00-05', '-1 days', '00000000-0000-0000-0000-000000000000', '\x', '[]', '{}',
 '{}', '{}', '{}', 'sad', 1, 1, '', '::1'),
(4, '=1+1', '@SUM(A1)', '+cmd', 0, 0, 0, 'Infinity', -0.0000000001, 'Infinity', 1e+100, false,
 '0044-03-15 BC', '0044-03-15 12:00:00 BC', '1890-01-01 00:00:00+00', '24:00:00', '23:59:59.999999+14', '-3 hours', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '\x0d0a', '"just a string"', 'null',
 '{-1}', '{"NULL"}', '{{NULL,1},{2,NULL}}', 'ok', 2147483647, 5, 'x', '10.0.0.0/8'),
(5, 'control chars: ' || chr(1) || chr(8) || chr(27) || ' _x0041_ end', 'NULL', 'null', 1, -1, 9007199254740993,
 '-Infinity', 0.5, -0.0, 1.7976931348623157e308, true,
 '9999-12-31', '1900-01-01 00:00:00', '10000-01-01 00:00:00+00', '12:00:00', '12:00:00+05:30', '00:00:00.000001', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12', '\xdeadbeef', '123', '[1, "two", {"three": 3}]',
 '{2147483647,-2147483648}', '{"\\"}', '{{5}}', 'ok', 3, 3, 'x', '2001:db8::/32');

-- Identifiers of every shape.
CREATE SCHEMA "Weird Schema";
CREATE TABLE "Weird Schema"."Order Items" (
    "Id"         integer,
    "select"     text,
    "naïve café" text,
    "quote""d"   text,
    "UPPER"      text,
    "with.dot"   integer
);
INSERT INTO "Weird Schema"."Order Items" VALUES
(1, 'reserved word column', 'accents', 'a "quoted" value', 'caps', 10),
(2, NULL, '', NULL, 'x', NULL);
CREATE TABLE "Таблица" ("Колонка" text, "число" integer);
INSERT INTO "Таблица" VALUES ('строка', 1), ('ещё', 2);
CREATE TABLE "MixedCase" ("Value" integer);
INSERT INTO "MixedCase" VALUES (1), (2), (3);
CREATE TABLE "a/b" (x integer);
INSERT INTO "a/b" VALUES (42);

-- A partitioned table: exported once, through the parent.
CREATE TABLE measurements (id integer, taken date, value numeric) PARTITION BY RANGE (taken);
CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO measurements VALUES (1, '2025-06-01', 1.5), (2, '2026-06-01', 2.5), (3, '2026-07-01', 3.5);

-- Inheritance: each table exported with its own rows only.
CREATE TABLE parent_rows (id integer);
CREATE TABLE child_rows (extra text) INHERITS (parent_rows);
INSERT INTO parent_rows VALUES (1);
INSERT INTO child_rows VALUES (2, 'child');

-- Not tables: never exported.
CREATE VIEW all_types_view AS SELECT id FROM all_types;
CREATE MATERIALIZED VIEW all_types_mat AS SELECT id FROM all_types;

-- A table with no rows and one with no columns.
CREATE TABLE empty_table (id integer, note text);
CREATE TABLE no_columns ();
INSERT INTO no_columns DEFAULT VALUES;
