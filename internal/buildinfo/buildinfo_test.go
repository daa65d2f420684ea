package buildinfo

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func TestFrom(t *testing.T) {
	stamp := time.Date(2025, 12, 2, 7, 39, 59, 0, time.UTC)
	vcs := func(rev, tm, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: tm},
			{Key: "vcs.modified", Value: modified},
		}
	}
	const rev = "fe23485abcdef0123456789abcdef0123456789a"
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		want Info
	}{
		{"no build information", nil, Info{Version: Devel, GoVersion: runtime.Version()}},
		{"go run or go test", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "m", Version: Devel}},
			Info{Version: Devel, GoVersion: "go1.26.8"}},
		{"go install of a release tag", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}},
			Info{Version: "v1.2.3", GoVersion: "go1.26.8"}},
		{"go install of a commit", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20251202073959-fe23485abcde"}},
			Info{Version: "v0.0.0-20251202073959-fe23485abcde", Commit: "fe23485abcde", Time: stamp, GoVersion: "go1.26.8"}},
		{"go install of a commit after a tag", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.4-0.20251202073959-fe23485abcde"}},
			Info{Version: "v1.2.4-0.20251202073959-fe23485abcde", Commit: "fe23485abcde", Time: stamp, GoVersion: "go1.26.8"}},
		{"go install of a commit after a pre-release", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.3.0-rc.1.0.20251202073959-fe23485abcde"}},
			Info{Version: "v1.3.0-rc.1.0.20251202073959-fe23485abcde", Commit: "fe23485abcde", Time: stamp, GoVersion: "go1.26.8"}},
		{"a pre-release tag is no pseudo-version", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.3.0-rc.1"}},
			Info{Version: "v1.3.0-rc.1", GoVersion: "go1.26.8"}},
		{"go build in a clean checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20251202073959-fe23485abcde"},
			Settings: vcs(rev, "2025-12-02T07:39:59Z", "false")},
			Info{Version: "v0.0.0-20251202073959-fe23485abcde", Commit: rev, Time: stamp, GoVersion: "go1.26.8"}},
		{"go build in a modified checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20251202073959-fe23485abcde+dirty"},
			Settings: vcs(rev, "2025-12-02T08:39:59+01:00", "true")},
			Info{Version: "v0.0.0-20251202073959-fe23485abcde+dirty", Commit: rev, Time: stamp, Modified: true, GoVersion: "go1.26.8"}},
		{"a toolchain that stamps vcs but no version", &debug.BuildInfo{GoVersion: "go1.22.0", Main: debug.Module{Version: Devel},
			Settings: vcs(rev, "2025-12-02T07:39:59Z", "true")},
			Info{Version: Devel + "+dirty", Commit: rev, Time: stamp, Modified: true, GoVersion: "go1.22.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := From(tc.bi); got != tc.want {
				t.Errorf("From:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestLinkTimeValuesWin(t *testing.T) {
	info := From(&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20251202073959-fe23485abcde"}})
	got := apply(info, "v9.9.9", "0123456789abcdef0123456789abcdef01234567", "")
	if got.Version != "v9.9.9" || got.Commit != "0123456789abcdef0123456789abcdef01234567" || got.Time != info.Time || got.Modified {
		t.Errorf("apply: %+v", got)
	}
	if got := apply(info, "", "", ""); got != info {
		t.Errorf("empty overrides changed %+v into %+v", info, got)
	}
}

func TestLinkerFlagsStampABuild(t *testing.T) {
	// A build the toolchain stamps nothing into (as in a git worktree):
	// the flags say it all, as make dist gives them.
	stamped := Info{Version: "v0.0.0-20251202073959-fe23485abcde+dirty", Commit: "fe23485abcdef0123456789abcdef0123456789a",
		Time: time.Date(2025, 12, 2, 7, 39, 59, 0, time.UTC), Modified: true, GoVersion: runtime.Version()}
	bin := filepath.Join(t.TempDir(), "printinfo")
	build := exec.Command("go", "build", "-buildvcs=false", "-ldflags", LinkerFlags(stamped), "-o", bin, "./testdata/printinfo")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != stamped.String() {
		t.Errorf("the stamped build says\n%s\nwant\n%s", out, stamped.String())
	}
}

func TestString(t *testing.T) {
	info := Info{Version: "v1.2.3", Commit: "fe23485abcdef0123456789abcdef0123456789a", Time: time.Date(2025, 12, 2, 7, 39, 59, 0, time.UTC), GoVersion: "go1.26.8"}
	want := "kafka-rest v1.2.3\n" +
		"  commit:      fe23485abcdef0123456789abcdef0123456789a\n" +
		"  commit time: 2025-12-02T07:39:59Z\n" +
		"  go:          go1.26.8 " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if got := info.String(); got != want {
		t.Errorf("String:\n%s\nwant\n%s", got, want)
	}
	unknown := Info{Version: Devel, GoVersion: "go1.26.8", Modified: true}.String()
	if !strings.Contains(unknown, "commit:      unknown (with uncommitted changes)\n") || strings.Contains(unknown, "commit time") {
		t.Errorf("String of an unstamped build:\n%s", unknown)
	}
	if s := (Info{Commit: "fe23485abcdef0123"}).Short(); s != "fe23485abcde" {
		t.Errorf("Short: %q", s)
	}
	if s := (Info{}).Short(); s != "unknown" {
		t.Errorf("Short of no commit: %q", s)
	}
}
