package future

// DefaultBudget is how many Coop calls a task may make in one poll before
// Coop starts asking it to yield. It matches tokio's budget of 128.
const DefaultBudget = 128

// Budget counts how much work a task may still do in its current poll. An
// executor resets it before each poll and puts it in the Context; leaf
// futures (channels, join handles, streams) consume it through Coop. A task
// whose children are always ready would otherwise never return to its
// worker and starve every other task queued there. A leaf that then finds
// it cannot make progress gives the unit back with CoopRefund, so that
// only work is counted, not looking.
type Budget struct {
	remaining int32
}

// Reset gives the budget n units.
func (b *Budget) Reset(n int) { b.remaining = int32(n) }

// Remaining returns how many units are left.
func (b *Budget) Remaining() int { return int(b.remaining) }

// Coop consumes one unit of the budget of the task polled with cx. It
// returns true if the caller may go on. When the budget is spent it wakes
// cx's waker and returns false: the caller must then return Pending without
// doing the work, and the task is polled again after the other queued tasks
// had their turn. Without a budget in cx (outside an executor), Coop always
// returns true.
func Coop(cx *Context) bool {
	b := cx.budget
	if b == nil {
		return true
	}
	if b.remaining > 0 {
		b.remaining--
		return true
	}
	cx.waker.Wake()
	return false
}

// CoopRefund gives back the unit that the last Coop(cx) of the caller took,
// for a leaf future that went on, found it could make no progress and
// returns Pending (tokio's RestoreOnPending). Charged, a Pending poll
// spends budget on nothing, and a task that looks at more pending leaves in
// one poll than its budget holds is told to yield, and woken, on every
// poll: it spins while nothing happens. Call it only after a Coop(cx) that
// returned true, at most once per such call.
func CoopRefund(cx *Context) {
	if b := cx.budget; b != nil {
		b.remaining++
	}
}
