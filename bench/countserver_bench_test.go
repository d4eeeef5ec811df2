package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/spindle-rt/spindle/examples/countserver/count"
)

// TestCountserverChildServer is not a test: it is the server process of
// BenchmarkCountserver, which re-executes this test binary with
// count.ChildServerEnv set. Without it the test skips.
func TestCountserverChildServer(t *testing.T) {
	if os.Getenv(count.ChildServerEnv) == "" {
		t.Skip("helper process of BenchmarkCountserver")
	}
	if _, err := count.ServeChild(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkCountserver measures the count servers (seq, thread, async, and
// async on one worker: count.BenchServers), each in a child process of its
// own, against the async and the
// thread client at m = 1, 2 and 16 transactions in flight, over loopback.
// One op is one transaction (connect, read the value to EOF, close); tx/s
// is the throughput and server-cpu-µs/tx the processor time the server
// process spent per transaction (its efficiency, which other load on the
// machine disturbs much less than throughput). The servers are started together and the pairings
// interleave, so that the ratios between servers come from the same
// minutes of a noisy machine. Compare servers with
//
//	benchstat -col /server old.txt
func BenchmarkCountserver(b *testing.B) {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	servers := map[string]*count.ChildServer{}
	for _, s := range count.BenchServers {
		c, err := count.StartChildServer(exec.Command(exe, "-test.run=^TestCountserverChildServer$"), s.Config)
		if err != nil {
			b.Fatal(err)
		}
		servers[s.Name] = c
	}
	b.Cleanup(func() {
		for _, c := range servers {
			_, _ = c.Stop()
		}
	})
	p, err := count.NewPool()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = p.Shutdown(context.Background()) })

	for _, cm := range count.BenchClients {
		for _, m := range count.BenchInFlight {
			for _, s := range count.BenchServers {
				sm := s.Name
				name := fmt.Sprintf("client=%v/m=%d/server=%v", cm, m, sm)
				b.Run(name, func(b *testing.B) {
					cfg := count.ClientConfig{Mode: cm, Addr: servers[sm].Addr, M: m, Pool: p}
					cfg.N = 300 // warm up: connections, pool, caches
					if _, err := count.Measure(context.Background(), cfg); err != nil {
						b.Fatal(err)
					}
					cfg.N = b.N
					cpu0, err := servers[sm].CPU()
					if err != nil {
						b.Fatal(err)
					}
					b.ResetTimer()
					rep, err := count.Measure(context.Background(), cfg)
					b.StopTimer()
					if err != nil {
						b.Fatal(err)
					}
					cpu1, err := servers[sm].CPU()
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(rep.Rate(), "tx/s")
					b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(b.N), "server-cpu-µs/tx")
				})
			}
		}
	}
}
