package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/dbbackup/dbbackup"
)

// A sync job copies a table or a read-only query into a tab of a Google
// spreadsheet (internal/sheets). The .env's SHEETS_* variables make the
// sync job "default"; the others are stored, as plain data keyed by
// SyncSettings' keys, and read by the one validator, ParseSyncJob.

// SyncSetting is a setting a stored sync job has: its stable key (what
// is stored and what errors name) and the flag of `dbbackup sheets add`.
type SyncSetting struct {
	Key, Flag, Usage string
}

// SyncSettings are the settings of a stored sync job.
var SyncSettings = []SyncSetting{
	{"SHEETS_SPREADSHEET_ID", "spreadsheet", "the spreadsheet's id: the part of its address between /d/ and /edit"},
	{"SHEETS_SHEET", "sheet", "the tab to write (default: the table's name; a query needs one)"},
	{"SHEETS_TABLE", "table", "the table to sync, as schema.table"},
	{"SHEETS_QUERY", "query", "a read-only SQL query to sync instead of a table"},
	{"SHEETS_MODE", "mode", "replace (the tab is rewritten) or append (rows with a greater key are added)"},
	{"SHEETS_KEY", "key", "the key column append compares: one whose value only grows"},
	{"SHEETS_SCHEDULE", "schedule", "when to sync, five cron fields (default: only when asked)"},
	{"SHEETS_JOB", "job", "the backup job whose database is read (default: default)"},
}

// sheetsEnvKeys are the .env's SHEETS_* variables: the sync job default,
// and the pacing every sync shares.
var sheetsEnvKeys = []string{"SHEETS_SPREADSHEET_ID", "SHEETS_TABLES", "SHEETS_MODE", "SHEETS_KEY", "SHEETS_SCHEDULE",
	"SHEETS_WRITES_PER_MINUTE"}

// SyncJob is a sync job's settings, checked.
type SyncJob struct {
	Name string
	// Job is the backup job whose database (DATABASE_URL) is read.
	Job           string
	SpreadsheetID string
	// Tables are the tables to sync, each as schema.table: one for a
	// stored job, any number for the .env's, each to a tab named after
	// it. Query is a read-only query instead; Sheet is the tab (for a
	// table, "" names it after the table).
	Tables []string
	Query  string
	Sheet  string
	// Mode is "replace" or "append"; Key the column append compares.
	Mode, Key string
	// Schedule is when `serve` and `dbbackup cron` run it; "" is only
	// when asked.
	Schedule string
	// Settings are the stored values it was read from (nil for the
	// .env's).
	Settings map[string]string
}

// Sheets is what the .env says of Google Sheets.
type Sheets struct {
	// Default is the sync job the SHEETS_* variables make, nil when they
	// make none.
	Default *SyncJob
	// WritesPerMinute paces the write requests of every sync under the
	// account's quota (SHEETS_WRITES_PER_MINUTE, default 60).
	WritesPerMinute int
}

// DefaultWritesPerMinute is Google's default quota of write requests per
// minute per user.
const DefaultWritesPerMinute = 60

// LoadSheets reads the SHEETS_* variables of envFile and the environment.
// SHEETS_SPREADSHEET_ID and SHEETS_TABLES make the sync job default, each
// table to a tab named after it; any other SHEETS_* variable of that job
// without them is an error, as is one of them without the other.
func LoadSheets(envFile string, explicit bool) (*Sheets, error) {
	return loadSheets(envFile, explicit, osEnv{})
}

