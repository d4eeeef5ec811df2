package tasksync_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/internal/futuretest"
	"github.com/spindle-rt/spindle/pool/pooltest"
)

func TestTokenCancelWakesCancelled(t *testing.T) {
	tok := tasksync.NewCancellationToken()
	var w futuretest.CountWaker
	f := tok.Cancelled()
	_, ok := poll(f, w.Context())
	require.False(t, ok)
	assert.False(t, tok.IsCancelled())
	tok.Cancel()
	assert.True(t, tok.IsCancelled())
	assert.Equal(t, 1, w.Count())
	_, ok = poll(f, w.Context())
	assert.True(t, ok)
	_, ok = poll(tok.Cancelled(), w.Context())
	assert.True(t, ok, "a Cancelled made after the Cancel is Ready at once")
	tok.Cancel() // idempotent
	futuretest.RequireMisuse(t, future.ErrPolledAfterReady, func() { f.Poll(w.Context()) })
}

func TestTokenTree(t *testing.T) {
	root := tasksync.NewCancellationToken()
	a, b := root.Child(), root.Child()
	a1 := a.Child()
	var w futuretest.CountWaker
	fa1 := a1.Cancelled()
	_, ok := poll(fa1, w.Context())
	require.False(t, ok)

	a.Cancel()
	assert.True(t, a1.IsCancelled(), "a child is cancelled with its parent")
	assert.Equal(t, 1, w.Count())
	assert.False(t, root.IsCancelled(), "a parent is not cancelled with its child")
	assert.False(t, b.IsCancelled())
	n, _ := root.ChildrenForTest()
	assert.Equal(t, 1, n, "the cancelled child left its parent's list")

	root.Cancel()
	assert.True(t, b.IsCancelled())
	assert.True(t, root.Child().IsCancelled(), "a child of a cancelled token is born cancelled")
	n, _ = root.ChildrenForTest()
	assert.Zero(t, n)
}

func TestTokenCancelledFutureCancel(t *testing.T) {
	tok := tasksync.NewCancellationToken()
	var w futuretest.CountWaker
	f := tok.Cancelled()
	_, ok := poll(f, w.Context())
	require.False(t, ok)
	f.Cancel()
	assert.False(t, tok.IsCancelled(), "cancelling the wait does not cancel the token")
	tok.Cancel()
	assert.Zero(t, w.Count(), "a cancelled wait is not woken")
	futuretest.RequireMisuse(t, tasksync.ErrPolledAfterCancel, func() { f.Poll(w.Context()) })
	var zero tasksync.CancellationToken
	futuretest.RequireMisuse(t, tasksync.ErrUninitialized, func() { zero.Cancel() })
}

// A deep chain is cancelled without a deep stack.
func TestTokenDeepChain(t *testing.T) {
	root := tasksync.NewCancellationToken()
	tok := root
	for range 20_000 {
		tok = tok.Child()
	}
	root.Cancel()
	assert.True(t, tok.IsCancelled())
}

// A long-lived parent with many short-lived children does not grow:
// cancelled children leave at once, and the list's array shrinks.
func TestTokenCancelledChildrenLeaveTheParent(t *testing.T) {
	root := tasksync.NewCancellationToken()
	kids := make([]*tasksync.CancellationToken, 10_000)
	for i := range kids {
		kids[i] = root.Child()
	}
	n, peak := root.ChildrenForTest()
	require.Equal(t, len(kids), n)
	for i := len(kids) - 1; i >= 0; i -= 2 { // from both ends of the list
		kids[i].Cancel()
	}
	for i := 0; i < len(kids); i += 2 {
		kids[i].Cancel()
	}
	n, capacity := root.ChildrenForTest()
	assert.Zero(t, n)
	assert.Less(t, capacity, peak/8, "the list's array shrank")
	assert.False(t, root.IsCancelled())
}

