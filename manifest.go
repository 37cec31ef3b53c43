package dbbackup

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// ManifestFormat identifies the manifest's schema.
const ManifestFormat = "dbbackup-manifest/1"

// Manifest describes one backup set, so that every backup can be understood
// without this program. It is stored last: a set without a manifest is
// incomplete.
type Manifest struct {
	Format      string `json:"format"`
	SetID       string `json:"set_id"`
	ToolVersion string `json:"tool_version"`
	// Job is the job that made the set; "" in a manifest made before
	// jobs, whose set is the job default's.
	Job           string       `json:"job,omitempty"`
	Database      string       `json:"database"`
	ServerVersion string       `json:"server_version"`
	SnapshotTime  time.Time    `json:"snapshot_time"`
	TimeZone      string       `json:"time_zone"` // timestamptz values are written in it
	StartedAt     time.Time    `json:"started_at"`
	FinishedAt    time.Time    `json:"finished_at"`
	Tables        []TableCount `json:"tables"`
	Files         []File       `json:"files"`
	Warnings      []string     `json:"warnings"`
	// OneOff names the settings given for this run alone (run --formats,
	// --tables, …): the set is not one of the job's regular backups, and
	// it does not count toward BACKUP_RETENTION_MIN_KEEP.
	OneOff []string `json:"one_off,omitempty"`
}

// ManifestName is the file name of a set's manifest.
func ManifestName(setID string) string { return setID + FormatManifest.Suffix(0) }

// WriteTo writes m as indented JSON.
func (m *Manifest) WriteTo(w io.Writer) (int64, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return 0, err
	}
	n, err := w.Write(append(b, '\n'))
	return int64(n), err
}

// ReadManifest parses a manifest and checks its format.
func ReadManifest(r io.Reader) (*Manifest, error) {
	var m Manifest
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	if m.Format != ManifestFormat {
		return nil, fmt.Errorf("read manifest: unknown format %q", m.Format)
	}
	return &m, nil
}
