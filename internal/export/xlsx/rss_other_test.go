//go:build !linux

package xlsx

// peakRSS is measured on Linux only; elsewhere use the OS's tools.
func peakRSS() int64 { return 0 }
