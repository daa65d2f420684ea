package release

import (
	"bytes"
	"encoding/pem"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// CACertificates is the PEM bundle of root certificates the image trusts:
// Mozilla's (NSS) trust store as the Go team's x509roots module carries it,
// pinned by go.mod, so that every build of a commit ships the same roots
// whatever machine builds it. Roots that NSS trusts only for certificates
// issued before a date are left out: a PEM bundle cannot say so, and
// trusting them fully would trust what NSS distrusts.
func CACertificates() []byte {
	var b bytes.Buffer
	for r := range bundle.Roots() {
		if r.Constraint != nil {
			continue
		}
		pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: r.Certificate})
	}
	return b.Bytes()
}
