package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/examples/countserver/count"
)

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serve starts a count server of mode in-process for a test.
func serve(t *testing.T, mode count.Mode) string {
	t.Helper()
	srv, err := count.Listen("127.0.0.1:0", count.ServerConfig{Mode: mode})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })
	return srv.Addr().String()
}

// serveArgs runs a server through runContext with the mode flags in
// args, and returns its address.
func serveArgs(t *testing.T, args string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- runContext(ctx, append([]string{"-s", "--addr", "127.0.0.1:0"}, strings.Fields(args)...), io.Discard, &stderr)
	}()
	t.Cleanup(func() { cancel(); require.Equal(t, exitOK, <-code, stderr.String()) })
	return awaitListening(t, stderr.String, 5*time.Second)
}

// fakeServer answers every connection with reply, to test what clients do
// with a server that breaks the protocol.
func fakeServer(t *testing.T, reply string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = io.WriteString(c, reply)
			_ = c.Close()
		}
	})
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	return ln.Addr().String()
}

func TestSeqClientPrintsEveryValueInOrder(t *testing.T) {
	for _, sm := range []string{"--seq", "-t", "-a", "--seq --alt", "-t --alt", "-a --alt"} {
		t.Run(sm, func(t *testing.T) {
			addr := serveArgs(t, sm)
			var stdout, stderr bytes.Buffer
			code := runContext(context.Background(), []string{"-c", "--seq", "-n", "300", "--addr", addr}, &stdout, &stderr)
			require.Equal(t, exitOK, code, stderr.String())
			var want strings.Builder
			for i := range 300 {
				fmt.Fprintf(&want, "%d\n", i) // no \r: the client drops it
			}
			assert.Equal(t, want.String(), stdout.String())
			for _, line := range []string{"transactions  300 of 300", "errors        0", "duplicates    0",
				"transactions/s", "latency       p50 "} {
				assert.Contains(t, stderr.String(), line)
			}
			assert.NotContains(t, stderr.String(), "\r", "no progress bar when stderr is not a terminal")
		})
	}
}

func TestQuietClientVerifies(t *testing.T) {
	for _, cm := range []string{"-t", "-a"} {
		t.Run(cm, func(t *testing.T) {
			addr := serve(t, count.Thread)
			var stdout, stderr bytes.Buffer
			code := runContext(context.Background(), []string{"-c", cm, "-q", "-m", "8", "-n", "2000", "--addr", addr}, &stdout, &stderr)
			require.Equal(t, exitOK, code, stderr.String())
			assert.Empty(t, stdout.String())
			assert.Contains(t, stderr.String(), "verify        ok: 2000 distinct values, contiguous 0..1999")
		})
	}
}

func TestQuietClientCatchesDuplicates(t *testing.T) {
	addr := fakeServer(t, "7\r\n")
	var stdout, stderr bytes.Buffer
	code := runContext(context.Background(), []string{"-c", "-t", "-q", "-n", "20", "--addr", addr}, &stdout, &stderr)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, stderr.String(), "duplicates    19")
	assert.Contains(t, stderr.String(), "verify        FAILED: 19 duplicate values")
}

func TestClientRejectsMalformedReplies(t *testing.T) {
	addr := fakeServer(t, "seven\r\n")
	var stdout, stderr bytes.Buffer
	code := runContext(context.Background(), []string{"-c", "-a", "-n", "10", "--addr", addr}, &stdout, &stderr)
	assert.Equal(t, exitFail, code)
	assert.Empty(t, stdout.String())
	assert.Contains(t, stderr.String(), "errors        10 (first: malformed count reply")
}

var givingUp = regexp.MustCompile(`(?m)^countserver: giving up after (\d+) of 100000 transactions: (.*)$`)

// TestClientAgainstDeadPortGivesUp runs every client against a port
// nobody listens on: one line says the connection was refused, and the run
// stops at once instead of failing all 100,000 transactions.
func TestClientAgainstDeadPortGivesUp(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	for _, cm := range [][]string{{"--seq"}, {"-t"}, {"-a"}, {"-a", "--alt"}} {
		t.Run(strings.Join(cm, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"-c", "--addr", addr}, cm...)
			if cm[0] != "--seq" {
				args = append(args, "-m", "4")
			}
			code := runContext(context.Background(), args, &stdout, &stderr)
			assert.Equal(t, exitFail, code)
			assert.Empty(t, stdout.String())
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			require.Len(t, lines, 2, "the client's first line, then one line: %q", stderr.String())
			m := givingUp.FindStringSubmatch(lines[1])
			require.NotNil(t, m, lines[1])
			assert.Equal(t, "connection to "+addr+" refused: no server is listening there", m[2])
			tried, err := strconv.Atoi(m[1])
			require.NoError(t, err)
			assert.Positive(t, tried)
			assert.LessOrEqual(t, tried, 4, "only the transactions in flight when the first was refused")
		})
	}
}

