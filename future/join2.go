package future

// Join2 and Join3 join futures of different types. Their state machine is
// Join's, with the children in fields instead of a slice:
//
//	idle --Poll--> busy: poll every child not Ready yet, each once
//	               --> all Ready: Ready(Pair/Triple), done
//	                                --> otherwise Pending --> idle
//	(a panic of a child propagates and leaves the join busy)
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic
//	idle --Cancel--> the futures not Ready yet cancelled --> cancelled
//	cancelled --Poll--> panic ErrPolledAfterCancel
//
// Unlike Join, they poll their children with the join's own waker and
// poll every unfinished child on every poll, as futures-rs's join_all does
// for up to 30 children: with two or three children a spurious poll costs
// less than the per-child wakers and batch that would avoid it
// (BenchmarkFutureJoin2 in bench/ compares the two).

// Pair is the value of Join2: the values of its two futures.
type Pair[A, B any] struct {
	First  A
	Second B
}

// Unpack returns the two values, for a, b := p.Unpack().
func (p Pair[A, B]) Unpack() (A, B) { return p.First, p.Second }

// Triple is the value of Join3: the values of its three futures.
type Triple[A, B, C any] struct {
	First  A
	Second B
	Third  C
}

// Unpack returns the three values, for a, b, c := t.Unpack().
func (t Triple[A, B, C]) Unpack() (A, B, C) { return t.First, t.Second, t.Third }

// Join2 returns a future that runs a and b concurrently and is Ready with
// both values once both are Ready.
func Join2[A, B any](a Future[A], b Future[B]) Future[Pair[A, B]] {
	if a == nil || b == nil {
		misuseName("future.Join2", ErrNilFuture)
	}
	return &join2Future[A, B]{a: a, b: b, live: 2}
}

type join2Future[A, B any] struct {
	a      Future[A]
	b      Future[B]
	out    Pair[A, B]
	live   int
	st     stage
	polled bool // Adopt is ignored after the first poll
}

func (j *join2Future[A, B]) Poll(cx *Context) Poll[Pair[A, B]] {
	j.st.enter(j)
	j.polled = true
	j.live -= pollDirect(cx, &j.a, &j.out.First) + pollDirect(cx, &j.b, &j.out.Second)
	if j.live > 0 {
		return pending[Pair[A, B]](&j.st)
	}
	out := j.out
	j.out = Pair[A, B]{}
	return ready(&j.st, out)
}

// Cancel cancels the futures not Ready yet.
func (j *join2Future[A, B]) Cancel() {
	if j.st.cancel() {
		a, b := j.a, j.b
		j.a, j.b = nil, nil
		cancelLive(a, b)
	}
}

// cancelLive cancels the futures that are not nil.
func cancelLive(fs ...any) {
	for _, f := range fs {
		if f != nil {
			Cancel(f)
		}
	}
}

// Join3 returns a future that runs a, b and c concurrently and is Ready
// with the three values once all are Ready.
func Join3[A, B, C any](a Future[A], b Future[B], c Future[C]) Future[Triple[A, B, C]] {
	if a == nil || b == nil || c == nil {
		misuseName("future.Join3", ErrNilFuture)
	}
	return &join3Future[A, B, C]{a: a, b: b, c: c, live: 3}
}

type join3Future[A, B, C any] struct {
	a      Future[A]
	b      Future[B]
	c      Future[C]
	out    Triple[A, B, C]
	live   int
	st     stage
	polled bool // Adopt is ignored after the first poll
}

func (j *join3Future[A, B, C]) Poll(cx *Context) Poll[Triple[A, B, C]] {
	j.st.enter(j)
	j.polled = true
	j.live -= pollDirect(cx, &j.a, &j.out.First) + pollDirect(cx, &j.b, &j.out.Second) +
		pollDirect(cx, &j.c, &j.out.Third)
	if j.live > 0 {
		return pending[Triple[A, B, C]](&j.st)
	}
	out := j.out
	j.out = Triple[A, B, C]{}
	return ready(&j.st, out)
}

// Cancel cancels the futures not Ready yet.
func (j *join3Future[A, B, C]) Cancel() {
	if j.st.cancel() {
		a, b, c := j.a, j.b, j.c
		j.a, j.b, j.c = nil, nil, nil
		cancelLive(a, b, c)
	}
}

// pollDirect polls *f with cx unless it has finished; when it is Ready it
// stores the value in *out, drops the future and returns 1.
func pollDirect[T any](cx *Context, f *Future[T], out *T) int {
	if *f == nil {
		return 0
	}
	v, ok := (*f).Poll(cx).Value()
	if !ok {
		return 0
	}
	*out, *f = v, nil
	return 1
}

// Adopt implements Adopter: Join2 cancels the children it drops (on
// Cancel, the one whose poll panicked included), so its children are
// adopted.
func (j *join2Future[A, B]) Adopt() {
	if !j.polled {
		Adopt(j.a)
		Adopt(j.b)
	}
}

// Adopt implements Adopter, as Join2's does.
func (j *join3Future[A, B, C]) Adopt() {
	if !j.polled {
		Adopt(j.a)
		Adopt(j.b)
		Adopt(j.c)
	}
}
