package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/kafka-rest-go/kafka-rest/cmd/kafka-rest/internal/properties"
)

func TestSamplePropertiesHoldEveryKeyAtItsDefault(t *testing.T) {
	var b bytes.Buffer
	if code := run(context.Background(), []string{"--sample-properties"}, nil, &b, &b); code != 0 {
		t.Fatalf("exit %d: %s", code, b.String())
	}
	sample := b.String()

	// As shipped, every line is a comment: the file sets nothing.
	entries, err := properties.Parse(strings.NewReader(sample))
	if err != nil || len(entries) != 0 {
		t.Fatalf("the sample as shipped sets %v (%v)", entries, err)
	}
	for i, l := range strings.Split(strings.TrimSuffix(sample, "\n"), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			t.Errorf("line %d is not a comment: %q", i+1, l)
		}
		if strings.HasPrefix(l, "# ") && len(l) > 80 && strings.Count(l, " ") > 1 {
			t.Errorf("comment line %d is longer than 80 characters: %q", i+1, l)
		}
	}

	// Uncommenting every key line sets every key to its default, which
	// the proxy accepts without a warning.
	var keyLines []string
	for _, l := range strings.Split(sample, "\n") {
		if strings.HasPrefix(l, "#") && len(l) > 1 && l[1] != ' ' {
			keyLines = append(keyLines, l[1:])
		}
	}
	path := filepath.Join(t.TempDir(), "kafka-rest.properties")
	if err := os.WriteFile(path, []byte(strings.Join(keyLines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err = properties.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	set := properties.Map(entries)
	cfg, err := loadConfig(path, nil)
	if err != nil {
		t.Fatalf("the uncommented sample does not load: %v", err)
	}
	if len(cfg.warnings) != 0 {
		t.Errorf("the uncommented sample warns: %q", cfg.warnings)
	}
	if len(set) != len(entries) {
		t.Errorf("a key appears twice: %d lines, %d keys", len(entries), len(set))
	}
	for _, s := range settings() {
		if s.legacy {
			if !strings.Contains(sample, s.key) {
				t.Errorf("legacy key %s is not named", s.key)
			}
			if _, ok := set[s.key]; ok {
				t.Errorf("legacy key %s is set, though it has no effect", s.key)
			}
			continue
		}
		v, ok := set[s.key]
		if !ok {
			t.Errorf("key %s is missing", s.key)
			continue
		}
		if v != s.def {
			t.Errorf("%s=%q, want its default %q", s.key, v, s.def)
		}
		if !strings.Contains(sample, "#"+s.key+"="+s.def+"\n") {
			t.Errorf("no line #%s=%s", s.key, s.def)
		}
		delete(set, s.key)
	}
	for k := range set {
		t.Errorf("the sample sets %s, which the proxy does not know", k)
	}
}

func TestVersionFlag(t *testing.T) {
	for _, flag := range []string{"--version", "-version"} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{flag}, nil, &out, &errOut); code != 0 {
			t.Fatalf("%s: exit %d: %s", flag, code, errOut.String())
		}
		// A test binary is not stamped by the toolchain; the stamped
		// values are checked on the release binaries (internal/release).
		want := "kafka-rest (devel)\n  commit:      unknown\n  go:          " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
		if out.String() != want || errOut.Len() != 0 {
			t.Errorf("%s printed %q (stderr %q), want %q", flag, out.String(), errOut.String(), want)
		}
	}
}
