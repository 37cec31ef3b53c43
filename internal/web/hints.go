package web

import "regexp"

// webPhrasings turn the commands a hint names into what does the same in
// these pages. dbbackup.Explain stays the one source of hints, worded for
// the command line (its hints are also stored with each run, and go out
// in the emails); the pages phrase them when they show them, so a hint
// recorded long ago reads the same way. A command the pages have no
// equivalent of (prune --dry-run, secret-key, drive mkdir) is left as is.
var webPhrasings = []struct {
	command *regexp.Regexp
	web     string
}{
	{regexp.MustCompile("run `dbbackup check`"), "press Run every check on the Settings page"},
	{regexp.MustCompile("`dbbackup check`"), "Run every check on the Settings page"},
	{regexp.MustCompile("`dbbackup run`"), "Run now on the Dashboard"},
	{regexp.MustCompile("`dbbackup history` shows the report"), "the run's page shows the report"},
	{regexp.MustCompile("`dbbackup list` shows the sets"), "the Backups page shows the sets"},
	{regexp.MustCompile("`dbbackup verify`"), "Verify on the Backups page"},
	{regexp.MustCompile("(run|with) `dbbackup token`"), "press Connect on the Google page"},
	{regexp.MustCompile("`dbbackup jobs` lists the jobs; `dbbackup job add NAME[^`]*` makes one"), "Admin → Jobs lists the jobs and adds one"},
	{regexp.MustCompile("(?: with|:) `dbbackup job edit ([^ `]+)[^`]*`(?: \\(?reads it from stdin\\)?)?"), " in Admin → Jobs → $1"},
	{regexp.MustCompile("`dbbackup users` lists them"), "Admin → Users lists them"},
	{regexp.MustCompile(` \(- reads it from stdin\)`), ""}, // a flag's help; a form has no stdin
	{regexp.MustCompile("with `dbbackup user passwd ([^ `]+)`"), "in Admin → Users → $1"},
}

// webHint is hint as the pages show it: the commands it names phrased as
// the pages and buttons that do the same.
func webHint(hint string) string {
	for _, p := range webPhrasings {
		hint = p.command.ReplaceAllString(hint, p.web)
	}
	return hint
}

func init() { pageFuncs["hint"] = webHint }
