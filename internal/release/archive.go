package release

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// File is one entry of an archive, a package or an image layer.
type File struct {
	// Path is slash-separated and relative ("usr/bin/kafka-rest"); a
	// directory's ends in "/".
	Path string
	// Mode holds the permission bits (and fs.ModeSticky).
	Mode fs.FileMode
	// Body is a file's content; nil for a directory.
	Body []byte
	// UID and GID own the entry; 0 (root) unless set.
	UID, GID int
}

// Dir is a directory entry of mode 0755 owned by root.
func Dir(p string) File { return File{Path: strings.TrimSuffix(p, "/") + "/", Mode: 0o755} }

// Regular is a file of the given mode owned by root.
func Regular(p string, mode fs.FileMode, body []byte) File {
	return File{Path: p, Mode: mode, Body: body}
}

// IsDir tells a directory entry.
func (f File) IsDir() bool { return strings.HasSuffix(f.Path, "/") }

// withParents returns files sorted by path with an entry for every
// directory above them that files do not already hold, so that an archive
// never relies on the extracting tool to make directories (dpkg and
// container runtimes would make them with their own modes).
func withParents(files []File) []File {
	have := make(map[string]bool, len(files))
	for _, f := range files {
		have[strings.TrimSuffix(f.Path, "/")] = true
	}
	out := append([]File(nil), files...)
	for _, f := range files {
		for d := path.Dir(strings.TrimSuffix(f.Path, "/")); d != "." && d != "/" && !have[d]; d = path.Dir(d) {
			have[d] = true
			out = append(out, Dir(d))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// writeTar writes files (with their parent directories) as a tar stream in
// path order, every entry dated mtime, each path prefixed by prefix ("./"
// for a Debian package, "" otherwise).
func writeTar(w io.Writer, files []File, prefix string, mtime time.Time) error {
	tw := tar.NewWriter(w)
	all := withParents(files)
	if prefix == "./" {
		// A Debian package's data starts with its root, as dpkg-deb
		// writes it.
		all = append([]File{{Path: "", Mode: 0o755}}, all...)
	}
	for _, f := range all {
		h := &tar.Header{
			Name:    prefix + f.Path,
			Mode:    int64(f.Mode.Perm()),
			Uid:     f.UID,
			Gid:     f.GID,
			ModTime: mtime.UTC().Truncate(time.Second),
		}
		if f.UID == 0 {
			h.Uname = "root"
		}
		if f.GID == 0 {
			h.Gname = "root"
		}
		if f.Mode&fs.ModeSticky != 0 {
			h.Mode |= 0o1000
		}
		if f.IsDir() || f.Path == "" {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(f.Body))
		}
		if err := tw.WriteHeader(h); err != nil {
			return fmt.Errorf("writing %s: %w", f.Path, err)
		}
		if _, err := tw.Write(f.Body); err != nil {
			return fmt.Errorf("writing %s: %w", f.Path, err)
		}
	}
	return tw.Close()
}

// writeTarGz is writeTar compressed with gzip, whose header holds no name
// and no time.
func writeTarGz(w io.Writer, files []File, prefix string, mtime time.Time) error {
	zw := gzip.NewWriter(w)
	if err := writeTar(zw, files, prefix, mtime); err != nil {
		return err
	}
	return zw.Close()
}

// WriteTar writes files as a tar stream of regular files and their
// directories, sorted, owned by root and dated mtime.
func WriteTar(w io.Writer, files []File, mtime time.Time) error {
	return writeTar(w, files, "", mtime)
}
