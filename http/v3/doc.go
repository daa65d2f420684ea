// Package v3 is Confluent's v3 API: the cluster's resources (brokers,
// topics, partitions, configs, consumer groups, ACLs) and produce, each
// served by a handler given only what it uses. Routes lists them for the
// server, which wraps each in the guards and the rest plumbing.
package v3
