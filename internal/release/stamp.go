package release

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	kbuildinfo "github.com/kafka-rest-go/kafka-rest/internal/buildinfo"
)

// GitStamp reads from the git checkout at root what the Go toolchain stamps
// into a build of a clone (which it cannot do in a worktree, whose .git is
// a file): the commit and its time, and as version the highest v-tag at
// the commit, else a pseudo-version after the highest v-tag the commit
// descends from, with +dirty when the tree has changes.
func GitStamp(ctx context.Context, root string) (kbuildinfo.Info, error) {
	git := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", root, "-c", "log.showsignature=false"}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return strings.TrimSpace(string(out)), nil
	}
	head, err := git("log", "-1", "--format=%H %ct")
	if err != nil {
		return kbuildinfo.Info{}, err
	}
	rev, ts, _ := strings.Cut(head, " ")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return kbuildinfo.Info{}, fmt.Errorf("the commit time %q: %w", ts, err)
	}
	info := kbuildinfo.Info{Commit: rev, Time: time.Unix(sec, 0).UTC()}
	at, err := git("tag", "--points-at", "HEAD", "--list", "v*")
	if err != nil {
		return info, err
	}
	if info.Version = highestTag(at); info.Version == "" {
		merged, err := git("tag", "--merged", "HEAD", "--list", "v*")
		if err != nil {
			return info, err
		}
		info.Version = module.PseudoVersion("", highestTag(merged), info.Time, rev[:12])
	}
	status, err := git("status", "--porcelain")
	if err != nil {
		return info, err
	}
	if info.Modified = status != ""; info.Modified {
		info.Version += "+dirty"
	}
	return info, nil
}

// highestTag is the highest semantic version among tags (one a line), or
// "" for none.
func highestTag(tags string) string {
	best := ""
	for _, t := range strings.Fields(tags) {
		if semver.IsValid(t) && semver.Build(t) == "" && (best == "" || semver.Compare(t, best) > 0) {
			best = t
		}
	}
	return best
}

// CheckBinary checks that a binary was built for a release (static, with
// -trimpath) and carries the stamp want: the toolchain records no -ldflags
// of a -trimpath build, but the -X values are in the binary's data.
func CheckBinary(path string, body []byte, want kbuildinfo.Info) error {
	bi, err := buildinfo.Read(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("reading the build information of %s: %w", path, err)
	}
	settings := make(map[string]string)
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if settings["CGO_ENABLED"] != "0" || settings["-trimpath"] != "true" {
		return fmt.Errorf("%s was not built with CGO_ENABLED=0 and -trimpath: build it with make dist", path)
	}
	for _, s := range []string{want.Version, want.Commit, want.Time.UTC().Format(time.RFC3339)} {
		if !bytes.Contains(body, []byte(s)) {
			return fmt.Errorf("%s does not carry %s: it is another build than %s (commit %s); rebuild it with make dist", path, s, want.Version, want.Short())
		}
	}
	if bi.GoVersion != want.GoVersion {
		return fmt.Errorf("%s was built with %s, the others with %s: rebuild them together with make dist", path, bi.GoVersion, want.GoVersion)
	}
	return nil
}
