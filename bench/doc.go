// Package bench is the load-test harness users point at their own
// deployment: it drives a running proxy (one node or several, round-robin)
// over HTTP and, in the same run, the same workload through a native
// franz-go client against the same brokers at the same concurrency, and
// reports throughput, latency (open-loop at a fixed rate, so that a stall
// is not hidden) and the proxy's CPU and memory beside the native ceiling.
package bench
