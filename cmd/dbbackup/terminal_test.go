package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// rawControl finds a control character other than the newline and tab
// the output is made of.
var rawControl = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f]")

// A table or file name holding CR, LF or ESC is printed escaped: it cannot
// clear the terminal or forge a line of the summary or the listing.
func TestNamesWithControlCharactersAreEscaped(t *testing.T) {
	url := pgtest.NewDatabase(t, "CREATE TABLE \"evil\r\x1b[2J\nOK    forged\" (id int); INSERT INTO \"evil\r\x1b[2J\nOK    forged\" VALUES (1);")
	g := newGoogle(t, url)
	res := runCLI(t, g.with("BACKUP_FORMATS", "csv"), "run")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if rawControl.MatchString(res.stdout) || strings.Contains(res.stdout, "\nOK    forged") {
		t.Errorf("the summary prints a control character raw:\n%q", res.stdout)
	}
	if !strings.Contains(res.stdout, `public.evil\r\x1b[2J\nOK    forged`) {
		t.Errorf("the summary lacks the escaped name:\n%s", res.stdout)
	}
	for _, f := range g.stored() { // a name in Drive can be anything
		if strings.HasSuffix(f.Name, ".csv") {
			g.fake.AddFile(googlefake.FileSpec{Name: strings.TrimSuffix(f.Name, ".csv") + ".json\x1b]0;pwned\x07\r", Parents: []string{g.folder},
				Content: []byte("{}"), AppProperties: f.AppProperties})
		}
	}
	res = runCLI(t, g.env, "list")
	if res.code != 0 || rawControl.MatchString(res.stdout) || !strings.Contains(res.stdout, `.json\x1b]0;pwned\a\r`) {
		t.Errorf("list: exit %d, want the name escaped:\n%q", res.code, res.stdout)
	}
}

// The crontab line runs the backup from a folder whose name holds every
// character the shell or cron treats specially.
func TestCronLineQuotesEveryPath(t *testing.T) {
	bin, _ := os.Executable()
	if !strings.Contains(bin, "go-build") {
		t.Skip("the line names this test binary; the test needs `go test`'s temporary one")
	}
	dir := filepath.Join(t.TempDir(), `a b;c>d<e&f|g%h#i'j$k`+"`l\\m\"n")
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	// `go run`'s binary is replaced by ./dbbackup in the folder: a script here.
	script := "#!/bin/sh\necho \"ran: $*\"\n"
	if err := os.WriteFile(filepath.Join(dir, "dbbackup"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	res := runCLI(t, nil, "cron", "--schedule", "15 2 * * 1-5")
	line := strings.TrimSuffix(res.stdout, "\n")
	command, ok := strings.CutPrefix(line, "15 2 * * 1-5 ")
	if res.code != 0 || !ok {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if regexp.MustCompile(`(^|[^\\])%`).MatchString(command) {
		t.Fatalf("a bare %% in %q: cron would cut the command there", command)
	}
	// What cron hands to sh: \% becomes %.
	out, err := exec.Command("/bin/sh", "-c", strings.ReplaceAll(command, `\%`, "%")).CombinedOutput()
	if err != nil {
		t.Fatalf("sh -c %q: %v\n%s", command, err, out)
	}
	logged, err := os.ReadFile(filepath.Join(dir, "logs", "backup_cron.log"))
	if err != nil || string(logged) != "ran: run\n" {
		t.Fatalf("the log holds %q (%v), want the backup's output", logged, err)
	}
}

func TestCronRejectsAnImpossibleSchedule(t *testing.T) {
	for _, schedule := range []string{"61 2 * * *", "0 24 * * *", "0 2 0 * *", "0 2 * 13 *", "0 2 * * 8", "*/0 * * * *", "5-1 * * * *", "0 2 * * mon,funday", "daily"} {
		res := runCLI(t, nil, "cron", "--schedule", schedule)
		if res.code != exitConfig || !strings.Contains(res.stderr, "--schedule") {
			t.Errorf("--schedule %q: exit %d, want %d\n%s%s", schedule, res.code, exitConfig, res.stdout, res.stderr)
		}
	}
	for _, schedule := range []string{"0 2 * * *", "*/15 0-6,22-23 1-31/2 jan-jun sun", "0 2 * * 7"} {
		if res := runCLI(t, nil, "cron", "--schedule", schedule); res.code != 0 {
			t.Errorf("--schedule %q: exit %d\n%s", schedule, res.code, res.stderr)
		}
	}
}
