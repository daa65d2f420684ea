// Package http is the proxy's HTTP API: it assembles Confluent's v2 and v3
// routes on httprouter, each behind the guards and served through the rest
// plumbing, beside the operations endpoints (health, readiness, metrics)
// and the OpenAPI document.
//
// Below it, one package per concern:
//
//   - rest: what every route shares: negotiation, the request body and its
//     limits, the error model's answers, absolute URLs, the request log.
//   - guard: what stands before the routes: TLS listeners and stores,
//     authentication, access lists, rate and flood limits, CORS, response
//     headers, identity pass-through.
//   - v3 and v2: the handlers of each API family, structs given only what
//     they use.
//
// Handlers turn requests into calls on the actor system and its answers
// into JSON; they never touch a Kafka client.
package http
