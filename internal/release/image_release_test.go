//go:build release

package release

import (
	"archive/tar"
	"bufio"
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	kbuildinfo "github.com/kafka-rest-go/kafka-rest/internal/buildinfo"
)

func TestImage(t *testing.T) {
	w := want(t)
	p, err := layout.FromPath(filepath.Join(*distDir, "image"))
	if err != nil {
		t.Fatal(err)
	}
	top, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	topManifest, err := top.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(topManifest.Manifests) != 1 || topManifest.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != ImageTag(w.Version) {
		t.Fatalf("the layout's index.json: %+v", topManifest.Manifests)
	}
	idx, err := top.ImageIndex(topManifest.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if im.MediaType != types.OCIImageIndex || im.Annotations["org.opencontainers.image.revision"] != w.Commit {
		t.Errorf("index: media type %s, annotations %v", im.MediaType, im.Annotations)
	}
	var platforms []string
	var host v1.Image
	for _, d := range im.Manifests {
		platforms = append(platforms, d.Platform.String())
		img, err := idx.Image(d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		checkImageConfig(t, img, d.Platform.Architecture, w)
		if d.Platform.Architecture == runtime.GOARCH {
			host = img
		}
	}
	if !slices.Equal(platforms, []string{"linux/amd64", "linux/arm64/v8"}) {
		t.Errorf("platforms %q", platforms)
	}
	if runtime.GOOS != "linux" || host == nil {
		t.Skipf("no image of this machine's platform %s/%s to run", runtime.GOOS, runtime.GOARCH)
	}
	rootfs := unpack(t, host)
	checkImageFiles(t, rootfs, w)
	runImage(t, host, rootfs, w)
}

func checkImageConfig(t *testing.T, img v1.Image, arch string, w kbuildinfo.Info) {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	mt, _ := img.MediaType()
	if mt != types.OCIManifestSchema1 {
		t.Errorf("%s: manifest media type %s", arch, mt)
	}
	c := cf.Config
	if cf.OS != "linux" || cf.Architecture != arch {
		t.Errorf("config platform %s/%s, want linux/%s", cf.OS, cf.Architecture, arch)
	}
	if c.User != "65532:65532" {
		t.Errorf("%s: user %q, want 65532:65532 (numeric, not root)", arch, c.User)
	}
	if !slices.Equal(c.Entrypoint, []string{"/usr/bin/kafka-rest"}) || !slices.Equal(c.Cmd, []string{"/etc/kafka-rest/kafka-rest.properties"}) {
		t.Errorf("%s: entrypoint %q cmd %q", arch, c.Entrypoint, c.Cmd)
	}
	if _, ok := c.ExposedPorts["8082/tcp"]; !ok || len(c.ExposedPorts) != 1 {
		t.Errorf("%s: exposed ports %v", arch, c.ExposedPorts)
	}
	if !slices.Contains(c.Env, "PATH=/usr/bin") {
		t.Errorf("%s: env %q", arch, c.Env)
	}
	for _, e := range c.Env {
		if strings.HasPrefix(e, "KAFKA_REST_") {
			t.Errorf("%s: the image sets %s, which would hide the proxy's default from users", arch, e)
		}
	}
	if c.Labels["org.opencontainers.image.revision"] != w.Commit || c.Labels["org.opencontainers.image.version"] != w.Version || !cf.Created.Time.Equal(w.Time) {
		t.Errorf("%s: labels %v", arch, c.Labels)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%s: %d layers (%v), want the one on an empty base", arch, len(layers), err)
	}
}

// unpack writes the image's file system into a directory, as a runtime
// would (owners included, since the tests run as root in CI).
func unpack(t *testing.T, img v1.Image) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "rootfs")
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(root, filepath.Clean("/"+h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(path, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(f, tr); err != nil {
				t.Fatal(err)
			}
			f.Close()
		default:
			t.Fatalf("%s: unexpected entry type %c", h.Name, h.Typeflag)
		}
		mode := os.FileMode(h.Mode & 0o777)
		if h.Mode&0o1000 != 0 {
			mode |= os.ModeSticky
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if os.Geteuid() == 0 {
			if err := os.Lchown(path, h.Uid, h.Gid); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

func checkImageFiles(t *testing.T, root string, w kbuildinfo.Info) {
	t.Helper()
	bin := readFile(t, filepath.Join(root, "usr/bin/kafka-rest"))
	checkBinary(t, "the image's kafka-rest", bin, Platform{"linux", runtime.GOARCH}, w)
	passwd := string(readFile(t, filepath.Join(root, "etc/passwd")))
	if !regexp.MustCompile(`(?m)^kafka-rest:x:65532:65532:[^:]*:/var/lib/kafka-rest:/sbin/nologin$`).MatchString(passwd) {
		t.Errorf("/etc/passwd has no kafka-rest user 65532:\n%s", passwd)
	}
	if !regexp.MustCompile(`(?m)^kafka-rest:x:65532:$`).MatchString(string(readFile(t, filepath.Join(root, "etc/group")))) {
		t.Error("/etc/group has no kafka-rest group 65532")
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(readFile(t, filepath.Join(root, "etc/ssl/certs/ca-certificates.crt"))) {
		t.Error("no CA certificates in /etc/ssl/certs/ca-certificates.crt")
	}
	if !strings.Contains(string(readFile(t, filepath.Join(root, "etc/kafka-rest/kafka-rest.properties"))), "\n#bootstrap.servers=\n") {
		t.Error("/etc/kafka-rest/kafka-rest.properties is not the sample")
	}
	readFile(t, filepath.Join(root, "usr/share/doc/kafka-rest/THIRD_PARTY_LICENSES"))
	for path, mode := range map[string]os.FileMode{"tmp": os.ModeDir | os.ModeSticky | 0o777, "var/lib/kafka-rest": os.ModeDir | 0o755, "usr/bin/kafka-rest": 0o755} {
		fi, err := os.Stat(filepath.Join(root, path))
		if err != nil || fi.Mode() != mode {
			t.Errorf("/%s: %v %v, want mode %v", path, fi.Mode(), err, mode)
		}
	}
}

// runImage runs the image's entrypoint and command from its unpacked file
// system, as its user, with Confluent-style KAFKA_REST_* variables: chrooted
// when the test runs as root (as CI does), so that the binary sees only the
// image; otherwise from the directory, its paths rewritten. Without
// bootstrap.servers it serves the embedded cluster.
func runImage(t *testing.T, img v1.Image, root string, w kbuildinfo.Info) {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	args := append(slices.Clone(c.Entrypoint), c.Cmd...)
	env := append(slices.Clone(c.Env),
		"KAFKA_REST_LISTENERS=http://127.0.0.1:0",
		"KAFKA_REST_EMBEDDED_KAFKA_PORT=0",
		"KAFKA_REST_EMBEDDED_SCHEMA_REGISTRY_PORT=0",
		"KAFKA_REST_PRODUCER_LINGER_MS=5", // a pass-through key
		"KAFKA_REST_HEAP_OPTS=-Xmx1g",     // a launcher variable of Confluent's images: ignored
		"KAFKA_REST_ID=image-test-proxy",  // a key with a value
	)
	cmd := exec.Command(args[0], args[1:]...)
	if os.Geteuid() == 0 {
		uid, gid, _ := strings.Cut(c.User, ":")
		u, _ := strconv.Atoi(uid)
		g, _ := strconv.Atoi(gid)
		cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root, Credential: &syscall.Credential{Uid: uint32(u), Gid: uint32(g)}}
		cmd.Dir = c.WorkingDir
	} else {
		t.Log("not root: running the binary from the unpacked directory without chroot")
		cmd = exec.Command(filepath.Join(root, args[0]), filepath.Join(root, args[1]))
	}
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	var logged strings.Builder
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`msg="kafka-rest listening" listener=http://(127\.0\.0\.1:\d+)`)
		for sc.Scan() {
			logged.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		exited <- cmd.Wait()
	}()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-exited
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-exited:
		t.Fatalf("the image's command exited: %v", err)
	case <-time.After(90 * time.Second):
		t.Fatal("the image's command did not listen within 90 s")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/v3/clusters", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /v3/clusters: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var clusters struct {
		Kind string `json:"kind"`
		Data []struct {
			Kind      string `json:"kind"`
			ClusterID string `json:"cluster_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &clusters); err != nil || clusters.Kind != "KafkaClusterList" || len(clusters.Data) != 1 ||
		clusters.Data[0].Kind != "KafkaCluster" || clusters.Data[0].ClusterID == "" {
		t.Fatalf("GET /v3/clusters: %v %s", err, body)
	}

	req, _ = http.NewRequestWithContext(ctx, "GET", base+"/metrics", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	info := fmt.Sprintf(`kafka_rest_build_info{version=%q,commit=%q,goversion=`, w.Version, w.Commit)
	if !strings.Contains(string(metrics), info) {
		t.Errorf("/metrics has no %s...", info)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("after SIGTERM: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no exit within 60 s of SIGTERM")
	}
	log := logged.String()
	if strings.Contains(log, "unknown key") || strings.Contains(log, "HEAP_OPTS") {
		t.Errorf("the KAFKA_REST_* variables were not all taken as Confluent's images take them:\n%s", log)
	}
	if !strings.Contains(log, "EMBEDDED DEVELOPMENT KAFKA CLUSTER") {
		t.Errorf("no embedded cluster in the log:\n%s", log)
	}
}
