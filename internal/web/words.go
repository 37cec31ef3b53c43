package web

import (
	"fmt"
	"math"
	"time"
)

// waitWords says how long to wait, for people: "1 second", "45 seconds",
// and, from two minutes, whole minutes rounded up ("30 minutes").
func waitWords(d time.Duration) string {
	secs := int(math.Ceil(d.Seconds()))
	if secs < 120 {
		return fmt.Sprintf("%d %s", secs, plural(secs, "second", "seconds"))
	}
	mins := (secs + 59) / 60
	return fmt.Sprintf("%d minutes", mins)
}
