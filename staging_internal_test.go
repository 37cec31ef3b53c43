package dbbackup

import (
	"os"
	"strings"
	"testing"
)

// TestSumsThatDisagreeWithTheFileDoNotSeal: the sums taken as a file was
// written are its own only if it holds what was summed. A file that holds
// more (written to after its exporter returned) is not sealed, and the
// store could not take the sums for it.
func TestSumsThatDisagreeWithTheFileDoNotSeal(t *testing.T) {
	st := &staging{dir: t.TempDir(), setID: "backup_20260210_020000"}
	name := st.setID + ".csv"
	content := []byte("id\n1\n2\n")
	if err := os.WriteFile(st.path(name), content, 0o600); err != nil {
		t.Fatal(err)
	}
	written := checksumOf(t, content[:4]) // what the exporter wrote; the rest came after
	if _, err := st.seal(name, FormatCSV, &written); err == nil || !strings.Contains(err.Error(), "it changed") {
		t.Fatalf("seal of a file longer than its sums: %v, want an error", err)
	}
	if _, ok := st.sealed[name]; ok {
		t.Fatal("a file that failed its seal is handed to the store as sealed")
	}
	all := checksumOf(t, content)
	f, err := st.seal(name, FormatCSV, &all)
	if err != nil || f.SHA256 != all.sha256 || f.Size != int64(len(content)) {
		t.Fatalf("seal with the file's own sums: %+v, %v", f, err)
	}
}

func checksumOf(t *testing.T, b []byte) sums {
	t.Helper()
	s, err := checksum(strings.NewReader(string(b)), false)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
