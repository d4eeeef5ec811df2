package main

import (
	"bytes"
	"fmt"
	"slices"
)

// renderCommands writes the list of results files, each with when and
// under what conditions it was measured and the command that produced it,
// in file name order; link is the results directory as seen from the
// document.
func renderCommands(files map[string]*resultFile, link string) []byte {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	var b bytes.Buffer
	for _, n := range names {
		f := files[n]
		fmt.Fprintf(&b, "- [%s](%s/%s)", n, link, n)
		if m := f.config["measured"]; m != "" {
			fmt.Fprintf(&b, ", measured %s", m)
		}
		if c := f.config["conditions"]; c != "" {
			fmt.Fprintf(&b, "; %s", c)
		}
		fmt.Fprintf(&b, ":\n\n  ```sh\n  %s\n  ```\n\n", f.config["command"])
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
