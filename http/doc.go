// Package http is the proxy's HTTP API: Confluent's v2 and v3 routes on
// httprouter, content negotiation, the error model
// ({"error_code":N,"message":"..."}), absolute URLs and the request log, and
// what guards them: TLS stores, authentication, access lists, rate and size
// limits, CORS.
// Handlers turn requests into calls on the actor system and its answers into
// JSON; they never touch a Kafka client.
package http
