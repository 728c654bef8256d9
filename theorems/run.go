package theorems

import (
	"flag"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// Status is the outcome of a claim in a run.
type Status string

const (
	Pass  Status = "pass"
	Fail  Status = "fail"
	Skip  Status = "skip"
	Error Status = "error"
)

// Options control a run of the catalog.
type Options struct {
	// Seed is rapid's base seed (default 1; the same seed gives the same
	// instances, results and report).
	Seed uint64
	// Checks is the number of instances per claim (default 100).
	Checks int
	// Budget bounds the wall time of the whole run (default 60 s). A claim
	// stops drawing new instances when its share is used up and reports how
	// many checks it ran (Truncated); shrinking a found failure is bounded by
	// ShrinkTime instead.
	Budget time.Duration
	// ShrinkTime bounds the minimisation of one counterexample (default 10 s).
	ShrinkTime time.Duration
	// Parallel is the number of claims run at once (default GOMAXPROCS).
	// Results do not depend on it.
	Parallel int
	// Repro is the command prefix that reproduces this run, e.g.
	// "go run ./cmd/verify run"; each failure gets it plus --claim and --seed.
	Repro string
	// SkipOpless skips claims that exercise no operation (used when checking
	// another implementation: such claims say nothing about it).
	SkipOpless bool
	// Progress, if set, is called after each claim finishes.
	Progress func(Result)
}

func (o *Options) defaults() {
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Checks <= 0 {
		o.Checks = 100
	}
	if o.Budget <= 0 {
		o.Budget = 60 * time.Second
	}
	if o.ShrinkTime <= 0 {
		o.ShrinkTime = 10 * time.Second
	}
	if o.Parallel <= 0 {
		o.Parallel = runtime.GOMAXPROCS(0)
	}
}

// Result is the outcome of one claim.
type Result struct {
	ID        string   `json:"id"`
	Family    string   `json:"family"`
	Title     string   `json:"title"`
	Source    string   `json:"source"`
	Statement string   `json:"statement"`
	Tolerance string   `json:"tolerance"`
	Ops       []string `json:"ops"`
	Kind      string   `json:"kind"`
	Status    Status   `json:"status"`
	// Tier and Size identify a large-tier result: one per claim and size
	// of the ladder (empty for the property tier).
	Tier string `json:"tier,omitempty"`
	Size int    `json:"size,omitempty"`
	// Checks is the number of instances actually checked.
	Checks int `json:"checks"`
	// Truncated is set when the time budget stopped the claim before Checks.
	Truncated bool `json:"truncated,omitempty"`
	// WorstRatio is the largest observed error/tolerance over passing
	// comparisons (how close the claim came to failing).
	WorstRatio float64 `json:"worst_ratio"`
	Duration   float64 `json:"duration_s"`
	// Message says why the claim failed, errored or was skipped.
	Message string `json:"message,omitempty"`
	// Counterexample is the shrunk failing case (or, for an existence claim
	// that holds, the case holding the witness).
	Counterexample *Case  `json:"counterexample,omitempty"`
	Witness        any    `json:"witness,omitempty"`
	Repro          string `json:"repro,omitempty"`
	// Log holds rapid's account of the minimal failing case (its draws).
	Log []string `json:"log,omitempty"`
}

// claimRun is the shared state of the checks of one claim.
type claimRun struct {
	mu            sync.Mutex
	deadline      time.Time
	executed      int
	truncated     bool
	failureSeen   bool
	checksToFail  int // instances checked when the first failure was seen
	lastFail      *Case
	worst         float64
	notApplicable string
}

func (r *claimRun) observe(ratio float64) {
	r.mu.Lock()
	if ratio > r.worst && !math.IsInf(ratio, 0) {
		r.worst = ratio
	}
	r.mu.Unlock()
}

func (r *claimRun) setNotApplicable(reason string) {
	r.mu.Lock()
	r.notApplicable = reason
	r.mu.Unlock()
}

// property wraps a claim's check for rapid: it enforces the time budget
// (instances past the deadline are not checked, until a failure has been
// seen, so shrinking is never cut short), counts executed checks, and keeps
// the last failing case — rapid's last call is the replay of the minimal one.
func property(c *Claim, ops *Ops, run *claimRun) func(*rapid.T) {
	return func(t *rapid.T) {
		run.mu.Lock()
		if !run.failureSeen && !run.deadline.IsZero() && time.Now().After(run.deadline) {
			run.truncated = true
			run.mu.Unlock()
			return
		}
		run.executed++
		run.mu.Unlock()
		env := newEnv(ops, run)
		defer func() {
			r := recover()
			skipped := r != nil && fmt.Sprintf("%T", r) == "rapid.invalidData"
			if (r != nil && !skipped) || t.Failed() {
				run.mu.Lock()
				if !run.failureSeen {
					run.checksToFail = run.executed
				}
				run.failureSeen = true
				cs := env.cas
				if r != nil && cs.Message == "" {
					cs.Message = fmt.Sprint(r)
				}
				run.lastFail = cs
				run.mu.Unlock()
			}
			if r != nil {
				panic(r)
			}
		}()
		c.Check(t, env)
	}
}

var rapidMu sync.Mutex

// Run checks the claims against ops and returns one Result per claim, in
// the order given. It is deterministic for a given Options.Seed and
// Options.Checks unless the budget truncates a claim (reported).
func Run(claims []*Claim, ops *Ops, opts Options) []Result {
	opts.defaults()
	rapidMu.Lock()
	defer rapidMu.Unlock()
	setRapidFlags(opts)

	results := make([]Result, len(claims))
	start := time.Now()
	runDeadline := start.Add(opts.Budget)
	// Each claim that will run may use an equal share of the budget across
	// the workers, and never past the run's deadline; claims skipped for a
	// missing op take no time and get no share (with `verify impl` against
	// an implementation of a few ops, most of the catalog is skipped).
	runnable := 0
	for _, c := range claims {
		if skipReason(c, ops, opts) == "" {
			runnable++
		}
	}
	share := time.Duration(float64(opts.Budget) * float64(opts.Parallel) / math.Max(1, float64(runnable)))

	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < opts.Parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				dl := time.Now().Add(share)
				if dl.After(runDeadline) {
					dl = runDeadline
				}
				results[i] = runClaim(claims[i], ops, opts, dl)
				if opts.Progress != nil {
					opts.Progress(results[i])
				}
			}
		}()
	}
	for i := range claims {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}

