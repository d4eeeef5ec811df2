// Step 1 of docs/guide.md: processes. A process is the operating system's
// unit of isolation: its own memory, its own descriptors, crashes that stay
// inside it. This program starts copies of itself as child processes, each
// counts to a different number, and the parent collects their answers
// through pipes, the only thing the processes share.
//
//	go run ./examples/guide/01-processes
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

func main() {
	if n := os.Getenv("GUIDE_CHILD"); n != "" { // we are a child
		limit, _ := strconv.Atoi(n)
		sum := 0
		for i := 1; i <= limit; i++ {
			sum += i
		}
		fmt.Printf("pid %d: 1+...+%d = %d\n", os.Getpid(), limit, sum)
		return
	}
	self, err := os.Executable()
	if err != nil {
		panic(err)
	}
	children := make([]*exec.Cmd, 3)
	outs := make([]*strings.Builder, 3)
	for i := range children {
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), "GUIDE_CHILD="+strconv.Itoa((i+1)*100))
		outs[i] = &strings.Builder{}
		cmd.Stdout = outs[i]
		if err := cmd.Start(); err != nil { // the children run at the same time
			panic(err)
		}
		children[i] = cmd
	}
	for i, cmd := range children {
		if err := cmd.Wait(); err != nil {
			panic(err)
		}
		fmt.Print("child ", i, ": ", outs[i].String())
	}
	fmt.Println("parent pid", os.Getpid(), "collected 3 answers; each child had its own memory")
}
