package main

import (
	"net"
	"sync"
)

// The same server written the way a Go program writes it first: a
// goroutine per connection, blocking in Read and Write. docs/guide.md
// (section 10) starts from it and ends at echo.go; -goroutines runs the
// demo against it.

// serveGoroutines accepts connections until l is closed and starts a
// goroutine that echoes each; it returns once they have all ended.
func serveGoroutines(l net.Listener) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := l.Accept()
		if err != nil {
			return err // net.ErrClosed after l.Close
		}
		wg.Go(func() { echoGoroutine(c) })
	}
}

// echoGoroutine writes back what it reads from c until the client
// half-closes (io.EOF) or an error, then closes c.
func echoGoroutine(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 16<<10)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		if _, err := c.Write(buf[:n]); err != nil {
			return
		}
	}
}
