package fsutil

import "time"

const (
	// writeBackPoll is how often WriteBack looks at the file's size.
	writeBackPoll = 50 * time.Millisecond
	// writeBackStep is how much new data WriteBack waits for before it
	// hands it to the disk.
	writeBackStep = 8 << 20
)
