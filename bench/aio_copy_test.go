package bench

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/future/aio"
	"github.com/spindle-rt/spindle/future/stream"
	"github.com/spindle-rt/spindle/poll"
)

// BenchmarkAioCopy: one op = 32 KiB moved from a loopback TCP socket to a
// counting sink, by aio.Copy over a spindle Conn (on a reactor driven by
// the benchmark's goroutine) and by io.Copy over a net.Conn. The sender is
// a goroutine with package net in both cases. The sink has no ReadFrom, so
// io.Copy uses its own 32 KiB buffer, the size aio.Copy allocates.
func BenchmarkAioCopy(b *testing.B) {
	const chunk = 32 << 10
	b.Run("aio.Copy", func(b *testing.B) {
		r, c, done := spindleReceiver(b, b.N, chunk, nil)
		defer done()
		b.SetBytes(chunk)
		b.ReportAllocs()
		b.ResetTimer()
		n, err := future.BlockOnDriver(r, aio.Copy(&aioCount{}, c)).Get()
		b.StopTimer()
		if err != nil || n != int64(b.N)*chunk {
			b.Fatalf("copied %d, %v", n, err)
		}
	})
	b.Run("io.Copy", func(b *testing.B) {
		nc, done := netReceiver(b, b.N, chunk, nil)
		defer done()
		b.SetBytes(chunk)
		b.ReportAllocs()
		b.ResetTimer()
		n, err := io.Copy(&ioCount{}, nc)
		b.StopTimer()
		if err != nil || n != int64(b.N)*chunk {
			b.Fatalf("copied %d, %v", n, err)
		}
	})
}

// BenchmarkAioLines: one op = one 64-byte line read from a loopback TCP
// socket: aio.BufReader's ReadLine and Lines against bufio.Reader's
// ReadString and bufio.Scanner over a net.Conn. Each returns the line as a
// string (one allocation each, on every side).
func BenchmarkAioLines(b *testing.B) {
	line := []byte(strings.Repeat("x", 63) + "\n")
	b.Run("aio.ReadLine", func(b *testing.B) {
		r, c, done := spindleReceiver(b, b.N, 0, line)
		defer done()
		b.ReportAllocs()
		b.ResetTimer()
		got := future.BlockOnDriver(r, &lineCounter{br: aio.NewBufReader(c)})
		b.StopTimer()
		if got != b.N {
			b.Fatalf("read %d lines, want %d", got, b.N)
		}
	})
	b.Run("aio.Lines", func(b *testing.B) {
		r, c, done := spindleReceiver(b, b.N, 0, line)
		defer done()
		b.ReportAllocs()
		b.ResetTimer()
		lines := aio.NewBufReader(c).Lines()
		n := 0
		future.BlockOnDriver(r, stream.ForEach[string](lines, func(string) { n++ }))
		b.StopTimer()
		if n != b.N || lines.Err() != nil {
			b.Fatalf("read %d lines, want %d (%v)", n, b.N, lines.Err())
		}
	})
	// Both ends spindle futures in one BlockOn: no thread to wake when the
	// reader runs dry, the sender's next write runs on the same goroutine.
	b.Run("aio.Lines/spindle-sender", func(b *testing.B) {
		r, err := poll.NewReactor()
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		l, err := poll.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		p := future.BlockOnDriver(r, future.Join2[future.Result[*poll.Conn], future.Result[*poll.Conn]](
			l.Accept(), poll.Dial("tcp", l.Addr().String())))
		tx, rx := p.First.Value, p.Second.Value
		if p.First.Err != nil || p.Second.Err != nil {
			b.Fatal(p.First.Err, p.Second.Err)
		}
		defer tx.Close()
		defer rx.Close()
		b.ReportAllocs()
		b.ResetTimer()
		lines := aio.NewBufReader(rx).Lines()
		n := 0
		future.BlockOnDriver(r, future.Join2[struct{}, struct{}](
			&lineSender{c: tx, line: line, n: b.N},
			stream.ForEach[string](lines, func(string) { n++ })))
		b.StopTimer()
		if n != b.N || lines.Err() != nil {
			b.Fatalf("read %d lines, want %d (%v)", n, b.N, lines.Err())
		}
	})
	// In memory: the parsers alone, no socket and no waiting.
	b.Run("mem/aio.Lines", func(b *testing.B) {
		b.ReportAllocs()
		lines := aio.NewBufReader(&memLines{line: line, n: b.N}).Lines()
		n := 0
		future.BlockOn(stream.ForEach[string](lines, func(string) { n++ }))
		if n != b.N {
			b.Fatalf("read %d lines, want %d", n, b.N)
		}
	})
	b.Run("mem/bufio.Scanner", func(b *testing.B) {
		b.ReportAllocs()
		sc := bufio.NewScanner(&memLines{line: line, n: b.N})
		n := 0
		for sc.Scan() {
			_ = sc.Text()
			n++
		}
		if n != b.N {
			b.Fatalf("read %d lines, want %d", n, b.N)
		}
	})
	b.Run("bufio.ReadString", func(b *testing.B) {
		nc, done := netReceiver(b, b.N, 0, line)
		defer done()
		b.ReportAllocs()
		b.ResetTimer()
		br := bufio.NewReader(nc)
		n := 0
		for {
			if _, err := br.ReadString('\n'); err != nil {
				break
			}
			n++
		}
		b.StopTimer()
		if n != b.N {
			b.Fatalf("read %d lines, want %d", n, b.N)
		}
	})
	b.Run("bufio.Scanner", func(b *testing.B) {
		nc, done := netReceiver(b, b.N, 0, line)
		defer done()
		b.ReportAllocs()
		b.ResetTimer()
		sc := bufio.NewScanner(nc)
		n := 0
		for sc.Scan() {
			_ = sc.Text()
			n++
		}
		b.StopTimer()
		if n != b.N || sc.Err() != nil {
			b.Fatalf("read %d lines, want %d (%v)", n, b.N, sc.Err())
		}
	})
}

