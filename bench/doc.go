// Package bench is the load-test harness users point at their own
// deployment: it drives a running proxy over HTTP and, in the same run, the
// same workload through a native franz-go client against the same brokers,
// and reports throughput, latency and the proxy's CPU and memory beside the
// native ceiling.
package bench
