module github.com/kafka-rest-go/kafka-rest/internal/release

go 1.26.8

require (
	github.com/google/go-containerregistry v0.22.1
	github.com/kafka-rest-go/kafka-rest v0.0.0
	golang.org/x/crypto/x509roots/fallback v0.0.0-20261030153154-30a33513ff6d
	golang.org/x/mod v0.42.0
)

require (
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/opencontainers/go-digest v1.0.0 // indirect
	github.com/opencontainers/image-spec v1.1.1 // indirect
	golang.org/x/sync v0.22.0 // indirect
)

// The release tooling is a module of its own so that what it needs
// (go-containerregistry and what that requires) never changes a version
// the proxy builds with: one go.mod would let those requirements raise the
// proxy's own (minimal version selection).
replace github.com/kafka-rest-go/kafka-rest => ../..
