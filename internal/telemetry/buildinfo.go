package telemetry

import (
	"github.com/VictoriaMetrics/metrics"

	"github.com/kafka-rest-go/kafka-rest/internal/buildinfo"
)

// registerBuildInfo adds kafka_rest_build_info: the constant 1, labelled
// with the version, commit and Go version of the running binary, as
// Prometheus exporters conventionally do, so that a query can tell which
// build each instance runs (and join it onto other series).
func registerBuildInfo(set *metrics.Set, info buildinfo.Info) {
	commit := info.Commit
	if commit == "" {
		commit = "unknown"
	}
	set.NewGauge(`kafka_rest_build_info{version="`+escape(info.Version)+`",commit="`+escape(commit)+`",goversion="`+escape(info.GoVersion)+`"}`,
		func() float64 { return 1 })
}
