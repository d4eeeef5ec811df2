//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/spindle-rt/spindle/examples/countserver/count"
)

// openPTY opens a pseudo-terminal pair: master and the terminal end.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	require.NoError(t, unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	require.NoError(t, err)
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close(); _ = m.Close() })
	return m, s
}

func TestProgressBarOnlyOnATerminal(t *testing.T) {
	rec := count.NewRecorder(nil)
	var buf bytes.Buffer
	assert.Nil(t, startProgress(&buf, 10, rec), "no bar into a buffer")
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	assert.Nil(t, startProgress(w, 10, rec), "no bar into a pipe")
	(*progress)(nil).stop() // a missing bar stops without fuss

	master, tty := openPTY(t)
	sh := rec.Shard()
	for i := range 4 {
		sh.Record(uint64(i), time.Millisecond)
	}
	bar := startProgress(tty, 10, rec)
	require.NotNil(t, bar, "a bar on a terminal")
	out := make(chan string, 1)
	go func() {
		var all strings.Builder
		b := make([]byte, 4096)
		for {
			n, err := master.Read(b)
			all.Write(b[:n])
			if err != nil || strings.Contains(all.String(), "4/10") {
				out <- all.String()
				return
			}
		}
	}()
	select {
	case s := <-out:
		assert.Contains(t, s, "transactions")
		assert.Contains(t, s, "4/10", "the bar follows the recorder's count")
	case <-time.After(5 * time.Second):
		t.Fatal("no progress bar drawn on the terminal")
	}
	bar.stop()
}
