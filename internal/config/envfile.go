package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/joho/godotenv"
)

// readEnvFile reads the NAME=value lines of path into a map; the process
// environment is left alone, so loading twice sees the file as it is now.
// A missing file is no error unless it was named explicitly (--env-file):
// then it returns nil. A syntax error names the line.
func readEnvFile(path string, explicit bool) (map[string]string, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		return nil, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, &dbbackup.ConfigError{Var: path, Problem: "the env file does not exist",
			Hint: "check the --env-file path, or leave it out to read .env from the working directory"}
	case err != nil:
		return nil, &dbbackup.ConfigError{Var: path, Problem: "cannot read the env file: " + plainError(err),
			Hint: "make it a readable text file of NAME=value lines (see the README)"}
	}
	text := string(data)
	vars, err := godotenv.Unmarshal(text)
	if err != nil {
		// godotenv's message quotes the value, which may be a password.
		problem := "this is not a NAME=value line"
		if strings.Contains(err.Error(), "unterminated quoted value") {
			problem = "a quote opened on this line is never closed"
		}
		return nil, syntaxError(path, badLine(text), problem)
	}
	for name := range vars {
		if !isName(name) {
			return nil, syntaxError(path, lineOf(text, name), fmt.Sprintf("%q is not a variable name", name))
		}
	}
	return vars, nil
}

func syntaxError(path string, line int, problem string) error {
	return &dbbackup.ConfigError{Var: path, Problem: fmt.Sprintf("line %d: %s", line, problem),
		Hint: "write one NAME=value a line; quote values with spaces or # (NAME=\"a value\"), and close every quote"}
}

// badLine is the line where a text godotenv refuses goes wrong: the line
// after the longest run of leading lines that parses. (A shorter prefix may
// fail only because it cuts a quoted value that spans lines.)
func badLine(text string) int {
	lines := strings.SplitAfter(text, "\n")
	for k := len(lines) - 1; k > 0; k-- {
		if _, err := godotenv.Unmarshal(strings.Join(lines[:k], "")); err == nil {
			return k + 1
		}
	}
	return 1
}

// lineOf is the number of the line that sets name, 1 when none does.
func lineOf(text, name string) int {
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "export ")
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), name)
		if rest = strings.TrimSpace(rest); ok && (strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, ":")) {
			return i + 1
		}
	}
	return 1
}

// isName reports whether s is a shell variable name: letters, digits and _,
// not starting with a digit.
func isName(s string) bool {
	for i, r := range s {
		if r != '_' && !('A' <= r && r <= 'Z') && !('a' <= r && r <= 'z') && !(i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return s != ""
}
