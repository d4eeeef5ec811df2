package poll_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spindle-rt/spindle/future"
	"github.com/spindle-rt/spindle/poll"
	"github.com/spindle-rt/spindle/pool"
)

// driven returns a reactor driven by a one-worker pool for the whole test,
// so goroutine code can block on connections of it.
func driven(t *testing.T) (*poll.Reactor, *pool.Pool) {
	t.Helper()
	r := withReactor(t)
	p, err := pool.New(pool.WithWorkers(1), pool.WithDriver(r))
	require.NoError(t, err)
	t.Cleanup(func() { shutdown(t, p) })
	return r, p
}

// dialNet dials addr with a spindle Dial run on p and returns the
// connection as a net.Conn.
func dialNet(p *pool.Pool, addr string) (net.Conn, error) {
	res, err := pool.BlockOn(p, future.Future[future.Result[*poll.Conn]](poll.Dial("tcp", addr)))
	if err != nil {
		return nil, err
	}
	c, err := res.Get()
	if err != nil {
		return nil, err
	}
	return c.Blocking(), nil
}

// netPair returns a spindle connection as a net.Conn and its peer, a
// plain net.Conn.
func netPair(t *testing.T, p *pool.Pool) (net.Conn, net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	c, err := dialNet(p, l.Addr().String())
	require.NoError(t, err)
	peer, err := l.Accept()
	require.NoError(t, err)
	t.Cleanup(func() { c.Close(); peer.Close() })
	return c, peer
}

func TestBlockingConnAddresses(t *testing.T) {
	_, p := driven(t)
	c, peer := netPair(t, p)
	assert.Equal(t, peer.LocalAddr().String(), c.RemoteAddr().String())
	assert.Equal(t, peer.RemoteAddr().String(), c.LocalAddr().String())
}

func assertTimeout(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout())
}

func TestReadDeadlineThenTheConnStillWorks(t *testing.T) {
	_, p := driven(t)
	c, peer := netPair(t, p)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(20*time.Millisecond)))
	var b [8]byte
	n, err := c.Read(b[:])
	assert.Equal(t, 0, n)
	assertTimeout(t, err)
	_, err = c.Read(b[:])
	assertTimeout(t, err) // still past: fails at once, as package net does

	require.NoError(t, c.SetReadDeadline(time.Time{}))
	_, err = peer.Write([]byte("late"))
	require.NoError(t, err)
	n, err = io.ReadFull(c, b[:4])
	require.NoError(t, err)
	assert.Equal(t, "late", string(b[:n]))
}

// A deadline set while a Read is blocked ends that Read.
func TestDeadlineSetWhileBlocked(t *testing.T) {
	_, p := driven(t)
	c, _ := netPair(t, p)
	errc := make(chan error)
	go func() {
		var b [1]byte
		_, err := c.Read(b[:])
		errc <- err
	}()
	require.NoError(t, c.SetDeadline(time.Now().Add(-time.Second)))
	assertTimeout(t, <-errc)
}

// A peer that stops reading: Write fills the socket buffers and waits;
// a deadline set while it waits ends it with the count written so far,
// which is exactly what the peer then finds in the connection.
func TestWriteDeadlineAgainstAPeerThatNeverReads(t *testing.T) {
	_, p := driven(t)
	c, peer := netPair(t, p)
	big := make([]byte, 64<<20) // far more than the socket buffers hold
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := c.Write(big)
		done <- result{n, err}
	}()
	// The first byte at the peer proves the Write is under way; the peer
	// reads nothing more until the Write has returned.
	var first [1]byte
	_, err := io.ReadFull(peer, first[:])
	require.NoError(t, err)
	require.NoError(t, c.SetWriteDeadline(time.Now()))
	res := <-done
	assertTimeout(t, res.err)
	require.Greater(t, res.n, 0)
	require.Less(t, res.n, len(big))
	// The count is exact: n bytes arrive, and no more.
	_, err = io.ReadFull(peer, make([]byte, res.n-1))
	require.NoError(t, err)
	require.NoError(t, peer.SetReadDeadline(time.Now().Add(20*time.Millisecond)))
	_, err = peer.Read(first[:])
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "more bytes arrived than Write reported")
}

func TestCloseEndsABlockedRead(t *testing.T) {
	_, p := driven(t)
	c, _ := netPair(t, p)
	errc := make(chan error)
	go func() {
		var b [1]byte
		_, err := c.Read(b[:])
		errc <- err
	}()
	require.NoError(t, c.Close())
	assert.ErrorIs(t, <-errc, net.ErrClosed)
}

