package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/aio"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/tasksync"
	"github.com/spindle-rt/spindle/poll"
)

// handleBody answers c's lines until the client closes, falls idle, or the
// server stops, and returns how many lines it answered. A line that has
// arrived is answered before the stop is seen: the select is biased, and
// once the stop is seen the lines still arriving get lastLook to be read.
//
//spindle:async
func handleBody(a *async.Awaiter, c *poll.Conn, cfg config, stop *tasksync.CancellationToken) int {
	defer c.Close()
	r := aio.NewBufReader(c)
	r.SetMaxLine(cfg.maxLine + 2) // room for "\r\n"; longer is never buffered
	n := 0
	for {
		line, err := async.TryAwait(a, future.SelectBiased(
			future.On(poll.TryTimeout(r.ReadLine(), cfg.idle), func(r future.Result[string]) future.Result[string] { return r }),
			future.On(stop.Cancelled(), func(struct{}) future.Result[string] { return future.Err[string](errStopping) }),
		))
		if errors.Is(err, errStopping) {
			// A line the client sent before the stop may not have been
			// reported by the reactor yet: a read that emptied the socket
			// waits for the next event, as in tokio, rather than trying a
			// system call. One more read under a short timeout gives the
			// reactor that turn.
			line, err = async.TryAwait(a, poll.TryTimeout(r.ReadLine(), lastLook))
			if err != nil {
				err = errStopping
			}
		}
		var reply string
		switch {
		case err == nil && len(line) <= cfg.maxLine:
			reply = strings.ToUpper(line)
		case err == nil || errors.Is(err, aio.ErrLineTooLong):
			reply = fmt.Sprintf("error: line too long (max %d bytes)", cfg.maxLine)
		case errors.Is(err, poll.ErrTimeout):
			reply = fmt.Sprintf("bye: idle for %v", cfg.idle)
		case errors.Is(err, errStopping):
			reply = "bye: server stopping"
		default:
			return n // io.EOF: the client is done; or the connection failed
		}
		if _, err := async.TryAwait(a, c.WriteAll([]byte(reply+"\n"))); err != nil {
			return n
		}
		if strings.HasPrefix(reply, "bye") {
			return n
		}
		n++
	}
}

var errStopping = errors.New("server stopping")

// lastLook is how long a connection waits, once the server stops, for a
// line that may already have arrived.
const lastLook = 20 * time.Millisecond
