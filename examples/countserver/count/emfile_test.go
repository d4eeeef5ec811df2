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
	"regexp"
	"strconv"
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
// EMFILE. A "release" line on stdin closes those files, "free K" closes K
// of them; end of stdin shuts the server down gracefully.
func emfileChild(name string) int {
	var f flavour
	for _, x := range serverFlavours {
		if x.name == name {
			f = x
		}
	}
	lim := syscall.Rlimit{Cur: 128, Max: 128}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		fmt.Fprintln(os.Stderr, "setrlimit:", err)
		return 3
	}
	srv, err := Listen("127.0.0.1:0", ServerConfig{Mode: f.mode, Alt: f.alt, Log: os.Stderr})
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
		var k int
		if in.Text() == "release" {
			k = len(hog)
		} else if _, err := fmt.Sscanf(in.Text(), "free %d", &k); err != nil {
			fmt.Fprintln(os.Stderr, "bad command:", in.Text())
			cancel()
			return 3
		}
		for _, f := range hog[:min(k, len(hog))] {
			_ = f.Close()
		}
		hog = hog[min(k, len(hog)):]
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

// startEMFILEChild starts the child of emfileChild serving flavour name,
// and returns its address, its stdin and its stderr.
func startEMFILEChild(t *testing.T, name string) (string, io.WriteCloser, *syncBuffer, *exec.Cmd) {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), emfileChildEnv+"="+name)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var addr string
	var hogged int
	_, err = fmt.Fscanf(bufio.NewReader(stdout), "%s %d\n", &addr, &hogged)
	require.NoError(t, err, "child stderr: %s", stderr.String())
	require.Positive(t, hogged)
	return addr, stdin, stderr, cmd
}

var (
	burstStart = regexp.MustCompile(`countserver: accept refused: (.*); retrying after 50µs, doubling up to 100ms, or when a connection closes\n`)
	burstEnd   = regexp.MustCompile(`countserver: accept working again: (\d+) accepts refused in \S+\n`)
)

// TestEMFILE runs each server in a child process whose descriptor table is
// full, so its accepts fail with EMFILE while a client waits in the listen
// backlog. The server must back off, log the burst once, and, when
// descriptors come back, answer every waiting client: the client sees
// 0..n-1 with no error. Every server words the two lines the same way,
// naming the error.
func TestEMFILE(t *testing.T) {
	for _, sf := range serverFlavours {
		t.Run(sf.name, func(t *testing.T) {
			addr, stdin, stderr, cmd := startEMFILEChild(t, sf.name)

			const n = 200
			rec := NewRecorder(nil)
			clientDone := make(chan error, 1)
			go func() {
				clientDone <- RunClient(context.Background(), ClientConfig{Mode: Thread, Addr: addr, N: n, M: 4, Timeout: 20 * time.Second}, rec)
			}()

			require.Eventually(t, func() bool { return burstStart.MatchString(stderr.String()) },
				10*time.Second, 5*time.Millisecond, "child stderr: %s", stderr.String())
			time.Sleep(300 * time.Millisecond) // a long burst: it must still be logged once
			assert.Zero(t, rec.Done(), "nothing can be answered while descriptors are exhausted")
			_, err := io.WriteString(stdin, "release\n")
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
			starts := burstStart.FindAllStringSubmatch(log, -1)
			ends := burstEnd.FindAllStringSubmatch(log, -1)
			require.Len(t, starts, 1, "one line when the burst starts:\n%s", log)
			require.Len(t, ends, 1, "one line when it ends:\n%s", log)
			assert.Equal(t, "too many open files (EMFILE)", starts[0][1], "what happened, named")
			refused, err := strconv.Atoi(ends[0][1])
			require.NoError(t, err)
			assert.Positive(t, refused)
			assert.Contains(t, log, fmt.Sprintf("final count %d", n))
		})
	}
}

// TestEMFILEUnderLoadLogsBurstsNotFailures leaves a server only a few
// free descriptors while a client keeps more connections than that in
// flight: accepts are refused over and over, a few connections apart, for
// the whole run. The log must still hold a handful of lines, a start and
// an end for each burst, not a line per refusal or per short burst (the
// async server used to print thousands). The seq server holds one
// connection at a time, so a few free descriptors never run out for it:
// it is covered by TestEMFILE.
func TestEMFILEUnderLoadLogsBurstsNotFailures(t *testing.T) {
	for _, sf := range serverFlavours {
		if sf.mode == Seq {
			continue
		}
		t.Run(sf.name, func(t *testing.T) {
			addr, stdin, stderr, cmd := startEMFILEChild(t, sf.name)
			_, err := io.WriteString(stdin, "free 3\n")
			require.NoError(t, err)

			const n = 3000
			rep := runClient(t, context.Background(), ClientConfig{Mode: Thread, Addr: addr, N: n, M: 16, Timeout: 20 * time.Second})
			require.NoError(t, rep.Verify())

			require.NoError(t, stdin.Close())
			require.NoError(t, cmd.Wait(), "child stderr: %s", stderr.String())
			log := stderr.String()
			starts := burstStart.FindAllStringSubmatch(log, -1)
			ends := burstEnd.FindAllStringSubmatch(log, -1)
			assert.Equal(t, len(starts), len(ends), "every burst that starts ends:\n%s", log)
			// A burst ends after a second with no refusal: more than a few
			// would take a machine stalled for seconds, again and again.
			assert.LessOrEqual(t, len(starts), 5, "bursts, not failures:\n%s", log)
			refused := 0
			for _, e := range ends {
				k, err := strconv.Atoi(e[1])
				require.NoError(t, err)
				refused += k
			}
			t.Logf("%s: %d transactions, %d accepts refused, %d log lines", sf.name, n, refused, strings.Count(log, "\n"))
		})
	}
}
