package poll

import (
	"io"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/internal/noblock"
)

// BlockingConn gives goroutine code a blocking io.Reader, io.Writer and
// io.Closer over a Conn: each call parks the calling goroutine until the
// Conn's reactor reports readiness. The reactor must be driven by someone
// else meanwhile — a pool made by NewPool, or a BlockOn running on another
// goroutine — since the calling goroutine does not drive it.
type BlockingConn struct {
	c *Conn
}

// Blocking returns the blocking adapter of c.
func (c *Conn) Blocking() *BlockingConn { return &BlockingConn{c: c} }

// Read reads like net.Conn.Read: it blocks until at least one byte is
// read, and returns io.EOF at the end of the stream. Called from a pool
// worker or an async body a worker runs it returns future.ErrInWorker:
// await the Conn's futures there instead.
func (b *BlockingConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if noblock.Forbidden() {
		return 0, future.ErrInWorker
	}
	return future.BlockOn[future.Result[int]](b.c.Read(p)).Get()
}

// Write writes all of p like net.Conn.Write. Like Read it returns
// future.ErrInWorker where blocking is forbidden.
func (b *BlockingConn) Write(p []byte) (int, error) {
	if noblock.Forbidden() {
		return 0, future.ErrInWorker
	}
	return future.BlockOn[future.Result[int]](b.c.WriteAll(p)).Get()
}

// Close closes the connection.
func (b *BlockingConn) Close() error { return b.c.close() }

// CloseWrite half-closes the connection (like net.TCPConn.CloseWrite).
func (b *BlockingConn) CloseWrite() error { return b.c.shutdown() }

var (
	_ io.ReadWriteCloser                = (*BlockingConn)(nil)
	_ future.Future[future.Result[int]] = (*IOFuture)(nil)
)
