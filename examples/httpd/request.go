package main

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/spindle-rt/spindle/future/aio"
	"github.com/spindle-rt/spindle/future/async"
)

// request is what the server keeps of a request head: enough to route it
// and to know whether the connection stays open.
type request struct {
	method, path string
	head         bool // HEAD: no body in the response
	close        bool // the client asked to close (Connection: close, or HTTP/1.0 without keep-alive)
	http10       bool
	host         bool  // a Host header came
	length       int64 // Content-Length
	status       int   // a bad request: answer this status and close
}

// readRequestBody reads one request head from br, at most max bytes of it,
// and then its body, discarded into scratch, if it is at most maxBody
// bytes. A head that does not parse gets status 400, one over the limit
// 431, a body over the limit 413; the body of a bad request is not read,
// since the connection closes after the answer. It fails with br's error
// (io.EOF, a reset, aio.ErrLineTooLong) when the head or body is cut short.
//
//spindle:async readRequest
func readRequestBody(a *async.Awaiter, br *aio.BufReader, max int, maxBody int64, scratch []byte) (request, error) {
	line, err := async.TryAwait(a, br.ReadLine())
	if err != nil {
		return request{}, err
	}
	req := parseRequestLine(line)
	size := len(line) + 2
	for {
		h, err := async.TryAwait(a, br.ReadLine())
		if err != nil {
			return req, err
		}
		if h == "" {
			break
		}
		if size += len(h) + 2; size > max {
			req.status = http.StatusRequestHeaderFieldsTooLarge
			return req, nil
		}
		if req.status == 0 {
			req.header(h)
		}
	}
	if req.status == 0 && !req.http10 && !req.host {
		req.status = http.StatusBadRequest // HTTP/1.1 requires Host (RFC 9112, 3.2)
	}
	if req.status == 0 && req.length > maxBody {
		req.status = http.StatusRequestEntityTooLarge
	}
	if req.status != 0 {
		return req, nil
	}
	for left := req.length; left > 0; {
		n, err := async.TryAwait(a, aio.ReadFull(br, scratch[:min(left, int64(len(scratch)))]))
		if err != nil {
			return req, err
		}
		left -= int64(n)
	}
	return req, nil
}

// parseRequestLine parses "METHOD /path HTTP/1.x".
func parseRequestLine(line string) request {
	method, rest, ok1 := strings.Cut(line, " ")
	target, proto, ok2 := strings.Cut(rest, " ")
	req := request{method: method, head: method == "HEAD"}
	switch {
	case !ok1 || !ok2 || method == "" || !strings.HasPrefix(target, "/"):
		req.status = http.StatusBadRequest
	case proto == "HTTP/1.0":
		req.close, req.http10 = true, true
	case proto != "HTTP/1.1":
		req.status = http.StatusBadRequest
	}
	req.path, _, _ = strings.Cut(target, "?")
	return req
}

// header takes in one header line: Connection, Content-Length and
// Transfer-Encoding matter, the rest is skipped (but counted against the
// limit).
func (r *request) header(line string) {
	name, value, ok := strings.Cut(line, ":")
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		r.status = http.StatusBadRequest
		return
	}
	value = strings.Trim(value, " \t")
	switch {
	case strings.EqualFold(name, "Host"):
		r.host = true
	case strings.EqualFold(name, "Connection"):
		if strings.EqualFold(value, "close") {
			r.close = true
		} else if strings.EqualFold(value, "keep-alive") {
			r.close = false
		}
	case strings.EqualFold(name, "Content-Length"):
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n < 0 || (r.length != 0 && r.length != n) {
			r.status = http.StatusBadRequest
		}
		r.length = n
	case strings.EqualFold(name, "Transfer-Encoding"):
		// Chunked bodies are beyond this example: refuse rather than
		// misread the stream.
		r.status = http.StatusNotImplemented
	}
}
