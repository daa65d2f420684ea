// Command release writes kafka-rest's release artifacts from the binaries
// make dist built (see package release):
//
//	release -root DIR [-version V] ldflags
//	release -root DIR -out DIR [-version V] dist|deb|image ...
//
// ldflags prints the -ldflags -X arguments that stamp the checkout's
// version, commit and commit time into the binaries. dist writes a tar.gz
// per platform, deb a Debian package per linux architecture, image an OCI
// image layout (out/image) and its tar; each rewrites out/SHA256SUMS over
// every artifact in out.
package main

import (
	"bytes"
	"context"
	debugbuildinfo "debug/buildinfo"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kafka-rest-go/kafka-rest/internal/buildinfo"
	"github.com/kafka-rest-go/kafka-rest/internal/release"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

type options struct {
	root, out, bin, version, maintainer, goTool string
	log                                         *slog.Logger
}

func run(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("release", flag.ContinueOnError)
	var o options
	fl.StringVar(&o.root, "root", ".", "the repository: README.md, docs/, internal/telemetry/grafana-dashboard.json, LICENSE")
	fl.StringVar(&o.out, "out", "dist", "where the artifacts go")
	fl.StringVar(&o.bin, "bin", "", "the binaries, as <bin>/<os>_<arch>/<name> (default <out>/bin)")
	fl.StringVar(&o.version, "version", "", "the version, when the binaries were built with one (-ldflags -X); default: the toolchain's stamp")
	fl.StringVar(&o.maintainer, "maintainer", "kafka-rest developers", "the Debian package's Maintainer field")
	fl.StringVar(&o.goTool, "go", "go", "the go command that built the binaries")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() == 0 {
		return errors.New("name what to write: dist, deb, image")
	}
	if o.bin == "" {
		o.bin = filepath.Join(o.out, "bin")
	}
	o.log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	if fl.Arg(0) == "ldflags" {
		return ldflags(ctx, o)
	}
	for _, what := range fl.Args() {
		var err error
		switch what {
		case "dist":
			err = dist(ctx, o)
		case "deb":
			err = deb(ctx, o)
		case "image":
			err = image(ctx, o)
		default:
			err = fmt.Errorf("unknown artifact %q: dist, deb or image", what)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if err := sums(o.out); err != nil {
			return err
		}
	}
	return nil
}

// ldflags prints the stamp of the checkout (and VERSION) as -X arguments;
// outside a git checkout it prints none, and the binaries carry what the
// toolchain stamps.
func ldflags(ctx context.Context, o options) error {
	info, err := release.GitStamp(ctx, o.root)
	if err != nil {
		o.log.Warn("no version from git: the binaries carry only what the toolchain stamps", "error", err)
		if o.version == "" {
			return nil
		}
	}
	if o.version != "" {
		info.Version = o.version
	}
	fmt.Println(buildinfo.LinkerFlags(info))
	return nil
}

// inputs is what every artifact is made of.
type inputs struct {
	info       buildinfo.Info
	binaries   map[release.Platform]map[string][]byte
	properties []byte
	docs       []release.File
}

func linux() []release.Platform {
	var ps []release.Platform
	for _, p := range release.Platforms {
		if p.OS == "linux" {
			ps = append(ps, p)
		}
	}
	return ps
}

// load reads the binaries of platforms, checks they are one build, and
// gathers the rest.
func load(ctx context.Context, o options, platforms []release.Platform) (*inputs, error) {
	in := &inputs{binaries: make(map[release.Platform]map[string][]byte)}
	for _, p := range platforms {
		in.binaries[p] = make(map[string][]byte)
		for _, name := range release.Binaries {
			body, err := os.ReadFile(release.BinaryPath(o.bin, p, name))
			if err != nil {
				return nil, err
			}
			in.binaries[p][name] = body
		}
	}
	// The stamp make dist gave the binaries (ldflags); outside a git
	// checkout, what the toolchain stamped.
	first := release.BinaryPath(o.bin, platforms[0], release.Binaries[0])
	var err error
	if in.info, err = release.GitStamp(ctx, o.root); err != nil {
		o.log.Warn("no version from git: using what the toolchain stamped", "error", err)
		bi, err := debugbuildinfo.ReadFile(first)
		if err != nil {
			return nil, err
		}
		in.info = buildinfo.From(bi)
	}
	if o.version != "" {
		in.info.Version = o.version
	}
	bi, err := debugbuildinfo.ReadFile(first)
	if err != nil {
		return nil, err
	}
	in.info.GoVersion = bi.GoVersion
	if in.info.Version == buildinfo.Devel || strings.HasPrefix(in.info.Version, buildinfo.Devel) {
		return nil, errors.New("the binaries carry no version: build them from a git checkout, or set VERSION")
	}
	if epoch := os.Getenv("SOURCE_DATE_EPOCH"); in.info.Time.IsZero() && epoch != "" {
		sec, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", epoch)
		}
		in.info.Time = time.Unix(sec, 0).UTC()
	}
	if in.info.Time.IsZero() {
		return nil, errors.New("the binaries carry no commit time: build them from a git checkout, or set SOURCE_DATE_EPOCH")
	}
	for p, bins := range in.binaries {
		for name, body := range bins {
			if err := release.CheckBinary(release.BinaryPath(o.bin, p, name), body, in.info); err != nil {
				return nil, err
			}
		}
	}

	if in.properties, err = sampleProperties(ctx, o); err != nil {
		return nil, err
	}
	var goos []string
	for _, p := range platforms {
		if !slices.Contains(goos, p.OS) {
			goos = append(goos, p.OS)
		}
	}
	mods, err := release.LinkedModules(ctx, o.goTool, o.root, goos, "./cmd/kafka-rest", "./cmd/kafka-rest-bench")
	if err != nil {
		return nil, err
	}
	goroot, err := exec.CommandContext(ctx, o.goTool, "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOROOT: %w", err)
	}
	third, err := release.ThirdPartyLicenses(in.info.GoVersion, strings.TrimSpace(string(goroot)), mods)
	if err != nil {
		return nil, err
	}
	var licensed bool
	if in.docs, licensed, err = release.Docs(o.root, third); err != nil {
		return nil, err
	}
	if !licensed {
		o.log.Warn("the repository has no LICENSE file: the artifacts carry the licenses of what kafka-rest is built with (THIRD_PARTY_LICENSES), but none of kafka-rest itself; add one at the repository's root")
	}
	return in, nil
}

