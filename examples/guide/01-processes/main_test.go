package main

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestMain runs main as the child when the program re-executes itself:
// under go test, os.Executable is the test binary.
func TestMain(m *testing.M) {
	if os.Getenv("GUIDE_CHILD") != "" {
		main()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

func TestParentCollectsEveryChild(t *testing.T) {
	out := capture(t, main)
	assert.Contains(t, out, "child 0: pid ")
	assert.Contains(t, out, "1+...+100 = 5050")
	assert.Contains(t, out, "1+...+200 = 20100")
	assert.Contains(t, out, "1+...+300 = 45150")
	assert.Equal(t, 4, strings.Count(out, "pid "), "three children and the parent")
}

// capture returns what fn writes to os.Stdout.
func capture(t *testing.T, fn func()) string {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	old := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	fn()
	os.Stdout = old
	w.Close()
	return <-done
}
