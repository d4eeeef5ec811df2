package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// generated is one run of Generate over every package of this repository
// that holds async functions and over testdata/golden, shared by the tests
// that read it: loading the packages is what takes the time.
var generated struct {
	once     sync.Once
	patterns []string
	files    []File
	err      error
}

func generateAll(t *testing.T) []File {
	t.Helper()
	generated.once.Do(func() {
		var dirs []string
		if dirs, generated.err = asyncDirs("../.."); generated.err != nil {
			return
		}
		generated.patterns = append(dirs, "./testdata/golden")
		generated.files, generated.err = Generate("", generated.patterns...)
	})
	require.NoError(t, generated.err)
	return generated.files
}

// TestCheckedInUpToDate regenerates the packages of this repository that
// hold async functions and compares with the files checked in: CI fails
// when one is stale. Run go generate ./... to fix.
func TestCheckedInUpToDate(t *testing.T) {
	t.Parallel()
	files := generateAll(t)
	require.Contains(t, generated.patterns, filepath.Join("..", "..", "bench", "compiled"), "the walk missed a known package")
	dirs := map[string]bool{}
	for _, f := range files {
		if inTestdata(f.Path) {
			continue
		}
		dirs[filepath.Dir(f.Path)] = true
		old, err := os.ReadFile(f.Path)
		require.NoError(t, err, "%s is missing: run go generate ./...", f.Path)
		assert.Equal(t, string(old), string(f.Data), "%s is stale: run go generate ./...", f.Path)
	}
	// Every package found generated something.
	for _, d := range generated.patterns {
		if d == "./testdata/golden" {
			continue
		}
		abs, err := filepath.Abs(d)
		require.NoError(t, err)
		assert.True(t, dirs[abs], "nothing generated for %s", d)
	}
}

func inTestdata(path string) bool {
	return strings.Contains(filepath.ToSlash(path), "/testdata/")
}

// asyncDirs lists the directories below root, outside testdata, whose Go
// files hold a //spindle:async directive: every package with checked-in
// generated files, found rather than listed so that a new one is never
// left unchecked.
func asyncDirs(root string) ([]string, error) {
	seen := map[string]bool{}
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		dir := filepath.Dir(path)
		if seen[dir] || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_async.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if asyncDirective.Match(src) {
			seen[dir] = true
			dirs = append(dirs, dir)
		}
		return nil
	})
	return dirs, err
}

// asyncDirective matches a //spindle:async line.
var asyncDirective = regexp.MustCompile(`(?m)^//spindle:async\b`)

// TestDeterministic generates again what generateAll did: same bytes.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	a := generateAll(t)
	b, err := Generate("", generated.patterns...)
	require.NoError(t, err)
	require.Equal(t, a, b)
}

// TestGolden pins the generated text of testdata/golden/*.go in
// testdata/golden/*.golden; -update rewrites them.
func TestGolden(t *testing.T) {
	t.Parallel()
	n := 0
	for _, f := range generateAll(t) {
		if !inTestdata(f.Path) {
			continue
		}
		n++
		golden := strings.TrimSuffix(strings.Replace(f.Path, "_async", "", 1), ".go") + ".golden"
		if *update {
			require.NoError(t, os.WriteFile(golden, f.Data, 0o644))
			continue
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(f.Data), "%s differs from %s (go test -run TestGolden -update)", f.Path, golden)
	}
	require.NotZero(t, n, "nothing generated for testdata/golden")
}

// TestRefused checks the errors for testdata/refuse: every line marked
// with a want comment gets an error matching it, and no other line gets
// one. Nothing is generated.
func TestRefused(t *testing.T) {
	t.Parallel()
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
