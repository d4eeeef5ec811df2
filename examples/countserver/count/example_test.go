package count_test

import (
	"context"
	"fmt"

	"github.com/spindle-rt/spindle/examples/countserver/count"
)

// A server and a client in one program: an async server on a free port,
// a thread client making 100 transactions, 8 at a time.
func Example() {
	srv, err := count.Listen("127.0.0.1:0", count.ServerConfig{Mode: count.Async})
	if err != nil {
		panic(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx) }()

	rep, err := count.Measure(context.Background(), count.ClientConfig{
		Mode: count.Thread, Addr: srv.Addr().String(), N: 100, M: 8})
	if err != nil {
		panic(err)
	}
	lo, hi := rep.Range()
	fmt.Println("verify:", rep.Verify(), "values", lo, "to", hi)

	stop() // graceful: stop accepting, finish what was accepted
	fmt.Println("serve:", <-served, "final count", srv.Count())
	// Output:
	// verify: <nil> values 0 to 99
	// serve: <nil> final count 100
}

func ExampleAppendReply() {
	fmt.Printf("%q\n", count.AppendReply(nil, 42))
	// Output: "42\r\n"
}

func ExampleParseReply() {
	v, err := count.ParseReply([]byte("10123\r\n"))
	fmt.Println(v, err)
	_, err = count.ParseReply([]byte("ten\r\n"))
	fmt.Println(err)
	// Output:
	// 10123 <nil>
	// malformed count reply "ten": not a decimal number
}