// lineCounter reads lines with ReadLine until the end and counts them.
type lineCounter struct {
	br  *aio.BufReader
	cur future.Future[future.Result[string]]
	n   int
}

func (l *lineCounter) Poll(cx *future.Context) future.Poll[int] {
	for {
		if l.cur == nil {
			l.cur = l.br.ReadLine()
		}
		res, ok := l.cur.Poll(cx).Value()
		if !ok {
			return future.Pending[int]()
		}
		l.cur = nil
		if res.Err != nil {
			return future.Ready(l.n)
		}
		l.n++
	}
}

type aioCount struct{ n int64 }

func (w *aioCount) PollWrite(_ *future.Context, p []byte) future.Poll[future.Result[int]] {
	w.n += int64(len(p))
	return future.Ready(future.Ok(len(p)))
}

type ioCount struct{ n int64 }

func (w *ioCount) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// sendAll writes n chunks of zeros (or n copies of line) to c in 64 KiB
// writes, then closes it.
func sendAll(c net.Conn, n, chunk int, line []byte) {
	defer c.Close()
	var batch []byte
	per := 1
	if line != nil {
		per = max(1, (64<<10)/len(line))
		batch = []byte(strings.Repeat(string(line), per))
	} else {
		batch = make([]byte, chunk)
	}
	for n > 0 {
		k := min(n, per)
		if line != nil {
			if _, err := c.Write(batch[:k*len(line)]); err != nil {
				return
			}
		} else if _, err := c.Write(batch); err != nil {
			return
		}
		n -= k
	}
}

// pairWithSender returns the receiving end dialed by dial and starts a
// sender on the accepted end.
func pairWithSender(b *testing.B, n, chunk int, line []byte, dial func(addr string) (func(), error)) func() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	closeRecv, err := dial(l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	peer, err := l.Accept()
	if err != nil {
		b.Fatal(err)
	}
	sent := make(chan struct{})
	go func() { defer close(sent); sendAll(peer, n, chunk, line) }()
	return func() { closeRecv(); <-sent }
}

func spindleReceiver(b *testing.B, n, chunk int, line []byte) (*poll.Reactor, *poll.Conn, func()) {
	r, err := poll.NewReactor()
	if err != nil {
		b.Fatal(err)
	}
	var c *poll.Conn
	done := pairWithSender(b, n, chunk, line, func(addr string) (func(), error) {
		var err error
		c, err = future.BlockOnDriver(r, poll.Dial("tcp", addr)).Get()
		return func() { c.Close(); r.Close() }, err
	})
	return r, c, done
}

func netReceiver(b *testing.B, n, chunk int, line []byte) (net.Conn, func()) {
	var c net.Conn
	done := pairWithSender(b, n, chunk, line, func(addr string) (func(), error) {
		var err error
		c, err = net.Dial("tcp", addr)
		return func() { c.Close() }, err
	})
	return c, done
}

// lineSender writes n copies of line in 64 KiB batches, then half-closes.
type lineSender struct {
	c     *poll.Conn
	line  []byte
	n     int
	batch []byte
	cur   future.Future[future.Result[int]]
}

func (s *lineSender) Poll(cx *future.Context) future.Poll[struct{}] {
	if s.batch == nil {
		per := max(1, (64<<10)/len(s.line))
		s.batch = []byte(strings.Repeat(string(s.line), per))
	}
	for {
		if s.cur == nil {
			if s.n == 0 {
				s.c.CloseWrite()
				return future.Ready(struct{}{})
			}
			k := min(s.n, len(s.batch)/len(s.line))
			s.n -= k
			s.cur = aio.WriteAll(s.c, s.batch[:k*len(s.line)])
		}
		res, ok := s.cur.Poll(cx).Value()
		if !ok {
			return future.Pending[struct{}]()
		}
		if res.Err != nil {
			return future.Ready(struct{}{})
		}
		s.cur = nil
	}
}

// memLines yields n copies of line, as much as fits per read, both as an
// io.Reader and as an aio.Reader (always ready).
type memLines struct {
	line []byte
	n    int
	off  int // into the current line
}

func (m *memLines) Read(p []byte) (int, error) {
	k := 0
	for k < len(p) && m.n > 0 {
		c := copy(p[k:], m.line[m.off:])
		k += c
		if m.off += c; m.off == len(m.line) {
			m.off = 0
			m.n--
		}
	}
	if k == 0 {
		return 0, io.EOF
	}
	return k, nil
}

func (m *memLines) PollRead(_ *future.Context, p []byte) future.Poll[future.Result[int]] {
	n, err := m.Read(p)
	return future.Ready(future.Result[int]{Value: n, Err: err})
}
