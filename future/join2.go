package future

// Join2 and Join3 join futures of different types. Their state machine is
// Join's, with the children in fields instead of a slice:
//
//	idle --Poll--> busy: poll the woken children (all of them on the first
//	               poll), each once --> all Ready: Ready(Pair/Triple), done
//	                                --> otherwise Pending --> idle
//	(a panic of a child propagates and leaves the join busy)
//	done --Poll--> panic ErrPolledAfterReady
//	busy --Poll--> panic ErrPolledAfterPanic
//	idle --Cancel--> the futures not Ready yet cancelled --> cancelled
//	cancelled --Poll--> panic ErrPolledAfterCancel
//
// They use the same per-child wakers as Join, so a child is polled only
// when it was woken, whatever the number of children.

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
	a    Future[A]
	b    Future[B]
	out  Pair[A, B]
	live int
	set  wakeSet
	st   stage
}

func (j *join2Future[A, B]) Poll(cx *Context) Poll[Pair[A, B]] {
	j.st.enter(j)
	if !j.set.initialized() {
		j.set.init(2)
	}
	for _, i := range j.set.begin(cx) {
		switch i {
		case 0:
			if pollChild(&j.set, 0, &j.a, &j.out.First) {
				j.live--
			}
		case 1:
			if pollChild(&j.set, 1, &j.b, &j.out.Second) {
				j.live--
			}
		}
	}
	if j.live > 0 {
		return pending[Pair[A, B]](&j.st)
	}
	j.set.close()
	out := j.out
	j.out = Pair[A, B]{}
	return ready(&j.st, out)
}

// Cancel cancels the futures not Ready yet.
func (j *join2Future[A, B]) Cancel() {
	if j.st.cancel() {
		j.set.close()
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
	a    Future[A]
	b    Future[B]
	c    Future[C]
	out  Triple[A, B, C]
	live int
	set  wakeSet
	st   stage
}

func (j *join3Future[A, B, C]) Poll(cx *Context) Poll[Triple[A, B, C]] {
	j.st.enter(j)
	if !j.set.initialized() {
		j.set.init(3)
	}
	for _, i := range j.set.begin(cx) {
		switch i {
		case 0:
			if pollChild(&j.set, 0, &j.a, &j.out.First) {
				j.live--
			}
		case 1:
			if pollChild(&j.set, 1, &j.b, &j.out.Second) {
				j.live--
			}
		case 2:
			if pollChild(&j.set, 2, &j.c, &j.out.Third) {
				j.live--
			}
		}
	}
	if j.live > 0 {
		return pending[Triple[A, B, C]](&j.st)
	}
	j.set.close()
	out := j.out
	j.out = Triple[A, B, C]{}
	return ready(&j.st, out)
}

// Cancel cancels the futures not Ready yet.
func (j *join3Future[A, B, C]) Cancel() {
	if j.st.cancel() {
		j.set.close()
		a, b, c := j.a, j.b, j.c
		j.a, j.b, j.c = nil, nil, nil
		cancelLive(a, b, c)
	}
}

// pollChild polls *f as child i of set unless it has finished; when it is
// Ready it stores the value in *out, drops the future and retires the
// child, and reports true.
func pollChild[T any](set *wakeSet, i int32, f *Future[T], out *T) bool {
	if *f == nil {
		return false
	}
	v, ok := (*f).Poll(set.child(i)).Value()
	if !ok {
		return false
	}
	*out, *f = v, nil
	set.retire(i)
	return true
}
