package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/spindle-rt/spindle/examples/countserver/count"
)

// progress draws a progress bar of a client run on a terminal. The bar is
// fed by a ticker that reads the recorder's done count, so the
// transactions themselves never touch the bar.
type progress struct {
	bar  *progressbar.ProgressBar
	quit chan struct{}
	done chan struct{}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// startProgress starts a bar on w for total transactions, or returns nil
// (a bar that does nothing) when w is not a terminal: logs and pipes get no
// escape sequences.
func startProgress(w io.Writer, total int, rec *count.Recorder) *progress {
	if !isTerminal(w) {
		return nil
	}
	p := &progress{
		bar: progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("transactions"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("tx"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		),
		quit: make(chan struct{}),
		done: make(chan struct{}),
	}
	go p.loop(rec)
	return p
}

func (p *progress) loop(rec *count.Recorder) {
	defer close(p.done)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = p.bar.Set64(rec.Done())
		case <-p.quit:
			return
		}
	}
}

// stop removes the bar. It is safe on a nil progress.
func (p *progress) stop() {
	if p == nil {
		return
	}
	close(p.quit)
	<-p.done
	_ = p.bar.Clear()
}
