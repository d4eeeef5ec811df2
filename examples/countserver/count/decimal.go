package count

// decimal is the amortized decimal counter of the Rust demo's default seq
// and thread servers: the reply is kept ready in a buffer, the value's
// digits right-aligned before "\r\n", and advancing the counter increments
// those digits in place, so handing out a value formats nothing (a carry
// runs past the last digit once in ten increments, past two once in a
// hundred: amortized O(1)). The seq and thread servers use it with --alt
// (ServerConfig.Alt); the Rust demo uses it by default. Its replies end in
// "\r\n" like every reply here (the Rust one's end in "\n\n").
type decimal struct {
	buf [MaxReply]byte // buf[p:20] the digits, buf[20:22] "\r\n"
	p   int
}

const decimalDigits = MaxReply - 2

// newDecimal returns a counter at 0.
func newDecimal() decimal {
	var d decimal
	d.buf[decimalDigits-1] = '0'
	d.buf[decimalDigits], d.buf[decimalDigits+1] = '\r', '\n'
	d.p = decimalDigits - 1
	return d
}

// reply returns the reply for the current value; it is valid until inc.
func (d *decimal) reply() []byte { return d.buf[d.p:] }

// inc advances the counter by one. Past the largest 20-digit number it
// starts again at 0, as a uint64 counter wraps (after 10^20 connections).
func (d *decimal) inc() {
	for i := decimalDigits - 1; i >= 0; i-- {
		if i < d.p {
			d.p = i
			d.buf[i] = '1'
			return
		}
		if d.buf[i] < '9' {
			d.buf[i]++
			return
		}
		d.buf[i] = '0'
	}
	*d = newDecimal()
}
