// Package release builds what a user downloads and deploys, from binaries
// already built by make dist: a tar.gz per platform, a Debian package with
// a systemd unit, an OCI image index for linux/amd64 and linux/arm64, and a
// SHA256SUMS file over them.
//
// Every artifact is reproducible: entries are sorted, owned by root, and
// dated at the commit's time, never the build's, so that the same commit
// and toolchain give the same bytes. cmd/release is its command line; the
// tests of build tag release check the artifacts make dist left behind.
//
// It is a module of its own so that nothing it imports reaches the
// proxy's go.mod or binary.
package release
