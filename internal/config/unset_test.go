package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/email"
)

// TestUnsetSaysWhatLoadDoes: what the pages say a setting left unset
// does is what a run does with it, and no setting shows as "none".
func TestUnsetSaysWhatLoadDoes(t *testing.T) {
	env := writeEnv(t, "")
	c, err := load(env, true, jobEnv{mapEnv{}, map[string]string{"DATABASE_URL": "postgres://u@db/shop"}, true}, "shop")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range c.Settings {
		if st.From == FromDefault && Unset(st.Key, st.Value) == "" {
			t.Errorf("%s left unset is described as nothing", st.Key)
		}
	}

	if got := Unset("SMTP_TLS", ""); !strings.Contains(got, "STARTTLS when the server offers it") || c.Email.TLS != string(email.TLSAuto) {
		t.Errorf("SMTP_TLS unset: says %q, does %q", got, c.Email.TLS)
	}
	all := []dbbackup.Table{{Schema: "public", Name: "orders"}, {Schema: "sales", Name: "items"}}
	if got, err := c.Scope.Select(all); Unset("BACKUP_TABLES", "") != "every table" || Unset("BACKUP_SCHEMAS", "") != "every schema" ||
		err != nil || len(got) != len(all) {
		t.Errorf("BACKUP_TABLES unset: says %q, selects %v, %v", Unset("BACKUP_TABLES", ""), got, err)
	}
	if got := Unset("PG_DUMP", ""); !strings.HasPrefix(got, "found automatically") || c.PgDump != "" {
		t.Errorf("PG_DUMP unset: says %q, runs %q", got, c.PgDump)
	}
	formats := make([]string, len(c.Formats))
	for i, f := range c.Formats {
		formats[i] = string(f)
	}
	if got := Unset("BACKUP_FORMATS", ""); !strings.HasPrefix(got, strings.Join(formats, ",")+" (no dump") ||
		slices.Contains(c.Formats, dbbackup.FormatDump) {
		t.Errorf("BACKUP_FORMATS unset: says %q, writes %v", got, formats)
	}
	if got := Unset("BACKUP_RETENTION_DAYS", "30"); got != "30" {
		t.Errorf("a default that says enough is shown as it is: %q", got)
	}
}
