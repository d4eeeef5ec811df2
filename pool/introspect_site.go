package pool

import (
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// A spawn site is the code that called Spawn or SpawnFrom. instrument
// keeps only return addresses (runtime.Callers, a few hundred ns); they
// are turned into file:line on demand, once per distinct stack, by a
// Dump or by the tracer, which needs a name when the task is created.
// Frames in the non-test files of this package and of pool/joinset are
// skipped, so that BlockOn and JoinSet.Spawn name their caller.

// sitePCs is how many frames are kept (see captureSite).
const sitePCs = 4

// site is a resolved spawn site.
type site struct {
	fn, file string
	line     int
	// traceName is the type of the task's runtime/trace task.
	traceName string
}

// unknownSite stands for a task whose site was not captured.
var unknownSite = &site{traceName: "spindle: task"}

var siteCache struct {
	mu sync.RWMutex
	m  map[[sitePCs]uintptr]*site
}

// internalDirs are the directories whose frames a site skips.
var internalDirs = func() []string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Dir(file)
	return []string{dir, filepath.Join(dir, "joinset")}
}()

// captureSite records the return addresses above Spawn or SpawnFrom
// (frames: runtime.Callers, captureSite, watch, instrument or
// observeBlocking, Spawn, its caller).
// runtime.Callers unwinds frame by frame, and one frame costs about half
// of what four do, so it takes one first: enough when
// the spawn comes straight from user code, which the site cache then
// says for the price of a map lookup. Only when that frame is internal
// (BlockOn, JoinSet) does it take four more, from the next one up: so
// a site is found up to five frames above Spawn.
func (r *taskRecord) captureSite() {
	runtime.Callers(5, r.pcs[:1])
	if r.site() == unknownSite {
		runtime.Callers(6, r.pcs[:])
	}
}

// site resolves r's spawn site.
func (r *taskRecord) site() *site {
	if r.pcs[0] == 0 {
		return unknownSite
	}
	siteCache.mu.RLock()
	s := siteCache.m[r.pcs]
	siteCache.mu.RUnlock()
	if s != nil {
		return s
	}
	s = resolveSite(r.pcs[:])
	siteCache.mu.Lock()
	if siteCache.m == nil {
		siteCache.m = make(map[[sitePCs]uintptr]*site)
	}
	siteCache.m[r.pcs] = s
	siteCache.mu.Unlock()
	return s
}

func resolveSite(pcs []uintptr) *site {
	for len(pcs) > 0 && pcs[len(pcs)-1] == 0 {
		pcs = pcs[:len(pcs)-1]
	}
	frames := runtime.CallersFrames(pcs)
	for {
		fr, more := frames.Next()
		if fr.File != "" && !isInternal(fr.File) {
			return &site{
				fn: fr.Function, file: fr.File, line: fr.Line,
				traceName: "spindle: " + filepath.Base(fr.File) + ":" + strconv.Itoa(fr.Line),
			}
		}
		if !more {
			return unknownSite
		}
	}
}

func isInternal(file string) bool {
	if strings.HasSuffix(file, "_test.go") {
		return false
	}
	dir := filepath.Dir(file)
	for _, d := range internalDirs {
		if dir == d {
			return true
		}
	}
	return false
}

// shortFile is the last directory and the name of file, as dumps print it.
func shortFile(file string) string {
	dir, name := filepath.Split(file)
	return filepath.Join(filepath.Base(dir), name)
}
