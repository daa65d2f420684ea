// Package actors is the proxy's actor system, built on protoactor-go: a
// supervisor tree whose actors own Kafka state, and which the HTTP layer
// reaches through the three things it owns:
//
//   - AdminPool: a fixed number of admin workers; Admin is the one generic
//     call through which every admin endpoint reaches Kafka.
//   - Producers: one actor per live topic, which chooses partitions and
//     hands records to franz-go without waiting in its mailbox; the credits
//     that bound what is in flight; the produce rate limits.
//   - Consumers: one actor per v2 consumer instance, owning its franz-go
//     client, positions and idle expiry.
//
// Every request is a message that carries the caller's context and a reply
// channel buffered to one, so an actor never blocks on a caller and a
// caller that gives up (its context ends) never leaks a waiter. What never
// changes (the cluster id, an instance's format) is answered without a
// message. protoactor-go is imported only here: nothing outside this
// package sees a PID or a mailbox.
package actors
