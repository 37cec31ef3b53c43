// Package benchtable is the benchmark table every program under bench/
// measures: rows of 10 mixed columns (text with commas, quotes, newlines
// and Cyrillic, numeric, timestamptz, date, jsonb, boolean, float, uuid,
// 10 % NULLs).
package benchtable

import (
	"strconv"
	"strings"
)

// SQL makes the table bench of $1 rows (replace $1 with the number: it
// holds several statements, so it takes no parameters).
const SQL = `
DROP TABLE IF EXISTS bench;
CREATE UNLOGGED TABLE bench AS
SELECT g::bigint AS id,
  'Имя, "клиент" №' || g || E'\nвторая строка; tab\there' AS name,
  CASE WHEN g % 10 = 0 THEN NULL ELSE ((g * 7919) % 10000000) / 100.0 END::numeric(12,2) AS amount,
  timestamptz '2020-01-01 00:00:00+00' + g * interval '17 seconds' AS created_at,
  CASE WHEN g % 10 = 1 THEN NULL ELSE date '2020-01-01' + (g % 3650)::int END AS day,
  CASE WHEN g % 10 = 2 THEN NULL ELSE jsonb_build_object('id', g, 'tags', jsonb_build_array('a', 'b'), 'ok', g % 2 = 0) END AS payload,
  CASE WHEN g % 10 = 3 THEN NULL ELSE g % 3 = 0 END AS flag,
  g * 1.25::float8 AS score,
  md5(g::text)::uuid AS code,
  CASE WHEN g % 10 = 4 THEN NULL ELSE 'note ' || md5(g::text) END AS note
FROM generate_series(1, $1::bigint) g;
ANALYZE bench;`

// Script is SQL for a table of rows rows.
func Script(rows int) string { return strings.ReplaceAll(SQL, "$1", strconv.Itoa(rows)) }
