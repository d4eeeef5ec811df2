package main

//go:generate go run github.com/spindle-rt/spindle/cmd/spindle-async

import (
	"errors"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
	"github.com/spindle-rt/spindle/pool/joinset"
)

// stats is what a server did.
type stats struct{ conns, lines, aborted int }

// event is what the accept loop woke up for: the stop, a new connection
// (or the listener's error), or a connection that ended, with its count
// of lines.
type event struct {
	stop  bool
	conn  *poll.Conn
	err   error
	ended bool
	lines int
}

// serveBody accepts connections and runs each as a task of a JoinSet,
// reaping the ones that end as it goes, until stop is cancelled; then it
// stops accepting and gives the connections grace to finish.
//
//spindle:async
func serveBody(a *async.Awaiter, p *pool.Pool, l *poll.Listener, cfg config, stop *tasksync.CancellationToken) (stats, error) {
	defer l.Close()
	conns := joinset.New[int](p)
	var s stats
	for {
		ev := async.Await(a, future.SelectN(
			future.On(stop.Cancelled(), func(struct{}) event { return event{stop: true} }),
			future.On(l.Accept(), func(r future.Result[*poll.Conn]) event { return event{conn: r.Value, err: r.Err} }),
			future.On(conns.Next(), func(r future.Result[int]) event { return event{ended: true, lines: r.Value} }).
				If(conns.Len() > 0), // Next on an empty set is Ready at once
		))
		if ev.stop {
			break
		}
		switch {
		case ev.err != nil:
			conns.AbortAll()
			return s, ev.err
		case ev.conn != nil:
			s.conns++
			conns.SpawnOkFrom(a.Context(), handle(ev.conn, cfg, stop))
		case ev.ended:
			s.lines += ev.lines
		}
	}
	l.Close() // refuse new connections now, not when the last one is done

	lines, err := async.TryAwait(a, poll.TryTimeout(conns.JoinAll(), cfg.grace))
	if errors.Is(err, poll.ErrTimeout) {
		s.aborted = conns.Len()
		conns.AbortAll()
		lines, _ = async.TryAwait(a, conns.JoinAll())
	}
	for _, n := range lines {
		s.lines += n
	}
	return s, nil
}
