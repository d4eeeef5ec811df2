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
// # Limits, timeouts and failure modes
//
// Client:
//
//   - Connect timeout, then reply timeout (ClientConfig.Timeout, default
//     [DefaultTimeout]): a connect must complete within it, and the whole
//     reply must arrive within it of the connect. A loopback transaction
//     takes tens of µs; a connect that meets a full listen backlog is
//     retried by the kernel after 1 s and 3 s, which 10 s leaves room for.
//   - Giving up ([GiveUpError]): a refused connection, an unreachable host
//     or network, or a timeout means every further transaction would fail
//     the same way, so the client starts no more; those in flight end
//     within their timeout. A malformed or too long reply, or a reset,
//     fails its transaction only.
//   - Grace after a stop (ClientConfig.Grace, default [DefaultGrace]): when
//     the context ends, no transaction starts; those in flight get the
//     grace, then are abandoned ([ErrAbandoned]).
//   - The reply ([ParseReply], at most [MaxReply] bytes): a canonical
//     decimal number followed by exactly "\r\n" or "\n\n". Nothing looser
//     is taken, since the Rust clients drop the last two bytes of whatever
//     they read and a reply ending in a single "\n" would lose a digit
//     there. The read buffer is one byte longer than MaxReply, so a longer
//     reply fails ([ErrReplyTooLong]) without reading on.
//
// Server:
//
//   - Accept back-off ([MinAcceptBackoff] doubling to [MaxAcceptBackoff]):
//     an accept refused for EMFILE, ENFILE, ENOBUFS or ENOMEM leaves the
//     connection in the backlog, so the server waits and retries. A
//     descriptor often comes back within microseconds (a connection of
//     ours closing), hence the short first wait; the cap bounds a long
//     exhaustion to 10 retries a second. The thread and async servers also
//     retry at once when one of their handlers closes a connection while
//     the accept loop backs off. ECONNABORTED, EPROTO, EPERM and
//     ECONNRESET skip that one connection; any other accept error stops
//     the server.
//   - One log line per burst of refused accepts, not per refusal: a burst
//     ends after [AcceptBurstQuiet] with none refused, or when the server
//     stops; the first line names the error, the last gives the count and
//     the burst's length. poll.Listener backs off by itself and counts its
//     refusals without saying which errno it met, so the async servers
//     watch that count, cancel the accept, back off on their own terms
//     and name the error by asking for a descriptor themselves.
//   - The async servers close a connection whose reply cannot be written
//     within 10 s (a client whose receive window is shut); the seq and
//     thread servers write 22 bytes into an empty send buffer and never
//     wait.
//   - ServerConfig.MaxInFlight caps the thread server's handlers; the async
//     server has no cap: a connection task is a small struct, not a
//     goroutine.
//   - A graceful stop closes the listener, answers the connections already
//     accepted and reports the final count.
//
// The package is separate from the command so that the tests and the
// benchmarks in bench/ can run servers and clients in-process.
package count
