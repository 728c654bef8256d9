package reports

import (
	"runtime"
	"time"

	"github.com/otverify/otverify/theorems"
)

// Summary counts claims by status.
type Summary struct {
	Pass  int `json:"pass"`
	Fail  int `json:"fail"`
	Skip  int `json:"skip"`
	Error int `json:"error"`
}

// Implementation describes the program checked by `verify impl`.
type Implementation struct {
	Command string   `json:"command"`
	Name    string   `json:"name,omitempty"`
	Version string   `json:"version,omitempty"`
	Ops     []string `json:"ops"`
	// StderrTail is the last lines the child wrote to its standard error.
	StderrTail []string `json:"stderr_tail,omitempty"`
	// Faults are protocol faults seen outside any claim (crash at start-up,
	// no hello, …).
	Faults []string `json:"faults,omitempty"`
}

// Finding is a robustness finding: the implementation's answer to a
// deliberately malformed or degenerate request was not the expected one.
type Finding struct {
	Op       string `json:"op"`
	Case     string `json:"case"`
	Args     any    `json:"args"`
	Expected string `json:"expected"`
	Got      string `json:"got"`
}

// Machine describes where the run happened (informational; excluded from
// determinism comparisons).
type Machine struct {
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	CPUs       int    `json:"cpus"`
	GoVersion  string `json:"go_version"`
	StartedAt  string `json:"started_at"`
	GOMAXPROCS int    `json:"gomaxprocs"`
}

// Report is the outcome of `verify run` or `verify impl`.
type Report struct {
	Tool           string            `json:"tool"`
	Mode           string            `json:"mode"` // "reference" or "impl"
	Seed           uint64            `json:"seed"`
	Checks         int               `json:"checks"`
	Budget         float64           `json:"budget_s"`
	Shard          string            `json:"shard,omitempty"`
	Implementation *Implementation   `json:"implementation,omitempty"`
	Summary        Summary           `json:"summary"`
	Claims         []theorems.Result `json:"claims"`
	Robustness     []Finding         `json:"robustness,omitempty"`
	// RobustnessCases is the number of bad-input requests sent by
	// --robustness (0: the battery did not run), so that a report with no
	// findings says whether anything was tried.
	RobustnessCases int      `json:"robustness_cases,omitempty"`
	Duration        float64  `json:"duration_s"`
	Machine         *Machine `json:"machine,omitempty"`
}

// New builds a report from claim results.
func New(mode string, opts theorems.Options, results []theorems.Result, elapsed time.Duration) *Report {
	r := &Report{Tool: "otverify", Mode: mode, Seed: opts.Seed, Checks: opts.Checks,
		Budget: opts.Budget.Seconds(), Claims: results, Duration: elapsed.Seconds()}
	if r.Claims == nil {
		r.Claims = []theorems.Result{}
	}
	r.Summary = Summarize(results)
	r.Machine = &Machine{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPUs: runtime.NumCPU(),
		GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		StartedAt: time.Now().Add(-elapsed).UTC().Format(time.RFC3339)}
	return r
}

// Summarize counts results by status.
func Summarize(results []theorems.Result) Summary {
	var s Summary
	for _, r := range results {
		switch r.Status {
		case theorems.Pass:
			s.Pass++
		case theorems.Fail:
			s.Fail++
		case theorems.Skip:
			s.Skip++
		default:
			s.Error++
		}
	}
	return s
}

// Normalize zeroes the fields that legitimately differ between two runs of
// the same seed (timings and the machine block), so reports can be compared
// byte for byte.
func (r *Report) Normalize() {
	r.Duration = 0
	r.Machine = nil
	for i := range r.Claims {
		r.Claims[i].Duration = 0
	}
}
