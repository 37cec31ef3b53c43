package email

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// change is the difference from prev to cur, with its share of prev.
func change(prev, cur int64) string {
	d := cur - prev
	switch {
	case d == 0:
		return "no change"
	case prev == 0:
		return "+" + count(d)
	}
	sign := "+"
	if d < 0 {
		sign = "-"
	}
	pct := 100 * float64(abs(d)) / float64(prev)
	return fmt.Sprintf("%s%s (%s%s%%)", sign, count(abs(d)), sign, strconv.FormatFloat(pct, 'f', 1, 64))
}

// count writes n with thousands separators: 1,234,567.
func count(n int64) string {
	s := strconv.FormatInt(abs(n), 10)
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func duration(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format(timeLayout)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func abs(n int64) int64 { return max(n, -n) }

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
