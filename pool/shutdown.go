package pool

import (
	"context"
	"fmt"
	"io"
)

// Shutdown stops the pool in three steps:
//
//  1. close: from now on spawns complete at once with ErrClosed;
//  2. drain: running and pending tasks go on until every one completed,
//     or until ctx ends, whereupon those left are cancelled (their
//     handles complete with ErrClosed; a task in the middle of a poll is
//     cancelled when the poll returns Pending);
//  3. stop: workers are woken, exit, and Shutdown waits for every worker
//     goroutine to have exited, then closes the driver if it is an
//     io.Closer.
//
// It returns nil if every task completed, or an error wrapping ctx.Err()
// if some were cancelled (and any error closing the driver). A function
// given to SpawnBlocking that still runs after ctx ended is left to finish
// on its own goroutine. Later calls wait for the first to finish and
// return its result. Called from inside a task it returns ErrInWorker.
func (p *Pool) Shutdown(ctx context.Context) error {
	if onWorker() {
		return ErrInWorker
	}
	p.shutdownMu.Lock()
	if p.closed.Load() {
		p.shutdownMu.Unlock()
		select {
		case <-p.shutdownDone:
			return p.shutdownErr
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	p.closed.Store(true)
	p.shutdownMu.Unlock()

	p.owned.close()
	var err error
	for p.owned.live() > 0 {
		select {
		case <-p.owned.drained:
		case <-ctx.Done():
		}
		if ctx.Err() != nil && p.owned.live() > 0 {
			n := p.cancelAll()
			err = fmt.Errorf("pool %s: shutdown cancelled %d tasks: %w", p.cfg.name, n, ctx.Err())
			break
		}
	}

	p.stop.Store(true)
	for _, w := range p.ws {
		w.unpark()
	}
	p.workers.Wait()
	if c, ok := p.driver.(io.Closer); ok {
		if cerr := c.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("pool %s: closing driver: %w", p.cfg.name, cerr)
		}
	}
	p.shutdownErr = err
	close(p.shutdownDone)
	return err
}

// cancelAll completes every live task with ErrClosed: at once if it is
// idle or queued, after its poll if it is running.
func (p *Pool) cancelAll() int {
	hs := p.owned.kill()
	for _, h := range hs {
		if h.state.toCancelled(true) {
			h.self.cancelNow(ErrClosed)
		}
	}
	return len(hs)
}

// Closed reports whether Shutdown was called.
func (p *Pool) Closed() bool { return p.closed.Load() }
