// Package actors is the proxy's actor system, built on protoactor-go: a
// supervisor tree whose actors own Kafka state (the admin client pool, and the
// per-topic producers and per-instance v2 consumers that hang below it) and
// answer messages from the HTTP layer.
//
// Every request is a message that carries the caller's context and a reply
// channel buffered to one, so an actor never blocks on a caller and a caller
// that gives up (its context ends) never leaks a waiter. protoactor-go is
// imported only here: nothing outside this package sees a PID or a mailbox.
package actors
