package dump

import (
	"testing"

	"github.com/dbbackup/dbbackup"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		out     string
		version string
		major   int
	}{
		{"pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n", "15.20", 15},
		{"pg_dump (PostgreSQL) 17.2\n", "17.2", 17},
		{"pg_dump (PostgreSQL) 18beta1\n", "18", 18},
		{"garbage", "garbage", 0},
	}
	for _, tt := range tests {
		v, m := parseVersion(tt.out)
		if v != tt.version || m != tt.major {
			t.Errorf("parseVersion(%q) = %q, %d; want %q, %d", tt.out, v, m, tt.version, tt.major)
		}
	}
}

func TestPatternMatchesOnlyThatTable(t *testing.T) {
	got := pattern(dbbackup.Table{Schema: "Weird Schema", Name: `a"b*c?`})
	if want := `"Weird Schema"."a""b*c?"`; got != want {
		t.Errorf("pattern = %s, want %s", got, want)
	}
}
