// Package pool runs futures as tasks on a few OS-thread-locked workers: a
// work-stealing executor in the style of tokio's multi-thread runtime.
//
// Which constructor: a program that sleeps or does I/O (poll.Sleep,
// poll.Timeout, poll.Listen, poll.Dial, ...) makes its pool with
// [github.com/spindle-rt/spindle/poll.NewPool], which is [New] with poll's
// reactor as the pool's driver. A pool from New alone has no timers or
// sockets: those futures panic on it with poll.ErrNoReactor. Use New for
// computation, channels and locks only, or with [WithDriver] for a driver
// of your own; tests use package pooltest.
//
// A task is one allocation: the JoinHandle returned by Spawn is the task
// itself, and the task is its own Waker, so waking allocates nothing. Each
// worker is a goroutine locked to its OS thread with a fixed-size local run
// queue that other workers steal half of, a LIFO slot for the task the
// running task just woke, and access to a global injection queue for work
// coming from outside the workers. Idle workers search a few rounds, then
// park; a parked worker is woken only when no other worker is searching.
//
// Use Spawn from any goroutine and SpawnFrom from inside a task (it keeps the
// child on the current worker). A JoinHandle is a Future of the task's
// Result, so tasks await each other; goroutines use Wait (TryWait for a
// task that can fail). BlockOn runs one future on the pool and waits for
// it: it is the way to run a program's futures from main (TryBlockOn for a
// future of a Result). None of these blocking calls may be made from
// inside a task, where they return ErrInWorker. SpawnBlocking runs
// blocking code on a goroutine outside the workers. Shutdown stops the
// pool.
//
// To see inside a live pool, create it WithIntrospection: Tasks and Dump
// then list every unfinished task with its state, spawn site, polls and
// wakes, flagging those idle too long without a wake; package
// pool/pooldebug serves that over HTTP and publishes Stats through expvar.
// While the execution tracer (runtime/trace) runs, every task spawned is a
// trace task named after its spawn site with a region per poll, visible in
// go tool trace; when neither is on, a spawn pays one branch.
//
// # Fairness
//
// What the pool guarantees: as long as no poll blocks its worker (a poll
// that blocks or loops forever holds that worker) and the number of tasks
// does not grow without bound, every task that is woken is polled
// eventually, whatever the other tasks do: tasks that keep waking each
// other, that yield in a loop, or that spawn more work do not starve the
// rest, whether those were spawned with [Spawn] from outside or with
// [SpawnFrom]. Nothing more is guaranteed: not the order in which woken
// tasks run, not which worker runs them, not how soon.
//
// How it does so at the time of writing, which may change in any release
// (as tokio says of its own): a worker takes the task the running one
// woke (its LIFO slot) first, at most 3 times in a row; then its local
// queue, oldest first; then the global injection queue, where [Spawn],
// wakes from outside the workers and the overflow of full local queues
// go. Every 61st task it takes from the injection queue first, and polls
// the driver if no idle worker is in it. Tasks the driver wakes (I/O
// readiness, timers) get no LIFO slot: they queue behind the work already
// waiting, in the order of their events. A poll gets a budget of
// [future.DefaultBudget] leaf operations ([future.Coop]), after which
// leaf futures return Pending and the task is re-queued behind the
// others. An idle worker steals half of another worker's queue.
//
// The walk of one task through the files of this package, and the
// parking protocol, are at the top of worker.go; docs/design.md (Part 2)
// says why each piece is as it is.
package pool

// File map. The scheduler: pool.go (the Pool), spawn.go, task.go and
// taskstate.go (a task and its state word), joinhandle.go, worker.go (the
// loop; start there), queue.go and inject.go (the run queues), idle.go
// and park.go with park_futex_*.go and sema_default.go (idle workers and
// how they sleep), blocking.go, blockon.go, shutdown.go and
// shutdown_stuck.go, stats.go, options.go, errors.go, affinity_*.go.
//
// Introspection (WithIntrospection, Tasks, Dump, the execution tracer) is
// every file named introspect*.go, and nothing else. The scheduler
// reaches it only at spawn (observed, instrument, observeBlocking), through
// the registry pointer in config, and for the names in Shutdown's error
// (Tasks).
