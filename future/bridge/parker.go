package bridge

import "io"

// parker is the waker of a goroutine that waits for a future: a wake before
// park is remembered by the one-slot channel, extra wakes merge.
type parker struct{ ch chan struct{} }

func newParker() *parker { return &parker{ch: make(chan struct{}, 1)} }

func (p *parker) Wake() {
	select {
	case p.ch <- struct{}{}:
	default:
	}
}

func (p *parker) park() { <-p.ch }

// release frees what f holds if it has a Cancel method (future.Canceler, this
// package's futures) or a Close method (streams); bridges call it on a
// future they give up on. It is the same rule as stream.Close.
func release(f any) {
	switch c := f.(type) {
	case interface{ Cancel() }:
		c.Cancel()
	case interface{ Close() }:
		c.Close()
	case io.Closer:
		_ = c.Close()
	}
}
