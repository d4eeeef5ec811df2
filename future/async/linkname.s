// Empty on purpose: the compiler accepts the body-less, linknamed
// lockedOSThread declaration in thread.go only in a package that has an
// assembly file.
