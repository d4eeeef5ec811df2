package main

import (
	"os"
	"os/exec"
	"syscall"
)

var sigterm os.Signal = syscall.SIGTERM

// execChild returns a command that runs this test binary as the program
// with args.
func execChild(exe, args string) *exec.Cmd {
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+args)
	return cmd
}
