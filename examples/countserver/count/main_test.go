package count

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if ok, err := ServeChild(); ok { // a re-executed child of TestChildServer
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if code, ok := runEMFILEChild(); ok { // a re-executed child of TestEMFILE
		os.Exit(code)
	}
	goleak.VerifyTestMain(m)
}
