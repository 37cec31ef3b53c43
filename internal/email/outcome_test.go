package email

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
)

// cet keeps rendered times the same on every machine.
var cet = time.FixedZone("CET", 3600)

var exampleStart = time.Date(2026, 2, 10, 2, 0, 0, 0, cet)

// chinook is the Chinook sample database as it stands today and at the
// previous run: invoice_line lost more than half its rows in between.
var chinook = []struct {
	name      string
	rows, was int64
}{
	{"album", 347, 347}, {"artist", 275, 275}, {"customer", 59, 59}, {"employee", 8, 8},
	{"genre", 25, 25}, {"invoice", 412, 405}, {"invoice_line", 1020, 2240}, {"media_type", 5, 5},
	{"playlist", 18, 18}, {"playlist_track", 8715, 8715}, {"track", 3503, 3490},
}

func fakeSHA(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])
}

func driveLink(id string) string {
	return "https://drive.google.com/file/d/" + id + "/view?usp=drivesdk"
}

// exampleOutcome is a successful nightly run to Google Drive: four files,
// retention removed two old sets and kept three.
func exampleOutcome() *dbbackup.Outcome {
	rep := &dbbackup.Report{
		SetID:    "backup_20260210_020000",
		Started:  exampleStart,
		Finished: exampleStart.Add(47*time.Second + 380*time.Millisecond),
		Snapshot: dbbackup.SnapshotInfo{
			Database: "shop", ServerVersion: "16.4 (Debian 16.4-1.pgdg120+2)", ServerMajor: 16,
			SnapshotTime: exampleStart.Add(1200 * time.Millisecond), TimeZone: "Europe/Berlin",
		},
		Warnings: []string{`xlsx: public.track column "composer": 2 cells cut to 32767 characters (Excel's limit)`},
		Quota:    &dbbackup.Quota{Used: 6_657_199_308, Limit: 16_106_127_360},
	}
	var prev []dbbackup.TableCount
	for _, t := range chinook {
		rep.Tables = append(rep.Tables, dbbackup.TableCount{Schema: "public", Name: t.name, Rows: t.rows})
		prev = append(prev, dbbackup.TableCount{Schema: "public", Name: t.name, Rows: t.was})
	}
	for i, f := range []struct {
		ext    string
		format dbbackup.Format
		size   int64
	}{
		{".csv.zip", dbbackup.FormatCSV, 1_184_213},
		{".xlsx", dbbackup.FormatXLSX, 1_702_377},
		{".dump", dbbackup.FormatDump, 958_090},
		{".manifest.json", dbbackup.FormatManifest, 4_811},
	} {
		name := rep.SetID + f.ext
		rep.Files = append(rep.Files, dbbackup.File{
			Name: name, SetID: rep.SetID, Format: f.format, Size: f.size, SHA256: fakeSHA(name),
			Link: driveLink("1Qx7" + string(rune('a'+i)) + "K2mVb9TzR4nLcW8yHd3pE6uJfGs")})
	}
	return &dbbackup.Outcome{
		Report:       rep,
		Destination:  "Google Drive folder 1AbCdEfGhIjKlMnOpQrStUvWxYz",
		Previous:     prev,
		PreviousSize: 3_912_004,
		Retention:    exampleRetention(rep.Files),
		Leftovers:    &dbbackup.Leftovers{},
	}
}

// exampleRetention applies the real policy (30 days, keep 3) to five sets:
// today's (files) and four older ones of the same shape, so that the sizes
// in the example agree with each other.
func exampleRetention(files []dbbackup.File) *dbbackup.RetentionResult {
	var sets []dbbackup.Set
	for _, at := range []time.Time{
		exampleStart, exampleStart.AddDate(0, 0, -1), exampleStart.AddDate(0, 0, -14),
		exampleStart.AddDate(0, 0, -31), exampleStart.AddDate(0, 0, -45),
	} {
		id := dbbackup.SetIDAt("backup", at, 0)
		set := dbbackup.Set{ID: id, Time: at, Complete: true}
		for _, f := range files {
			f.Name = id + strings.TrimPrefix(f.Name, files[0].SetID)
			f.SetID = id
			set.Files = append(set.Files, f)
		}
		sets = append(sets, set)
	}
	res := &dbbackup.RetentionResult{
		Decisions: dbbackup.Policy{Days: 30, MinKeep: 3}.Apply(exampleStart.Add(time.Minute), sets),
	}
	for _, d := range res.Decisions {
		if d.Remove {
			res.Removed = append(res.Removed, d.Set)
		}
	}
	return res
}

// failedOutcome is a run whose upload failed: the files are gone,
// retention did not run.
func failedOutcome() *dbbackup.Outcome {
	o := exampleOutcome()
	o.Report.Files = nil
	o.Report.Finished = exampleStart.Add(12 * time.Second)
	o.Err = &dbbackup.StageError{Stage: dbbackup.StageStore,
		Err: dbbackup.WithHint(errors.New("Google token expired\nrefresh answered 400 invalid_grant"), "run `dbbackup token` to sign in to Google again")}
	o.Stage = dbbackup.StageStore
	o.Retention = nil
	return o
}
