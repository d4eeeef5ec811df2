package count

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(emfileChildEnv); mode != "" {
		os.Exit(emfileChild(mode)) // a re-executed child of TestEMFILE
	}
	goleak.VerifyTestMain(m)
}