// net/http serves on a spindle listener, and its client dials with
// spindle too.
func TestNetHTTPOverSpindle(t *testing.T) {
	r, p := driven(t)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			body, _ := io.ReadAll(req.Body)
			fmt.Fprintf(w, "%s %s %d", req.Method, req.URL.Path, len(body))
		}),
		ReadHeaderTimeout: 5 * time.Second, // exercises SetReadDeadline
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l.Blocking(r)) }()

	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return dialNet(p, addr)
	}}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	for i := range 3 { // the second and third reuse the connection
		resp, err := client.Post("http://"+l.Addr().String()+"/echo", "text/plain", strings.NewReader(strings.Repeat("x", 100_000*i)))
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("POST /echo %d", 100_000*i), string(body))
	}
	require.NoError(t, srv.Shutdown(context.Background()))
	assert.ErrorIs(t, <-served, http.ErrServerClosed)
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "spindle test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots
}

// HTTPS: crypto/tls on both ends of spindle connections.
func TestTLSOverSpindle(t *testing.T) {
	r, p := driven(t)
	cert, roots := selfSigned(t)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	tl := tls.NewListener(l.Blocking(r), &tls.Config{Certificates: []tls.Certificate{cert}})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		fmt.Fprintf(w, "hello over %s", tlsVersion(req.TLS))
	})}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(tl) }()

	tr := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return dialNet(p, addr)
		},
	}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("https://" + l.Addr().String() + "/")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, "hello over TLS 1.3", string(body))
	require.NoError(t, srv.Shutdown(context.Background()))
	assert.ErrorIs(t, <-served, http.ErrServerClosed)
}

func tlsVersion(s *tls.ConnectionState) string {
	if s == nil {
		return "plain"
	}
	return tls.VersionName(s.Version)
}

// Many goroutines writing at once never interleave their writes.
func TestConcurrentWritesDoNotInterleave(t *testing.T) {
	_, p := driven(t)
	c, peer := netPair(t, p)
	const writers, size = 8, 100_000
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			_, err := c.Write([]byte(strings.Repeat(string(rune('a'+i)), size)))
			assert.NoError(t, err)
		})
	}
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(peer)
		got <- b
	}()
	wg.Wait()
	require.NoError(t, c.(interface{ CloseWrite() error }).CloseWrite())
	b := <-got
	require.Len(t, b, writers*size)
	for off := 0; off < len(b); off += size {
		assert.Equal(t, strings.Repeat(string(b[off]), size), string(b[off:off+size]), "write at %d interleaved", off)
	}
}

func TestBlockingListenerAcceptAfterClose(t *testing.T) {
	r, _ := driven(t)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	bl := l.Blocking(r)
	errc := make(chan error)
	go func() {
		_, err := bl.Accept()
		errc <- err
	}()
	require.NoError(t, bl.Close())
	err = <-errc
	assert.True(t, errors.Is(err, net.ErrClosed), "%v", err)
}

// A Unix connection is a net.Conn too, deadlines included.
func TestUnixConnBlocking(t *testing.T) {
	r, p := driven(t)
	name := "@spindle-blocking-" + t.Name()
	l, err := poll.ListenUnix(name)
	require.NoError(t, err)
	defer l.Close()
	uc, err := poll.DialUnix(name)
	require.NoError(t, err)
	c := uc.Blocking(r) // never waited yet: joins r on its first wait
	defer c.Close()
	res, err := pool.BlockOn(p, l.Accept())
	require.NoError(t, err)
	s, err := res.Get()
	require.NoError(t, err)
	srv := s.Blocking(r)
	defer srv.Close()
	echoed := make(chan error, 1)
	go func() {
		_, err := io.Copy(srv, srv)
		srv.CloseWrite()
		echoed <- err
	}()

	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Millisecond)))
	_, err = c.Read(make([]byte, 1))
	assertTimeout(t, err)
	require.NoError(t, c.SetReadDeadline(time.Time{}))
	_, err = c.Write([]byte("over unix"))
	require.NoError(t, err)
	require.NoError(t, c.CloseWrite())
	got, err := io.ReadAll(c)
	require.NoError(t, err)
	assert.Equal(t, "over unix", string(got))
	require.NoError(t, <-echoed)
	assert.Equal(t, name, c.RemoteAddr().String())
}

// Oversized headers against net/http on a spindle listener: a 431, and
// the server keeps serving.
func TestNetHTTPOversizedHeadersOverSpindle(t *testing.T) {
	r, _ := driven(t)
	l, err := poll.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{
		Handler:        http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "fine") }),
		MaxHeaderBytes: 4 << 10,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l.Blocking(r)) }()

	nc, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	defer nc.Close()
	go func() {
		fmt.Fprintf(nc, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", strings.Repeat("b", 1<<20))
	}()
	status, err := bufio.NewReader(nc).ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "HTTP/1.1 431 Request Header Fields Too Large\r\n", status)

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("http://" + l.Addr().String() + "/")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "fine", string(body))
	require.NoError(t, srv.Shutdown(context.Background()))
	assert.ErrorIs(t, <-served, http.ErrServerClosed)
}
