package future_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/futuretest"
)

// pollable is a future of any value type, polled for its readiness only.
type pollable interface {
	IsReadyOnce(cx *future.Context) bool
}

type wrap[T any] struct{ f future.Future[T] }

func (w wrap[T]) IsReadyOnce(cx *future.Context) bool { return w.f.Poll(cx).IsReady() }

func w[T any](f future.Future[T]) pollable { return wrap[T]{f} }

func okInt(v int) future.Future[future.Result[int]] { return future.Done(future.Ok(v)) }

// Every future of the package that completes panics with a *MisuseError
// naming its type when polled after Ready.
func TestPollAfterReadyPanicsNamingTheType(t *testing.T) {
	tests := []struct {
		name     string
		f        pollable
		typeName string
	}{
		{"Done", w(future.Done(1)), "*future.valueFuture[int]"},
		{"Lazy", w(future.Lazy(func() int { return 1 })), "*future.lazyFuture[int]"},
		{"Map", w(future.Map(future.Done(1), func(v int) int { return v })), "*future.mapFuture[int,int]"},
		{"Then", w(future.Then(future.Done(1), future.Done[int])), "*future.thenFuture[int,int]"},
		{"YieldNow", w(future.YieldNow()), "*future.yieldFuture"},
		{"Join", w(future.Join(future.Done(1), future.Done(2))), "*future.joinFuture[int]"},
		{"Join of none", w(future.Join[int]()), "*future.joinFuture[int]"},
		{"Join2", w(future.Join2(future.Done(1), future.Done("x"))), "*future.join2Future[int,string]"},
		{"Join3", w(future.Join3(future.Done(1), future.Done("x"), future.Done(true))), "*future.join3Future[int,string,bool]"},
		{"Race", w(future.Race(future.Done(1))), "*future.raceFuture[int]"},
		{"Select", w(future.Select(future.Done(1), future.Done("x"))), "*future.selectFuture[int,string]"},
		{"TryJoin", w(future.TryJoin(okInt(1))), "*future.tryJoinFuture[int]"},
		{"TryRace", w(future.TryRace(okInt(1))), "*future.tryRaceFuture[int]"},
		{"FirstOk", w(future.FirstOk(okInt(1))), "*future.firstOkFuture[int]"},
		{"AndThen", w(future.AndThen(okInt(1), okInt)), "*future.thenFuture["},
		{"MapOk", w(future.MapOk(okInt(1), func(v int) int { return v })), "*future.mapFuture["},
		{"TryMap", w(future.TryMap(okInt(1), func(v int) (int, error) { return v, nil })), "*future.mapFuture["},
		{"MapErr", w(future.MapErr(okInt(1), func(err error) error { return err })), "*future.mapFuture["},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cx, _ := futuretest.NewContext()
			ready := false
			for range 3 { // YieldNow needs two polls
				if ready = tc.f.IsReadyOnce(cx); ready {
					break
				}
			}
			require.True(t, ready)
			requireMisuse(t, future.ErrPolledAfterReady, tc.typeName, func() { tc.f.IsReadyOnce(cx) })
		})
	}
}

var errBoom = errors.New("boom")

// A panic in user code (a function given to a combinator, or a child's
// Poll) reaches the caller of Poll unchanged; a later poll of the same
// future reports the misuse instead of resuming from a broken state.
func TestPanicsPropagateToTheCaller(t *testing.T) {
	boom := func() future.Future[int] { return &futuretest.Gate[int]{PanicWith: errBoom} }
	tests := []struct {
		name     string
		f        pollable
		typeName string
	}{
		{"Lazy fn", w(future.Lazy(func() int { panic(errBoom) })), "lazyFuture"},
		{"Map fn", w(future.Map(future.Done(1), func(int) int { panic(errBoom) })), "mapFuture"},
		{"Map child", w(future.Map(boom(), func(v int) int { return v })), "mapFuture"},
		{"Then fn", w(future.Then(future.Done(1), func(int) future.Future[int] { panic(errBoom) })), "thenFuture"},
		{"Then first", w(future.Then(boom(), future.Done[int])), "thenFuture"},
		{"Then second", w(future.Then(future.Done(1), func(int) future.Future[int] { return boom() })), "thenFuture"},
		{"Join child", w(future.Join(future.Done(1), boom())), "joinFuture"},
		{"Join2 child", w(future.Join2(future.Done(1), boom())), "join2Future"},
		{"Join3 child", w(future.Join3(future.Done(1), future.Done(2), boom())), "join3Future"},
		{"Race child", w(future.Race(future.Never[int](), boom())), "raceFuture"},
		{"Select child", w(future.Select(future.Never[int](), boom())), "selectFuture"},
		{"TryJoin child", w(future.TryJoin(okInt(1), future.Map(boom(), future.Ok[int]))), "tryJoinFuture"},
		{"TryRace child", w(future.TryRace(future.Map(boom(), future.Ok[int]))), "tryRaceFuture"},
		{"FirstOk child", w(future.FirstOk(future.Map(boom(), future.Ok[int]))), "firstOkFuture"},
		{"MapOk fn", w(future.MapOk(okInt(1), func(int) int { panic(errBoom) })), "mapFuture"},
		{"AndThen fn", w(future.AndThen(okInt(1), func(int) future.Future[future.Result[int]] { panic(errBoom) })), "thenFuture"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cx, _ := futuretest.NewContext()
			r := futuretest.Catch(func() { tc.f.IsReadyOnce(cx) })
			require.Equal(t, errBoom, r, "the panic value must be the user's, unwrapped")
			requireMisuse(t, future.ErrPolledAfterPanic, tc.typeName, func() { tc.f.IsReadyOnce(cx) })
		})
	}
}

