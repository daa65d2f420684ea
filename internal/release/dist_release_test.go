//go:build release

package release

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestChecksums(t *testing.T) {
	w := want(t)
	entries, err := os.ReadDir(*distDir)
	if err != nil {
		t.Fatal(err)
	}
	var artifacts []string
	for _, e := range entries {
		if e.Type().IsRegular() && e.Name() != "SHA256SUMS" {
			artifacts = append(artifacts, e.Name())
		}
	}
	wantNames := []string{OCIArchiveName(w.Version)}
	for _, p := range Platforms {
		wantNames = append(wantNames, ArchiveName(w.Version, p))
	}
	deb, err := DebVersion(w.Version)
	if err != nil {
		t.Fatal(err)
	}
	for _, arch := range []string{"amd64", "arm64"} {
		wantNames = append(wantNames, DebFileName(deb, arch))
	}
	sort.Strings(wantNames)
	if !slices.Equal(artifacts, wantNames) {
		t.Errorf("dist holds %q, want %q", artifacts, wantNames)
	}

	sums := readFile(t, filepath.Join(*distDir, "SHA256SUMS"))
	var listed []string
	sc := bufio.NewScanner(bytes.NewReader(sums))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q is not \"<sha256>  <name>\"", sc.Text())
		}
		h := sha256.Sum256(readFile(t, filepath.Join(*distDir, name)))
		if sum != hex.EncodeToString(h[:]) {
			t.Errorf("SHA256SUMS says %s for %s; it is %x", sum, name, h)
		}
		listed = append(listed, name)
	}
	if !slices.Equal(listed, wantNames) {
		t.Errorf("SHA256SUMS lists %q, want %q", listed, wantNames)
	}
	// What the install page tells users to run.
	if _, err := exec.LookPath("sha256sum"); err == nil {
		cmd := exec.Command("sha256sum", "--check", "--strict", "SHA256SUMS")
		cmd.Dir = *distDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("sha256sum --check: %v\n%s", err, out)
		}
	}
}

func TestArchives(t *testing.T) {
	w := want(t)
	readme := readFile(t, filepath.Join(*rootDir, "README.md"))
	dashboard := readFile(t, filepath.Join(*rootDir, "internal", "telemetry", "grafana-dashboard.json"))
	docs, licensed, err := Docs(*rootDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var properties []byte
	for _, p := range Platforms {
		t.Run(p.OS+"_"+p.Arch, func(t *testing.T) {
			name := ArchiveName(w.Version, p)
			f, err := os.Open(filepath.Join(*distDir, name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			zr, err := gzip.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			if !zr.ModTime.IsZero() || zr.Name != "" {
				t.Errorf("gzip header: time %v, name %q", zr.ModTime, zr.Name)
			}
			entries := readTar(t, zr)
			top := strings.TrimSuffix(name, ".tar.gz") + "/"
			wantPaths := []string{top, top + "README.md", top + "THIRD_PARTY_LICENSES", top + "grafana-dashboard.json",
				top + "kafka-rest", top + "kafka-rest-bench", top + "kafka-rest.properties"}
			for _, d := range docs {
				if d.Path != "README.md" && d.Path != "THIRD_PARTY_LICENSES" {
					wantPaths = append(wantPaths, top+d.Path)
				}
				if dir := filepath.Dir(d.Path); dir != "." && !slices.Contains(wantPaths, top+dir+"/") {
					wantPaths = append(wantPaths, top+dir+"/")
				}
			}
			sort.Strings(wantPaths)
			got := make(map[string][]byte)
			var paths []string
			for _, e := range entries {
				paths = append(paths, e.hdr.Name)
				got[e.hdr.Name] = e.body
				if e.hdr.Uid != 0 || e.hdr.Gid != 0 || !e.hdr.ModTime.Equal(w.Time) {
					t.Errorf("%s: owner %d:%d, time %v; want root and the commit's time %v", e.hdr.Name, e.hdr.Uid, e.hdr.Gid, e.hdr.ModTime, w.Time)
				}
				wantMode := int64(0o644)
				if strings.HasSuffix(e.hdr.Name, "/") || strings.HasSuffix(e.hdr.Name, "/kafka-rest") || strings.HasSuffix(e.hdr.Name, "/kafka-rest-bench") {
					wantMode = 0o755
				}
				if e.hdr.Mode != wantMode {
					t.Errorf("%s: mode %o, want %o", e.hdr.Name, e.hdr.Mode, wantMode)
				}
			}
			if !slices.Equal(paths, wantPaths) {
				t.Errorf("entries:\n%q\nwant\n%q", paths, wantPaths)
			}
			if !bytes.Equal(got[top+"README.md"], readme) || !bytes.Equal(got[top+"grafana-dashboard.json"], dashboard) {
				t.Error("README.md or the dashboard differ from the repository's")
			}
			if _, ok := got[top+"LICENSE"]; ok != licensed {
				t.Errorf("LICENSE in the archive: %v; in the repository: %v", ok, licensed)
			}
			if properties == nil {
				properties = got[top+"kafka-rest.properties"]
			} else if !bytes.Equal(properties, got[top+"kafka-rest.properties"]) {
				t.Error("the archives' kafka-rest.properties differ")
			}
			for _, bin := range Binaries {
				checkBinary(t, bin, got[top+bin], p, w)
				checkLicenses(t, bin, got[top+bin], got[top+"THIRD_PARTY_LICENSES"])
			}
			if p.OS == runtime.GOOS && p.Arch == runtime.GOARCH {
				dir := t.TempDir()
				for _, name := range Binaries {
					if err := os.WriteFile(filepath.Join(dir, name), got[top+name], 0o755); err != nil {
						t.Fatal(err)
					}
					checkVersion(t, filepath.Join(dir, name), w)
				}
				bin := filepath.Join(dir, "kafka-rest")
				sample, err := exec.Command(bin, "--sample-properties").Output()
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(sample, got[top+"kafka-rest.properties"]) {
					t.Error("kafka-rest.properties is not what the binary's --sample-properties writes")
				}
			}
		})
	}
	if !bytes.Contains(properties, []byte("\n#bootstrap.servers=\n")) {
		t.Errorf("kafka-rest.properties has no #bootstrap.servers= line:\n%s", properties)
	}
}

// checkLicenses checks that THIRD_PARTY_LICENSES has a section for every
// module the binary links, as the binary itself records them.
func checkLicenses(t *testing.T, name string, body, licenses []byte) {
	t.Helper()
	bi, err := buildinfo.Read(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(licenses, []byte("\nGo "+bi.GoVersion+" (LICENSE)\n")) {
		t.Errorf("THIRD_PARTY_LICENSES has no section for Go %s", bi.GoVersion)
	}
	for _, m := range bi.Deps {
		if m.Replace != nil {
			m = m.Replace
		}
		if !bytes.Contains(licenses, []byte("\n"+m.Path+" "+m.Version+" (")) {
			t.Errorf("%s links %s %s, which THIRD_PARTY_LICENSES does not name", name, m.Path, m.Version)
		}
	}
}
