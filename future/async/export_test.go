package async

// LockedOSThread lets tests check that a poller gets its thread lock back.
var LockedOSThread = lockedOSThread
