package count

import (
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Recorder collects the outcome of a client's transactions. Each client
// worker (goroutine or task) takes its own Shard and records into it
// without locking; the recorder merges the shards when the run is over.
// Printed values go through a shard's line buffer, which is flushed to the
// output under a mutex a few kilobytes at a time, so lines never tear.
type Recorder struct {
	out   io.Writer // nil: values are not printed
	outMu sync.Mutex

	// done counts finished transactions, failed ones included; a progress
	// bar reads it while the run goes on.
	done atomic.Int64
	// failed counts failed transactions.
	failed atomic.Int64

	mu     sync.Mutex
	shards []*Shard
}

// NewRecorder returns a recorder that prints each value on its own line to
// out, or prints nothing if out is nil.
func NewRecorder(out io.Writer) *Recorder { return &Recorder{out: out} }

// Done returns how many transactions have finished so far, successful or
// not. It is safe to call at any time from any goroutine.
func (r *Recorder) Done() int64 { return r.done.Load() }

// Failed returns how many transactions have failed so far.
func (r *Recorder) Failed() int64 { return r.failed.Load() }

// Shard returns a new shard of r. A shard belongs to one worker: its
// methods must not be called concurrently.
func (r *Recorder) Shard() *Shard {
	s := &Shard{r: r}
	r.mu.Lock()
	r.shards = append(r.shards, s)
	r.mu.Unlock()
	return s
}

// Shard is one worker's part of a Recorder.
type Shard struct {
	r        *Recorder
	values   []uint64
	lat      []time.Duration
	errs     int
	firstErr error
	line     []byte
}

// flushAt is the size of the line buffer that triggers a write.
const flushAt = 4096

// Record notes a successful transaction that got value v and took lat.
func (s *Shard) Record(v uint64, lat time.Duration) {
	s.values = append(s.values, v)
	s.lat = append(s.lat, lat)
	if s.r.out != nil {
		s.line = strconv.AppendUint(s.line, v, 10)
		s.line = append(s.line, '\n')
		if len(s.line) >= flushAt {
			s.Flush()
		}
	}
	s.r.done.Add(1)
}

// Fail notes a failed transaction.
func (s *Shard) Fail(err error) {
	if s.firstErr == nil {
		s.firstErr = err
	}
	s.errs++
	s.r.failed.Add(1)
	s.r.done.Add(1)
}

// Flush writes the buffered lines. Workers call it when they finish.
func (s *Shard) Flush() {
	if len(s.line) == 0 || s.r.out == nil {
		return
	}
	s.r.outMu.Lock()
	_, _ = s.r.out.Write(s.line) // a closed stdout must not stop the run
	s.r.outMu.Unlock()
	s.line = s.line[:0]
}

// Report merges the shards into a report of a run that took elapsed and
// was asked for n transactions. Call it after every worker has finished.
func (r *Recorder) Report(n int, elapsed time.Duration) *Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := &Report{Requested: n, Elapsed: elapsed}
	for _, s := range r.shards {
		s.Flush()
		rep.Values = append(rep.Values, s.values...)
		rep.Latencies = append(rep.Latencies, s.lat...)
		rep.Errors += s.errs
		if rep.FirstErr == nil {
			rep.FirstErr = s.firstErr
		}
	}
	return rep
}
