package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSIGTERM runs the program (this test binary re-executed, see
// TestMain), makes a request and stops it with SIGTERM: it prints how many
// connections it served and exits 0.
func TestSIGTERM(t *testing.T) {
	for _, mode := range []string{"", " -nethttp"} {
		t.Run("mode"+mode, func(t *testing.T) {
			exe, err := os.Executable()
			require.NoError(t, err)
			cmd := exec.Command(exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), childEnv+"=-addr 127.0.0.1:0"+mode)
			out, err := cmd.StdoutPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			lines := bufio.NewScanner(out)
			require.True(t, lines.Scan())
			addr, ok := strings.CutPrefix(lines.Text(), "listening on ")
			require.True(t, ok, lines.Text())

			resp, err := http.Get("http://" + addr + "/count")
			require.NoError(t, err)
			resp.Body.Close()
			http.DefaultClient.CloseIdleConnections()
			assert.Equal(t, 200, resp.StatusCode)

			require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
			rest := ""
			for lines.Scan() {
				rest += lines.Text() + "\n"
			}
			require.NoError(t, cmd.Wait())
			if mode == "" {
				assert.Equal(t, "served 1 connections\n", rest)
			}
		})
	}
}
