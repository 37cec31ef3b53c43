package sheets

import (
	"fmt"

	"github.com/dbbackup/dbbackup"
)

// Google's limits on a spreadsheet (support.google.com/drive/answer/37603).
const (
	// MaxCells is the most cells a spreadsheet holds, every tab's grid
	// counted, empty cells included.
	MaxCells = 10_000_000
	// MaxColumns is the most columns a tab has (column ZZZ).
	MaxColumns = 18_278
)

// checkColumns refuses a source wider than a tab.
func checkColumns(what string, cols int) error {
	if cols > MaxColumns {
		return &dbbackup.HintError{Err: fmt.Errorf("%s has %d columns, and a Google Sheets tab holds at most %d", what, cols, MaxColumns),
			Hint: "sync a query that selects fewer columns"}
	}
	return nil
}

// checkCells refuses a sync that would take the spreadsheet over the cell
// limit at any moment, before anything is written. now is the cells the
// spreadsheet's tabs hold while the sync writes (for a replace, the old
// tab included: it stays until the new one takes its place), adding the
// cells the sync adds; detail says where they come from.
func checkCells(id string, now, adding int64, detail string) error {
	if now+adding <= MaxCells {
		return nil
	}
	return &dbbackup.HintError{
		Err: fmt.Errorf("spreadsheet %s would need %s cells, over Google's limit of %s cells per spreadsheet: its tabs hold %s, and %s",
			id, dbbackup.HumanCount(now+adding), dbbackup.HumanCount(MaxCells), dbbackup.HumanCount(now), detail),
		Hint: "sync fewer rows or columns (a query), delete tabs the spreadsheet no longer needs or shrink their grids, or sync into another spreadsheet; nothing was written",
	}
}
