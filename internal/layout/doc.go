// Package layout holds no code: its test checks the rules the project's
// layout keeps, which the compiler does not, so that they still hold after
// the next change:
//
//   - imports go one way, down the layers: cmd, then http, then its
//     handlers, guards and rest plumbing, then actors, then kafka and codec,
//     then the internal leaves (the error model, metrics);
//   - only kafka, actors and the bench use franz-go's clients and protocol
//     (codec/schema its Schema Registry client, internal/kfakesasl its fake
//     cluster), only actors protoactor-go;
//   - net/http's server types appear only under http, cmd, and the
//     embedded development stack;
//   - no package keeps mutable state at package level (a string the linker
//     sets aside).
package layout
