// Package count is the engine of the countserver example: the count
// protocol, its servers and clients in three concurrency models, and the
// bookkeeping that verifies a run.
//
// The protocol is the one of the Rust demo pdx-cs-rust/countserver: for
// every accepted TCP connection the server writes its counter in ASCII
// decimal followed by "\r\n" and closes the connection; the counter then
// advances, so every connection sees a distinct value. The first value is
// 0. These are the bytes of the Rust demo's async servers; its default seq
// and thread servers end their replies in "\n\n" instead, which the
// clients here accept too (see ParseReply). A client makes n transactions
// (connect, read to EOF, close) with at most m of them in flight, and gives
// up on a server that refuses, is unreachable or lets a transaction time
// out (see GiveUpError).
//
// The three models are the point of the example:
//
//   - Seq: one accept loop (server) or one transaction after another
//     (client). The least work per connection, so the machine's ceiling.
//   - Thread: a goroutine per connection (server) or m goroutines (client),
//     the way a Go programmer writes it.
//   - Async: spindle tasks on a pool of a few OS-thread-locked workers, with
//     the poll package's epoll reactor for readiness. The server runs one
//     accept task and spawns one task per connection; the client keeps at
//     most m transaction tasks in flight. No goroutine per connection.
//
// Each mode has an alternative (ServerConfig.Alt, ClientConfig.Alt), as the
// Rust demo's --alt: an amortized decimal counter for the seq and thread
// servers, and for the async server and client the same async functions
// run on coroutines (future/async) instead of compiled by spindle-async.
//
// The package is separate from the command so that the tests and the
// benchmarks in bench/ can run servers and clients in-process.
package count