// TestClientGivesUpOnSilentServer runs every client against a server that
// accepts and never answers: with --timeout, the client gives up with one
// line saying so, instead of hanging.
func TestClientGivesUpOnSilentServer(t *testing.T) {
	addr := silentServer(t)
	for _, cm := range [][]string{{"--seq"}, {"-t"}, {"-a"}, {"-a", "--alt"}} {
		t.Run(strings.Join(cm, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runContext(context.Background(), append([]string{"-c", "--timeout", "300ms", "--addr", addr}, cm...), &stdout, &stderr)
			assert.Equal(t, exitFail, code)
			m := givingUp.FindStringSubmatch(stderr.String())
			require.NotNil(t, m, stderr.String())
			assert.Equal(t, "server "+addr+" accepted but sent no complete reply within 300ms (timeout)", m[2])
		})
	}
}

// silentServer accepts connections and never answers; it returns its
// address, and a function that reports how many it holds.
func silentServer(t *testing.T) string {
	addr, _ := silentServerCounting(t)
	return addr
}

func silentServerCounting(t *testing.T) (string, func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var held []net.Conn
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c) // never answered
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
		for _, c := range held {
			_ = c.Close()
		}
	})
	return ln.Addr().String(), func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(held)
	}
}

// TestQuietClientSharingAServerSaysWhy runs a -q client against a server
// whose other client takes every other value: the verification fails, and
// says that another client may have taken the missing values.
func TestQuietClientSharingAServerSaysWhy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Go(func() {
		for v := 0; ; v += 2 { // the other client got the odd values
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = fmt.Fprintf(c, "%d\r\n", v)
			_ = c.Close()
		}
	})
	defer func() { _ = ln.Close(); wg.Wait() }()
	var stdout, stderr bytes.Buffer
	code := runContext(context.Background(), []string{"-c", "--seq", "-q", "-n", "10", "--addr", ln.Addr().String()}, &stdout, &stderr)
	assert.Equal(t, exitFail, code)
	assert.Contains(t, stderr.String(), "verify        FAILED: 10 distinct values in 0..18: not contiguous\n")
	assert.Contains(t, stderr.String(), "another client of the same server may have taken the missing values")
}

func TestServerListenFailureExitsOne(t *testing.T) {
	addr := serve(t, count.Seq) // the port is taken
	var stdout, stderr bytes.Buffer
	assert.Equal(t, exitFail, runContext(context.Background(), []string{"-s", "-t", "--addr", addr}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "address already in use")
}

var listening = regexp.MustCompile(`listening on (\S+)`)
var finalCount = regexp.MustCompile(`final count (\d+)`)

// TestServerStopsGracefullyWithContext runs each server through run and
// stops it while a client runs: exit 0, the final count printed, and it
// matches the values the client received.
func TestServerStopsGracefullyWithContext(t *testing.T) {
	for _, sm := range []string{"--seq", "-t", "-a"} {
		t.Run(sm, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			var stderr syncBuffer
			code := make(chan int, 1)
			go func() { code <- runContext(ctx, []string{"-s", sm, "--addr", "127.0.0.1:0"}, io.Discard, &stderr) }()
			addr := awaitListening(t, stderr.String, 5*time.Second)

			rec, stopClient := load(t, addr)
			require.Eventually(t, func() bool { return rec.Done() >= 300 }, 20*time.Second, time.Millisecond)
			cancel()
			require.Equal(t, exitOK, <-code, stderr.String())
			rep := stopClient()
			checkGraceful(t, stderr.String(), rep)
		})
	}
}

// load runs a thread client against addr until stopped.
func load(t *testing.T, addr string) (*count.Recorder, func() *count.Report) {
	rec := count.NewRecorder(nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- count.RunClient(ctx, count.ClientConfig{Mode: count.Thread, Addr: addr, N: 1 << 30, M: 4, Timeout: 5 * time.Second}, rec)
	}()
	return rec, func() *count.Report {
		cancel()
		if err := <-done; err != nil {
			// The server stopped first: the client gave up on it.
			require.ErrorIs(t, err, syscall.ECONNREFUSED)
		}
		return rec.Report(0, time.Second)
	}
}

// checkGraceful checks that the final count in log is exactly the number of
// values the client got, and that they are 0..count-1.
func checkGraceful(t *testing.T, log string, rep *count.Report) {
	t.Helper()
	m := finalCount.FindStringSubmatch(log)
	require.NotNil(t, m, log)
	final, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	assert.Equal(t, final, len(rep.Values), "every accepted connection was answered")
	assert.Zero(t, rep.Duplicates())
	lo, hi := rep.Range()
	assert.Equal(t, uint64(0), lo)
	assert.Equal(t, uint64(final-1), hi)
}

func TestDemoRunsAsyncServerAndClient(t *testing.T) {
	c, err := parseArgs(nil)
	require.NoError(t, err)
	c.n = 3000 // the demo's 100,000 is for people; the flow is the same
	var stderr bytes.Buffer
	require.Equal(t, exitOK, runDemo(context.Background(), c, &stderr), stderr.String())
	assert.Contains(t, stderr.String(), "countserver demo: async server on 127.0.0.1:")
	assert.Contains(t, stderr.String(), "go run ./examples/countserver -s -a ", "the hint names a command that exists")
	assert.Contains(t, stderr.String(), "verify        ok: 3000 distinct values, contiguous 0..2999")
}

