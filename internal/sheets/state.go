package sheets

import (
	"encoding/json"
	"fmt"
	"time"
)

// syncState is what a tab's last sync wrote, kept in the tab's developer
// metadata (metaSync): Append reads it to know where the tab's rows end
// and which key they end with, whatever the caller remembers.
type syncState struct {
	Tool     string    `json:"tool"`
	SyncedAt time.Time `json:"synced_at"`
	Source   string    `json:"source"`
	Mode     Mode      `json:"mode"`
	// Rows is the data rows the tab holds below its header.
	Rows int64 `json:"rows"`
	// Added is how many of them the last sync wrote.
	Added int64  `json:"added"`
	Key   string `json:"key,omitempty"`
	// LastKey is the key of the tab's last row, as PostgreSQL prints it;
	// absent when the tab has no row.
	LastKey *string `json:"last_key,omitempty"`
}

func (st syncState) json() string {
	b, _ := json.Marshal(st)
	return string(b)
}

// note is the sync note a reader sees on the header's first cell.
func (st syncState) note() string {
	when := st.SyncedAt.UTC().Format("2006-01-02 15:04 UTC")
	if st.Mode == Append {
		return fmt.Sprintf("Synced by dbbackup at %s: %d new rows appended (%d in all) from %s.", when, st.Added, st.Rows, st.Source)
	}
	return fmt.Sprintf("Synced by dbbackup at %s: %d rows from %s.", when, st.Rows, st.Source)
}
