package count

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// Report is the outcome of a client run.
type Report struct {
	// Requested is the number of transactions the client was asked for.
	Requested int
	// Values holds the value of every successful transaction, in no
	// particular order.
	Values []uint64
	// Latencies holds the duration of every successful transaction, from
	// the start of the connect to the end of the close.
	Latencies []time.Duration
	// Errors counts failed transactions; FirstErr is one of their errors.
	Errors   int
	FirstErr error
	// Elapsed is the wall time of the whole run.
	Elapsed time.Duration
}

// Transactions returns the number of transactions that finished, failed
// ones included. It is less than Requested when the run was interrupted.
func (r *Report) Transactions() int { return len(r.Values) + r.Errors }

// Rate returns successful transactions per second.
func (r *Report) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(len(r.Values)) / r.Elapsed.Seconds()
}

// Duplicates returns how many values were received more than once: the
// number of values minus the number of distinct values.
func (r *Report) Duplicates() int {
	s := slices.Clone(r.Values)
	slices.Sort(s)
	return len(s) - len(slices.Compact(s))
}

// ErrNotContiguous is wrapped by the error of Verify for values with
// holes between them: what a client sees when another client of the same
// server took the missing values, or when the server is not fresh.
var ErrNotContiguous = errors.New("not contiguous")

// Verify checks what a lone client of a fresh or quiet server must see:
// every transaction succeeded, no value twice, and the values form one
// contiguous range. It returns nil or an error saying what is wrong.
func (r *Report) Verify() error {
	if r.Errors > 0 {
		return fmt.Errorf("%d of %d transactions failed (first: %v)", r.Errors, r.Transactions(), r.FirstErr)
	}
	if len(r.Values) != r.Requested {
		return fmt.Errorf("got %d values, want %d", len(r.Values), r.Requested)
	}
	if d := r.Duplicates(); d > 0 {
		return fmt.Errorf("%d duplicate values", d)
	}
	if len(r.Values) == 0 {
		return nil
	}
	lo, hi := slices.Min(r.Values), slices.Max(r.Values)
	if hi-lo+1 != uint64(len(r.Values)) {
		return fmt.Errorf("%d distinct values in %d..%d: %w", len(r.Values), lo, hi, ErrNotContiguous)
	}
	return nil
}

// Range returns the smallest and largest value received.
func (r *Report) Range() (lo, hi uint64) {
	if len(r.Values) == 0 {
		return 0, 0
	}
	return slices.Min(r.Values), slices.Max(r.Values)
}

// Percentile returns the latency below which fraction p (0..1) of the
// successful transactions fall, or 0 without any.
func (r *Report) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.Latencies)
	slices.Sort(s)
	i := int(p * float64(len(s)-1))
	return s[i]
}

// WriteSummary writes the human summary of the run, one item a line.
func (r *Report) WriteSummary(w io.Writer) {
	fmt.Fprintf(w, "transactions  %d of %d\n", r.Transactions(), r.Requested)
	if r.Errors > 0 {
		fmt.Fprintf(w, "errors        %d (first: %v)\n", r.Errors, r.FirstErr)
	} else {
		fmt.Fprintf(w, "errors        0\n")
	}
	fmt.Fprintf(w, "duplicates    %d\n", r.Duplicates())
	fmt.Fprintf(w, "elapsed       %v\n", r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "rate          %.0f transactions/s\n", r.Rate())
	fmt.Fprintf(w, "latency       p50 %v  p99 %v\n",
		r.Percentile(0.50).Round(time.Microsecond), r.Percentile(0.99).Round(time.Microsecond))
}
