package count

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChildServer(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	for _, sm := range Modes {
		t.Run(sm.String(), func(t *testing.T) {
			c, err := StartChildServer(exec.Command(exe, "-test.run=^$"), ServerConfig{Mode: sm, Workers: 1})
			require.NoError(t, err)
			rep := runClient(t, context.Background(), ClientConfig{Mode: Async, Addr: c.Addr, N: 500, M: 4})
			require.NoError(t, rep.Verify())
			n, err := c.Stop()
			require.NoError(t, err)
			assert.Equal(t, uint64(500), n, "the child reports its final count")
		})
	}
	_, err = ParseMode("fast")
	assert.Error(t, err)
}
