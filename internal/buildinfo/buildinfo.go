// Package buildinfo says which build of kafka-rest is running: its version,
// the commit it was built from, that commit's time and the Go version.
//
// It reads what the Go toolchain stamps into every binary
// (runtime/debug.ReadBuildInfo): the module version that go install
// module@version records, and the vcs.* settings of a build inside a git
// checkout. Values given at link time override them (LinkerFlags), as make
// dist does, since the toolchain stamps nothing in a git worktree:
//
//	go build -ldflags "-X github.com/kafka-rest-go/kafka-rest/internal/buildinfo.version=v1.2.3"
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Link-time overrides (-ldflags -X). They are package variables because -X
// can set nothing else; nothing in the program assigns them.
var (
	version    string
	commit     string
	commitTime string // RFC 3339
)

// pkgPath is this package's import path, which -X names.
const pkgPath = "github.com/kafka-rest-go/kafka-rest/internal/buildinfo"

// Devel is the version of a build the toolchain could not stamp: go run, go
// test, or a build outside a git checkout.
const Devel = "(devel)"

// Info describes one build.
type Info struct {
	// Version is a semantic version (v1.2.3), a Go pseudo-version
	// (v0.0.0-20250102150405-abcdef012345) or Devel. A build from a tree
	// with uncommitted changes ends in +dirty.
	Version string
	// Commit is the git commit: the full hash from the build's vcs
	// stamp, or the 12-digit prefix of a pseudo-version; empty when
	// unknown (a release tag installed with go install).
	Commit string
	// Time is the commit's time, empty when unknown. Builds record no
	// time of their own, so that the same commit builds the same binary.
	Time time.Time
	// Modified is true for a build of a tree with uncommitted changes.
	Modified bool
	// GoVersion is the toolchain that built the binary.
	GoVersion string
}

// Read returns the running binary's build information.
func Read() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return apply(From(bi), version, commit, commitTime)
}

// From reads build information as the toolchain recorded it (nil for none),
// without link-time overrides. It serves the running binary (Read) and
// binaries read from disk with debug/buildinfo.ReadFile.
func From(bi *debug.BuildInfo) Info {
	info := Info{Version: Devel, GoVersion: runtime.Version()}
	if bi == nil {
		return info
	}
	if bi.GoVersion != "" {
		info.GoVersion = bi.GoVersion
	}
	if v := bi.Main.Version; v != "" {
		info.Version = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value
		case "vcs.time":
			if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
				info.Time = t.UTC()
			}
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	if info.Commit == "" {
		// go install module@pseudo-version records no vcs settings,
		// but the pseudo-version names the commit and its time.
		info.Commit, info.Time = fromPseudo(info.Version)
	}
	if info.Modified && !strings.HasSuffix(info.Version, "+dirty") {
		info.Version += "+dirty"
	}
	return info
}

// apply puts link-time overrides over what the toolchain recorded; a
// version ending in +dirty marks the build as modified.
func apply(info Info, version, commit, commitTime string) Info {
	if version != "" {
		info.Version = version
		info.Modified = strings.HasSuffix(version, "+dirty")
	}
	if commit != "" {
		info.Commit = commit
	}
	if t, err := time.Parse(time.RFC3339, commitTime); err == nil {
		info.Time = t.UTC()
	}
	return info
}

// LinkerFlags returns the -ldflags arguments that stamp info's version,
// commit and commit time into a build of kafka-rest.
func LinkerFlags(info Info) string {
	flags := "-X " + pkgPath + ".version=" + info.Version
	if info.Commit != "" {
		flags += " -X " + pkgPath + ".commit=" + info.Commit
	}
	if !info.Time.IsZero() {
		flags += " -X " + pkgPath + ".commitTime=" + info.Time.UTC().Format(time.RFC3339)
	}
	return flags
}

// fromPseudo returns the commit prefix and time of a Go pseudo-version
// (vX.Y.Z-[pre.]yyyymmddhhmmss-abcdefabcdef, see go help
// module-versions), or nothing for any other version.
func fromPseudo(v string) (string, time.Time) {
	v, _, _ = strings.Cut(v, "+")
	i := strings.LastIndexByte(v, '-')
	if i < 0 || len(v)-i-1 != 12 || !isHex(v[i+1:]) {
		return "", time.Time{}
	}
	rev, rest := v[i+1:], v[:i]
	stamp := rest[max(strings.LastIndexAny(rest, "-."), 0)+1:]
	t, err := time.Parse("20060102150405", stamp)
	if err != nil {
		return "", time.Time{}
	}
	return rev, t
}

func isHex(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Short is the commit's first 12 digits, or "unknown".
func (i Info) Short() string {
	if i.Commit == "" {
		return "unknown"
	}
	return i.Commit[:min(12, len(i.Commit))]
}

// String is what kafka-rest --version prints.
func (i Info) String() string { return i.About("kafka-rest") }

// About is what a program's --version prints.
func (i Info) About(program string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", program, i.Version)
	commit := "unknown"
	if i.Commit != "" {
		commit = i.Commit
	}
	if i.Modified {
		commit += " (with uncommitted changes)"
	}
	fmt.Fprintf(&b, "  commit:      %s\n", commit)
	if !i.Time.IsZero() {
		fmt.Fprintf(&b, "  commit time: %s\n", i.Time.Format(time.RFC3339))
	}
	fmt.Fprintf(&b, "  go:          %s %s/%s\n", i.GoVersion, runtime.GOOS, runtime.GOARCH)
	return b.String()
}
