package future

// Poll is the outcome of one call to Future.Poll: either Ready with a value
// or Pending. The zero Poll is Pending, so a forgotten return value is never
// mistaken for completion.
type Poll[T any] struct {
	value T
	ready bool
}

// Ready returns a Poll that reports completion with value v.
func Ready[T any](v T) Poll[T] { return Poll[T]{value: v, ready: true} }

// Pending returns a Poll that reports that the future has not finished.
func Pending[T any]() Poll[T] { return Poll[T]{} }

// IsReady reports whether the poll completed.
func (p Poll[T]) IsReady() bool { return p.ready }

// IsPending reports whether the future has not finished.
func (p Poll[T]) IsPending() bool { return !p.ready }

// Value returns the value and whether the poll is Ready. The value is the
// zero T when it is not.
func (p Poll[T]) Value() (T, bool) { return p.value, p.ready }

// String renders a poll as Ready(v) or Pending, for test failures and logs.
func (p Poll[T]) String() string {
	if !p.ready {
		return "Pending"
	}
	return "Ready(" + sprint(p.value) + ")"
}