// TestSignals runs the real program in a child process, puts it under
// load and sends SIGINT or SIGTERM: the server must stop accepting, finish
// what it accepted, print its final count and exit 0.
func TestSignals(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	for _, tc := range []struct {
		mode string
		sig  os.Signal
	}{{"--seq", os.Interrupt}, {"-t", sigterm}, {"-a", os.Interrupt}, {"-a", sigterm}} {
		t.Run(fmt.Sprintf("%s/%v", tc.mode, tc.sig), func(t *testing.T) {
			cmd := execChild(exe, "-s "+tc.mode+" --addr 127.0.0.1:0")
			stderr, err := cmd.StderrPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			var log syncBuffer
			logged := make(chan struct{})
			go func() {
				defer close(logged)
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					_, _ = log.Write(append(sc.Bytes(), '\n'))
				}
			}()
			addr := awaitListening(t, log.String, 10*time.Second)
			rec, stopClient := load(t, addr)
			require.Eventually(t, func() bool { return rec.Done() >= 300 }, 20*time.Second, time.Millisecond)
			require.NoError(t, cmd.Process.Signal(tc.sig))
			<-logged
			require.NoError(t, cmd.Wait(), "exit status 0 after %v", tc.sig)
			rep := stopClient()
			checkGraceful(t, log.String(), rep)
		})
	}
}

// TestSecondSignalEndsAStuckClient runs a client against a server that
// accepts and never answers. The first SIGINT asks for a graceful stop,
// which waits for the transactions in flight; the second ends the process
// at once.
func TestSecondSignalEndsAStuckClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var held []net.Conn
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c) // never answered
			mu.Unlock()
		}
	})
	defer func() {
		_ = ln.Close()
		wg.Wait()
		for _, c := range held {
			_ = c.Close()
		}
	}()

	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := execChild(exe, "-c -t -m 2 -n 10 --addr "+ln.Addr().String())
	var stderr syncBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(held) == 2
	}, 10*time.Second, time.Millisecond, "both transactions in flight")
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "Ctrl-C again") },
		10*time.Second, time.Millisecond, "the first signal starts a graceful stop")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// The default handling is restored right after the notice, by another
	// callback of the same cancellation: a signal sent in between is
	// still caught, so send again until one lands.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case err := <-done:
			require.Error(t, err, "killed by the second signal")
			assert.Contains(t, err.Error(), "interrupt")
			return
		case <-tick.C:
			_ = cmd.Process.Signal(os.Interrupt)
		case <-deadline:
			_ = cmd.Process.Kill()
			<-done
			t.Fatal("a second SIGINT did not end the client")
		}
	}
}

// awaitListening waits for a server's "listening on" line in what output
// returns, and returns the address it names.
func awaitListening(t *testing.T, output func() string, within time.Duration) string {
	t.Helper()
	var addr string
	require.Eventually(t, func() bool {
		m := listening.FindStringSubmatch(output())
		if m != nil {
			addr = m[1]
		}
		return m != nil
	}, within, time.Millisecond)
	return addr
}

// TestFirstSignalEndsAStuckClientWithinGrace runs each client against a
// server that never answers, with a timeout far longer than the test, and
// sends one signal: the client stops starting transactions, abandons the
// ones in flight when the grace runs out, prints its summary and exits 1
// on its own, not killed.
func TestFirstSignalEndsAStuckClientWithinGrace(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	for _, tc := range []struct {
		args     string
		sig      os.Signal
		inFlight int
	}{{"--seq", sigterm, 1}, {"-t -m 2", os.Interrupt, 2}, {"-a -m 2", sigterm, 2}, {"-a --alt -m 2", os.Interrupt, 2}} {
		t.Run(tc.args, func(t *testing.T) {
			addr, held := silentServerCounting(t)
			cmd := execChild(exe, "-c -n 10 --timeout 1h --addr "+addr+" "+tc.args)
			var stderr syncBuffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			require.Eventually(t, func() bool { return held() == tc.inFlight }, 10*time.Second, time.Millisecond,
				"the transactions are in flight")
			require.NoError(t, cmd.Process.Signal(tc.sig))
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second): // a hang, not a measurement
				_ = cmd.Process.Kill()
				<-done
				t.Fatalf("the client did not end after the grace:\n%s", stderr.String())
			}
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee, stderr.String())
			assert.Equal(t, exitFail, ee.ExitCode(), "exited on its own, with status 1:\n%s", stderr.String())
			log := stderr.String()
			assert.Contains(t, log, "countserver: stopping: finishing the transactions in flight (at most 2s; Ctrl-C again to quit now)")
			assert.Contains(t, log, fmt.Sprintf("interrupted   after %d of 10 transactions", tc.inFlight))
			assert.Contains(t, log, fmt.Sprintf("errors        %d (first: count: transaction abandoned", tc.inFlight))
		})
	}
}
