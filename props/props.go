// Package props runs the otverify catalog from `go test`: against the
// reference implementation (this package's own tests) and, through Check,
// against a Go implementation of the otv/1 operations — the conformance
// API, in the spirit of testing/fstest.TestFS.
//
// Constructions without an otv/1 op (the maximum-entropy ascent) are
// checked through Go-only hooks, theorems.Ops.Local: set them to run the
// maxent claims against your solver; claims that call neither an offered op
// nor a set hook are skipped.
package props

import (
	"bytes"
	"flag"
	"strconv"
	"testing"
	"time"

	"github.com/otverify/otverify/reports"
	"github.com/otverify/otverify/theorems"
)

// Options select and size a conformance run. Zero values mean: every
// family, every claim, 100 checks per claim (or -rapid.checks when given to
// go test), seed 1, budget 2 minutes.
type Options struct {
	Families []string
	Claims   []string
	Checks   int
	Seed     uint64
	Budget   time.Duration
}

// Check runs every catalog claim whose operations ops offers against ops,
// one subtest per claim named by its id. A falsified claim fails its subtest
// with the claim, the shrunk counterexample (requests and answers), the
// violated relation with its tolerance, and the seed that reproduces it.
// Claims that need an operation ops lacks are skipped; claims about the
// mathematics alone (no operation) are not run.
func Check(t *testing.T, ops theorems.Ops, opts Options) {
	t.Helper()
	results, err := run(ops, opts, true)
	if err != nil {
		t.Fatalf("props.Check: %v", err)
	}
	for _, r := range results {
		t.Run(r.ID, func(t *testing.T) {
			switch r.Status {
			case theorems.Pass:
				return
			case theorems.Skip:
				t.Skip(r.Message)
			default:
				t.Error(Describe(r))
			}
		})
	}
}

// Run runs the selected claims against ops and returns their results
// without reporting to a testing.T (for self-tests that expect failures).
func Run(ops theorems.Ops, opts Options) ([]theorems.Result, error) {
	return run(ops, opts, false)
}

func run(ops theorems.Ops, opts Options, skipOpless bool) ([]theorems.Result, error) {
	claims, err := theorems.Select(opts.Families, opts.Claims, nil)
	if err != nil {
		return nil, err
	}
	o := theorems.Options{Seed: opts.Seed, Checks: opts.Checks, Budget: opts.Budget, SkipOpless: skipOpless,
		Repro: "go test -run 'TestName/<claim>' -rapid.seed"}
	if o.Checks == 0 {
		o.Checks = rapidChecks()
	}
	if o.Budget == 0 {
		o.Budget = 2 * time.Minute
	}
	o.Repro = "go run ./cmd/verify run"
	return theorems.Run(claims, &ops, o), nil
}

// rapidChecks honours -rapid.checks on the go test command line.
func rapidChecks() int {
	if f := flag.Lookup("rapid.checks"); f != nil {
		if n, err := strconv.Atoi(f.Value.String()); err == nil && n > 0 {
			return n
		}
	}
	return 100
}

// Describe renders one claim result as the text report does.
func Describe(r theorems.Result) string {
	var buf bytes.Buffer
	rep := &reports.Report{Claims: []theorems.Result{r}, Summary: reports.Summarize([]theorems.Result{r})}
	_ = reports.WriteText(&buf, rep, true)
	return buf.String()
}
