package pool

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/noblock"
)

// Shutdown stops the pool in three steps:
//
//  1. close: from now on spawns complete at once with ErrClosed;
//  2. drain: running and pending tasks go on until every one completed,
//     or until ctx ends;
//  3. stop: workers finish the poll they are in and exit; then the driver
//     is closed if it is an io.Closer.
//
// Every task still unfinished then is cancelled: its handle completes with
// ErrClosed (Wait and Poll return it, JoinHandles awaited by another
// executor wake it). It returns nil if every task completed, or an error
// wrapping ctx.Err() if some were cancelled (and any error closing the
// driver).
//
// Shutdown returns by the time ctx ends, whatever the tasks do. A worker
// stuck in a poll (user code that blocks, or loops) cannot be stopped: if
// ctx ended and a worker is still in a poll once the others have exited,
// Shutdown cancels the other tasks and returns without waiting for it.
// The worker exits when its poll returns, and the driver is closed then.
// The error names the unfinished tasks: with WithIntrospection, each as
// Dump does (spawn site with Introspection.SpawnSites); without it, it
// says so; and for each stuck worker, the code it is in. A function given
// to SpawnBlocking that still runs after ctx ended is likewise left to
// finish on its own goroutine. Later calls wait for the first to finish
// (or for their own ctx) and return its result. Called from inside a task
// it returns ErrInWorker.
//
// The pool keeps no list of its tasks (that would cost a lock and two
// pointers per task): a task that is pending sits in no queue, and is
// referenced only by the wakers of what it waits on and by its handle.
// Cancellation is therefore lazy: Shutdown marks the pool killed and wakes
// the goroutines blocked in Wait and the executors awaiting a handle from
// outside the pool (the foreign registry below); each handle completes
// its task with ErrClosed when it is next looked at. A task nobody awaits
// is simply garbage collected. Cancelling takes a task's poll lock
// (taskstate.go), so a worker still in a poll keeps its task until the poll
// returns, as SpawnBlocking's goroutine does.
func (p *Pool) Shutdown(ctx context.Context) error {
	if noblock.Forbidden() {
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

	err := p.drain(ctx)
	exited := p.stopWorkers()
	select {
	case <-exited:
	case <-ctx.Done():
		if stuck := p.awaitStuck(exited); len(stuck) > 0 {
			// No waiting for user code past ctx: cancel around the
			// stuck polls, and let the last worker out close the driver.
			err = p.shutdownError(ctx, stuck)
			p.shutdownErr = err
			p.cancelLeft()
			go func() {
				<-exited
				_ = p.closeDriver()
				close(p.shutdownDone)
			}()
			return err
		}
	}
	p.cancelLeft()
	if cerr := p.closeDriver(); cerr != nil && err == nil {
		err = cerr
	}
	p.shutdownErr = err
	close(p.shutdownDone)
	return err
}

// drain waits until no task is live or ctx ends; it returns nil, or the
// error naming what was left.
func (p *Pool) drain(ctx context.Context) error {
	for p.live() > 0 {
		select {
		case <-p.drained:
			continue
		case <-ctx.Done():
		}
		if p.live() > 0 {
			return p.shutdownError(ctx, nil)
		}
	}
	return nil
}

// stopWorkers tells the workers to exit and returns a channel closed once
// they all have.
func (p *Pool) stopWorkers() <-chan struct{} {
	p.stop.Store(true)
	for _, w := range p.ws {
		w.unpark()
	}
	exited := make(chan struct{})
	go func() {
		p.workers.Wait()
		close(exited)
	}()
	return exited
}

// cancelLeft marks the pool killed and cancels the unfinished tasks
// awaited from outside it; the rest are cancelled when looked at.
func (p *Pool) cancelLeft() {
	close(p.killed)
	for _, h := range p.foreign.take() {
		if h.state.toCancelled(true) {
			h.self().cancelNow(ErrClosed)
		}
	}
}

// closeDriver closes the driver if it is an io.Closer; no worker may be
// inside it.
func (p *Pool) closeDriver() error {
	if c, ok := p.driver.(io.Closer); ok {
		if err := c.Close(); err != nil {
			return fmt.Errorf("pool %s: closing driver: %w", p.cfg.name, err)
		}
	}
	return nil
}

// Closed reports whether Shutdown was called.
func (p *Pool) Closed() bool { return p.closed.Load() }

// isKilled reports whether Shutdown stopped the workers.
func (p *Pool) isKilled() bool {
	select {
	case <-p.killed:
		return true
	default:
		return false
	}
}

// resolveKilled completes an unfinished task of a stopped pool with
// ErrClosed. Whoever else holds the task's poll lock (SpawnBlocking's
// goroutine, a worker stuck in a poll past Shutdown's deadline) completes
// the task itself when it lets go.
func (h *header) resolveKilled() {
	if h.state.load()&stComplete == 0 && h.pool.isKilled() && h.state.toCancelled(true) {
		h.self().cancelNow(ErrClosed)
	}
}

// foreignSet holds the tasks whose JoinHandle is awaited by a waker that
// is not a task of this pool (another pool, future.BlockOn): Shutdown must
// wake those itself, since nothing in the pool will.
type foreignSet struct {
	mu sync.Mutex
	m  map[*header]struct{}
}

func (f *foreignSet) add(h *header) {
	f.mu.Lock()
	if f.m == nil {
		f.m = make(map[*header]struct{})
	}
	f.m[h] = struct{}{}
	f.mu.Unlock()
}

func (f *foreignSet) remove(h *header) {
	f.mu.Lock()
	delete(f.m, h)
	f.mu.Unlock()
}

func (f *foreignSet) take() []*header {
	f.mu.Lock()
	defer f.mu.Unlock()
	hs := make([]*header, 0, len(f.m))
	for h := range f.m {
		hs = append(hs, h)
	}
	f.m = nil
	return hs
}

// live sums the live-task counters: tasks spawned and not complete.
// Counters are only incremented before the pool is closed, so once closed
// the sum can only overstate, never understate, what is live.
func (p *Pool) live() int64 {
	n := p.liveOutside.Load()
	for _, w := range p.ws {
		n += w.shared.live.Load()
	}
	return n
}

// cxWorker returns the worker polling with cx, if any.
func cxWorker(cx *future.Context) (*worker, bool) {
	if cx == nil {
		return nil, false
	}
	w, ok := cx.Ext().(*worker)
	return w, ok
}

// taskDone counts a completion, on the worker of cx if there is one.
func (p *Pool) taskDone(cx *future.Context) {
	if w, ok := cxWorker(cx); ok && w.p == p {
		w.shared.live.Add(-1)
	} else {
		p.liveOutside.Add(-1)
	}
	if p.closed.Load() {
		select {
		case p.drained <- struct{}{}:
		default:
		}
	}
}
