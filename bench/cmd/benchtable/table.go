package main

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
)

// render writes the markdown summary table; link is the results directory
// as seen from the document.
func render(rows []row, files map[string]*resultFile, link string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("| benchmark | spindle | plain Go | spindle's gain | raw results, measured |\n")
	b.WriteString("|---|---:|---:|---:|---|\n")
	for _, r := range rows {
		f := files[r.file]
		if f == nil {
			return nil, fmt.Errorf("row %q: no results file %s", r.label, r.file)
		}
		s, err := f.median(r.spindle, r.unit)
		if err != nil {
			return nil, fmt.Errorf("row %q: %w", r.label, err)
		}
		p, err := f.median(r.plain, r.unit)
		if err != nil {
			return nil, fmt.Errorf("row %q: %w", r.label, err)
		}
		when := f.config["measured"]
		if when == "" {
			when = "date unknown"
		}
		gain := ratio(p, s)
		if isRate(r.unit) {
			gain = ratio(s, p)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | [%s](%s/%s), %s |\n", r.label,
			format(s, r.unit), format(p, r.unit), gain, r.file, link, r.file, when)
	}
	return b.Bytes(), nil
}

// median is the median of the samples of benchmark name in unit.
func (f *resultFile) median(name, unit string) (float64, error) {
	units, ok := f.samples[name]
	if !ok {
		return 0, fmt.Errorf("%s: no benchmark %s", f.name, name)
	}
	v, ok := units[unit]
	if !ok {
		return 0, fmt.Errorf("%s: benchmark %s has no %s", f.name, name, unit)
	}
	return median(v), nil
}

// median of a non-empty sample; the mean of the middle two for an even count.
func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ratio formats a/b, the gain of spindle: plain/spindle for a cost,
// spindle/plain for a rate, so that above 1 spindle does better.
func ratio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// isRate reports whether more of unit is better: a count per second
// (tx/s, req/s), where every other unit is a cost (time, bytes).
func isRate(unit string) bool { return strings.HasSuffix(unit, "/s") }

// timeUnit matches the time units: ns, µs or ms, with an optional tag
// before (cpu-ns/op: process CPU time; p99-ns: a 99th percentile;
// server-cpu-µs/tx) and an optional denominator after.
var timeUnit = regexp.MustCompile(`^(?:([a-z0-9-]+)-)?(ns|µs|ms)(/.+)?$`)

// format writes a value in its unit: times scaled to a readable prefix,
// their tag after the value (its words apart, cpu as CPU), anything else as a number with
// thousands separators.
func format(v float64, unit string) string {
	m := timeUnit.FindStringSubmatch(unit)
	if m == nil {
		return number(v) + " " + unit
	}
	tag, per := m[1], m[3]
	switch m[2] {
	case "µs":
		v *= 1e3
	case "ms":
		v *= 1e6
	}
	if tag != "" {
		words := strings.Split(tag, "-")
		for i, w := range words {
			if w == "cpu" {
				words[i] = "CPU"
			}
		}
		tag = " " + strings.Join(words, " ")
	}
	cpu := tag
	scaled, prefix := v, "ns"
	for _, s := range []struct {
		f float64
		p string
	}{{1e9, "s"}, {1e6, "ms"}, {1e3, "µs"}} {
		if v >= s.f {
			scaled, prefix = v/s.f, s.p
			break
		}
	}
	return number(scaled) + " " + prefix + per + cpu
}

// number keeps three significant digits, and none after the point from 100
// on: 0.699, 34.1, 189, 2,653.
func number(v float64) string {
	if v != 0 && math.Abs(v) < 100 {
		d := 2 - int(math.Floor(math.Log10(math.Abs(v))))
		return fmt.Sprintf("%.*f", d, v)
	}
	s := fmt.Sprintf("%.0f", v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
