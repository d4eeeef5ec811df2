package main

import (
	"bytes"
	"io"
	"os"
	"strings"
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

// TestREADMEShowsThisProgram: the snippet under "A first program" in
// README.md is main's body, line for line.
func TestREADMEShowsThisProgram(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, after, ok := strings.Cut(string(readme), "## A first program")
	require.True(t, ok, "README.md has no section \"A first program\"")
	_, after, ok = strings.Cut(after, "```go\n")
	require.True(t, ok, "no Go block in that section")
	snippet, _, ok := strings.Cut(after, "```")
	require.True(t, ok)

	src, err := os.ReadFile("main.go")
	require.NoError(t, err)
	_, body, ok := strings.Cut(string(src), "func main() {\n")
	require.True(t, ok)
	body, _, ok = strings.Cut(body, "\n}\n")
	require.True(t, ok)
	var lines []string
	for _, l := range strings.Split(body, "\n") {
		lines = append(lines, strings.TrimPrefix(l, "\t"))
	}
	assert.Equal(t, strings.Join(lines, "\n")+"\n", snippet)
}
