-- Values a JSON document must tell apart or keep whole, loaded with
-- types.sql: JSON null against SQL NULL, lower bounds, arrays of every
-- kind (their elements are in to_json's forms), domains.
CREATE TYPE pair AS (a integer, b text);
CREATE TYPE nest AS (p pair, d date, arr integer[], by bytea, ts timestamptz);
CREATE TYPE colour AS ENUM ('red', 'зелёный');
CREATE DOMAIN jdom AS jsonb;
CREATE DOMAIN int_arr AS integer[];

CREATE TABLE json_values (
    id      integer PRIMARY KEY,
    j       json,
    jb      jsonb,
    jd      jdom,
    bounds  integer[],
    bounds2 integer[],
    dates   date[],
    tss     timestamp[],
    tstzs   timestamptz[],
    tms     time[],
    tmtzs   timetz[],
    byteas  bytea[],
    pairs   pair[],
    nests   nest[],
    jbs     jsonb[],
    js      json[],
    nums    numeric[],
    floats  double precision[],
    bools   boolean[],
    texts   text[],
    uuids   uuid[],
    ivs     interval[],
    colours colour[],
    ia      int_arr,
    twice   integer GENERATED ALWAYS AS (id * 2) STORED
);

SET TIME ZONE 'UTC';
INSERT INTO json_values VALUES
(1, 'null', 'null', 'null', '[0:2]={7,8,9}', '[1:2][0:1]={{1,2},{3,4}}',
 '{0044-03-15 BC,2026-02-10,infinity,NULL}', '{"0044-03-15 12:00:00 BC","2026-02-10 02:00:00.5",-infinity}',
 '{"0044-03-15 12:00:00+00 BC","2026-02-10 02:00:00+03","1890-01-01 00:00:00+00","10000-01-01 00:00:00+00",infinity}',
 '{24:00:00,00:00:00.000001,NULL}', '{13:45:00+03,23:59:59-15:59,00:00:00+00}',
 '{"\\x00ff",NULL,"\\x"}', ARRAY[ROW(1, 'a,b')::pair, ROW(NULL, NULL)::pair, ROW(2, '')::pair, NULL, ROW(3, 'q"\ (x)')::pair],
 ARRAY[ROW(ROW(1, 'x"y')::pair, '0001-01-01 BC', '{1,NULL}', '\x01', '0044-03-15 12:00:00+00 BC')::nest, ROW(NULL, NULL, '{}', NULL, NULL)::nest],
 '{"null",NULL,"[1, 2]","{\"$json\": 1}","\"s\""}', '{"  null ",NULL,"[1,2]"}',
 '{NaN,1.50,-0,Infinity,-Infinity,123456789012345678901234567890.000000001}', '{NaN,Infinity,-Infinity,1e100,-0,0.1,NULL}',
 '{t,f,NULL}', '{"",NULL,"NULL","a\\b","x\"y","{}","  ","Привет, 😀",","}',
 '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{"1 year 2 mons","-3 days 04:00:00",NULL}', '{red,зелёный}', '[0:1]={5,6}'),
(2, '{"$json": 1}', '{"$json": {"$json": null}}', '{"$json": 1, "b": 2}', '{}', '{{{1}},{{2}}}',
 '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}'),
(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, NULL),
(4, '[null, {"a": null}]', '""', '{}', '[-5:-5]={1}', '{{NULL,NULL}}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}',
 '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}'),
(5, '{"a":1,  "a" : 2}', '{"$jsonx": [], "n": null}', '"null"', '[2:3]={NULL,1}', '{1}', '{0001-01-01 BC}', '{"0001-01-01 00:00:00 BC"}',
 '{"0001-01-01 00:00:00+00 BC"}', '{23:59:59.999999}', '{12:00:00+05:30}', '{"\\x0d0a"}', ARRAY[ROW(0, '\x')::pair],
 ARRAY[ROW(NULL, '1999-12-31', '{}', '\x', NULL)::nest], '[0:0]={"{}"}', '[3:3]={"{}"}', '{0}', '{5e-324}', '{f}', '{" lead","tail "}', '{}', '{}', '{}', '{}');
