package release

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"testing"
	"time"
)

type entry struct {
	hdr  *tar.Header
	body []byte
}

func readTar(t *testing.T, r io.Reader) []entry {
	t.Helper()
	tr := tar.NewReader(r)
	var out []entry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{h, body})
	}
}

func TestTarIsSortedWithParentsOwnedByRootAtOneTime(t *testing.T) {
	mtime := time.Date(2025, 12, 2, 7, 39, 59, 0, time.UTC)
	files := []File{
		Regular("top/usr/bin/kafka-rest", 0o755, []byte("binary")),
		{Path: "top/tmp/", Mode: 0o777 | os.ModeSticky},
		Regular("top/etc/kafka-rest/kafka-rest.properties", 0o644, []byte("#port=8082\n")),
		{Path: "top/var/lib/kafka-rest/", Mode: 0o755, UID: 65532, GID: 65532},
	}
	var a, b bytes.Buffer
	if err := writeTarGz(&a, files, "", mtime); err != nil {
		t.Fatal(err)
	}
	reversed := []File{files[3], files[2], files[1], files[0]}
	if err := writeTarGz(&b, reversed, "", mtime); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same files in another order give other bytes")
	}
	zr, err := gzip.NewReader(&a)
	if err != nil {
		t.Fatal(err)
	}
	if !zr.ModTime.IsZero() || zr.Name != "" {
		t.Errorf("the gzip header holds a time %v or a name %q", zr.ModTime, zr.Name)
	}
	want := []struct {
		name     string
		mode     int64
		uid      int
		typeflag byte
	}{
		{"top/", 0o755, 0, tar.TypeDir},
		{"top/etc/", 0o755, 0, tar.TypeDir},
		{"top/etc/kafka-rest/", 0o755, 0, tar.TypeDir},
		{"top/etc/kafka-rest/kafka-rest.properties", 0o644, 0, tar.TypeReg},
		{"top/tmp/", 0o1777, 0, tar.TypeDir},
		{"top/usr/", 0o755, 0, tar.TypeDir},
		{"top/usr/bin/", 0o755, 0, tar.TypeDir},
		{"top/usr/bin/kafka-rest", 0o755, 0, tar.TypeReg},
		{"top/var/", 0o755, 0, tar.TypeDir},
		{"top/var/lib/", 0o755, 0, tar.TypeDir},
		{"top/var/lib/kafka-rest/", 0o755, 65532, tar.TypeDir},
	}
	got := readTar(t, zr)
	if len(got) != len(want) {
		for _, e := range got {
			t.Log(e.hdr.Name)
		}
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i, w := range want {
		h := got[i].hdr
		if h.Name != w.name || h.Mode != w.mode || h.Uid != w.uid || h.Gid != w.uid || h.Typeflag != w.typeflag {
			t.Errorf("entry %d: %s mode %o uid %d gid %d type %c, want %s mode %o uid %d type %c", i, h.Name, h.Mode, h.Uid, h.Gid, h.Typeflag, w.name, w.mode, w.uid, w.typeflag)
		}
		owner := "root"
		if w.uid != 0 {
			owner = ""
		}
		if !h.ModTime.Equal(mtime) || h.Uname != owner || h.Gname != owner {
			t.Errorf("%s: time %v, owner names %q %q", h.Name, h.ModTime, h.Uname, h.Gname)
		}
	}
	if string(got[7].body) != "binary" {
		t.Errorf("body %q", got[7].body)
	}
	if fs.FileMode(got[4].hdr.Mode)&fs.ModePerm != 0o777 {
		t.Errorf("tmp mode %o", got[4].hdr.Mode)
	}
}
