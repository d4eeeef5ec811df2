package main

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestOutput runs the README example and checks that the joined values come
// back in argument order, not in the order the sleeps finished.
func TestOutput(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	stdout := os.Stdout
	os.Stdout = w
	main()
	os.Stdout = stdout
	require.NoError(t, w.Close())
	var got bytes.Buffer
	_, err = io.Copy(&got, r)
	require.NoError(t, err)
	assert.Equal(t, "task 0 slept 30 ms\ntask 1 slept 10 ms\ntask 2 slept 20 ms\n", got.String())
}
