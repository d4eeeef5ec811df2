package count

import "fmt"

// Mode is a concurrency model: Seq, Thread or Async.
type Mode int

const (
	// Seq handles one connection at a time.
	Seq Mode = iota + 1
	// Thread uses a goroutine per connection (server) or m goroutines
	// (client).
	Thread
	// Async uses spindle tasks on a pool, with the reactor for readiness.
	Async
)

// Modes lists every mode, in the order the benchmark table uses.
var Modes = []Mode{Seq, Thread, Async}

// String returns the mode's flag name: "seq", "thread" or "async".
func (m Mode) String() string {
	switch m {
	case Seq:
		return "seq"
	case Thread:
		return "thread"
	case Async:
		return "async"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}
