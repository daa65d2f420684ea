// Package apierr is the proxy's API error model: the {"error_code","message"}
// answer of Confluent's REST Proxy, its error codes, and the one error type
// every layer returns for what a client should see.
//
// It is a leaf: it imports nothing of the proxy, and everything imports it.
// The HTTP status of an error follows from its code, as in the reference: a
// five-digit code's status is its first three digits (40403 is a 404), a
// three-digit code is its own status, but for the few answers NewStatus
// makes. Errors of Kafka are translated into
// this model in one place, the kafka package's Translate.
package apierr
