package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dbbackup/dbbackup"
)

// ownPrefixes are the prefixes of this program's settings: a variable with
// one of them that no setting reads is most likely a misspelt one.
var ownPrefixes = []string{"BACKUP_", "DRIVE_", "SMTP_", "EMAIL_", "GOOGLE_", "SHEETS_"}

// unknownSettings warns about the variables with one of ownPrefixes that
// are no setting (known holds every name the settings read). Every one in
// envFile is warned about; one in the environment only when it is
// near a setting's name, as other programs have GOOGLE_* variables too.
func unknownSettings(envFile string, file map[string]string, environ []string, known map[string]bool) []string {
	var names []string
	for name := range known {
		if ours(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var warnings []string
	warn := func(name, where string, mustBeNear bool) {
		if !ours(name) || known[name] {
			return
		}
		near := dbbackup.Nearest(name, names, 4)
		switch {
		case near != "":
			warnings = append(warnings, fmt.Sprintf("%s (%s) is not a dbbackup setting and is ignored: did you mean %s?", name, where, near))
		case !mustBeNear:
			warnings = append(warnings, fmt.Sprintf("%s (%s) is not a dbbackup setting and is ignored: the README lists the settings", name, where))
		}
	}
	inFile := make([]string, 0, len(file))
	for name := range file {
		inFile = append(inFile, name)
	}
	sort.Strings(inFile)
	for _, name := range inFile {
		warn(name, "in "+envFile, false)
	}
	sort.Strings(environ)
	for _, name := range environ {
		if _, dup := file[name]; !dup {
			warn(name, "in the environment", true)
		}
	}
	return warnings
}

func ours(name string) bool {
	for _, p := range ownPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
