// Package pooltest is a deterministic executor for testing futures, in the
// manner of net/http/httptest: what the pool package runs on several
// OS-thread-locked workers, pooltest runs on one goroutine (the test's),
// choosing the next task to poll with a seeded random generator.
//
// A schedule is a function of its seed, so a failing interleaving replays
// exactly:
//
//	func TestChannel(t *testing.T) {
//		pooltest.RunSeeds(t, 2000, func(s *pooltest.Sched) {
//			tx, rx := channel.Bounded[int](1)
//			pooltest.Spawn(s, producer(tx))
//			got := pooltest.BlockOn(s, collect(rx))
//			require.Equal(s, want, got)
//		})
//	}
//
// When a seed fails, the test fails with a message that names the seed, and
// SPINDLE_SEED=<seed> go test -run TestChannel runs that seed alone.
//
// Besides the order of polls, the scheduler randomises what real executors
// may legally do and buggy futures forget:
//
//   - spurious polls: a pending task is polled without having been woken
//     (a future must tolerate that);
//   - a fresh waker on every poll, with wakes of a stale waker (one not
//     handed to the task's most recent poll) dropped, as the waker contract
//     allows: a future that keeps the waker of an earlier poll hangs here at
//     once instead of once in a million runs on a real pool;
//   - late wake delivery: a wake may reach the ready set only after other
//     tasks ran.
//
// The PCT option replaces uniform picks with probabilistic concurrency
// testing (random priorities with change points), which reaches bugs that
// need a task to be starved for long stretches.
//
// A Sched is a require.TestingT (Errorf, FailNow, ...), so assertions inside
// tasks and in the body go through it and are reported with the seed.
// When no task can run and none is woken within the idle timeout, the run
// fails with "deadlock: N tasks pending" and the spawn site of each. Every
// failure ends with the last scheduling events of the run, and replaying
// its seed reproduces them exactly (when no other goroutine wakes tasks).
//
// Each Sched has a virtual Clock: time stands still while tasks run and
// jumps to the next timer deadline when every task is idle, as tokio's
// start_paused, so a test of a one-hour timeout takes microseconds.
// The Sched is a poll.TimerDriver, so poll.Sleep, poll.Timeout and
// poll.Interval run on that clock; Clock.Sleep is this package's own
// timer future.
//
// WithDriver runs a real poll.Reactor under the scheduler, so code doing
// real I/O is explored too (without exact replay).
//
// Only the goroutine that called Run may poll (the loop runs inside Run,
// BlockOn and Sched.Wait); Spawn and wakes may come from any goroutine.
package pooltest
