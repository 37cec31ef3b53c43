package postgres

import (
	"reflect"
	"testing"
)

func TestLibpqEnv(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"postgres://bob:s%40cret@db.example:6432/shop?sslmode=require&pool_max_conns=4",
			[]string{"PGDATABASE=shop", "PGHOST=db.example", "PGPASSWORD=s@cret", "PGPORT=6432", "PGSSLMODE=require", "PGUSER=bob"}},
		{"postgresql://a:5432,b:5433/db", []string{"PGDATABASE=db", "PGHOST=a,b", "PGPORT=5432,5433"}},
		{"postgresql://[::1]:5432/db", []string{"PGDATABASE=db", "PGHOST=::1", "PGPORT=5432"}},
		{"postgresql:///db?host=/var/run/postgresql", []string{"PGDATABASE=db", "PGHOST=/var/run/postgresql"}},
		{`host=localhost user=x password='it\'s' dbname='my db'`,
			[]string{"PGDATABASE=my db", "PGHOST=localhost", "PGPASSWORD=it's", "PGUSER=x"}},
		{`password='a\'b c' port=5433`, []string{"PGPASSWORD=a'b c", "PGPORT=5433"}},
	}
	for _, tt := range tests {
		got, err := LibpqEnv(tt.in)
		if err != nil {
			t.Errorf("LibpqEnv(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("LibpqEnv(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"host", "password='open"} {
		if _, err := LibpqEnv(bad); err == nil {
			t.Errorf("LibpqEnv(%q) succeeded", bad)
		}
	}
}