// sampleProperties is what the host's kafka-rest writes with
// --sample-properties: the file comes from the proxy's own table of keys.
func sampleProperties(ctx context.Context, o options) ([]byte, error) {
	host := release.BinaryPath(o.bin, release.Platform{OS: runtime.GOOS, Arch: runtime.GOARCH}, "kafka-rest")
	cmd := exec.CommandContext(ctx, host, "--sample-properties")
	if _, err := os.Stat(host); err != nil {
		cmd = exec.CommandContext(ctx, o.goTool, "run", "./cmd/kafka-rest", "--sample-properties")
		cmd.Dir = o.root
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("kafka-rest --sample-properties: %w: %s", err, stderr.String())
	}
	return out, nil
}

// parallel runs f for each platform at once and joins the errors.
func parallel(platforms []release.Platform, f func(release.Platform) error) error {
	errs := make([]error, len(platforms))
	var wg sync.WaitGroup
	for i, p := range platforms {
		wg.Go(func() { errs[i] = f(p) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// replace writes name in dir and removes the files that match stale but
// are not name: the same artifact of an earlier version.
func replace(dir, name, stale string, body []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, stale))
	if err != nil {
		return err
	}
	for _, f := range old {
		if filepath.Base(f) != name {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	return os.WriteFile(filepath.Join(dir, name), body, 0o644)
}

func dist(ctx context.Context, o options) error {
	in, err := load(ctx, o, release.Platforms)
	if err != nil {
		return err
	}
	dashboard, err := os.ReadFile(filepath.Join(o.root, "internal", "telemetry", "grafana-dashboard.json"))
	if err != nil {
		return err
	}
	a := release.Archive{Version: in.info.Version, Time: in.info.Time, Properties: in.properties, Dashboard: dashboard, Docs: in.docs}
	return parallel(release.Platforms, func(p release.Platform) error {
		var b bytes.Buffer
		if err := a.Write(&b, p, in.binaries[p]); err != nil {
			return err
		}
		name := release.ArchiveName(in.info.Version, p)
		o.log.Info("wrote", "file", name, "bytes", b.Len())
		return replace(o.out, name, "kafka-rest-*-"+p.OS+"-"+p.Arch+".tar.gz", b.Bytes())
	})
}

func deb(ctx context.Context, o options) error {
	in, err := load(ctx, o, linux())
	if err != nil {
		return err
	}
	version, err := release.DebVersion(in.info.Version)
	if err != nil {
		return err
	}
	dashboard, err := os.ReadFile(filepath.Join(o.root, "internal", "telemetry", "grafana-dashboard.json"))
	if err != nil {
		return err
	}
	return parallel(linux(), func(p release.Platform) error {
		files := []release.File{
			release.Regular("usr/bin/kafka-rest", 0o755, in.binaries[p]["kafka-rest"]),
			release.Regular("usr/bin/kafka-rest-bench", 0o755, in.binaries[p]["kafka-rest-bench"]),
			release.Regular("etc/kafka-rest/kafka-rest.properties", 0o644, in.properties),
			release.Regular("usr/share/kafka-rest/grafana-dashboard.json", 0o644, dashboard),
		}
		for _, d := range in.docs {
			d.Path = "usr/share/doc/kafka-rest/" + d.Path
			files = append(files, d)
		}
		var b bytes.Buffer
		d := release.Deb{Version: version, Arch: p.Arch, Maintainer: o.maintainer, Time: in.info.Time, Files: files}
		if err := d.Write(&b); err != nil {
			return err
		}
		name := release.DebFileName(version, p.Arch)
		o.log.Info("wrote", "file", name, "bytes", b.Len())
		return replace(o.out, name, "kafka-rest_*_"+p.Arch+".deb", b.Bytes())
	})
}

func image(ctx context.Context, o options) error {
	in, err := load(ctx, o, linux())
	if err != nil {
		return err
	}
	im := release.Image{
		Version: in.info.Version, Commit: in.info.Commit, Time: in.info.Time,
		Source:     "https://github.com/kafka-rest-go/kafka-rest",
		Properties: in.properties,
	}
	for _, d := range in.docs {
		if d.Path != "README.md" && !strings.HasPrefix(d.Path, "docs/") {
			im.Docs = append(im.Docs, d)
		}
	}
	for _, p := range linux() {
		im.Arches = append(im.Arches, release.ImageArch{Arch: p.Arch, Binary: in.binaries[p]["kafka-rest"]})
	}
	idx, _, err := im.Index()
	if err != nil {
		return err
	}
	dir := filepath.Join(o.out, "image")
	if err := im.WriteLayout(dir, idx); err != nil {
		return err
	}
	// The same layout as one file, for checksums and for skopeo copy
	// oci-archive:.
	files, err := release.ReadTree(dir, ".")
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := release.WriteTar(&b, files, in.info.Time); err != nil {
		return err
	}
	name := release.OCIArchiveName(in.info.Version)
	digest, _ := idx.Digest()
	o.log.Info("wrote", "layout", dir, "file", name, "index", digest.String(), "tag", release.ImageTag(in.info.Version))
	return replace(o.out, name, "kafka-rest-*-oci.tar", b.Bytes())
}

func sums(out string) error {
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && release.Artifact(e.Name()) {
			names = append(names, e.Name())
		}
	}
	return release.WriteSums(out, names)
}
