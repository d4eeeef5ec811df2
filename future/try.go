package future

// The Result combinators: futures of type Future[Result[T]] composed with
// early exit on error, the way Go code returns at the first err != nil.
// AndThen, MapOk, TryMap and MapErr are Then and Map with the error path
// spelled out, so they have the same state machines (see then.go, map.go):
// on an Err they complete with it without calling fn.

// AndThen returns a future that runs f and, if it succeeds with v, runs
// fn(v) and completes with its Result. If f fails, AndThen completes with
// f's error and fn is never called.
func AndThen[T, U any](f Future[Result[T]], fn func(T) Future[Result[U]]) Future[Result[U]] {
	if f == nil {
		misuseName("future.AndThen", ErrNilFuture)
	}
	if fn == nil {
		misuseName("future.AndThen", ErrNilFunc)
	}
	return Then(f, func(r Result[T]) Future[Result[U]] {
		if r.Err != nil {
			return Done(Err[U](r.Err))
		}
		return fn(r.Value)
	})
}

// MapOk returns a future that completes with Ok(fn(v)) when f succeeds
// with v, and with f's error, without calling fn, when f fails.
func MapOk[T, U any](f Future[Result[T]], fn func(T) U) Future[Result[U]] {
	if f == nil {
		misuseName("future.MapOk", ErrNilFuture)
	}
	if fn == nil {
		misuseName("future.MapOk", ErrNilFunc)
	}
	return Map(f, func(r Result[T]) Result[U] {
		if r.Err != nil {
			return Err[U](r.Err)
		}
		return Ok(fn(r.Value))
	})
}

// TryMap is MapOk for a fallible fn, the Go way: when f succeeds with v it
// completes with fn(v)'s value and error.
func TryMap[T, U any](f Future[Result[T]], fn func(T) (U, error)) Future[Result[U]] {
	if f == nil {
		misuseName("future.TryMap", ErrNilFuture)
	}
	if fn == nil {
		misuseName("future.TryMap", ErrNilFunc)
	}
	return Map(f, func(r Result[T]) Result[U] {
		if r.Err != nil {
			return Err[U](r.Err)
		}
		u, err := fn(r.Value)
		return Result[U]{Value: u, Err: err}
	})
}

// MapErr returns a future that completes like f, except that an error is
// replaced by fn(err) (to wrap it with context, for instance). fn is not
// called when f succeeds.
func MapErr[T any](f Future[Result[T]], fn func(error) error) Future[Result[T]] {
	if f == nil {
		misuseName("future.MapErr", ErrNilFuture)
	}
	if fn == nil {
		misuseName("future.MapErr", ErrNilFunc)
	}
	return Map(f, func(r Result[T]) Result[T] {
		if r.Err != nil {
			r.Err = fn(r.Err)
		}
		return r
	})
}
