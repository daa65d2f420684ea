package main

import (
	"bytes"
	"runtime"
	"testing"
)

func TestVersionFlag(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"--version"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	// A test binary is not stamped; the release binaries are checked in
	// internal/release.
	want := "kafka-rest-bench (devel)\n  commit:      unknown\n  go:          " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if out.String() != want || errOut.Len() != 0 {
		t.Errorf("printed %q (stderr %q), want %q", out.String(), errOut.String(), want)
	}
}
