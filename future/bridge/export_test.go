package bridge

// LiveWatches returns how many context registrations are still in place.
func LiveWatches() int64 { return liveWatches.Load() }
