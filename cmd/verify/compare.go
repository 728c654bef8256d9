package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/otverify/otverify/reports"
)

const compareUsage = `usage: verify compare [flags] OLD NEW

Compares two files of Go benchmark results (verify bench, make bench, or any
go test -bench output) as benchstat does, with golang.org/x/perf: one table
per configuration and unit, rows by benchmark, the median of each side with
its 95% interval, the change when the Mann–Whitney U test finds it
significant (p ≤ alpha), else "~". A significant slow-down beyond the
threshold — in a duration (sec/op, …) or a rate (GB/s, iter/s, …) — is a
REGRESSION. Results whose configuration differs (cpu-features, kernel, …)
are not compared unless the keys are ignored.

Exit codes: 0 no regression, 1 a regression, 2 usage or input error.

`

// percentFlag accepts "5%" or "0.05".
type percentFlag float64

func (p *percentFlag) String() string { return fmt.Sprintf("%g%%", 100*float64(*p)) }
func (p *percentFlag) Set(s string) error {
	s = strings.TrimSpace(s)
	scale := 1.0
	if strings.HasSuffix(s, "%") {
		s, scale = strings.TrimSuffix(s, "%"), 0.01
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v >= 0) {
		return fmt.Errorf("want a nonnegative fraction or percentage such as 5%% or 0.05")
	}
	*p = percentFlag(v * scale)
	return nil
}

func cmdCompare(stdout, stderr io.Writer, args []string) (int, error) {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, compareUsage); fs.PrintDefaults() }
	opts := reports.DefaultBenchCompareOptions()
	threshold := percentFlag(opts.Threshold)
	fs.Var(&threshold, "threshold", "smallest slow-down that counts as a regression (5% or 0.05)")
	fs.Float64Var(&opts.Alpha, "alpha", opts.Alpha, "significance level of the Mann–Whitney U test")
	fs.Float64Var(&opts.Confidence, "confidence", opts.Confidence, "level of the intervals around the medians")
	var ignore listFlag
	fs.Var(&ignore, "ignore", "configuration keys whose differences are ignored (comma-separated, e.g. kernel)")
	fs.StringVar(&opts.Filter, "filter", "*", "benchfilter query selecting benchmarks (e.g. '/impl:avx512')")
	// Flags may follow the file names (verify compare OLD NEW --threshold 10%).
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return 2, err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 2 {
		fs.Usage()
		return 2, fmt.Errorf("want two files, OLD and NEW (got %d)", len(files))
	}
	opts.Threshold = float64(threshold)
	opts.Ignore = ignore
	readers := make([]io.Reader, 2)
	for i, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return 2, err
		}
		defer f.Close()
		readers[i] = f
	}
	// Columns are labelled by base name when that tells the files apart.
	names := []string{filepath.Base(files[0]), filepath.Base(files[1])}
	if names[0] == names[1] {
		names = files
	}
	c, err := reports.CompareBench(names[0], readers[0], names[1], readers[1], opts)
	if err != nil {
		return 2, err
	}
	if err := c.WriteText(stdout); err != nil {
		return 2, err
	}
	if len(c.Regressions()) > 0 {
		return 1, nil
	}
	return 0, nil
}
