package noblock

import "runtime"

// Goid parses the goroutine id from the first line of the goroutine's
// stack trace, "goroutine 123 [running]:": the id goroutine dumps show.
// It costs about a microsecond. It is Self where no assembly reads the g
// pointer, and the reference the tests check Self against.
func Goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	const prefix = "goroutine "
	if len(b) < len(prefix) {
		return 0
	}
	var id uint64
	for _, c := range b[len(prefix):] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}