func setRapidFlags(o Options) {
	if !flag.Parsed() {
		// rapid calls testing.Short(), which needs the testing flags
		// registered and the command line parsed; outside `go test` do that
		// on an empty command line (our CLI uses its own FlagSet).
		testing.Init()
		_ = flag.CommandLine.Parse(nil)
	}
	set := func(k, v string) {
		if err := flag.Set(k, v); err != nil {
			panic("theorems: cannot set rapid flag " + k + ": " + err.Error())
		}
	}
	set("rapid.checks", strconv.Itoa(o.Checks))
	set("rapid.seed", strconv.FormatUint(o.Seed, 10))
	set("rapid.nofailfile", "true")
	set("rapid.shrinktime", o.ShrinkTime.String())
}

// skipReason says why c is skipped against ops ("" if it runs): an op it
// needs is not offered, or it exercises no op and opts.SkipOpless is set.
func skipReason(c *Claim, ops *Ops, opts Options) string {
	for _, op := range c.Ops {
		if !ops.Has(op) {
			return "op " + op + " not offered by the implementation"
		}
	}
	if len(c.Ops) == 0 && opts.SkipOpless && !usesLocal(c, ops) {
		return "exercises no operation of the implementation (a property of the mathematics, checked by `verify run`)"
	}
	return ""
}

// usesLocal reports whether c calls a Go-only hook group that ops sets.
func usesLocal(c *Claim, ops *Ops) bool {
	for _, g := range c.Local {
		if ops.Local.Has(g) {
			return true
		}
	}
	return false
}

