package poll_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
)

// Some tests need a second process: the descriptor-exhaustion test lowers
// RLIMIT_NOFILE in a child, and the many-connection test runs its clients
// in a child because one process may not hold both ends of 10,000
// connections under this machine's hard limit. The test binary re-executes
// itself with childEnv naming the role.
const childEnv = "POLL_TEST_CHILD"

func runChild() int {
	var err error
	switch os.Getenv(childEnv) {
	case "clients":
		err = childClients(os.Getenv("POLL_ADDR"), atoiEnv("POLL_N"))
	case "emfile":
		err = childEMFILE(atoiEnv("POLL_N"))
	default:
		err = fmt.Errorf("unknown child role %q", os.Getenv(childEnv))
	}
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	return 0
}

func atoiEnv(k string) int {
	n, _ := strconv.Atoi(os.Getenv(k))
	return n
}

// startChild runs the test binary in role with env, and returns its stdout
// lines and a wait function.
func startChild(t *testing.T, role string, env ...string) (*bufio.Scanner, func() error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), childEnv+"="+role), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	return bufio.NewScanner(out), cmd.Wait
}

// childClients opens n connections to addr at once on one reactor, checks
// that each gets its 64 bytes echoed, keeps them all open until every one
// has, then closes them and prints "ok=<count>".
func childClients(addr string, n int) error {
	raiseNoFile()
	r, err := poll.NewReactor()
	if err != nil {
		return err
	}
	defer r.Close()
	e := newExec(r)
	bar := &barrier{n: n}
	good, bad := 0, 0
	var firstErr error
	for i := range n {
		msg := make([]byte, 64)
		binary.LittleEndian.PutUint64(msg, uint64(i))
		got := make([]byte, 64)
		var dial future.Future[future.Result[*poll.Conn]]
		var wr, rd future.Future[future.Result[int]]
		var wait future.Future[struct{}]
		var c *poll.Conn
		read, step := 0, 0
		fail := func(err error) {
			bad++
			if firstErr == nil {
				firstErr = err
			}
			step = 3
		}
		e.spawn(fn(func(cx *future.Context) bool {
			for {
				switch step {
				case 0:
					res, ok := await(cx, &dial, func() future.Future[future.Result[*poll.Conn]] { return poll.Dial("tcp", addr) })
					if !ok {
						return false
					}
					if res.Err != nil {
						fail(res.Err)
						continue
					}
					c, step = res.Value, 1
				case 1:
					res, ok := await(cx, &wr, func() future.Future[future.Result[int]] { return c.WriteAll(msg) })
					if !ok {
						return false
					}
					if res.Err != nil {
						fail(res.Err)
						continue
					}
					step = 2
				case 2:
					res, ok := await(cx, &rd, func() future.Future[future.Result[int]] { return c.Read(got[read:]) })
					if !ok {
						return false
					}
					if res.Err != nil {
						fail(res.Err)
						continue
					}
					if read += res.Value; read == len(got) {
						if bytes.Equal(msg, got) {
							good++
						} else {
							fail(fmt.Errorf("conn %d: wrong bytes echoed", i))
						}
						step = 3
					}
				case 3:
					if _, ok := await(cx, &wait, bar.wait); !ok {
						return false // all connections are open together here
					}
					if c != nil {
						c.Close()
					}
					return true
				}
			}
		}))
	}
	e.run()
	fmt.Printf("ok=%d\n", good)
	if bad > 0 {
		return fmt.Errorf("%d of %d clients failed; first: %v", bad, n, firstErr)
	}
	return nil
}

// childEMFILE serves on a listener with RLIMIT_NOFILE lowered so that only
// a handful of connections fit. It holds every accepted connection; each
// time Accept has backed off for lack of descriptors it closes the held
// ones, which lets accepting resume. It stops after n connections and
// prints "accepted=<n> backoffs=<count>".
func childEMFILE(n int) error {
	r, err := poll.NewReactor()
	if err != nil {
		return err
	}
	defer r.Close()
	l, err := poll.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println(l.Addr())
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return err
	}
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	lim.Cur = uint64(len(ents) + 4)
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	e := newExec(r)
	var held []*poll.Conn
	total := 0
	var acc future.Future[future.Result[*poll.Conn]]
	e.spawn(fn(func(cx *future.Context) bool {
		for total < n {
			res, ok := await(cx, &acc, func() future.Future[future.Result[*poll.Conn]] { return l.Accept() })
			if !ok {
				return false
			}
			c, err := res.Get()
			if err != nil {
				fmt.Println("accept error:", err)
				total = n
				return true
			}
			held = append(held, c)
			total++
		}
		return true
	}))
	tick := poll.Interval(2 * time.Millisecond)
	seen := int64(0)
	e.spawn(fn(func(cx *future.Context) bool {
		for {
			if total >= n {
				tick.Stop()
				return true
			}
			if tick.PollNext(cx).IsPending() {
				return false
			}
			if b := l.Backoffs(); b > seen {
				seen = b
				for _, c := range held {
					c.Close()
				}
				held = held[:0]
			}
		}
	}))
	e.run()
	for _, c := range held {
		c.Close()
	}
	l.Close()
	fmt.Printf("accepted=%d backoffs=%d\n", total, l.Backoffs())
	return nil
}
