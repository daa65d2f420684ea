package release

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The image's user: a fixed number, so that Kubernetes' runAsNonRoot can
// check it without reading the image's /etc/passwd, named in that file for
// tools that show names.
const (
	ImageUID  = 65532
	ImageUser = "65532:65532"
	// ImagePort is the proxy's default listener port (key port).
	ImagePort = "8082/tcp"
	// ImageConfigPath is the properties file the image's command names,
	// as in Confluent's images; mount your own over it, or set
	// KAFKA_REST_* variables.
	ImageConfigPath = "/etc/kafka-rest/kafka-rest.properties"
)

// ImageTag is the tag of version: a Go version's "+" is not allowed in a
// tag, so it becomes "-".
func ImageTag(version string) string { return strings.ReplaceAll(version, "+", "-") }

// ImageArch is the platform of one image of the index.
type ImageArch struct {
	Arch   string // GOARCH: amd64, arm64
	Binary []byte // the static linux binary of kafka-rest
}

// Image describes the image index.
type Image struct {
	Version, Commit string
	Time            time.Time // the commit's: every created date
	Source          string    // the repository's URL, for the labels
	Properties      []byte    // the sample kafka-rest.properties
	Docs            []File    // license texts, under usr/share/doc/kafka-rest/
	Arches          []ImageArch
}

// files is the image's one layer: an empty base plus the static binary,
// CA certificates, the user in /etc/passwd and /etc/group, the properties
// file, a state directory the user owns and /tmp.
func (im Image) files(bin []byte) []File {
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nkafka-rest:x:%d:%d:kafka-rest:/var/lib/kafka-rest:/sbin/nologin\n", ImageUID, ImageUID)
	group := fmt.Sprintf("root:x:0:\nkafka-rest:x:%d:\n", ImageUID)
	files := []File{
		Regular("etc/passwd", 0o644, []byte(passwd)),
		Regular("etc/group", 0o644, []byte(group)),
		Regular("etc/ssl/certs/ca-certificates.crt", 0o644, CACertificates()),
		Regular(strings.TrimPrefix(ImageConfigPath, "/"), 0o644, im.Properties),
		Regular("usr/bin/kafka-rest", 0o755, bin),
		{Path: "var/lib/kafka-rest/", Mode: 0o755, UID: ImageUID, GID: ImageUID},
		{Path: "tmp/", Mode: 0o777 | os.ModeSticky},
	}
	for _, d := range im.Docs {
		d.Path = "usr/share/doc/kafka-rest/" + d.Path
		files = append(files, d)
	}
	return files
}

func (im Image) image(a ImageArch) (v1.Image, error) {
	var layerTar bytes.Buffer
	if err := writeTar(&layerTar, im.files(a.Binary), "", im.Time); err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar.Bytes())), nil
	}, tarball.WithMediaType(types.OCILayer), tarball.WithCompressionLevel(6))
	if err != nil {
		return nil, err
	}
	created := v1.Time{Time: im.Time.UTC()}
	img, err := mutate.Append(mutate.MediaType(empty.Image, types.OCIManifestSchema1), mutate.Addendum{
		Layer:     layer,
		MediaType: types.OCILayer,
		History:   v1.History{Created: created, CreatedBy: "kafka-rest internal/release", Comment: "static kafka-rest, CA certificates, user, configuration"},
	})
	if err != nil {
		return nil, err
	}
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Created = "linux", a.Arch, created
	if a.Arch == "arm64" {
		cf.Variant = "v8"
	}
	cf.Config = v1.Config{
		User:         ImageUser,
		Entrypoint:   []string{"/usr/bin/kafka-rest"},
		Cmd:          []string{ImageConfigPath},
		Env:          []string{"PATH=/usr/bin"},
		WorkingDir:   "/var/lib/kafka-rest",
		ExposedPorts: map[string]struct{}{ImagePort: {}},
		Labels:       im.labels(),
	}
	return mutate.ConfigFile(img, cf)
}

func (im Image) labels() map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":       "kafka-rest",
		"org.opencontainers.image.description": "Kafka REST proxy compatible with Confluent's",
		"org.opencontainers.image.version":     im.Version,
		"org.opencontainers.image.revision":    im.Commit,
		"org.opencontainers.image.created":     im.Time.UTC().Format(time.RFC3339),
		"org.opencontainers.image.source":      im.Source,
	}
}

// Index builds the multi-platform image index.
func (im Image) Index() (v1.ImageIndex, []v1.Image, error) {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	var imgs []v1.Image
	for _, a := range im.Arches {
		img, err := im.image(a)
		if err != nil {
			return nil, nil, fmt.Errorf("the linux/%s image: %w", a.Arch, err)
		}
		p := &v1.Platform{OS: "linux", Architecture: a.Arch}
		if a.Arch == "arm64" {
			p.Variant = "v8"
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: p}})
		imgs = append(imgs, img)
	}
	idx = mutate.Annotations(idx, im.labels()).(v1.ImageIndex)
	return idx, imgs, nil
}

// WriteLayout writes the index as an OCI image layout in dir (replacing
// what was there), its top-level index naming it by ImageTag, as skopeo
// (oci:dir:tag) and crane push read it.
func (im Image) WriteLayout(dir string, idx v1.ImageIndex) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	return p.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": ImageTag(im.Version),
	}))
}
