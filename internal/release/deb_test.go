package release

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDebVersion(t *testing.T) {
	for v, want := range map[string]string{
		"v1.2.3":                             "1.2.3",
		"v1.3.0-rc.1":                        "1.3.0~rc.1",
		"v0.0.0-20251202073959-fe23485abcde": "0.0.0~20251202073959.fe23485abcde",
		"v0.0.0-20251202073959-fe23485abcde+dirty": "0.0.0~20251202073959.fe23485abcde+dirty",
		"v1.2.4-0.20251202073959-fe23485abcde":     "1.2.4~0.20251202073959.fe23485abcde",
	} {
		if got, err := DebVersion(v); err != nil || got != want {
			t.Errorf("DebVersion(%q) = %q, %v; want %q", v, got, err, want)
		}
	}
	for _, v := range []string{"(devel)", "", "vnext", "v1.2.3_x"} {
		if got, err := DebVersion(v); err == nil {
			t.Errorf("DebVersion(%q) = %q, want an error", v, got)
		}
	}
	// Debian orders them as the Go versions are ordered.
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("no dpkg to compare versions with")
	}
	order := []string{"v0.0.0-20251202073959-fe23485abcde", "v1.2.3", "v1.2.4-0.20251202073959-fe23485abcde", "v1.3.0-rc.1", "v1.3.0"}
	for i := 1; i < len(order); i++ {
		a, _ := DebVersion(order[i-1])
		b, _ := DebVersion(order[i])
		if err := exec.Command("dpkg", "--compare-versions", a, "lt", b).Run(); err != nil {
			t.Errorf("dpkg does not order %s before %s", a, b)
		}
	}
}

// TestDebIsReadByDpkg checks the package format (ar members, control and
// data archives) against Debian's own tool rather than against this
// package's reading of it.
func TestDebIsReadByDpkg(t *testing.T) {
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("no dpkg-deb on this machine")
	}
	d := Deb{Version: "1.2.3~rc.1", Arch: "arm64", Maintainer: "tests", Time: time.Date(2025, 12, 2, 7, 39, 59, 0, time.UTC),
		Files: []File{
			Regular("usr/bin/kafka-rest", 0o755, []byte("odd-sized binary")),
			Regular("etc/kafka-rest/kafka-rest.properties", 0o644, []byte("#port=8082\n")),
		}}
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), DebFileName(d.Version, d.Arch))
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("dpkg-deb", "--field", path, "Package", "Version", "Architecture", "Maintainer").CombinedOutput()
	if err != nil {
		t.Fatalf("dpkg-deb --field: %v: %s", err, out)
	}
	if want := "Package: kafka-rest\nVersion: 1.2.3~rc.1\nArchitecture: arm64\nMaintainer: tests\n"; string(out) != want {
		t.Errorf("fields:\n%s\nwant\n%s", out, want)
	}
	out, err = exec.Command("dpkg-deb", "--contents", path).CombinedOutput()
	if err != nil {
		t.Fatalf("dpkg-deb --contents: %v: %s", err, out)
	}
	for _, want := range []string{
		"-rwxr-xr-x root/root        16 2025-12-02 07:39 ./usr/bin/kafka-rest",
		"-rw-r--r-- root/root        11 2025-12-02 07:39 ./etc/kafka-rest/kafka-rest.properties",
		"./usr/lib/systemd/system/kafka-rest.service",
		"./usr/lib/sysusers.d/kafka-rest.conf",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	ctrl := t.TempDir()
	if out, err := exec.Command("dpkg-deb", "--control", path, ctrl).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb --control: %v: %s", err, out)
	}
	conffiles, _ := os.ReadFile(filepath.Join(ctrl, "conffiles"))
	if string(conffiles) != "/etc/kafka-rest/kafka-rest.properties\n" {
		t.Errorf("conffiles %q", conffiles)
	}
	for _, script := range []string{"postinst", "prerm", "postrm"} {
		if fi, err := os.Stat(filepath.Join(ctrl, script)); err != nil || fi.Mode().Perm() != 0o755 {
			t.Errorf("%s: %v %v", script, fi, err)
		}
		if out, err := exec.Command("sh", "-n", filepath.Join(ctrl, script)).CombinedOutput(); err != nil {
			t.Errorf("sh -n %s: %v: %s", script, err, out)
		}
	}
}
