package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
)

func main() {
	check := flag.Bool("n", false, "do not write: report generated files that are stale and exit 1 if any")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: spindle-async [-n] [packages]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	patterns := flag.Args()
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	out, err := Generate("", patterns...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	stale := 0
	for _, f := range out {
		old, _ := os.ReadFile(f.Path)
		if bytes.Equal(old, f.Data) {
			continue
		}
		if *check {
			fmt.Fprintf(os.Stderr, "%s is stale: run go generate\n", f.Path)
			stale++
			continue
		}
		if err := os.WriteFile(f.Path, f.Data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if stale > 0 {
		os.Exit(1)
	}
}