func TestPanicInChildUnderBlockOnReachesTheCaller(t *testing.T) {
	f := future.Join(future.Done(1), future.Map(future.YieldNow(), func(struct{}) int { panic(errBoom) }))
	assert.PanicsWithValue(t, errBoom, func() { future.BlockOn(f) })
}

func TestConstructorMisuse(t *testing.T) {
	var nilF future.Future[int]
	var nilR future.Future[future.Result[int]]
	tests := []struct {
		name   string
		err    error
		ctor   string
		create func()
	}{
		{"Map nil future", future.ErrNilFuture, "future.Map", func() { future.Map(nilF, func(int) int { return 0 }) }},
		{"Map nil fn", future.ErrNilFunc, "future.Map", func() { future.Map[int, int](future.Done(1), nil) }},
		{"Lazy nil fn", future.ErrNilFunc, "future.Lazy", func() { future.Lazy[int](nil) }},
		{"Then nil future", future.ErrNilFuture, "future.Then", func() { future.Then(nilF, future.Done[int]) }},
		{"Then nil fn", future.ErrNilFunc, "future.Then", func() { future.Then[int, int](future.Done(1), nil) }},
		{"Fuse nil", future.ErrNilFuture, "future.Fuse", func() { future.Fuse(nilF) }},
		{"Join nil child", future.ErrNilFuture, "future.Join", func() { future.Join(future.Done(1), nilF) }},
		{"Join2 nil", future.ErrNilFuture, "future.Join2", func() { future.Join2(nilF, future.Done(1)) }},
		{"Join3 nil", future.ErrNilFuture, "future.Join3", func() { future.Join3(future.Done(1), future.Done(1), nilF) }},
		{"Select nil", future.ErrNilFuture, "future.Select", func() { future.Select(future.Done(1), nilF) }},
		{"Race empty", future.ErrNoFutures, "future.Race", func() { future.Race[int]() }},
		{"Race nil child", future.ErrNilFuture, "future.Race", func() { future.Race(nilF) }},
		{"TryRace empty", future.ErrNoFutures, "future.TryRace", func() { future.TryRace[int]() }},
		{"FirstOk empty", future.ErrNoFutures, "future.FirstOk", func() { future.FirstOk[int]() }},
		{"TryJoin nil child", future.ErrNilFuture, "future.TryJoin", func() { future.TryJoin(nilR) }},
		{"AndThen nil future", future.ErrNilFuture, "future.AndThen", func() { future.AndThen(nilR, okInt) }},
		{"AndThen nil fn", future.ErrNilFunc, "future.AndThen", func() { future.AndThen[int, int](okInt(1), nil) }},
		{"MapOk nil fn", future.ErrNilFunc, "future.MapOk", func() { future.MapOk[int, int](okInt(1), nil) }},
		{"TryMap nil fn", future.ErrNilFunc, "future.TryMap", func() { future.TryMap[int, int](okInt(1), nil) }},
		{"MapErr nil fn", future.ErrNilFunc, "future.MapErr", func() { future.MapErr(okInt(1), nil) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireMisuse(t, tc.err, tc.ctor, tc.create)
		})
	}
}

func TestThenFnReturningNilIsMisuse(t *testing.T) {
	f := future.Then(future.Done(1), func(int) future.Future[int] { return nil })
	cx, _ := futuretest.NewContext()
	requireMisuse(t, future.ErrNilFuture, "thenFuture", func() { f.Poll(cx) })
}
