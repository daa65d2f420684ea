//go:build release

package release

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"debug/macho"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	kbuildinfo "github.com/kafka-rest-go/kafka-rest/internal/buildinfo"
)

// The tests of build tag release check what make dist, make image and make
// deb wrote (make test-release runs them with these flags).
var (
	distDir     = flag.String("dist", "", "the directory the release targets wrote")
	rootDir     = flag.String("root", "", "the repository they were built from")
	versionFlag = flag.String("version", "", "the VERSION they were given, if any")
)

// want is the stamp every artifact must carry: the checkout's, with the
// VERSION override.
func want(t *testing.T) kbuildinfo.Info {
	t.Helper()
	if *distDir == "" || *rootDir == "" {
		t.Fatal("run with -args -dist DIR -root DIR, as make test-release does")
	}
	info, err := GitStamp(context.Background(), *rootDir)
	if err != nil {
		t.Fatal(err)
	}
	if *versionFlag != "" {
		info.Version = *versionFlag
	}
	return info
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// checkBinary checks a release binary: built for p, static, without build
// paths, stamped with w.
func checkBinary(t *testing.T, name string, body []byte, p Platform, w kbuildinfo.Info) {
	t.Helper()
	bi, err := buildinfo.Read(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	settings := make(map[string]string)
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if settings["GOOS"] != p.OS || settings["GOARCH"] != p.Arch || settings["CGO_ENABLED"] != "0" || settings["-trimpath"] != "true" {
		t.Errorf("%s: built with %v", name, settings)
	}
	w.GoVersion = bi.GoVersion
	if err := CheckBinary(name, body, w); err != nil {
		t.Error(err)
	}
	switch p.OS {
	case "linux":
		f, err := elf.NewFile(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		machine := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[p.Arch]
		if f.Machine != machine {
			t.Errorf("%s: machine %v, want %v", name, f.Machine, machine)
		}
		for _, prog := range f.Progs {
			if prog.Type == elf.PT_INTERP || prog.Type == elf.PT_DYNAMIC {
				t.Errorf("%s is dynamically linked (%v)", name, prog.Type)
			}
		}
	case "darwin":
		f, err := macho.NewFile(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cpu := map[string]macho.Cpu{"amd64": macho.CpuAmd64, "arm64": macho.CpuArm64}[p.Arch]
		if f.Cpu != cpu {
			t.Errorf("%s: cpu %v, want %v", name, f.Cpu, cpu)
		}
	}
	for _, dir := range []string{*rootDir, goEnv(t, "GOMODCACHE"), goEnv(t, "GOROOT")} {
		if abs, _ := filepath.Abs(dir); abs != "" && bytes.Contains(body, []byte(abs+"/")) {
			t.Errorf("%s holds the build path %s", name, abs)
		}
	}
}

// checkVersion runs a host binary's --version.
func checkVersion(t *testing.T, bin string, w kbuildinfo.Info) {
	t.Helper()
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v: %s", bin, err, out)
	}
	for _, line := range []string{
		filepath.Base(bin) + " " + w.Version + "\n",
		"  commit:      " + w.Commit,
		"  commit time: " + w.Time.UTC().Format(time.RFC3339) + "\n",
	} {
		if !strings.Contains(string(out), line) {
			t.Errorf("%s --version has no %q:\n%s", bin, line, out)
		}
	}
}
