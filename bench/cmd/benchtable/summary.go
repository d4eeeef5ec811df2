package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// row is one line of the summary table: a spindle benchmark read against
// the plain-Go benchmark of the same results file, in one unit.
type row struct {
	label, file, spindle, plain, unit string
}

// readSummary parses summary.conf: one row per line, five fields separated
// by "|"; blank lines and lines starting with # are skipped.
func readSummary(path string) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []row
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, "|")
		if len(p) != 5 {
			return nil, fmt.Errorf("%s:%d: want label | file | spindle benchmark | plain-Go benchmark | unit, got %d fields", path, n, len(p))
		}
		for i := range p {
			p[i] = strings.TrimSpace(p[i])
			if p[i] == "" {
				return nil, fmt.Errorf("%s:%d: field %d is empty", path, n, i+1)
			}
		}
		rows = append(rows, row{label: p[0], file: p[1], spindle: p[2], plain: p[3], unit: p[4]})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	return rows, nil
}
