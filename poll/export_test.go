package poll

// ConnFD exposes a Conn's descriptor to the external tests, to check
// socket options the API does not report.
func ConnFD(c *Conn) int { return c.ref.fd }
