package future

// Future is a computation that completes with a value of type T. Poll
// advances it as far as it can go without blocking and returns Ready with
// the value, or Pending after arranging for cx.Waker() to be woken when it
// can make progress. The full contract is in the package documentation.
type Future[T any] interface {
	Poll(cx *Context) Poll[T]
}

// Func is a poll function used as a Future. The function is called on every
// poll and follows the same contract as Future.Poll.
type Func[T any] func(cx *Context) Poll[T]

// Poll calls f.
func (f Func[T]) Poll(cx *Context) Poll[T] { return f(cx) }
