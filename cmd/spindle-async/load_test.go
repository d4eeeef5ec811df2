package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOutputPath(t *testing.T) {
	for src, want := range map[string]string{
		"a/fetch.go":             "a/fetch_async.go",
		"a/fetch_linux.go":       "a/fetch_async_linux.go",
		"a/fetch_amd64.go":       "a/fetch_async_amd64.go",
		"a/fetch_linux_arm64.go": "a/fetch_async_linux_arm64.go",
		"a/linux.go":             "a/linux_async.go",
		"a/my_server.go":         "a/my_server_async.go",
	} {
		assert.Equal(t, want, outputPath(src), src)
	}
}
