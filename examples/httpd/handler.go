package main

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// hello is the body of GET /.
const hello = "hello from spindle\n"

// Handler answers method and path with a status and a body appended to
// dst: GET or HEAD / says hello, /count gives the count server's counter
// (each request a distinct value, from 0), any other path is 404 and any
// other method 405. The spindle server and the net/http one (NetHTTP) both
// answer through it, so a benchmark compares servers, not handlers.
func Handler(count *atomic.Uint64, method, path string, dst []byte) (int, []byte) {
	if method != "GET" && method != "HEAD" {
		return http.StatusMethodNotAllowed, append(dst, "method not allowed\n"...)
	}
	switch path {
	case "/":
		return http.StatusOK, append(dst, hello...)
	case "/count":
		return http.StatusOK, append(strconv.AppendUint(dst, count.Add(1)-1, 10), '\n')
	}
	return http.StatusNotFound, append(dst, "not found\n"...)
}

// NetHTTP returns the net/http handler that answers like the spindle
// server, for comparison.
func NetHTTP(count *atomic.Uint64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var scratch [32]byte
		status, body := Handler(count, r.Method, r.URL.Path, scratch[:0])
		h := w.Header()
		h.Set("Content-Type", contentType)
		h.Set("Content-Length", strconv.Itoa(len(body)))
		if status == http.StatusMethodNotAllowed {
			h.Set("Allow", "GET, HEAD")
		}
		w.WriteHeader(status)
		w.Write(body)
	})
}

const contentType = "text/plain; charset=utf-8"

// appendResponse appends a response with status and body to dst, the
// headers net/http would send for the same handler, plus Connection: close
// when the server closes after it.
func appendResponse(dst []byte, status int, body []byte, head, closing bool) []byte {
	dst = append(dst, "HTTP/1.1 "...)
	dst = strconv.AppendInt(dst, int64(status), 10)
	dst = append(dst, ' ')
	dst = append(dst, http.StatusText(status)...)
	dst = append(dst, "\r\nContent-Type: "+contentType+"\r\nContent-Length: "...)
	dst = strconv.AppendInt(dst, int64(len(body)), 10)
	dst = append(dst, "\r\nDate: "...)
	dst = append(dst, date()...)
	if status == http.StatusMethodNotAllowed {
		dst = append(dst, "\r\nAllow: GET, HEAD"...)
	}
	if closing {
		dst = append(dst, "\r\nConnection: close"...)
	}
	dst = append(dst, "\r\n\r\n"...)
	if !head {
		dst = append(dst, body...)
	}
	return dst
}

// dateCache holds the Date header of one second, formatted once.
type dateCache struct {
	sec  int64
	text string
}

var lastDate atomic.Pointer[dateCache]

// date returns the current time in the form of the Date header; it formats
// once a second, not once a response.
func date() string {
	now := time.Now()
	if d := lastDate.Load(); d != nil && d.sec == now.Unix() {
		return d.text
	}
	d := &dateCache{sec: now.Unix(), text: now.UTC().Format(http.TimeFormat)}
	lastDate.Store(d)
	return d.text
}
