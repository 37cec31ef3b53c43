package dbbackup

import "fmt"

// ConfigError is a setting the user must change: the program stops with exit
// code 2 and a message that names the variable (or file) that is wrong.
type ConfigError struct {
	Var     string // the variable or file, e.g. "BACKUP_FORMATS"
	Problem string // what is wrong, e.g. `unknown format "xml"`
	Hint    string // what to do, e.g. "use csv, xlsx, json or dump"
}

func (e *ConfigError) Error() string { return e.Var + ": " + e.Problem }

// HintError adds advice for the user to an error.
type HintError struct {
	Err  error
	Hint string
}

func (e *HintError) Error() string { return e.Err.Error() }
func (e *HintError) Unwrap() error { return e.Err }

// WithHint returns err with advice attached, or nil for a nil err.
func WithHint(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &HintError{Err: err, Hint: fmt.Sprintf(format, args...)}
}
