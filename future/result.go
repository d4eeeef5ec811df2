package future

// Result is the value of a future that can fail: Value when Err is nil, an
// error otherwise. It is Go's (value, error) pair as one type, so that it
// can be the T of a Future[T] and flow through every combinator. Get returns
// the pair.
type Result[T any] struct {
	Value T
	Err   error
}

// Ok returns a successful Result holding v.
func Ok[T any](v T) Result[T] { return Result[T]{Value: v} }

// Err returns a failed Result holding err.
func Err[T any](err error) Result[T] { return Result[T]{Err: err} }

// Get returns the value and the error, the Go way.
func (r Result[T]) Get() (T, error) { return r.Value, r.Err }

// IsOk reports whether r holds no error.
func (r Result[T]) IsOk() bool { return r.Err == nil }
