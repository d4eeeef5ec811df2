package pool

// observeBlocking gives a SpawnBlocking task the record a tracked future
// gives the others: listed by Tasks and Dump (running for its whole life:
// its goroutine holds the poll lock), named after its spawn site, and
// traced as one region around fn. It is called only from SpawnBlocking,
// for the same frame count as instrument (captureSite).
func observeBlocking(p *Pool, h *header) *taskRecord {
	r := &taskRecord{}
	r.watch(p, h, nil)
	return r
}

// runBlocking runs fn as the one "poll" of a SpawnBlocking task, under its
// record if it has one.
func runBlocking[T any](r *taskRecord, fn func() T) (T, error) {
	if r == nil {
		return callBlocking(fn)
	}
	region := r.enter()
	defer r.leave(region, true)
	return callBlocking(fn)
}
