package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// TestCheckedInUpToDate regenerates the packages of this repository that
// hold async functions and compares with the files checked in: CI fails
// when one is stale. Run go generate ./... to fix.
func TestCheckedInUpToDate(t *testing.T) {
	for _, dir := range []string{"./internal/conformance", "../../bench/compiled", "../../examples/countserver/count", "../../examples/echo", "../../examples/awaitstyle", "../../examples/guide/05-async"} {
		files, err := Generate("", dir)
		require.NoError(t, err)
		require.NotEmpty(t, files)
		for _, f := range files {
			old, err := os.ReadFile(f.Path)
			require.NoError(t, err, "%s is missing: run go generate ./...", f.Path)
			assert.Equal(t, string(old), string(f.Data), "%s is stale: run go generate ./...", f.Path)
		}
	}
}

// TestDeterministic generates twice: same bytes.
func TestDeterministic(t *testing.T) {
	a, err := Generate("", "./internal/conformance", "./testdata/golden")
	require.NoError(t, err)
	b, err := Generate("", "./internal/conformance", "./testdata/golden")
	require.NoError(t, err)
	require.Equal(t, a, b)
}

// TestGolden pins the generated text of testdata/golden/*.go in
// testdata/golden/*.golden; -update rewrites them.
func TestGolden(t *testing.T) {
	files, err := Generate("", "./testdata/golden")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		golden := strings.TrimSuffix(strings.Replace(f.Path, "_async", "", 1), ".go") + ".golden"
		if *update {
			require.NoError(t, os.WriteFile(golden, f.Data, 0o644))
			continue
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(f.Data), "%s differs from %s (go test -run TestGolden -update)", f.Path, golden)
	}
}

// TestRefused checks the errors for testdata/refuse: every line marked
// with a want comment gets an error matching it, and no other line gets
// one. Nothing is generated.
func TestRefused(t *testing.T) {
	files, genErr := Generate("", "./testdata/refuse")
	require.Error(t, genErr)
	require.Empty(t, files)
	path := filepath.Join("testdata", "refuse", "refuse.go")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	wants := map[int]*regexp.Regexp{}
	wantRE := regexp.MustCompile(`// want "((?:[^"\\]|\\.)*)"`)
	for i, line := range strings.Split(string(src), "\n") {
		if m := wantRE.FindStringSubmatch(line); m != nil {
			pat, err := strconv.Unquote(`"` + m[1] + `"`)
			require.NoError(t, err)
			wants[i+1] = regexp.MustCompile(pat)
		}
	}
	hit := map[int]bool{}
	for _, msg := range strings.Split(genErr.Error(), "\n") {
		file, line, col := splitPos(msg)
		require.True(t, strings.HasSuffix(file, path), "error outside refuse.go: %s", msg)
		assert.NotZero(t, col, "error without a column: %s", msg)
		re, ok := wants[line]
		if !assert.True(t, ok, "unexpected error: %s", msg) {
			continue
		}
		if re.MatchString(msg) {
			hit[line] = true
		}
	}
	for line, re := range wants {
		assert.True(t, hit[line], "line %d: no error matching %q in:\n%s", line, re, genErr)
	}
}
