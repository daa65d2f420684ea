package release

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// licenseFile tells the files at a module's root that carry its license or
// its notices, which the licenses of binary redistribution ask to ship.
func licenseFile(name string) bool {
	n := strings.ToUpper(name)
	for _, p := range []string{"LICENSE", "LICENCE", "COPYING", "NOTICE", "COPYRIGHT"} {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// Module is one module linked into the binaries.
type Module struct {
	Path, Version, Dir string
}

// LinkedModules lists the modules other than kafka-rest's own that the
// packages are built from, for each GOOS, by asking go list in root.
func LinkedModules(ctx context.Context, goTool, root string, goos []string, pkgs ...string) ([]Module, error) {
	seen := make(map[string]Module)
	for _, os := range goos {
		args := append([]string{"list", "-deps", "-f", `{{with .Module}}{{if not .Main}}{{.Path}}{{"\t"}}{{.Version}}{{"\t"}}{{.Dir}}{{end}}{{end}}`}, pkgs...)
		cmd := exec.CommandContext(ctx, goTool, args...)
		cmd.Dir = root
		cmd.Env = append(cmd.Environ(), "GOOS="+os, "CGO_ENABLED=0")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list -deps for %s: %w: %s", os, err, stderr.String())
		}
		for _, line := range strings.Split(string(out), "\n") {
			f := strings.Split(line, "\t")
			if len(f) == 3 {
				seen[f[0]] = Module{Path: f[0], Version: f[1], Dir: f[2]}
			}
		}
	}
	mods := make([]Module, 0, len(seen))
	for _, m := range seen {
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	return mods, nil
}

// ThirdPartyLicenses is the text of THIRD_PARTY_LICENSES: the Go
// distribution's license (its standard library and runtime are in every
// binary) and every linked module's license and notice files. A module
// without one is an error: its terms must be checked by hand before the
// binaries are redistributed.
func ThirdPartyLicenses(goVersion, goroot string, mods []Module) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("kafka-rest is built with Go and with the modules below; their licenses follow.\n")
	section := func(title, file string, text []byte) {
		fmt.Fprintf(&b, "\n%s\n%s (%s)\n%s\n\n", strings.Repeat("=", 72), title, file, strings.Repeat("=", 72))
		b.Write(bytes.TrimRight(text, "\n"))
		b.WriteString("\n")
	}
	goLicense, err := os.ReadFile(filepath.Join(goroot, "LICENSE"))
	if err != nil {
		return nil, fmt.Errorf("the Go distribution's license: %w", err)
	}
	section("Go "+goVersion, "LICENSE", goLicense)
	var missing []string
	for _, m := range mods {
		entries, err := os.ReadDir(m.Dir)
		if err != nil {
			return nil, fmt.Errorf("module %s@%s: %w", m.Path, m.Version, err)
		}
		found := false
		for _, e := range entries {
			if e.Type().IsRegular() && licenseFile(e.Name()) {
				text, err := os.ReadFile(filepath.Join(m.Dir, e.Name()))
				if err != nil {
					return nil, err
				}
				section(m.Path+" "+m.Version, e.Name(), text)
				found = true
			}
		}
		if !found {
			missing = append(missing, m.Path+"@"+m.Version)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("no license file at the root of %s: check their terms before shipping them", strings.Join(missing, ", "))
	}
	return b.Bytes(), nil
}