func runClaim(c *Claim, ops *Ops, opts Options, deadline time.Time) (res Result) {
	res = Result{ID: c.ID, Family: c.Family(), Title: c.Title, Source: c.Source, Statement: c.Statement,
		Tolerance: c.Tolerance, Ops: c.Ops, Kind: "property"}
	if c.Kind == Existence {
		res.Kind = "existence"
	}
	if res.Ops == nil {
		res.Ops = []string{}
	}
	if why := skipReason(c, ops, opts); why != "" {
		res.Status = Skip
		res.Message = why
		return res
	}
	run := &claimRun{deadline: deadline}
	tb := &recordingTB{name: c.ID}
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				tb.internal = fmt.Sprintf("internal error: %v", r)
			}
		}()
		rapid.Check(tb, property(c, ops, run))
	}()
	<-done
	res.Duration = time.Since(start).Seconds()
	res.Checks = run.executed
	if run.failureSeen {
		// Count the instances drawn up to the failure, not the replays of
		// shrinking.
		res.Checks = run.checksToFail
	}
	res.Truncated = run.truncated
	res.WorstRatio = run.worst
	repro := fmt.Sprintf("%s --claim %s --seed %d --checks %d", opts.Repro, c.ID, opts.Seed, opts.Checks)

	switch {
	case tb.internal != "":
		res.Status = Error
		res.Message = tb.internal
	case run.notApplicable != "" && !run.failureSeen:
		res.Status = Skip
		res.Message = run.notApplicable
	case c.Kind == Existence:
		if run.failureSeen && run.lastFail != nil && run.lastFail.Witness != nil {
			res.Status = Pass
			res.Witness = run.lastFail.Witness
			res.Counterexample = run.lastFail
			res.Message = "witness found (shrunk): " + run.lastFail.Message
		} else if run.failureSeen {
			res.Status = Fail
			res.Counterexample = run.lastFail
			res.Message = firstNonEmpty(caseMessage(run.lastFail), tb.message())
			res.Repro = repro
			res.Log = tb.draws()
		} else {
			res.Status = Fail
			res.Message = fmt.Sprintf("%v in %d checks: the existence claim is not witnessed", errNoWitness, run.executed)
			res.Repro = repro
		}
	case tb.failed:
		res.Status = Fail
		res.Counterexample = run.lastFail
		res.Message = firstNonEmpty(caseMessage(run.lastFail), tb.message())
		res.Repro = repro
		res.Log = tb.draws()
	default:
		res.Status = Pass
	}
	return res
}

func caseMessage(c *Case) string {
	if c == nil {
		return ""
	}
	return c.Message
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// recordingTB is the rapid.TB of a run outside `go test`: it records what
// rapid reports instead of printing it.
type recordingTB struct {
	mu       sync.Mutex
	name     string
	logs     []string
	errs     []string
	failed   bool
	internal string
}

func (tb *recordingTB) Helper()      {}
func (tb *recordingTB) Name() string { return tb.name }
func (tb *recordingTB) Logf(format string, args ...any) {
	tb.mu.Lock()
	tb.logs = append(tb.logs, fmt.Sprintf(format, args...))
	tb.mu.Unlock()
}
func (tb *recordingTB) Log(args ...any) { tb.Logf("%s", fmt.Sprintln(args...)) }
func (tb *recordingTB) Errorf(format string, args ...any) {
	tb.mu.Lock()
	tb.errs = append(tb.errs, fmt.Sprintf(format, args...))
	tb.failed = true
	tb.mu.Unlock()
}
func (tb *recordingTB) Error(args ...any) { tb.Errorf("%s", fmt.Sprint(args...)) }
func (tb *recordingTB) Fatalf(format string, args ...any) {
	tb.Errorf(format, args...)
	runtime.Goexit()
}
func (tb *recordingTB) Fatal(args ...any)                { tb.Fatalf("%s", fmt.Sprint(args...)) }
func (tb *recordingTB) Skipf(format string, args ...any) { tb.Logf(format, args...); runtime.Goexit() }
func (tb *recordingTB) Skip(args ...any)                 { tb.Log(args...); runtime.Goexit() }
func (tb *recordingTB) SkipNow()                         { runtime.Goexit() }
func (tb *recordingTB) FailNow() {
	tb.mu.Lock()
	tb.failed = true
	tb.mu.Unlock()
	runtime.Goexit()
}
func (tb *recordingTB) Fail() {
	tb.mu.Lock()
	tb.failed = true
	tb.mu.Unlock()
}
func (tb *recordingTB) Failed() bool {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.failed
}

func (tb *recordingTB) message() string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.errs) == 0 {
		return ""
	}
	first, _, _ := strings.Cut(tb.errs[0], "\n")
	return first
}

// draws returns rapid's log of the minimal case: the labelled draws.
func (tb *recordingTB) draws() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []string
	for _, l := range tb.logs {
		if strings.HasPrefix(l, "[rapid] draw") {
			out = append(out, strings.TrimSpace(l))
		}
	}
	if len(out) > 50 {
		out = append(out[:50], fmt.Sprintf("… %d more draws", len(out)-50))
	}
	return out
}
