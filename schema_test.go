package dbbackup_test

import (
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

func TestSplitSchema(t *testing.T) {
	file := "-- header\n-- dbbackup:pre-data\nCREATE TABLE a ();\n-- dbbackup:post-data\nALTER TABLE a ADD x;\n"
	pre, post, err := dbbackup.SplitSchema(file)
	if err != nil || pre != "-- dbbackup:pre-data\nCREATE TABLE a ();\n" || post != "-- dbbackup:post-data\nALTER TABLE a ADD x;\n" {
		t.Errorf("SplitSchema = %q, %q, %v", pre, post, err)
	}
	// A marker inside a line (a comment quoting it) is no marker.
	if _, _, err := dbbackup.SplitSchema(strings.Replace(file, "-- dbbackup:pre-data\n", "SELECT 1; -- dbbackup:pre-data\n", 1)); err == nil {
		t.Error("a pre-data marker inside a line was taken for the section's start")
	}
	for name, bad := range map[string]string{
		"no post-data": "-- dbbackup:pre-data\nCREATE TABLE a ();\n",
		"no pre-data":  "CREATE TABLE a ();\n-- dbbackup:post-data\n",
		"swapped":      "-- dbbackup:post-data\n-- dbbackup:pre-data\n",
		"twice":        file + file,
		"empty":        "",
	} {
		if _, _, err := dbbackup.SplitSchema(bad); err == nil || !strings.Contains(err.Error(), "dbbackup:") {
			t.Errorf("%s: SplitSchema err = %v, want one naming the marker line", name, err)
		}
	}
	crlf := strings.ReplaceAll(file, "\n", "\r\n")
	if pre, post, err := dbbackup.SplitSchema(crlf); err != nil || !strings.Contains(pre, "CREATE TABLE a") || !strings.Contains(post, "ALTER TABLE") {
		t.Errorf("a file with CRLF line ends: %q, %q, %v", pre, post, err)
	}
}
