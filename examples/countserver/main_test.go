package main

import (
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// childEnv carries the arguments of a re-executed test binary that runs
// the program itself (see TestSignals).
const childEnv = "COUNTSERVER_MAIN_CHILD"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(childEnv); ok {
		os.Exit(run(strings.Fields(args), os.Stdout, os.Stderr))
	}
	goleak.VerifyTestMain(m)
}
