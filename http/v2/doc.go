// Package v2 is Confluent's v2 API: metadata, produce in the embedded
// formats, and the stateful consumer instances, each served by a handler
// given only what it uses. Routes lists them for the server.
package v2