// Children dropped without Cancel are released by the collector, and the
// heap stays flat; a child whose handle is dropped while its own child
// lives still passes the parent's cancellation on.
func TestTokenDroppedChildrenLeaveNothing(t *testing.T) {
	root := tasksync.NewCancellationToken()
	before := futuretest.HeapAfterGC()
	for range abandoned / 10 {
		root.Child()
	}
	futuretest.EventuallyCollected(t, func() bool { n, _ := root.ChildrenForTest(); return n == 0 },
		"dropped children left in the parent's list")
	after := futuretest.HeapAfterGC()
	t.Logf("%d dropped children: heap %d -> %d bytes (%+d)", abandoned/10, before, after, int64(after)-int64(before))
	assert.Less(t, int64(after)-int64(before), int64(1<<20))

	grandchild := func() *tasksync.CancellationToken { return root.Child().Child() }()
	for range 3 {
		runtime.GC() // the middle handle is collected; its node must stay
	}
	n, _ := root.ChildrenForTest()
	require.Equal(t, 1, n, "the middle token stays while its child lives")
	root.Cancel()
	assert.True(t, grandchild.IsCancelled())

	root2 := tasksync.NewCancellationToken()
	func() { root2.Child().Child() }()
	futuretest.EventuallyCollected(t, func() bool { n, _ := root2.ChildrenForTest(); return n == 0 },
		"a dropped chain of tokens left in the parent's list")
}

func TestAbandonedCancelledLeaveNothing(t *testing.T) {
	tok := tasksync.NewCancellationToken()
	checkAbandonN(t, abandoned/10, func() future.Future[struct{}] { return tok.Cancelled() }, tok.WaitersForTest)
}

// TestTokenConcurrentChildrenAndCancel: goroutines add and cancel
// children while the parent is cancelled; afterwards every child is
// cancelled and the parent lists none.
func TestTokenConcurrentChildrenAndCancel(t *testing.T) {
	for range 50 / scale {
		root := tasksync.NewCancellationToken()
		var wg sync.WaitGroup
		var mu sync.Mutex
		var all []*tasksync.CancellationToken
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 200 {
					c := root.Child()
					if i%3 == g%3 {
						c.Cancel()
					}
					cc := c.Child()
					mu.Lock()
					all = append(all, c, cc)
					mu.Unlock()
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			future.BlockOn(future.YieldNow())
			root.Cancel()
		}()
		wg.Wait()
		for _, c := range all {
			require.True(t, c.IsCancelled())
		}
		n, _ := root.ChildrenForTest()
		require.Zero(t, n)
	}
}

func TestTokenContext(t *testing.T) {
	tok := tasksync.NewCancellationToken()
	ctx := tok.Context()
	assert.Equal(t, ctx, tok.Context())
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = tok.Context() }))
	require.NoError(t, ctx.Err())
	_, has := ctx.Deadline()
	assert.False(t, has)
	derived, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	gs := runtime.NumGoroutine()
	var derivedMany []context.CancelFunc
	for range 100 {
		_, c := context.WithCancel(ctx)
		derivedMany = append(derivedMany, c)
	}
	assert.Equal(t, gs, runtime.NumGoroutine(), "derived contexts start no goroutine")
	assert.Equal(t, 101, tok.CallbacksForTest())
	for _, c := range derivedMany {
		c()
	}
	assert.Equal(t, 1, tok.CallbacksForTest(), "a derived context's cancel deregisters it")

	tok.Cancel()
	<-ctx.Done()
	<-derived.Done()
	assert.ErrorIs(t, ctx.Err(), context.Canceled)
	assert.ErrorIs(t, derived.Err(), context.Canceled)
	assert.Zero(t, tok.CallbacksForTest())
	// Registered after the cancel: run at once.
	late, lateCancel := context.WithCancel(ctx)
	defer lateCancel()
	<-late.Done()
}

// watchCtx is a context that counts the AfterFunc registrations alive on
// it (package context uses the method when a context has one).
type watchCtx struct {
	context.Context
	live  atomic.Int64
	fired atomic.Bool
	mu    sync.Mutex
	fns   map[int]func()
	next  int
}

func newWatchCtx() *watchCtx {
	return &watchCtx{Context: context.Background(), fns: map[int]func(){}}
}

func (c *watchCtx) Done() <-chan struct{} { return make(chan struct{}) }

func (c *watchCtx) Err() error {
	if c.fired.Load() {
		return context.Canceled
	}
	return nil
}

func (c *watchCtx) AfterFunc(f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := c.next
	c.next++
	c.fns[id] = f
	c.live.Add(1)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if _, ok := c.fns[id]; !ok {
			return false
		}
		delete(c.fns, id)
		c.live.Add(-1)
		return true
	}
}

func (c *watchCtx) fire() {
	c.mu.Lock()
	fns := c.fns
	c.fns = map[int]func(){}
	c.live.Store(0)
	c.fired.Store(true)
	c.mu.Unlock()
	for _, f := range fns {
		f()
	}
}

func TestTokenFromContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	tok := tasksync.TokenFromContext(ctx)
	child := tok.Child()
	assert.False(t, tok.IsCancelled())
	cancel()
	future.BlockOn[struct{}](child.Cancelled())
	assert.True(t, tok.IsCancelled())

	assert.True(t, tasksync.TokenFromContext(ctx).IsCancelled(), "a done context gives a cancelled token")
	bg := tasksync.TokenFromContext(context.Background())
	assert.False(t, bg.IsCancelled())

	parent := tasksync.NewCancellationToken()
	viaCtx := tasksync.TokenFromContext(parent.Context())
	assert.Zero(t, parent.CallbacksForTest(), "a token's own context gives a child, no registration")
	n, _ := parent.ChildrenForTest()
	assert.Equal(t, 1, n)
	parent.Cancel()
	assert.True(t, viaCtx.IsCancelled())
}

// Tokens made from a long-lived context and then cancelled or dropped
// leave no registration on it; one that lives is cancelled by it.
func TestTokenFromContextLeavesNoRegistration(t *testing.T) {
	ctx := newWatchCtx()
	for range 100 {
		tasksync.TokenFromContext(ctx).Cancel()
	}
	assert.Zero(t, ctx.live.Load(), "cancelled tokens stopped their registration")
	for range 100 {
		tasksync.TokenFromContext(ctx)
	}
	futuretest.EventuallyCollected(t, func() bool { return ctx.live.Load() == 0 }, "dropped tokens left registrations")

	// A root whose handle is dropped while its child lives keeps watching.
	child := func() *tasksync.CancellationToken { return tasksync.TokenFromContext(ctx).Child() }()
	for range 3 {
		runtime.GC()
	}
	require.Equal(t, int64(1), ctx.live.Load())
	ctx.fire()
	future.BlockOn[struct{}](child.Cancelled()) // context.AfterFunc runs in a goroutine
}

// TestTokenSchedules: tasks wait on random nodes of a small tree while
// other tasks cancel random nodes; a wait completes only once its node is
// cancelled, and every wait completes once the root is.
func TestTokenSchedules(t *testing.T) {
	pooltest.RunSeeds(t, seeds, func(s *pooltest.Sched) {
		root := tasksync.NewCancellationToken()
		nodes := []*tasksync.CancellationToken{root}
		for range 2 + s.Rand().IntN(5) {
			nodes = append(nodes, nodes[s.Rand().IntN(len(nodes))].Child())
		}
		woken := 0
		waiters := 2 + s.Rand().IntN(5)
		for range waiters {
			tok := nodes[s.Rand().IntN(len(nodes))]
			pooltest.Spawn(s, async.New(func(a *async.Awaiter) struct{} {
				yieldN(s, a, 3)
				async.Await(a, future.Future[struct{}](tok.Cancelled()))
				require.True(s, tok.IsCancelled(), "woken before its token was cancelled")
				woken++
				return struct{}{}
			}))
		}
		for range 1 + s.Rand().IntN(3) {
			tok := nodes[s.Rand().IntN(len(nodes))]
			pooltest.Spawn(s, async.New(func(a *async.Awaiter) struct{} {
				yieldN(s, a, 4)
				tok.Cancel()
				return struct{}{}
			}))
		}
		pooltest.Spawn(s, async.New(func(a *async.Awaiter) struct{} {
			yieldN(s, a, 8)
			root.Cancel()
			return struct{}{}
		}))
		s.Wait()
		require.Equal(s, waiters, woken)
		for _, n := range nodes {
			require.True(s, n.IsCancelled())
		}
	})
}

func ExampleCancellationToken() {
	shutdown := tasksync.NewCancellationToken()
	conn := shutdown.Child() // one per connection: cancelled with the server
	defer conn.Cancel()      // tokio's DropGuard: leaves the parent's list

	done := make(chan struct{})
	go func() {
		future.BlockOn[struct{}](conn.Cancelled()) // in a task: async.Await(a, conn.Cancelled())
		fmt.Println("connection stopped:", conn.IsCancelled())
		close(done)
	}()
	shutdown.Cancel()
	<-done
	fmt.Println("server stopped:", shutdown.IsCancelled())

	// As a context.Context for code that takes one.
	ctx, cancel := context.WithTimeout(shutdown.Context(), time.Minute)
	defer cancel()
	fmt.Println("context:", ctx.Err())
	// Output:
	// connection stopped: true
	// server stopped: true
	// context: context canceled
}
