// Package telemetry is the proxy's Prometheus metrics: one metrics.Set per
// proxy (never the package-level default set, so that several proxies in one
// process stay apart), label values bounded by a cap with an "other" bucket,
// franz-go client metrics through its hooks, and the Go runtime's and the
// process's own metrics.
package telemetry
