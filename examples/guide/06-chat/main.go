// Step 6 of docs/guide.md: a chat server built from tasks and channels.
// Every connection gets a reader task and a writer task. Readers send
// lines to a hub task over a bounded MPSC channel (backpressure: a flood
// from one client waits instead of filling memory); the hub numbers them
// and sends them to every writer over a Broadcast channel; a Oneshot tells
// a writer that its client left.
//
//	go run ./examples/guide/06-chat                  # demo: 3 clients chat, then exit
//	go run ./examples/guide/06-chat -addr :7000      # serve; try `nc localhost 7000`
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/channel"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// serve accepts connections until the listener is closed.
func serve(ln *poll.Listener) future.Future[struct{}] {
	return async.New(func(a *async.Awaiter) struct{} {
		toHub, fromReaders := channel.Bounded[string](64)
		toWriters, unused := channel.NewBroadcast[string](64)
		unused.Close()
		pool.SpawnFrom(a.Context(), hub(fromReaders, toWriters))
		for id := 1; ; id++ {
			c, err := async.TryAwait(a, ln.Accept())
			if err != nil {
				break // the listener was closed
			}
			bye, left := channel.NewOneshot[struct{}]()
			pool.SpawnFrom(a.Context(), writer(c, id, toWriters.Subscribe(), left))
			pool.SpawnFrom(a.Context(), reader(c, id, toHub.Clone(), bye))
		}
		toHub.Close() // the hub ends once every reader closed its clone too
		return struct{}{}
	})
}

// hub numbers every line and broadcasts it, until every reader is gone.
func hub(in *channel.Receiver[string], out *channel.BroadcastSender[string]) future.Future[struct{}] {
	n := 0
	lines := stream.FromReceiver[string](in)
	return future.Map(stream.ForEach[string](lines, func(line string) {
		n++
		// Send never waits: a slow receiver lags and is told so. Its error
		// (no receiver subscribed) does not matter to a chat.
		_ = out.Send(fmt.Sprintf("#%d %s\n", n, line))
	}), func(struct{}) struct{} { out.Close(); return struct{}{} })
}

// reader sends each line of client id to the hub. When the client leaves
// it closes left, which tells the writer to stop.
func reader(c *poll.Conn, id int, toHub *channel.Sender[string], left *channel.OneshotSender[struct{}]) future.Future[struct{}] {
	return async.New(func(a *async.Awaiter) struct{} {
		defer left.Close()
		defer toHub.Close()
		buf, pending := make([]byte, 1024), []byte(nil)
		for {
			n, err := async.TryAwait(a, c.Read(buf))
			if err != nil { // io.EOF: the client left
				return struct{}{}
			}
			pending = append(pending, buf[:n]...)
			for i := bytes.IndexByte(pending, '\n'); i >= 0; i = bytes.IndexByte(pending, '\n') {
				line := fmt.Sprintf("user%d: %s", id, bytes.TrimSpace(pending[:i]))
				pending = pending[i+1:]
				if _, err := async.TryAwait(a, toHub.Send(line)); err != nil {
					return struct{}{}
				}
			}
		}
	})
}

// writer welcomes client id, then writes it every broadcast line until the
// reader says the client left; then it closes the connection.
func writer(c *poll.Conn, id int, rx *channel.BroadcastReceiver[string], left *channel.OneshotReceiver[struct{}]) future.Future[struct{}] {
	return async.New(func(a *async.Awaiter) struct{} {
		defer c.Close() // done when called; it also ends the reader's read
		defer rx.Close()
		msg := fmt.Sprintf("welcome user%d\n", id)
		for {
			if _, err := async.TryAwait(a, c.WriteAll([]byte(msg))); err != nil {
				return struct{}{}
			}
			// Wait for the next line or for the client to leave, whichever
			// comes first; the losing receive is dropped without a value.
			next := async.Await(a, future.Select[future.Result[string], future.Result[struct{}]](rx.Recv(), left))
			if next.Index == 1 || next.First.Err != nil {
				return struct{}{} // the client left, the hub closed, or we lagged
			}
			msg = next.First.Value
		}
	})
}

func main() {
	addr := flag.String("addr", "", "serve on this address until killed (default: run the demo)")
	flag.Parse()
	reactor, err := poll.NewReactor()
	if err != nil {
		panic(err)
	}
	p, err := pool.New(pool.WithWorkers(2), pool.WithDriver(reactor))
	if err != nil {
		panic(err)
	}
	defer p.Shutdown(context.Background())
	listen := *addr
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	ln, err := poll.Listen("tcp", listen)
	if err != nil {
		panic(err)
	}
	server := pool.Spawn(p, serve(ln))
	if *addr != "" {
		fmt.Println("chat server on", ln.Addr())
		server.Wait(context.Background())
		return
	}
	demo(ln.Addr().String())
	ln.Close()
	server.Wait(context.Background())
}

// demo connects three plain Go clients, each says one line, and each
// reads the three chat lines; the broadcast gives every client one order.
func demo(addr string) {
	type client struct {
		c net.Conn
		r *bufio.Reader
	}
	var cs []client
	for range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			panic(err)
		}
		r := bufio.NewReader(c)
		welcome, _ := r.ReadString('\n') // subscribed before the next dial
		fmt.Print(welcome)
		cs = append(cs, client{c, r})
	}
	for i, cl := range cs {
		fmt.Fprintf(cl.c, "hello from client %d\n", i+1)
	}
	var seen [][]string
	for _, cl := range cs {
		var lines []string
		for range 3 {
			line, err := cl.r.ReadString('\n')
			if err != nil {
				panic(err)
			}
			lines = append(lines, line)
		}
		seen = append(seen, lines)
		cl.c.Close()
	}
	fmt.Println("every client saw the same order:", slices.Equal(seen[0], seen[1]) && slices.Equal(seen[1], seen[2]))
	var said []string // the order varies from run to run; what was said does not
	for _, line := range seen[0] {
		_, text, _ := strings.Cut(line, " ")
		said = append(said, text)
	}
	slices.Sort(said)
	fmt.Print(strings.Join(said, ""))
}
