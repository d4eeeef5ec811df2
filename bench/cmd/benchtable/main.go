// Command benchtable writes the summary table that opens docs/benchmarks.md
// from the raw benchmark results kept in bench/results.
//
//	go run ./bench/cmd/benchtable                # from the repository root
//
// Each bench/results/*.txt file is the raw output of one run of go test
// -bench (the format benchstat reads), headed by comment lines that say how
// it was made:
//
//	# command: go test -run '^$' -bench 'PoolPingPong' -count 6 ./bench
//	# measured: 2026-11-26 05:53 UTC
//
// The command line is required. (Comments, not benchfmt configuration
// lines: benchstat puts results with different configuration values in
// different tables, and two runs differ at least in their date.) bench/results/summary.conf lists the rows
// of the table, each a spindle benchmark and the plain-Go benchmark of the
// same file (the same run) it is read against, and the unit compared:
//
//	ping-pong, 2 workers | pool.txt | PoolPingPong/spindle/workers=2 | PoolPingPong/goroutines-unbuffered-chan | ns/op
//
// For every row it takes the median of each benchmark's samples and
// spindle's gain (plain Go ÷ spindle for a cost such as ns/op or B/task,
// spindle ÷ plain Go for a rate such as req/s: above 1, spindle does
// better), and rewrites the lines between the benchtable markers of the
// document. A row whose file, benchmark or unit is missing is an error, so
// a renamed benchmark cannot silently drop out of the table. Between the
// benchfiles markers it lists every results file with its measured and
// conditions lines and its command, so the document's commands are the
// ones the files record.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spindle-rt/spindle/bench/internal/mdsection"
)

// The names of the marker pairs in the document: the summary table, and
// the list of results files with their commands.
const (
	section         = "benchtable"
	commandsSection = "benchfiles"
)

func main() {
	dir := flag.String("results", "bench/results", "directory of raw results (*.txt) and summary.conf")
	doc := flag.String("doc", "docs/benchmarks.md", "document whose benchtable section is rewritten")
	flag.Parse()
	changed, err := run(*dir, *doc)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if changed {
		fmt.Println("benchtable: rewrote the summary table of", *doc)
	} else {
		fmt.Println("benchtable:", *doc, "is up to date")
	}
}

// run reads the results in dir and rewrites the table and the list of
// commands in doc; it reports whether doc changed.
func run(dir, doc string) (bool, error) {
	files, err := readResults(dir)
	if err != nil {
		return false, err
	}
	rows, err := readSummary(filepath.Join(dir, "summary.conf"))
	if err != nil {
		return false, err
	}
	link := relPath(doc, dir)
	table, err := render(rows, files, link)
	if err != nil {
		return false, err
	}
	old, err := os.ReadFile(doc)
	if err != nil {
		return false, err
	}
	out, err := mdsection.Replace(old, section, table)
	if err != nil {
		return false, fmt.Errorf("%s: %w", doc, err)
	}
	if out, err = mdsection.Replace(out, commandsSection, renderCommands(files, link)); err != nil {
		return false, fmt.Errorf("%s: %w", doc, err)
	}
	if bytes.Equal(out, old) {
		return false, nil
	}
	return true, os.WriteFile(doc, out, 0o644)
}

// relPath is dir as a link from the document's directory, in slash form.
func relPath(doc, dir string) string {
	r, err := filepath.Rel(filepath.Dir(doc), dir)
	if err != nil {
		return filepath.ToSlash(dir)
	}
	return filepath.ToSlash(r)
}
