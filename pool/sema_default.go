package pool

// parkMode is how an idle worker that does not own the driver sleeps.
type parkMode int

const (
	// parkChan: on a channel. The Go scheduler parks the goroutine and
	// hands its P to other goroutines at once; waking it costs a second
	// thread switch, since the locked goroutine must get its own thread
	// back (BenchmarkParkSemaPingPong: several times slower than a futex).
	parkChan parkMode = iota
	// parkFutex: in the futex system call: one thread switch per wake,
	// but the P stays with the sleeping thread until sysmon retakes it,
	// and goroutines this worker readied just
	// before sleeping (a Wait caller whose task it completed) wait that
	// long (BenchmarkParkWakeWorker).
	parkFutex
	// parkHybrid: futex, except for one worker, the last to go idle when
	// no other sleeps on its channel: it sleeps on its channel, so that an
	// idle pool never holds every P and goroutines readied by the workers
	// run at once. Wakes go to futex sleepers first (idle.go).
	parkHybrid
)

// defaultParking is the mode workers use. The futex wins the raw
// thread-to-thread wake (BenchmarkParkSemaPingPong), but on the
// pool-level benchmarks, where goroutines wait for tasks and workers wake
// each other (BenchmarkParkWakeWorker, BenchmarkParkSpawnJoin), the
// channel is as fast or faster, and it never keeps a P asleep: so it is
// the default.
const defaultParking = parkChan
