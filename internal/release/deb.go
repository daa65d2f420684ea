package release

import (
	"bytes"
	"crypto/md5"
	"embed"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

//go:embed packaging
var packaging embed.FS

// DebVersion turns a Go module version into a Debian one: v1.2.3 is 1.2.3,
// a pre-release or pseudo-version sorts before its release (v1.3.0-rc.1 is
// 1.3.0~rc.1, v0.0.0-20251202073959-fe23485abcde is
// 0.0.0~20251202073959.fe23485abcde) and +dirty stays.
func DebVersion(v string) (string, error) {
	s := strings.TrimPrefix(v, "v")
	s, build, hasBuild := strings.Cut(s, "+")
	base, pre, hasPre := strings.Cut(s, "-")
	out := base
	if hasPre {
		out += "~" + strings.ReplaceAll(pre, "-", ".")
	}
	if hasBuild {
		out += "+" + strings.ReplaceAll(build, "-", ".")
	}
	if out == "" || out[0] < '0' || out[0] > '9' || strings.Trim(out, "0123456789.~+abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", fmt.Errorf("version %q cannot be a Debian version: build from a git checkout (the toolchain stamps a version) or set VERSION=v1.2.3", v)
	}
	return out, nil
}

// DebFileName is the package's file name, as Debian names them.
func DebFileName(debVersion, arch string) string {
	return fmt.Sprintf("kafka-rest_%s_%s.deb", debVersion, arch)
}

// Deb describes the Debian package of one architecture.
type Deb struct {
	Version    string // Debian version (DebVersion)
	Arch       string // Debian architecture: amd64, arm64
	Maintainer string
	Time       time.Time
	// Files are the data files, paths relative to /; conffiles are
	// those under etc/.
	Files []File
}

// debFiles is what the package installs besides the data the caller
// gives: the systemd unit and the sysusers.d entry of its user.
func debFiles() ([]File, error) {
	unit, err := packaging.ReadFile("packaging/kafka-rest.service")
	if err != nil {
		return nil, err
	}
	users, err := packaging.ReadFile("packaging/sysusers.conf")
	if err != nil {
		return nil, err
	}
	return []File{
		Regular("usr/lib/systemd/system/kafka-rest.service", 0o644, unit),
		Regular("usr/lib/sysusers.d/kafka-rest.conf", 0o644, users),
	}, nil
}

// Write writes the .deb: an ar archive of debian-binary, control.tar.gz
// (control, conffiles, md5sums, maintainer scripts) and data.tar.gz.
func (d Deb) Write(w io.Writer) error {
	extra, err := debFiles()
	if err != nil {
		return err
	}
	files := withParents(append(append([]File(nil), d.Files...), extra...))

	var size int64
	var sums, conffiles strings.Builder
	for _, f := range files {
		size += int64(len(f.Body))
		if f.IsDir() {
			continue
		}
		fmt.Fprintf(&sums, "%x  %s\n", md5.Sum(f.Body), f.Path)
		if strings.HasPrefix(f.Path, "etc/") {
			fmt.Fprintf(&conffiles, "/%s\n", f.Path)
		}
	}
	control := fmt.Sprintf(`Package: kafka-rest
Version: %s
Architecture: %s
Maintainer: %s
Installed-Size: %d
Section: net
Priority: optional
Homepage: https://github.com/kafka-rest-go/kafka-rest
Description: Kafka REST proxy compatible with Confluent's
 The same v2 and v3 HTTP APIs, JSON shapes, error codes and
 kafka-rest.properties keys as Confluent's Kafka REST Proxy, in one static
 Go binary. The package installs kafka-rest.service (user kafka-rest,
 configuration in /etc/kafka-rest/kafka-rest.properties), not enabled.
`, d.Version, d.Arch, d.Maintainer, (size+1023)/1024)
	meta := []File{
		Regular("control", 0o644, []byte(control)),
		Regular("md5sums", 0o644, []byte(sums.String())),
	}
	if conffiles.Len() > 0 {
		meta = append(meta, Regular("conffiles", 0o644, []byte(conffiles.String())))
	}
	for _, script := range []string{"postinst", "prerm", "postrm"} {
		body, err := packaging.ReadFile("packaging/" + script)
		if err != nil {
			return err
		}
		meta = append(meta, Regular(script, 0o755, body))
	}

	var controlTar, dataTar bytes.Buffer
	if err := writeTarGz(&controlTar, meta, "./", d.Time); err != nil {
		return err
	}
	if err := writeTarGz(&dataTar, files, "./", d.Time); err != nil {
		return err
	}
	return writeAr(w, d.Time, []arMember{
		{"debian-binary", []byte("2.0\n")},
		{"control.tar.gz", controlTar.Bytes()},
		{"data.tar.gz", dataTar.Bytes()},
	})
}

type arMember struct {
	name string
	body []byte
}

// writeAr writes the common ar format that dpkg reads: a global header, then
// per member a 60-byte header (name, time, owner, group, mode, size) and
// the body padded to an even length.
func writeAr(w io.Writer, mtime time.Time, members []arMember) error {
	var b bytes.Buffer
	b.WriteString("!<arch>\n")
	for _, m := range members {
		fmt.Fprintf(&b, "%-16s%-12s%-6s%-6s%-8s%-10s`\n", m.name, strconv.FormatInt(mtime.Unix(), 10), "0", "0", "100644", strconv.Itoa(len(m.body)))
		b.Write(m.body)
		if len(m.body)%2 == 1 {
			b.WriteByte('\n')
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}
