package release

import (
	"context"
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestGitStampIsTheToolchains checks GitStamp against what the Go
// toolchain itself stamps into a build of a clone, for each state a
// checkout can be in.
func TestGitStampIsTheToolchains(t *testing.T) {
	for _, tool := range []string{"git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	dir := t.TempDir()
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=true", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "CGO_ENABLED=0", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	commit := func(when string) {
		t.Helper()
		run("git", "add", "-A")
		cmd := exec.Command("git", "commit", "-q", "-m", "c", "--date", when)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example.com", "GIT_COMMITTER_DATE="+when)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git commit: %v\n%s", err, out)
		}
	}
	check := func(state string, wantVersion string) {
		t.Helper()
		run("go", "build", "-o", filepath.Join(dir, "bin", "m"), ".")
		bi, err := buildinfo.ReadFile(filepath.Join(dir, "bin", "m"))
		if err != nil {
			t.Fatal(err)
		}
		var rev, tm string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				tm = s.Value
			}
		}
		got, err := GitStamp(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != bi.Main.Version || got.Commit != rev || got.Time.Format(time.RFC3339) != tm {
			t.Errorf("%s: GitStamp says %s %s %s, the toolchain %s %s %s", state, got.Version, got.Commit, got.Time.Format(time.RFC3339), bi.Main.Version, rev, tm)
		}
		if wantVersion != "" && got.Version != wantVersion {
			t.Errorf("%s: version %s, want %s", state, got.Version, wantVersion)
		}
	}
	run("git", "init", "-q")
	write(".gitignore", "/bin/\n")
	write("go.mod", "module example.com/m\n\ngo 1.22\n")
	write("main.go", "package main\n\nfunc main() {}\n")
	commit("2025-12-02T07:39:59Z")
	check("no tag", "")
	run("git", "tag", "v1.2.0")
	run("git", "tag", "v1.1.9")
	run("git", "tag", "not-a-version")
	check("a tagged commit", "v1.2.0")
	write("other.go", "package main\n")
	check("a modified tree", "v1.2.0+dirty")
	commit("2025-12-03T08:00:00+02:00")
	check("a commit after a tag", "")
	run("git", "tag", "v1.3.0-rc.1")
	write("more.go", "package main\n")
	commit("2025-12-04T08:00:00Z")
	check("a commit after a pre-release", "")
}
