// Pipeline is a bounded producer/consumer pipeline of three tasks joined by
// two bounded channels:
//
//	producer ──Bounded(buf)──▶ square ──Bounded(buf)──▶ consumer (slow)
//
// The producer sends 1..n, the square stage squares them, the consumer
// prints each value, slowly. The channels are bounded, so the producer can
// never get more than the buffers and the two values held by the stage and
// the consumer ahead of the consumer: when the first buffer is full its
// send waits (backpressure), which the program counts and prints.
//
// Shutdown is one rule, each task closing the ends it holds when it
// returns: the producer ending closes its sender, the stage then sees the
// end and closes its own, and the consumer sees the end; a consumer that
// fails closes its receiver, the stage's next send fails and it returns,
// closing its receiver, and the producer's send fails. Either way every
// task ends and nothing is left waiting.
//
//	go run ./examples/pipeline                 # 20 values
//	go run ./examples/pipeline -reject 49      # the consumer fails at 49
//
// The three tasks are compiled async functions (stages.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

func main() {
	os.Exit(pipeline(os.Args[1:], os.Stdout, os.Stderr))
}

// pipeline is main with its arguments and outputs passed in, for the test.
func pipeline(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pipeline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 20, "values to produce")
	buf := fs.Int("buf", 2, "capacity of each channel")
	reject := fs.Int("reject", 0, "a value the consumer fails on (0: none)")
	slow := fs.Duration("slow", 2*time.Millisecond, "how long the consumer takes per value")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *buf < 1 {
		fmt.Fprintln(stderr, "pipeline: -buf must be at least 1")
		return 2
	}
	r, err := run(*n, *buf, *reject, *slow, stdout)
	fmt.Fprintf(stdout, "produced %d, squared %d, consumed %d (sum %d)\n", r.produced, r.squared, r.consumed, r.sum)
	fmt.Fprintf(stdout, "backpressure: the producer waited for room %d times, at most %d values ahead of the consumer\n",
		r.waits, r.most)
	if err != nil {
		fmt.Fprintln(stderr, "pipeline:", err)
		return 1
	}
	return 0
}

// result is what the tasks did; most is the producer's largest lead over
// the consumer.
type result struct {
	produced, squared, consumed, sum int
	waits, most                      int64
}

// run starts the three tasks and waits for all of them. Its error holds
// each task's, the consumer's first.
func run(n, buf, reject int, slow time.Duration, w io.Writer) (result, error) {
	p, err := poll.NewPool()
	if err != nil {
		return result{}, err
	}
	defer p.Shutdown(context.Background())

	m := &meter{}
	tx1, rx1 := channel.Bounded[int](buf)
	tx2, rx2 := channel.Bounded[int](buf)
	producer := pool.Spawn(p, produce(n, tx1, m))
	stage := pool.Spawn(p, square(rx1, tx2))
	var r result
	r.sum, err = pool.TryBlockOn(p, consume(rx2, w, m, reject, slow))
	var stageErr, producerErr error
	r.squared, stageErr = pool.TryWait(context.Background(), stage)
	r.produced, producerErr = pool.TryWait(context.Background(), producer)
	r.consumed, r.waits, r.most = int(m.consumed.Load()), m.waits.Load(), m.most.Load()
	return r, errors.Join(err, stageErr, producerErr)
}
