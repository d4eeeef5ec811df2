package future

import "slices"

// group is the engine of Join, Race, TryJoin, TryRace and FirstOk: n
// children of one type, polled through a wakeSet so that each poll polls
// only the woken children, each at most once per poll.
//
// A child's life: live (children[i] != nil), polled when woken, until it is
// Ready, then finished (children[i] = nil, never polled again, its wakes
// ignored). The group's life: open until its combinator completes and calls
// close, after which no child is polled and every wake is a no-op.
type group[T any] struct {
	children []Future[T]
	live     int
	set      wakeSet
}

// newGroup copies fs (the caller's slice is never modified) and panics with
// a *MisuseError on a nil child, naming the constructor.
func newGroup[T any](name string, fs []Future[T]) group[T] {
	for _, f := range fs {
		if f == nil {
			misuseName(name, ErrNilFuture)
		}
	}
	return group[T]{children: slices.Clone(fs), live: len(fs)}
}

// poll polls every live child woken since the last poll, in wake order (the
// first poll polls all of them in index order). For each child that
// completes it calls done(i, v); when done returns true, poll stops at once
// and returns true, leaving the rest of the batch unpolled. A panic of a
// child or of done propagates.
func (g *group[T]) poll(cx *Context, done func(i int, v T) (stop bool)) bool {
	return g.pollIn(cx, nil, done)
}

// pollIn is poll with the batch of woken children put in order by order
// (when not nil) before any of them is polled: SelectN shuffles it,
// SelectBiased sorts it.
func (g *group[T]) pollIn(cx *Context, order func(cx *Context, batch []int32), done func(i int, v T) (stop bool)) bool {
	if !g.set.initialized() {
		g.set.init(len(g.children))
	}
	batch := g.set.begin(cx)
	if order != nil {
		order(cx, batch)
	}
	for _, i := range batch {
		f := g.children[i]
		if f == nil {
			continue // finished, but woke itself before returning Ready
		}
		if v, ok := f.Poll(g.set.child(i)).Value(); ok {
			g.children[i] = nil
			g.set.retire(i)
			g.live--
			if done(int(i), v) {
				return true
			}
		}
	}
	return false
}

// cancel cancels the children still live, in index order, and closes the
// group. A panic of a child's Cancel propagates.
func (g *group[T]) cancel() {
	children := g.children
	g.close()
	for _, f := range children {
		if f != nil {
			Cancel(f)
		}
	}
}

// close ends the group: the remaining children are dropped unpolled.
func (g *group[T]) close() {
	g.set.close()
	g.children = nil
}

// adopt adopts every child (see Adopter) if the group has not polled yet.
// Its combinators may pass an adoption on: they cancel every child they
// drop (the rest once they complete; every live child on Cancel, the one
// whose poll panicked included, since a panic leaves it live).
func (g *group[T]) adopt() {
	if !g.set.initialized() {
		for _, f := range g.children {
			Adopt(f)
		}
	}
}
