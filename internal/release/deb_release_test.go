//go:build release

package release

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	kbuildinfo "github.com/kafka-rest-go/kafka-rest/internal/buildinfo"
)

func TestDebianPackages(t *testing.T) {
	w := want(t)
	for _, tool := range []string{"dpkg", "dpkg-deb"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s on this machine: the packages cannot be checked here", tool)
		}
	}
	version, err := DebVersion(w.Version)
	if err != nil {
		t.Fatal(err)
	}
	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			path := filepath.Join(*distDir, DebFileName(version, arch))
			out, err := exec.Command("dpkg-deb", "--field", path, "Package", "Version", "Architecture").CombinedOutput()
			if err != nil {
				t.Fatalf("dpkg-deb --field: %v: %s", err, out)
			}
			if want := "Package: kafka-rest\nVersion: " + version + "\nArchitecture: " + arch + "\n"; string(out) != want {
				t.Errorf("fields:\n%s\nwant\n%s", out, want)
			}
			out, err = exec.Command("dpkg-deb", "--contents", path).CombinedOutput()
			if err != nil {
				t.Fatalf("dpkg-deb --contents: %v: %s", err, out)
			}
			for _, want := range []string{
				"-rwxr-xr-x root/root", " ./usr/bin/kafka-rest\n", " ./usr/bin/kafka-rest-bench\n",
				" ./etc/kafka-rest/kafka-rest.properties\n", " ./usr/lib/systemd/system/kafka-rest.service\n",
				" ./usr/lib/sysusers.d/kafka-rest.conf\n", " ./usr/share/kafka-rest/grafana-dashboard.json\n",
				" ./usr/share/doc/kafka-rest/THIRD_PARTY_LICENSES\n", " ./usr/share/doc/kafka-rest/README.md\n",
			} {
				if !strings.Contains(string(out), want) {
					t.Errorf("no %q in the package's contents:\n%s", want, out)
				}
			}
			if arch == runtime.GOARCH && runtime.GOOS == "linux" {
				install(t, path, w)
			}
		})
	}
}

// install installs the package into a scratch root with the machine's
// dpkg, its maintainer scripts run outside a chroot on that root (dpkg sets
// DPKG_ROOT for them), checks what it put there, upgrades it over a
// changed conffile and purges it.
func install(t *testing.T, deb string, w kbuildinfo.Info) {
	root := t.TempDir()
	for _, d := range []string{"var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "etc", "usr/sbin"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range map[string]string{
		"var/lib/dpkg/status": "", "var/lib/dpkg/available": "",
		"etc/passwd": "root:x:0:0:root:/root:/bin/sh\n", "etc/group": "root:x:0:\n",
		"etc/shadow": "root:*:19000:0:99999:7:::\n", "etc/gshadow": "root:*::\n",
	} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dpkg := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("dpkg", append([]string{"--root=" + root, "--force-script-chrootless", "--force-not-root", "--no-triggers", "--log=/dev/null"}, args...)...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("dpkg %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	dpkg("--install", deb)

	status := dpkg("--status", "kafka-rest")
	if !strings.Contains(status, "Status: install ok installed\n") || !regexp.MustCompile(`(?m)^Conffiles:\n /etc/kafka-rest/kafka-rest.properties [0-9a-f]{32}$`).MatchString(status) {
		t.Errorf("dpkg --status:\n%s", status)
	}
	if out := dpkg("--verify", "kafka-rest"); out != "" {
		t.Errorf("dpkg --verify (the md5sums of what was installed):\n%s", out)
	}

	// The user and group the service runs as, made by postinst.
	passwd := string(readFile(t, filepath.Join(root, "etc/passwd")))
	m := regexp.MustCompile(`(?m)^kafka-rest:[^:]*:(\d+):(\d+):[^:]*:/var/lib/kafka-rest:/usr/sbin/nologin$`).FindStringSubmatch(passwd)
	if m == nil {
		t.Fatalf("no kafka-rest system user in /etc/passwd:\n%s", passwd)
	}
	if uid, _ := strconv.Atoi(m[1]); uid == 0 || uid >= 1000 {
		t.Errorf("kafka-rest's uid %d is not a system user's", uid)
	}
	if !regexp.MustCompile(`(?m)^kafka-rest:[^:]*:` + m[2] + `:`).MatchString(string(readFile(t, filepath.Join(root, "etc/group")))) {
		t.Errorf("no kafka-rest group %s", m[2])
	}
	props := filepath.Join(root, "etc/kafka-rest/kafka-rest.properties")
	fi, err := os.Stat(props)
	if err != nil {
		t.Fatal(err)
	}
	if gid := strconv.Itoa(int(fi.Sys().(*syscall.Stat_t).Gid)); fi.Mode().Perm() != 0o640 || gid != m[2] {
		t.Errorf("kafka-rest.properties: mode %v group %s, want 0640 and group kafka-rest (%s): it will hold passwords", fi.Mode().Perm(), gid, m[2])
	}

	bin := filepath.Join(root, "usr/bin/kafka-rest")
	checkVersion(t, bin, w)

	unit := string(readFile(t, filepath.Join(root, "usr/lib/systemd/system/kafka-rest.service")))
	section := ""
	got := make(map[string]string)
	sc := bufio.NewScanner(strings.NewReader(unit))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(l, "[") {
			section = l
		} else if k, v, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") {
			got[section+k] = v
		}
	}
	for k, v := range map[string]string{
		"[Service]User":      "kafka-rest",
		"[Service]Group":     "kafka-rest",
		"[Service]ExecStart": "/usr/bin/kafka-rest /etc/kafka-rest/kafka-rest.properties",
		"[Service]Restart":   "on-failure",
		"[Install]WantedBy":  "multi-user.target",
	} {
		if got[k] != v {
			t.Errorf("kafka-rest.service: %s=%q, want %q", k, got[k], v)
		}
	}
	if _, err := exec.LookPath("systemd-analyze"); err == nil {
		// verify resolves the unit's dependencies (sysinit.target and
		// the like) in the root: give it the machine's units.
		units := filepath.Join(root, "usr/lib/systemd/system")
		if out, err := exec.Command("cp", "-rn", "/usr/lib/systemd/system/.", units).CombinedOutput(); err != nil {
			t.Fatalf("copying the machine's units: %v: %s", err, out)
		}
		out, err := exec.Command("systemd-analyze", "verify", "--man=no", "--root="+root, "kafka-rest.service").CombinedOutput()
		if err != nil || len(bytes.TrimSpace(out)) != 0 {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
	} else {
		t.Log("no systemd-analyze: the unit is checked by its keys only")
	}

	// An administrator's change to the configuration survives a
	// reinstall, and purge takes everything but the user away.
	changed := append(readFile(t, props), "bootstrap.servers=broker:9092\n"...)
	if err := os.WriteFile(props, changed, 0o640); err != nil {
		t.Fatal(err)
	}
	dpkg("--install", deb)
	if after := readFile(t, props); !bytes.Equal(after, changed) {
		t.Error("reinstalling replaced the changed kafka-rest.properties")
	}
	dpkg("--purge", "kafka-rest")
	for _, p := range []string{"usr/bin/kafka-rest", "etc/kafka-rest/kafka-rest.properties", "usr/lib/systemd/system/kafka-rest.service"} {
		if _, err := os.Stat(filepath.Join(root, p)); !os.IsNotExist(err) {
			t.Errorf("/%s is still there after purge: %v", p, err)
		}
	}
}
