package http_test

import (
	"os"
	"testing"
)

// writeRaw replaces a file's content.
func writeRaw(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
