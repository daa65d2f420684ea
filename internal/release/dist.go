package release

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Platform is a GOOS/GOARCH pair.
type Platform struct{ OS, Arch string }

func (p Platform) String() string { return p.OS + "/" + p.Arch }

// Platforms are the platforms make dist builds.
var Platforms = []Platform{{"linux", "amd64"}, {"linux", "arm64"}, {"darwin", "amd64"}, {"darwin", "arm64"}}

// Binaries are the programs of a release, in each platform's directory
// of the binaries directory (<bin>/<os>_<arch>/<name>).
var Binaries = []string{"kafka-rest", "kafka-rest-bench"}

// BinaryPath is where make dist leaves a platform's binary.
func BinaryPath(bin string, p Platform, name string) string {
	return filepath.Join(bin, p.OS+"_"+p.Arch, name)
}

// ArchiveName is the name of a platform's tar.gz, which holds one folder
// of the same name without the extension.
func ArchiveName(version string, p Platform) string {
	return fmt.Sprintf("kafka-rest-%s-%s-%s.tar.gz", version, p.OS, p.Arch)
}

// OCIArchiveName is the name of the tar of the OCI image layout.
func OCIArchiveName(version string) string { return fmt.Sprintf("kafka-rest-%s-oci.tar", version) }

// Archive is what one platform's tar.gz holds besides its binaries.
type Archive struct {
	Version    string
	Time       time.Time
	Properties []byte // the sample kafka-rest.properties
	Dashboard  []byte // internal/telemetry/grafana-dashboard.json
	Docs       []File // README.md, docs/, licenses
}

// Write writes the tar.gz of platform p with the given binaries (name to
// content).
func (a Archive) Write(w *bytes.Buffer, p Platform, binaries map[string][]byte) error {
	top := strings.TrimSuffix(ArchiveName(a.Version, p), ".tar.gz") + "/"
	files := []File{
		Regular(top+"kafka-rest.properties", 0o644, a.Properties),
		Regular(top+"grafana-dashboard.json", 0o644, a.Dashboard),
	}
	for name, body := range binaries {
		files = append(files, Regular(top+name, 0o755, body))
	}
	for _, d := range a.Docs {
		d.Path = top + d.Path
		files = append(files, d)
	}
	return writeTarGz(w, files, "", a.Time)
}

// Docs reads what every artifact carries for its reader: README.md and
// docs/ of the repository, its LICENSE if it has one, and
// THIRD_PARTY_LICENSES. It says whether the repository has a license of
// its own.
func Docs(root string, thirdParty []byte) ([]File, bool, error) {
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		return nil, false, err
	}
	files := []File{Regular("README.md", 0o644, readme), Regular("THIRD_PARTY_LICENSES", 0o644, thirdParty)}
	licensed := false
	for _, name := range []string{"LICENSE", "LICENSE.md", "LICENSE.txt", "COPYING"} {
		if body, err := os.ReadFile(filepath.Join(root, name)); err == nil {
			files = append(files, Regular(name, 0o644, body))
			licensed = true
		}
	}
	docs, err := ReadTree(root, "docs")
	files = append(files, docs...)
	if err != nil && !os.IsNotExist(err) {
		return nil, false, err
	}
	return files, licensed, nil
}

// ReadTree reads the regular files below root/sub as Files of mode 0644,
// their paths relative to root.
func ReadTree(root, sub string) ([]File, error) {
	var files []File
	err := filepath.WalkDir(filepath.Join(root, sub), func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		files = append(files, Regular(filepath.ToSlash(rel), 0o644, body))
		return nil
	})
	return files, err
}

// WriteSums writes SHA256SUMS in dir over the named files, in the format
// sha256sum --check reads.
func WriteSums(dir string, names []string) error {
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		body, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%x  %s\n", sha256.Sum256(body), n)
	}
	return os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(b.String()), 0o644)
}

// Artifact tells the files of dir that a release ships, which SHA256SUMS
// covers: archives, packages and the image.
func Artifact(name string) bool {
	return strings.HasPrefix(name, "kafka-rest") && (strings.HasSuffix(name, ".tar.gz") || strings.HasSuffix(name, ".deb") || strings.HasSuffix(name, "-oci.tar"))
}
