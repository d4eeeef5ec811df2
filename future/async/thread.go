package async

import (
	"runtime"
	_ "unsafe" // for go:linkname; no unsafe memory access happens here
)

// Thread-lock handling for the coroutine behind a Task.
//
// The runtime (runtime/coro.go, coroswitch_m) throws a fatal, unrecoverable
// error when a coroutine is switched to from a goroutine whose OS-thread
// lock differs from the lock of the goroutine that created it: an unlocked
// creator needs an unlocked resumer; a locked creator needs the same thread
// with the same lock counts. Pool workers are locked, and a task created on
// one worker may be stolen by another. So every switch into the body runs
// with the calling goroutine unlocked ("free" mode): releaseThread drops the
// caller's single LockOSThread level, the switch happens, restoreThread
// locks again, on whatever thread the goroutine is on by then. The lock
// calls only move counters (runtime/proc.go, LockOSThread); the cost is
// measured in bench/async_mech_test.go.
//
// A caller holding a lock we cannot drop (two or more LockOSThread levels,
// or the runtime's own lock while init functions run) gets "pinned" mode:
// the coroutine is created locked to that thread and may be resumed only
// from it. The thread id is recorded so that resuming elsewhere is a
// *future.MisuseError panic instead of the runtime's fatal throw.

// lockedOSThread reports whether the calling goroutine is wired to its
// thread. The runtime exports it for linkname (runtime/linkname.go lists it
// under "used in tests"), so the linker allows the pull below. It is the
// only way to learn the lock state: runtime has no public query.
//
//go:linkname lockedOSThread runtime.lockedOSThread
func lockedOSThread() bool

// threadMode says how the coroutine was created.
type threadMode uint8

const (
	modeFree   threadMode = iota + 1 // created and resumed unlocked
	modePinned                       // created locked; resumable on tid only
)

// threadState is what releaseThread did, for restoreThread to undo.
type threadState struct {
	mode     threadMode
	unlocked bool // we dropped one LockOSThread level
	tid      int  // thread id in pinned mode
}

// releaseThread prepares the calling goroutine to switch into a coroutine.
func releaseThread() threadState {
	if !lockedOSThread() {
		return threadState{mode: modeFree}
	}
	runtime.UnlockOSThread()
	if !lockedOSThread() {
		return threadState{mode: modeFree, unlocked: true}
	}
	// More than one level, or an internal lock: undo and stay pinned.
	runtime.LockOSThread()
	return threadState{mode: modePinned, tid: threadID()}
}

// restoreThread gives the calling goroutine back the lock releaseThread
// took. The goroutine may be on another thread than before if the body
// blocked or was preempted: the lock is then taken on the new thread.
func restoreThread(s threadState) {
	if s.unlocked {
		runtime.LockOSThread()
	}
}

// unlockAll drops every LockOSThread level of the calling goroutine. Only a
// body's coroutine calls it, before reporting ErrLockedBody; it is bounded
// in case a runtime-internal lock keeps lockedOSThread true.
func unlockAll() {
	for i := 0; i < 1<<16 && lockedOSThread(); i++ {
		runtime.UnlockOSThread()
	}
}
