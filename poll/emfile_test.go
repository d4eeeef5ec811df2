package poll_test

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAcceptBacksOffWhenOutOfDescriptorsAndRecovers runs a server in a
// child process whose RLIMIT_NOFILE leaves room for only a few
// connections, and connects many more to it from here: Accept must pause
// on EMFILE (a few back-offs, not a busy loop), keep the listener, and go
// on accepting once descriptors are free again, until every connection
// was accepted.
func TestAcceptBacksOffWhenOutOfDescriptorsAndRecovers(t *testing.T) {
	const n = 40
	lines, wait := startChild(t, "emfile", "POLL_N="+strconv.Itoa(n))
	require.True(t, lines.Scan(), "child printed no address")
	addr := lines.Text()
	_, err := net.ResolveTCPAddr("tcp", addr)
	require.NoError(t, err, "child said %q", addr)

	var wg sync.WaitGroup
	eofs := make(chan error, n)
	start := time.Now()
	for range n {
		c, err := net.Dial("tcp", addr) // completes in the kernel's backlog
		require.NoError(t, err)
		wg.Go(func() {
			defer c.Close()
			c.SetReadDeadline(time.Now().Add(60 * time.Second))
			_, err := io.ReadAll(c) // EOF once the server accepted and closed it
			eofs <- err
		})
	}
	var out []string
	for lines.Scan() {
		out = append(out, lines.Text())
	}
	require.NoError(t, wait(), "child: %v", out)
	wg.Wait()
	close(eofs)
	for err := range eofs {
		assert.NoError(t, err, "a connection was never accepted and closed")
	}
	require.Len(t, out, 1, "child: %v", out)
	var accepted, backoffs int
	_, err = fmt.Sscanf(out[0], "accepted=%d backoffs=%d", &accepted, &backoffs)
	require.NoError(t, err, out[0])
	assert.Equal(t, n, accepted)
	assert.GreaterOrEqual(t, backoffs, 1, "the descriptor limit was hit")
	// A busy loop on EMFILE would retry thousands of times per second; the
	// back-off (5 ms, doubling) allows at most a few per release.
	assert.Less(t, backoffs, 10*n, "accept spun on EMFILE")
	t.Logf("%d connections accepted through %d back-offs in %v", accepted, backoffs, time.Since(start))
}
