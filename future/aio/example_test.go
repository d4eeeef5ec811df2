package aio_test

import (
	"fmt"
	"net"
	"strings"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/aio"
	"github.com/spindle-rt/spindle/future/async"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/poll"
)

// serve runs a one-connection server and a client in one program, on one
// goroutine: the client's body gets a dialed connection, the server's
// the accepted one. It is the scaffolding of the examples below.
func serve(server, client func(a *async.Awaiter, c *poll.Conn)) {
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	poll.BlockOn(future.Join2[struct{}, struct{}](
		async.New(func(a *async.Awaiter) struct{} {
			c, err := async.TryAwait(a, l.Accept())
			if err != nil {
				panic(err)
			}
			defer c.Close()
			server(a, c)
			return struct{}{}
		}),
		async.New(func(a *async.Awaiter) struct{} {
			c, err := async.TryAwait(a, poll.Dial("tcp", l.Addr().String()))
			if err != nil {
				panic(err)
			}
			defer c.Close()
			client(a, c)
			return struct{}{}
		})))
}

// A line-protocol server reads with a BufReader and answers through a
// BufWriter, flushing once per request.
func ExampleBufReader_ReadLine() {
	serve(func(a *async.Awaiter, c *poll.Conn) {
		in, out := aio.NewBufReader(c), aio.NewBufWriter(c)
		for {
			line, err := async.TryAwait(a, in.ReadLine())
			if err != nil {
				break // io.EOF: the client is done
			}
			async.Await(a, aio.WriteAll(out, []byte(strings.ToUpper(line)+"\n")))
			async.Await(a, out.Flush())
		}
	}, func(a *async.Awaiter, c *poll.Conn) {
		in := aio.NewBufReader(c)
		for _, q := range []string{"hello", "world"} {
			async.Await(a, aio.WriteAll(c, []byte(q+"\r\n")))
			answer, _ := async.TryAwait(a, in.ReadLine())
			fmt.Println(answer)
		}
	})
	// Output:
	// HELLO
	// WORLD
}

// Lines is a stream of lines with a length limit; Err says why it ended.
func ExampleBufReader_Lines() {
	serve(func(a *async.Awaiter, c *poll.Conn) {
		in := aio.NewBufReader(c)
		in.SetMaxLine(16)
		lines := in.Lines()
		for _, line := range async.Await(a, stream.Collect[string](lines)) {
			fmt.Printf("%q\n", line)
		}
		fmt.Println(lines.Err())
	}, func(a *async.Awaiter, c *poll.Conn) {
		async.Await(a, aio.WriteAll(c, []byte("GET /\nHost: x\n"+strings.Repeat("y", 100)+"\n")))
	})
	// Output:
	// "GET /"
	// "Host: x"
	// aio: line too long: no '\n' within 16 bytes
}

// Copy moves everything from a reader to a writer, with one buffer per
// call; here it is an echo server.
func ExampleCopy() {
	serve(func(a *async.Awaiter, c *poll.Conn) {
		n, err := async.TryAwait(a, aio.Copy(c, c))
		fmt.Println("echoed", n, err)
		c.CloseWrite()
	}, func(a *async.Awaiter, c *poll.Conn) {
		async.Await(a, aio.WriteAll(c, []byte("ping")))
		c.CloseWrite()
		back, _ := async.TryAwait(a, aio.ReadAll(c))
		fmt.Printf("%s\n", back)
	})
	// Output:
	// echoed 4 <nil>
	// ping
}

// ReadFull reads a fixed-size header, then the body it announces.
func ExampleReadFull() {
	serve(func(a *async.Awaiter, c *poll.Conn) {
		var hdr [2]byte
		if _, err := async.TryAwait(a, aio.ReadFull(c, hdr[:])); err != nil {
			panic(err)
		}
		body := make([]byte, int(hdr[0])<<8|int(hdr[1]))
		_, err := async.TryAwait(a, aio.ReadFull(c, body))
		fmt.Printf("%q %v\n", body, err)
		_, err = async.TryAwait(a, aio.ReadFull(c, hdr[:]))
		fmt.Println(err)
	}, func(a *async.Awaiter, c *poll.Conn) {
		async.Await(a, aio.WriteAll(c, []byte("\x00\x05hello")))
	})
	// Output:
	// "hello" <nil>
	// EOF
}

// CopyBidirectional is the heart of a proxy: it copies both ways and
// half-closes each side when the other is done.
func ExampleCopyBidirectional() {
	upstream, err := net.Listen("tcp", "127.0.0.1:0") // an ordinary Go server
	if err != nil {
		panic(err)
	}
	defer upstream.Close()
	go func() {
		c, err := upstream.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		var b [64]byte
		n, _ := c.Read(b[:])
		fmt.Fprintf(c, "upstream saw %q", b[:n])
	}()
	serve(func(a *async.Awaiter, c *poll.Conn) {
		up, err := async.TryAwait(a, poll.Dial("tcp", upstream.Addr().String()))
		if err != nil {
			panic(err)
		}
		defer up.Close()
		n, err := async.TryAwait(a, aio.CopyBidirectional(c, up))
		fmt.Println(n.First, n.Second, err)
	}, func(a *async.Awaiter, c *poll.Conn) {
		async.Await(a, aio.WriteAll(c, []byte("hi")))
		reply, _ := async.TryAwait(a, aio.ReadAll(c))
		fmt.Printf("%s\n", reply)
	})
	// Output:
	// upstream saw "hi"
	// 2 17 <nil>
}

// BufWriter gathers small writes into one; Flush sends them.
func ExampleBufWriter() {
	serve(func(a *async.Awaiter, c *poll.Conn) {
		out := aio.NewBufWriter(c)
		for _, word := range []string{"one ", "two ", "three"} {
			async.Await(a, aio.WriteAll(out, []byte(word))) // buffered
		}
		fmt.Println("buffered:", out.Buffered())
		async.Await(a, out.Flush())
	}, func(a *async.Awaiter, c *poll.Conn) {
		got, _ := async.TryAwait(a, aio.ReadAll(c))
		fmt.Printf("%s\n", got)
	})
	// Output:
	// buffered: 13
	// one two three
}

// Split gives the read half and the write half of one connection to two
// futures that run at once (here joined in one task; two tasks work too).
func ExampleSplit() {
	serve(func(a *async.Awaiter, c *poll.Conn) {
		n, _ := async.TryAwait(a, aio.Copy(c, c)) // echo
		c.CloseWrite()
		fmt.Println("server echoed", n)
	}, func(a *async.Awaiter, c *poll.Conn) {
		rd, wr := aio.Split(c)
		both := async.Await(a, future.Join2[future.Result[int], future.Result[[]byte]](
			future.Map(aio.WriteAll(wr, []byte("ping pong")), func(r future.Result[int]) future.Result[int] {
				c.CloseWrite()
				return r
			}),
			aio.ReadAll(rd)))
		fmt.Printf("client read %q\n", both.Second.Value)
	})
	// Unordered output:
	// server echoed 9
	// client read "ping pong"
}
