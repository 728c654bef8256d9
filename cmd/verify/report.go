package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/otverify/otverify/internal/kernel"
	"github.com/otverify/otverify/reports"
	"github.com/otverify/otverify/reports/figures"
	"github.com/otverify/otverify/theorems"
)

// cmdReport writes the HTML report: the catalog's status (from a run of the
// reference with a modest budget, or from a JSON report given by --from),
// the latest benchmark table and the documents' figures recomputed by the
// reference implementation.
func cmdReport(stdout, stderr io.Writer, args []string) (int, error) {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		out, from, benchDir string
		families            listFlag
		checks, parallel    int
		seed                uint64
		budget              time.Duration
		noFigures           bool
	)
	fs.StringVar(&out, "out", "report.html", "write the HTML report to this file")
	fs.StringVar(&from, "from", "", "show this JSON report (from `verify run --format json`) instead of running the catalog")
	fs.StringVar(&benchDir, "bench-dir", "", "directory whose latest benchmark file is shown (default reports/bench under the module root)")
	fs.Var(&families, "family", "run only claims of these families (comma-separated; ignored with --from)")
	fs.IntVar(&checks, "checks", 100, "random instances per claim for the run behind the report")
	fs.Uint64Var(&seed, "seed", 1, "seed of the run behind the report")
	fs.DurationVar(&budget, "budget", 30*time.Second, "wall-time budget of the run behind the report (claims it stops early are marked)")
	fs.IntVar(&parallel, "parallel", 0, "claims run at once (default GOMAXPROCS)")
	fs.BoolVar(&noFigures, "no-figures", false, "leave the figures out")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	if fs.NArg() > 0 {
		return 2, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var rep *reports.Report
	note := ""
	if from != "" {
		f, err := os.Open(from)
		if err != nil {
			return 2, err
		}
		rep, err = reports.ReadJSON(f)
		f.Close()
		if err != nil {
			return 2, err
		}
		note = "Claim results read from " + from + "; figures computed now."
	} else {
		if checks <= 0 || seed == 0 || budget <= 0 {
			return 2, fmt.Errorf("--checks, --seed and --budget must be positive")
		}
		claims, err := theorems.Select(families, nil, nil)
		if err != nil {
			return 2, err
		}
		ops := theorems.ReferenceOps()
		opts := theorems.Options{Seed: seed, Checks: checks, Budget: budget, Parallel: parallel,
			Repro: self() + " run"}
		fmt.Fprintf(stderr, "verify report: checking %d claims against the reference (%d checks each, budget %s)\n", len(claims), checks, budget)
		start := time.Now()
		results := theorems.Run(claims, &ops, opts)
		rep = reports.New("reference", opts, results, time.Since(start))
		note = fmt.Sprintf("Claims checked against the reference implementation now: seed %d, up to %d instances each within a budget of %s.", seed, checks, budget)
	}
	if benchDir == "" {
		if root, err := moduleRoot(); err == nil {
			benchDir = filepath.Join(root, "reports", "bench")
		}
	}
	var bench *reports.BenchTable
	if benchDir != "" {
		var err error
		if bench, err = reports.LatestBench(benchDir); err != nil {
			fmt.Fprintf(stderr, "verify report: benchmarks not shown: %v\n", err)
		}
	}
	var figs []reports.Figure
	failed := 0
	if !noFigures {
		start := time.Now()
		for _, f := range figures.All() {
			if f.Err != "" {
				failed++
				fmt.Fprintf(stderr, "verify report: figure %s: %s\n", f.ID, f.Err)
			}
			figs = append(figs, reports.Figure(f))
		}
		fmt.Fprintf(stderr, "verify report: %d figures computed in %.1fs\n", len(figs), time.Since(start).Seconds())
	}
	var feats []string
	if s := kernel.Features(); s != "" && s != "none" {
		feats = strings.Split(s, ",")
	}
	var buf bytes.Buffer
	if err := reports.WriteHTML(&buf, rep, reports.HTMLOptions{Figures: figs, Bench: bench,
		CPU: kernel.CPU(), CPUFeatures: feats, Note: note}); err != nil {
		return 2, err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return 2, err
	}
	s := rep.Summary
	fmt.Fprintf(stdout, "%d passed, %d failed, %d skipped, %d errors; %d figures; report written to %s\n",
		s.Pass, s.Fail, s.Skip, s.Error, len(figs), out)
	if failed > 0 {
		return 2, fmt.Errorf("%d figure(s) could not be computed (shown as errors in the report)", failed)
	}
	return exitCode(rep, rep.Mode == "impl"), nil
}
