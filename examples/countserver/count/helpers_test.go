package count

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// served is a server running in the background of a test.
type served struct {
	*Server
	cancel context.CancelFunc
	done   chan error
}

// startServer serves a fresh server of mode on a free loopback port. The
// server is stopped at the end of the test if the test did not stop it.
func startServer(t *testing.T, cfg ServerConfig) *served {
	t.Helper()
	srv, err := Listen("127.0.0.1:0", cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{Server: srv, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- srv.Serve(ctx) }()
	t.Cleanup(func() { _ = s.stop(t) })
	return s
}

// stop shuts the server down gracefully and returns Serve's error. It
// fails the test if the shutdown takes more than a few seconds.
func (s *served) stop(t *testing.T) error {
	t.Helper()
	s.cancel()
	select {
	case err, ok := <-s.done:
		if ok {
			close(s.done)
		}
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("server did not shut down")
		return nil
	}
}

// runClient runs a client against addr and returns its report.
func runClient(t *testing.T, ctx context.Context, cfg ClientConfig) *Report {
	t.Helper()
	rec := NewRecorder(nil)
	t0 := time.Now()
	require.NoError(t, RunClient(ctx, cfg, rec))
	return rec.Report(cfg.N, time.Since(t0))
}

// deadAddr returns a loopback address nobody listens on.
func deadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// flavour is one implementation: a mode, and whether it is the --alt one.
type flavour struct {
	name string
	mode Mode
	alt  bool
}

// serverFlavours are every server implementation; seq and thread --alt
// use the amortized decimal counter, async --alt runs the async
// functions on coroutines.
var serverFlavours = []flavour{
	{"seq", Seq, false}, {"thread", Thread, false}, {"async", Async, false},
	{"seq-alt", Seq, true}, {"thread-alt", Thread, true}, {"async-alt", Async, true},
}

// clientFlavours are every client implementation: only async has an
// --alt one, as in the Rust demo.
var clientFlavours = []flavour{
	{"seq", Seq, false}, {"thread", Thread, false}, {"async", Async, false}, {"async-alt", Async, true},
}
