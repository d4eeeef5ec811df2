package async

// LockedOSThread lets tests check that a poller gets its thread lock back.
var LockedOSThread = lockedOSThread

// ThreadID exposes threadID to the tests that check where bodies run.
var ThreadID = threadID
