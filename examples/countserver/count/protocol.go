package count

import (
	"errors"
	"strconv"
)

// MaxReply is the longest reply a server can send: the 20 digits of the
// largest uint64 and "\r\n". Clients treat anything longer as an error.
const MaxReply = 22

// ErrBadReply is wrapped by the error ParseReply returns for a reply that
// is not a decimal number followed by a line end.
var ErrBadReply = errors.New("malformed count reply")

// AppendReply appends the reply for counter value v to dst: v in ASCII
// decimal followed by "\r\n", the exact bytes of the Rust demo.
func AppendReply(dst []byte, v uint64) []byte {
	dst = strconv.AppendUint(dst, v, 10)
	return append(dst, '\r', '\n')
}

// ParseReply returns the counter value carried by a whole reply: a
// canonical decimal number (no sign, no leading zero unless it is "0", at
// most 20 digits, at most the largest uint64) followed by exactly "\r\n"
// or exactly "\n\n". Those are the two forms the Rust demo's servers send:
// "\r\n" from its atomic-counter and async servers (and from every server
// here), "\n\n" from the amortized decimal counter of its default seq and
// thread servers. Anything else, a bare "\n" included, is refused: the
// Rust clients strip the last two bytes of any reply, so a reply that
// ends in one "\n" is not one the demo's clients read correctly either.
func ParseReply(b []byte) (uint64, error) {
	n := len(b)
	if n < 2 || b[n-1] != '\n' || (b[n-2] != '\r' && b[n-2] != '\n') {
		return 0, badReply(b, `no "\r\n" or "\n\n" at the end`)
	}
	b = b[:n-2]
	switch {
	case len(b) == 0:
		return 0, badReply(b, "no digits")
	case len(b) > 1 && b[0] == '0':
		return 0, badReply(b, "leading zero")
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, badReply(b, "not a decimal number")
		}
		d := uint64(c - '0')
		if v > (^uint64(0)-d)/10 {
			return 0, badReply(b, "overflows uint64")
		}
		v = v*10 + d
	}
	return v, nil
}

func badReply(b []byte, why string) error {
	if len(b) > MaxReply {
		b = b[:MaxReply]
	}
	return &replyError{reply: strconv.Quote(string(b)), why: why}
}

type replyError struct{ reply, why string }

func (e *replyError) Error() string { return ErrBadReply.Error() + " " + e.reply + ": " + e.why }
func (e *replyError) Unwrap() error { return ErrBadReply }
