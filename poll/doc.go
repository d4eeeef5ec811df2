// Package poll is spindle's I/O and timer driver: mio and tokio's driver
// for Go futures.
//
// Which to use when: a program makes its pool with [NewPool] (not
// pool.New, whose pool has no timers or sockets) and spawns its futures on
// it; plain Go code that needs one future done, with no pool, uses
// [BlockOn], which runs it on a fresh reactor on the calling goroutine.
// The futures of this package panic with [ErrNoReactor] anywhere else,
// naming what to use. Tests run them under pooltest, on its virtual clock.
//
// A Reactor is an epoll instance (edge-triggered) woken by an eventfd, a
// slab of registrations that record readiness per descriptor (cleared by
// an EAGAIN, and on a Conn by a read that returns less than it asked for,
// as in tokio, so that a drained socket costs no syscall to learn it is
// empty; the peer's FIN keeps it, since no later event repeats it), and a heap
// of timers. It implements future.Driver: an executor parks in
// Reactor.Park when it has nothing to run, and the reactor wakes the tasks
// whose descriptors became ready or whose deadlines passed, from inside
// Park with future.WakeFrom, so the pool queues them on the worker that
// parked, with no thread hop (in the order of their events, behind the
// work already waiting: see package pool's Fairness). NewPool makes a pool
// that owns a reactor that way; BlockOn
// runs one future on a fresh reactor on the calling goroutine.
//
// On top of it:
//
//   - Timers: Sleep, SleepUntil, Timeout (ErrTimeout), TryTimeout, Interval.
//     They fire in deadline order and never early.
//   - TCP: Listen gives a *Listener whose Accept is a future (descriptor
//     exhaustion backs off with a timer); Dial is a future; a *Conn has
//     futures Read, Write, WriteAll and ReadToEnd, CloseWrite and Close
//     (plain calls: neither ever blocks), the poll-style PollRead,
//     PollWrite and PollCloseWrite of aio's interfaces (so the helpers of
//     package aio — Copy, BufReader, Split, ... — work on it).
//   - Goroutine code: Conn.Blocking (and UnixConn.Blocking) is a full
//     net.Conn (deadlines that fail with os.ErrDeadlineExceeded,
//     addresses, safe for concurrent use) and Listener.Blocking a
//     net.Listener, so net/http, crypto/tls and bufio run on spindle
//     connections while a pool drives the reactor.
//   - DialContext resolves host names on a goroutine of its own (never on
//     the worker), tries each address, and ends with its context.
//   - UDP and Unix sockets: ListenUDP, DialUDP, ListenUnixgram and
//     DialUnixgram give a *PacketConn (ReadFrom, WriteTo, and Read, Write
//     when connected); ListenUnix and DialUnix give Unix stream sockets
//     (abstract "@names", PeerCred) that speak package aio.
//   - Any descriptor: NewFd and FromFile drive a non-blocking descriptor
//     this package did not make (a pipe, an eventfd, a signalfd) through
//     PollIO, tokio's AsyncFd; AdoptConn, AdoptListener, AdoptUnixConn and
//     AdoptUnixListener take sockets of package net over.
//   - Signals: Signals is a stream of os.Signal and CtrlC a future of the
//     next interrupt, both on package os/signal so that they coexist with
//     its other users (see SignalStream for why not a signalfd).
//
// Futures find their reactor through cx.Driver(); polling one outside a
// reactor panics with a *future.MisuseError wrapping ErrNoReactor. Errors
// of TCP operations are *net.OpError values, as in package net.
//
// The reactor needs Linux; elsewhere NewReactor returns ErrUnsupported.
// See docs/design.md for how an event becomes a poll.
package poll
