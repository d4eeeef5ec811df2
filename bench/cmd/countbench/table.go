package main

import (
	"fmt"
	"io"
	"slices"
)

// median returns the median of the values of the samples of one pairing
// picked by f, or 0 without samples.
func median(res *Results, server, client string, m int, f func(Sample) float64) float64 {
	var v []float64
	for _, s := range res.Samples {
		if s.Server == server && s.Client == client && s.M == m {
			v = append(v, f(s))
		}
	}
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func rate(s Sample) float64 { return s.Rate }
func cpu(s Sample) float64  { return s.ServerCPUus }

// ratio formats a/b, or "-" when b is 0.
func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// writeTables prints the throughput table with the ratios the issue asks
// about, and the server CPU table, in markdown.
func writeTables(w io.Writer, res *Results) {
	runs := fmt.Sprint(res.Repeats)
	if res.Partial {
		runs = fmt.Sprintf("at most %d (interrupted)", res.Repeats)
	}
	fmt.Fprintf(w, "Throughput, transactions/s (median of %s runs of %d transactions; %d CPUs; %s)\n\n",
		runs, res.N, res.CPUs, res.When.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(w, "| client | m |")
	for _, s := range res.Servers {
		fmt.Fprintf(w, " %s |", s)
	}
	fmt.Fprintf(w, " async / thread | async / seq |\n|---|---|")
	for range res.Servers {
		fmt.Fprintf(w, "---:|")
	}
	fmt.Fprintf(w, "---:|---:|\n")
	for _, c := range res.Clients {
		for _, m := range res.InFlight {
			fmt.Fprintf(w, "| %s | %d |", c, m)
			for _, s := range res.Servers {
				fmt.Fprintf(w, " %.0f |", median(res, s, c, m, rate))
			}
			a := median(res, "async", c, m, rate)
			fmt.Fprintf(w, " %s | %s |\n", ratio(a, median(res, "thread", c, m, rate)), ratio(a, median(res, "seq", c, m, rate)))
		}
	}
	fmt.Fprintf(w, "\nServer processor time per transaction, µs (median; /proc, 10 ms ticks)\n\n| client | m |")
	for _, s := range res.Servers {
		fmt.Fprintf(w, " %s |", s)
	}
	fmt.Fprintf(w, "\n|---|---|")
	for range res.Servers {
		fmt.Fprintf(w, "---:|")
	}
	fmt.Fprintf(w, "\n")
	for _, c := range res.Clients {
		for _, m := range res.InFlight {
			fmt.Fprintf(w, "| %s | %d |", c, m)
			for _, s := range res.Servers {
				if v := median(res, s, c, m, cpu); v > 0 {
					fmt.Fprintf(w, " %.1f |", v)
				} else {
					fmt.Fprintf(w, " - |") // an external server: not measured
				}
			}
			fmt.Fprintf(w, "\n")
		}
	}
}
