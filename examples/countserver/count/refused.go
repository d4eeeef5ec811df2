package count

import "golang.org/x/sys/unix"

// refusedCause says why poll.Listener refused an accept, which it counts
// (Listener.Backoffs) without saying why: right after the refusal it asks
// for a descriptor itself (a close-on-exec dup of stderr, closed at once)
// and names the error that gives; EMFILE there is the same per-process
// limit the accept ran into. If a descriptor is free by then, it says so.
func refusedCause() string {
	fd, err := unix.FcntlInt(2, unix.F_DUPFD_CLOEXEC, 0)
	if err == nil {
		_ = unix.Close(fd)
		return "out of descriptors or memory (EMFILE, ENFILE, ENOBUFS or ENOMEM; a descriptor was free again when checked)"
	}
	if isExhaustion(err) {
		return exhaustionCause(err)
	}
	return "out of descriptors or memory (EMFILE, ENFILE, ENOBUFS or ENOMEM)"
}
