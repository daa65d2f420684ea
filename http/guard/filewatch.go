package guard

import (
	"bytes"
	"context"
	"crypto/sha256"
	"log/slog"
	"os"
	"time"
)

// watchFiles calls reload whenever the content of one of paths changes,
// checking every interval until ctx ends. It compares content, not times,
// so that a rewrite within the same second and Kubernetes' swap of a
// symlinked directory are both seen; a failed reload is logged and the old
// state kept, so that a half-written file never takes the proxy down.
func watchFiles(ctx context.Context, paths []string, interval time.Duration, log *slog.Logger, what string, reload func() error) {
	sums := fileSums(paths)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := fileSums(paths)
		if bytes.Equal(now, sums) {
			continue
		}
		if err := reload(); err != nil {
			log.Warn("reloading "+what+" failed; keeping the previous one", "files", paths, "error", err)
			continue
		}
		sums = now
		log.Info("reloaded "+what, "files", paths)
	}
}

// fileSums is the SHA-256 of each file's content, one after the other; a
// file that cannot be read counts as empty.
func fileSums(paths []string) []byte {
	var out []byte
	for _, p := range paths {
		b, _ := os.ReadFile(p)
		s := sha256.Sum256(b)
		out = append(out, s[:]...)
	}
	return out
}