func loadSheets(envFile string, explicit bool, e env) (*Sheets, error) {
	file, err := readEnvFile(envFile, explicit)
	if err != nil {
		return nil, err
	}
	v := withDefaults(lookup(e, file))
	s := &Sheets{}
	if s.WritesPerMinute, err = number("SHEETS_WRITES_PER_MINUTE", v("SHEETS_WRITES_PER_MINUTE", fmt.Sprint(DefaultWritesPerMinute)), 1, 100000); err != nil {
		return nil, err
	}
	values := map[string]string{}
	for _, k := range []string{"SHEETS_SPREADSHEET_ID", "SHEETS_MODE", "SHEETS_KEY", "SHEETS_SCHEDULE"} {
		if x := v(k, ""); x != "" {
			values[k] = x
		}
	}
	tables := list(v("SHEETS_TABLES", ""))
	if len(values) == 0 && len(tables) == 0 {
		return s, nil
	}
	if values["SHEETS_SPREADSHEET_ID"] == "" {
		set := "SHEETS_TABLES"
		for _, k := range []string{"SHEETS_MODE", "SHEETS_KEY", "SHEETS_SCHEDULE"} {
			if values[k] != "" && len(tables) == 0 {
				set = k
			}
		}
		return nil, &dbbackup.ConfigError{Var: "SHEETS_SPREADSHEET_ID", Problem: "is not set, but " + set + " is",
			Hint: "set SHEETS_SPREADSHEET_ID to the id of the spreadsheet to write (the part of its address between /d/ and /edit), or remove the SHEETS_* variables"}
	}
	s.Default, err = parseSync(DefaultJob, values, "SHEETS_TABLES", tables)
	return s, err
}

// ParseSyncJob is the one validator of a stored sync job's settings
// (keyed as SyncSettings): it returns the job, or Problems naming every
// setting that is wrong at once, so that a form shows them all. Whether
// the backup job SHEETS_JOB exists is the caller's to check.
func ParseSyncJob(name string, values map[string]string) (*SyncJob, error) {
	var unknown Problems
	known := map[string]string{}
	for _, k := range sortedKeys(values) {
		if _, ok := SyncSettingOf(k); !ok {
			unknown = append(unknown, &dbbackup.ConfigError{Var: k, Problem: "is not a setting a sync job can have",
				Hint: "a sync job sets " + syncKeys()})
			continue
		}
		if v := strings.TrimSpace(values[k]); v != "" {
			known[k] = v
		}
	}
	var tables []string
	if t := known["SHEETS_TABLE"]; t != "" {
		tables = []string{t}
	}
	j, err := parseSync(name, known, "SHEETS_TABLE", tables)
	if p, ok := err.(Problems); ok || len(unknown) > 0 {
		return nil, append(unknown, p...)
	}
	if j != nil {
		j.Settings = values
	}
	return j, err
}

// SyncSettingOf returns the sync job setting with this key.
func SyncSettingOf(key string) (SyncSetting, bool) {
	for _, s := range SyncSettings {
		if s.Key == key {
			return s, true
		}
	}
	return SyncSetting{}, false
}

// CheckSyncName reports what is wrong with name as the name of a new
// sync job: a job's name, not default (the .env's).
func CheckSyncName(name string) error {
	return checkName(name, "sync job", "default is the sync job of the .env file (SHEETS_SPREADSHEET_ID, SHEETS_TABLES)",
		"change it in .env; give a new sync job another name", "orders, sales-daily")
}

// spreadsheetID is what an id in a spreadsheet's address is made of.
var spreadsheetID = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// idInAddress finds the id in a spreadsheet's address.
var idInAddress = regexp.MustCompile(`/d/([A-Za-z0-9_-]+)`)

