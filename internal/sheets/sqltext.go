package sheets

import (
	"errors"

	"github.com/dbbackup/dbbackup/internal/pgtext"
)

// oneStatement returns query without what ends it — semicolons, white
// space and comments — so that it can be wrapped in a CTE, and refuses a
// text of more than one statement (pgtext.Statements tells where a
// statement ends).
func oneStatement(query string) (string, error) {
	switch s := pgtext.Statements(query); len(s) {
	case 0:
		return "", errors.New("the query is empty")
	case 1:
		return s[0], nil
	default:
		return "", errors.New("the query holds more than one statement: a sync runs one SELECT")
	}
}
