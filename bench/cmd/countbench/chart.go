package main

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// drawChart draws the median throughput of every pairing as grouped bars:
// one group per client and m, one bar per server.
func drawChart(path string, res *Results) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("count server throughput over loopback (median of %d × %d transactions, %d CPUs)",
		res.Repeats, res.N, res.CPUs)
	p.Y.Label.Text = "transactions/s"
	p.Y.Min = 0
	var groups []string
	for _, c := range res.Clients {
		for _, m := range res.InFlight {
			groups = append(groups, fmt.Sprintf("%s client m=%d", c, m))
		}
	}
	top := 0.0
	width := vg.Points(14)
	for i, s := range res.Servers {
		var v plotter.Values
		for _, c := range res.Clients {
			for _, m := range res.InFlight {
				v = append(v, median(res, s, c, m, rate))
				top = max(top, v[len(v)-1])
			}
		}
		bars, err := plotter.NewBarChart(v, width)
		if err != nil {
			return err
		}
		bars.LineStyle.Width = 0
		bars.Color = palette(i)
		bars.Offset = width * vg.Length(float64(i)-float64(len(res.Servers)-1)/2)
		p.Add(bars)
		p.Legend.Add(s+" server", bars)
	}
	p.Y.Max = top * 1.25 // room for the legend above the bars
	p.Legend.Top = true
	p.NominalX(groups...)
	return p.Save(11*vg.Inch, 4.5*vg.Inch, path)
}

// palette gives the servers fixed, distinguishable colours.
func palette(i int) color.Color {
	return plotutil.Color(i)
}
