package telemetry

import (
	"runtime"
	"testing"

	"github.com/VictoriaMetrics/metrics"

	"github.com/kafka-rest-go/kafka-rest/internal/buildinfo"
)

func TestBuildInfoOfTheRunningBinary(t *testing.T) {
	// A test binary is not stamped: its version is (devel), its commit
	// unknown, its Go version the toolchain's.
	got := series(New(DefaultConfig()), "kafka_rest_build_info")
	want := `kafka_rest_build_info{version="(devel)",commit="unknown",goversion="` + runtime.Version() + `"} 1`
	if len(got) != 1 || got[0] != want {
		t.Fatalf("series %q, want %q", got, want)
	}
}

func TestBuildInfoLabels(t *testing.T) {
	set := metrics.NewSet()
	registerBuildInfo(set, buildinfo.Info{Version: `v1.2.3+"odd"`, Commit: "fe23485abcdef0123456789abcdef0123456789a", GoVersion: "go1.26.8"})
	m := &Metrics{set: set}
	got := series(m, "kafka_rest_build_info")
	want := `kafka_rest_build_info{version="v1.2.3+\"odd\"",commit="fe23485abcdef0123456789abcdef0123456789a",goversion="go1.26.8"} 1`
	if len(got) != 1 || got[0] != want {
		t.Fatalf("series %q, want %q", got, want)
	}
}
