package email

import "time"

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

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