// parseSync checks a sync job's values; tableKey names the tables'
// setting (SHEETS_TABLE stored, SHEETS_TABLES in .env).
func parseSync(name string, v map[string]string, tableKey string, tables []string) (*SyncJob, error) {
	j := &SyncJob{Name: name, Job: or(v["SHEETS_JOB"], DefaultJob), SpreadsheetID: v["SHEETS_SPREADSHEET_ID"], Tables: tables,
		Query: v["SHEETS_QUERY"], Sheet: v["SHEETS_SHEET"], Mode: strings.ToLower(or(v["SHEETS_MODE"], "replace")), Key: v["SHEETS_KEY"],
		Schedule: v["SHEETS_SCHEDULE"]}
	var p Problems
	add := func(key, problem, hint string) {
		p = append(p, &dbbackup.ConfigError{Var: key, Problem: problem, Hint: hint})
	}
	idHint := "give the id of the spreadsheet: the part of its address between /d/ and /edit"
	switch id := j.SpreadsheetID; {
	case id == "":
		add("SHEETS_SPREADSHEET_ID", "is not set", idHint)
	case idInAddress.MatchString(id):
		add("SHEETS_SPREADSHEET_ID", "is an address, not an id", "use the id alone: "+idInAddress.FindStringSubmatch(id)[1])
	case !spreadsheetID.MatchString(id):
		add("SHEETS_SPREADSHEET_ID", fmt.Sprintf("%q is not a spreadsheet id", id), idHint)
	}
	switch {
	case len(tables) == 0 && j.Query == "":
		add(tableKey, "no table or query to sync", "name a table as schema.table, e.g. public.orders, or give a read-only query")
	case len(tables) > 0 && j.Query != "":
		add("SHEETS_QUERY", "a sync job syncs a table or a query, not both", "give only one of them")
	case j.Query != "" && j.Sheet == "":
		add("SHEETS_SHEET", "a query needs the tab to write to", "name the tab, e.g. Report")
	}
	tabs := map[string]string{}
	for _, t := range tables {
		schema, table, ok := strings.Cut(t, ".")
		if !ok || schema == "" || table == "" {
			add(tableKey, fmt.Sprintf("%q is not schema-qualified", t), fmt.Sprintf("write schema.table, e.g. public.%s", t))
			continue
		}
		tab := or(j.Sheet, table)
		// Google matches tab titles without case.
		if other, dup := tabs[strings.ToLower(tab)]; dup {
			add(tableKey, fmt.Sprintf("%s and %s would both write the tab %q", other, t, tab), "sync one of them in a sync job of its own, with --sheet")
		}
		tabs[strings.ToLower(tab)] = t
	}
	switch j.Mode {
	case "replace":
	case "append":
		if j.Key == "" {
			add("SHEETS_KEY", "append needs a key column", "name a column whose value only grows, such as an id from a sequence or a creation time: only rows with a greater key are added")
		}
	default:
		add("SHEETS_MODE", fmt.Sprintf("unknown mode %q", j.Mode), "use replace (the tab is rewritten each time) or append (new rows are added)")
	}
	if j.Schedule != "" {
		if err := CheckSchedule(j.Schedule); err != nil {
			add("SHEETS_SCHEDULE", fmt.Sprintf("%q: %v", j.Schedule, err), "write five cron fields, minute hour day month weekday: \"0 6 * * *\" is every morning at 06:00")
		}
	}
	if !jobName.MatchString(j.Job) {
		add("SHEETS_JOB", fmt.Sprintf("%q is not a job name", j.Job), "name the backup job whose database to read: `dbbackup jobs` lists them")
	}
	if len(p) > 0 {
		return nil, p
	}
	return j, nil
}

// Sources are the syncs the job makes, one per tab: a table with the tab
// it writes, or the query.
func (j *SyncJob) Sources() []SyncSource {
	if j.Query != "" {
		return []SyncSource{{Query: j.Query, Sheet: j.Sheet}}
	}
	out := make([]SyncSource, len(j.Tables))
	for i, t := range j.Tables {
		_, table, _ := strings.Cut(t, ".")
		out[i] = SyncSource{Table: t, Sheet: or(j.Sheet, table)}
	}
	return out
}

// SyncSource is one tab a sync job writes and what it writes there.
type SyncSource struct {
	Table, Query, Sheet string
}

// Source names what is synced, for people: the table, or the query.
func (s SyncSource) Source() string {
	if s.Table != "" {
		return s.Table
	}
	return strings.Join(strings.Fields(s.Query), " ")
}

func syncKeys() string {
	keys := make([]string, len(SyncSettings))
	for i, s := range SyncSettings {
		keys[i] = s.Key
	}
	return strings.Join(keys, ", ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
