// Package futuretest holds the hand-driven futures, wakers and small
// assertions that the tests of package future and of its subpackages
// (stream, bridge, async, channel, tasksync, internal/waitq) share, so that every package
// tests against one definition of "a future that is Pending until the test
// opens it" and "a waker that counts".
//
// It is an ordinary package rather than a _test.go file because test files
// cannot be imported across packages; it sits under internal/ so that only
// spindle's future tree can import it, and only _test.go files do. It
// imports testing and testify, which is why no non-test file may import it.
//
// Where the copies it replaces differed, it keeps the behaviour that lets
// a test catch more: a Gate keeps the waker of every poll, Ready ones
// included, and does not forget it when it wakes it, so a test can deliver
// stale and spurious wakes; every future and waker here is safe to use
// from any goroutine, so the race detector judges the code under test and
// not the helper. Package testpool, beside it, starts a pool for the tests
// that need one, so that the tests of package future do not build pool.
package futuretest
