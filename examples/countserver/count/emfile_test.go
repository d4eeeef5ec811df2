//go:build linux

package count

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// emfileChildEnv names the server mode a re-executed test binary serves
// with its descriptors exhausted.
const emfileChildEnv = "COUNTSERVER_EMFILE_CHILD"

// runEMFILEChild runs emfileChild when this process is TestEMFILE's child.
func runEMFILEChild() (code int, ok bool) {
	if mode := os.Getenv(emfileChildEnv); mode != "" {
		return emfileChild(mode), true
	}
	return 0, false
}

// emfileChild is the child process of TestEMFILE. It lowers its
// descriptor limit, starts a server, prints the address, then opens
// /dev/null until the table is full, so that every accept fails with
// EMFILE. A "release" line on stdin closes those files; end of stdin
// shuts the server down gracefully.
func emfileChild(mode string) int {
	var m Mode
	for _, x := range Modes {
		if x.String() == mode {
			m = x
		}
	}
	lim := syscall.Rlimit{Cur: 128, Max: 128}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		fmt.Fprintln(os.Stderr, "setrlimit:", err)
		return 3
	}
	srv, err := Listen("127.0.0.1:0", ServerConfig{Mode: m, Log: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		return 3
	}
	var hog []*os.File
	for {
		f, err := os.Open(os.DevNull)
		if err != nil {
			break
		}
		hog = append(hog, f)
	}
	fmt.Printf("%s %d\n", srv.Addr(), len(hog))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() == "release" {
			for _, f := range hog {
				_ = f.Close()
			}
			hog = nil
		}
	}
	cancel()
	if err := <-done; err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "final count %d\n", srv.Count())
	return 0
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
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

// TestEMFILE runs each server in a child process whose descriptor table is
// full, so its accepts fail with EMFILE while a client waits in the listen
// backlog. The server must back off, log the burst once, and, when
// descriptors come back, answer every waiting client: the client sees
// 0..n-1 with no error.
func TestEMFILE(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	for _, sm := range Modes {
		t.Run(sm.String(), func(t *testing.T) {
			cmd := exec.Command(exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), emfileChildEnv+"="+sm.String())
			stdin, err := cmd.StdinPipe()
			require.NoError(t, err)
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			var stderr syncBuffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

			var addr string
			var hogged int
			_, err = fmt.Fscanf(bufio.NewReader(stdout), "%s %d\n", &addr, &hogged)
			require.NoError(t, err, "child stderr: %s", stderr.String())
			require.Positive(t, hogged)

			const n = 200
			rec := NewRecorder(nil)
			clientDone := make(chan error, 1)
			go func() {
				clientDone <- RunClient(context.Background(), ClientConfig{Mode: Thread, Addr: addr, N: n, M: 4, Timeout: 20 * time.Second}, rec)
			}()

			require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "backing off") },
				10*time.Second, 5*time.Millisecond, "child stderr: %s", stderr.String())
			time.Sleep(300 * time.Millisecond) // a long burst: it must still be logged once
			assert.Zero(t, rec.Done(), "nothing can be answered while descriptors are exhausted")
			_, err = io.WriteString(stdin, "release\n")
			require.NoError(t, err)

			require.NoError(t, <-clientDone)
			rep := rec.Report(n, time.Second)
			require.NoError(t, rep.Verify())
			lo, hi := rep.Range()
			assert.Equal(t, uint64(0), lo)
			assert.Equal(t, uint64(n-1), hi)

			require.NoError(t, stdin.Close())
			require.NoError(t, cmd.Wait(), "child stderr: %s", stderr.String())
			log := stderr.String()
			assert.Equal(t, 1, strings.Count(log, "backing off"), "one log line per burst:\n%s", log)
			assert.Equal(t, 1, strings.Count(log, "recovered after"), log)
			assert.Contains(t, log, "too many open files")
			assert.Contains(t, log, fmt.Sprintf("final count %d", n))
		})
	}
}
