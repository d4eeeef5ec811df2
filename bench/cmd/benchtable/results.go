package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// resultFile is one raw results file: its configuration lines and, per
// benchmark and unit, every sample in file order.
type resultFile struct {
	name    string
	config  map[string]string
	samples map[string]map[string][]float64
}

// configLine is a configuration line of the benchfmt format (goos: linux),
// or a header comment (# command: go test ...). The header is a comment so
// that benchstat, which splits its tables by configuration values, still
// compares two files whose commands or dates differ.
var configLine = regexp.MustCompile(`^(?:#\s*)?([a-z][^\s:A-Z]*):\s*(.*)$`)

// procsSuffix is the -GOMAXPROCS suffix go test adds to benchmark names.
var procsSuffix = regexp.MustCompile(`-\d+$`)

// readResults parses every *.txt file of dir, by name.
func readResults(dir string) (map[string]*resultFile, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no results (*.txt) in %s", dir)
	}
	files := map[string]*resultFile{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		rf, err := parseResults(filepath.Base(p), f)
		f.Close()
		if err != nil {
			return nil, err
		}
		files[rf.name] = rf
	}
	return files, nil
}

// parseResults reads go test -bench output. Lines that are neither
// benchmark results nor configuration (PASS, ok, blank) are skipped, as
// benchstat does.
func parseResults(name string, r io.Reader) (*resultFile, error) {
	rf := &resultFile{name: name, config: map[string]string{}, samples: map[string]map[string][]float64{}}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "Benchmark") {
			if err := rf.addResult(line); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, n, err)
			}
			continue
		}
		if m := configLine.FindStringSubmatch(line); m != nil {
			if _, seen := rf.config[m[1]]; !seen {
				rf.config[m[1]] = strings.TrimSpace(m[2])
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if rf.config["command"] == "" {
		return nil, fmt.Errorf("%s: no \"# command:\" line saying how the results were made", name)
	}
	if len(rf.samples) == 0 {
		return nil, fmt.Errorf("%s: no benchmark results", name)
	}
	return rf, nil
}

// addResult parses "BenchmarkName-2  N  v1 unit1  v2 unit2 ...".
func (rf *resultFile) addResult(line string) error {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 {
		return fmt.Errorf("malformed benchmark line %q", line)
	}
	if _, err := strconv.ParseUint(f[1], 10, 64); err != nil {
		return fmt.Errorf("iteration count %q: not a count", f[1])
	}
	name := procsSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
	units := rf.samples[name]
	if units == nil {
		units = map[string][]float64{}
		rf.samples[name] = units
	}
	for i := 2; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return fmt.Errorf("value %q of %s: not a number", f[i], f[i+1])
		}
		units[f[i+1]] = append(units[f[i+1]], v)
	}
	return nil
}
