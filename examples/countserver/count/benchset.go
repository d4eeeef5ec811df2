package count

// BenchServer is a server setup that the benchmarks measure.
type BenchServer struct {
	// Name labels the server in benchmark names, tables and charts.
	Name string
	// Config is the server's configuration.
	Config ServerConfig
}

// BenchServers are the servers every benchmark compares: the three modes
// with their defaults (the async server on one worker, a single event
// loop like tokio's current_thread runtime), and the async server on a
// pool of two workers, the number of CPUs of the project's machine (what
// tokio's multi-thread runtime would start there).
var BenchServers = []BenchServer{
	{Name: "seq", Config: ServerConfig{Mode: Seq}},
	{Name: "thread", Config: ServerConfig{Mode: Thread}},
	{Name: "async", Config: ServerConfig{Mode: Async}},
	{Name: "async-2w", Config: ServerConfig{Mode: Async, Workers: 2}},
}

// BenchClients are the clients every server is measured with.
var BenchClients = []Mode{Async, Thread}

// BenchInFlight are the values of M every pairing is measured at.
var BenchInFlight = []int{1, 2, 16}
