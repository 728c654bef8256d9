package entropic

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/floats"

	"github.com/otverify/otverify/internal/kernel"
	"github.com/otverify/otverify/numerics"
)

// MassTol is the tolerance on the total masses: a and b are accepted when
// |Σ a_i − 1| ≤ MassTol and |Σ b_j − 1| ≤ MassTol (protocol.md's rule for
// weights), and are then divided by their sums.
const MassTol = 1e-9

// DefaultTol is the default target for the L1 marginal error
// Σ_i |Σ_j π_ij − a_i| + Σ_j |Σ_i π_ij − b_j|: ten times below the 1e-8 that
// protocol.md requires of ot.sinkhorn, leaving room for the renormalisation
// of a and b (≤ MassTol each) and for rounding.
const DefaultTol = 1e-9

// DefaultMaxIter is the default cap on the total number of Sinkhorn
// iterations over all ε stages. With ε-scaling, problems of a few hundred
// points at eps = 1e-3·max|C| need a few hundred to a few thousand.
// Intermediate stages may use at most half of the cap (see Sinkhorn).
const DefaultMaxIter = 100000

// DefaultScaling is the default ratio between successive ε stages.
const DefaultScaling = 0.5

// stageTol is the marginal error (L1) at which an intermediate ε stage
// stops: the stage only provides a warm start, so it need not be accurate.
const stageTol = 1e-3

// stageMaxIter bounds the iterations of one intermediate ε stage; all
// intermediate stages together use at most half of MaxIter.
const stageMaxIter = 1000

// stallIters: the final stage gives up (ErrNotConverged) when the marginal
// error has not improved by 0.1 % over this many iterations — the rounding
// floor, about ulp(max|C|)/eps relative to the potentials, is above Tol
// (eps far below 1e-3·max|C|), or convergence is too slow to finish.
const stallIters = 500

// parallelMin is the number of matrix entries below which the passes run on
// the calling goroutine (the hand-off costs a few microseconds per pass).
const parallelMin = 1 << 15

// colTile is the number of columns one column-pass task handles. It must
// be a multiple of 8, the strip width of internal/kernel's column
// log-sum-exp (see colRange).
const colTile = 32

// Options controls Sinkhorn. The zero value gives the defaults.
type Options struct {
	// Tol is the target L1 marginal error; 0 means DefaultTol. Must be ≥ 0.
	Tol float64
	// MaxIter caps the total number of iterations over all ε stages; 0 means
	// DefaultMaxIter. Must be ≥ 0. The intermediate stages of ε-scaling
	// share at most MaxIter/2 of them; the final stage has the rest.
	MaxIter int
	// Scaling is the ratio eps_{k+1}/eps_k of the ε-scaling schedule, in
	// (0, 1); 0 means DefaultScaling.
	Scaling float64
	// NoScaling starts directly at the requested eps from f = g = 0.
	NoScaling bool
	// NoNewton disables the Newton polishing of the final stage (see
	// NewtonMaxDim): plain Sinkhorn, for comparisons and benchmarks.
	NoNewton bool
	// Workers is the number of goroutines for the row and column passes;
	// 0 means runtime.GOMAXPROCS(0); at most 256 are used. Below 2^15
	// matrix entries the passes run on the calling goroutine. The
	// goroutines come from a set shared by all solves of the process and
	// kept, parked, between them (pool.go). The result is bit-identical for
	// every value: each row and column is computed by the same sequential
	// code and reductions run in index order.
	Workers int
	// NoPlan skips forming the dense n×m plan (Result.Plan is nil), for
	// callers that only need the potentials or the value.
	NoPlan bool
	// Trace, if non-nil, is called after every iteration (on the calling
	// goroutine) with the state reached. Within one ε stage the recorded
	// dual objective is nondecreasing up to rounding (block coordinate
	// ascent, claim entropic.dual-ascent); across stages it is a different
	// function and is not comparable.
	Trace func(Step)
}

// Step is the state after one Sinkhorn iteration, as passed to
// Options.Trace.
type Step struct {
	Stage int     // index of the ε stage, from 0
	Eps   float64 // the ε of this stage
	Final bool    // whether Eps is the requested ε (the last stage)
	Iter  int     // iterations so far over all stages, from 1
	// Dual is D(f, g) at this stage's Eps after the column update, where
	// the column sums are exact so the exponential term vanishes:
	// Σ a_i f_i + Σ b_j g_j (compensated sums).
	Dual float64
	// MarginalError is the L1 row-marginal error after the column update
	// (the column marginals are exact then).
	MarginalError float64
}

// Result is the output of Sinkhorn.
type Result struct {
	// Plan is π_ij = a_i b_j exp((F_i + G_j − C_ij)/eps), row-major n×m
	// (nil with Options.NoPlan).
	Plan []float64
	// F, G are the dual potentials of the Gibbs form above (protocol
	// convention), unique up to F + c, G − c.
	F, G []float64
	// Eps is the ε that was asked for (the last stage).
	Eps float64
	// Iterations is the total number of iterations over all stages, and
	// Stages the number of ε stages.
	Iterations, Stages int
	// MarginalError is the L1 marginal error of Plan against the
	// normalised a and b (with NoPlan, of the plan that would be formed,
	// computed row by row); ≤ Tol whenever Sinkhorn returns no error.
	MarginalError float64
	// Dual is D(F, G) = Σ a F + Σ b G − eps·(Σ_ij π_ij − 1) (with NoPlan the
	// last term is taken as 0: the column sums are exact). At convergence it
	// equals OT_ε = Σ C π + eps·KL(π|a⊗b) within about
	// MarginalError·max|F, G|.
	Dual float64
}

// Sinkhorn returns the unique minimiser π of Σ_ij C_ij π_ij + eps·KL(π|a⊗b)
// over couplings of a and b ([P] § "Entropic Optimal Transport"; protocol.md
// op ot.sinkhorn), with potentials F, G such that
// π_ij = a_i b_j exp((F_i + G_j − C_ij)/eps), to L1 marginal error ≤ Tol.
//
// Method: log-domain Sinkhorn, i.e. alternating exact maximisation of the
// dual D(f, g) in g and in f,
//
//	g_j = −eps·log Σ_i a_i exp((f_i − C_ij)/eps),
//	f_i = −eps·log Σ_j b_j exp((g_j − C_ij)/eps),
//
// each log-sum-exp shifted (by its previous value, or by its maximum when
// that is out of range; internal/kernel RowLSEHint, ColLSELd) so that
// nothing overflows, with ε-scaling: stages
// eps_k = max(eps, (max C − min C)·Scaling^k), each warm-started from the
// potentials of the previous one and stopped at marginal error 1e-3 or
// after stageMaxIter iterations, all of them together after at most
// MaxIter/2 (then the schedule jumps to eps); an intermediate stage that
// stops unconverged only leaves a rougher warm start. The last stage runs
// at eps, and only its convergence counts. There, if Sinkhorn is
// slow (see newtonPatience) and min(n, m) ≤ NewtonMaxDim, each row update
// is followed by a damped Newton step on the dual (newton.go), which
// resolves the slow directions of small ε and polishes to 1e-3·Tol or the
// rounding floor. Every update, Sinkhorn or Newton, increases the dual
// (claim entropic.dual-ascent). Each iteration ends with a column update
// (column sums exact) and a row check that reuses the row log-sum-exp of
// the next update. Plain Sinkhorn stops when the row-marginal error is
// ≤ Tol·(1 − ρ̂), ρ̂ its observed contraction rate, i.e. when the estimated
// distance to the limit is ≤ Tol — and when, in addition, the marginal
// error of the plan itself, π_ij formed entry by entry as returned, is
// ≤ Tol (the two differ by rounding, ≲ 1e-13 at moderate eps but about
// ulp(max|C|)/eps in general; else the iteration goes on).
//
// Preconditions (else an error wrapping numerics.ErrInvalid): n, m ≥ 1,
// len(a) = n, len(b) = m, len(C) = n·m, every a_i and b_j finite and > 0,
// sums within MassTol of 1 (a and b are then divided by their sums), every
// C_ij finite, eps finite and > 0, valid Options.
//
// Accuracy: every Result returned without an error has L1 marginal error
// ≤ Tol against the normalised a, b, checked on the plan as returned (≤ Tol
// + 2·MassTol against the given ones), and finite F, G, Plan, Dual; the
// plan is within about Tol (L1) of
// the exact minimiser by the stopping rule above, which is 1000 times
// inside protocol.md's 1e-6. Tested down to eps = 1e-3·max|C| (claim
// entropic.small-eps-stable): finite, with marginal errors ≈ 1e-13 after
// Newton polishing. Exponents are differences of costs divided by eps, so
// nothing overflows unless max|C|/eps ≈ 1e308; but their rounding,
// about ulp(max|C|)/eps, limits the marginal error that can be reached:
// at eps ≲ 1e-12·max|C| Tol = 1e-9 is usually out of reach, and at
// eps = 1e-20·max|C| the plan is meaningless — the solver then returns
// ErrNotConverged, never such a plan. Iteration cost: 2·n·m exponentials
// (the vectorised kernels of internal/kernel), parallel over rows and
// column tiles (Options.Workers), allocation-free; a Newton step costs
// min(n,m)²·max(n,m) + min(n,m)³/3 flops on one goroutine; the final
// check of the plan's marginals costs n·m exponentials on one goroutine.
//
// If the iteration limit is reached in the final stage it returns the
// current Result together with an error wrapping numerics.ErrNotConverged
// that states the marginal error reached; likewise if the final stage
// stalls (stallIters), if the plan's own marginal error stays above Tol,
// or if max|C|/eps is so large that the exponents are not representable
// (then the Result is nil).
func Sinkhorn(a, b []float64, C []float64, n, m int, eps float64, opts Options) (*Result, error) {
	if err := validate(a, b, C, n, m, eps, &opts); err != nil {
		return nil, err
	}
	s := newSolver(a, b, C, n, m, opts.Workers)
	defer s.close()
	return s.solve(eps, opts)
}

// OTEps returns OT_ε(a, b; C) = min_π Σ C_ij π_ij + eps·KL(π|a⊗b), the value
// of the entropic problem of Sinkhorn (protocol.md, definition in
// ot.sinkhorn_divergence), evaluated as the dual objective at the computed
// potentials (equal to the primal value at the optimum; strong duality).
// The dense plan is not formed. Preconditions and errors as Sinkhorn.
// Accuracy: within about Tol·max(|F|, |G|) of the exact value.
func OTEps(a, b []float64, C []float64, n, m int, eps float64, opts Options) (float64, error) {
	opts.NoPlan = true
	r, err := Sinkhorn(a, b, C, n, m, eps, opts)
	if err != nil {
		return 0, err
	}
	return r.Dual, nil
}

func validate(a, b, C []float64, n, m int, eps float64, opts *Options) error {
	if n < 1 || m < 1 {
		return numerics.Invalidf("entropic: sizes n = %d, m = %d, want ≥ 1", n, m)
	}
	if len(a) != n || len(b) != m {
		return numerics.Invalidf("entropic: len(a) = %d, len(b) = %d, want n = %d, m = %d", len(a), len(b), n, m)
	}
	if len(C)%m != 0 || len(C)/m != n {
		return numerics.Invalidf("entropic: C has %d entries, want n·m = %d·%d", len(C), n, m)
	}
	if err := checkProb("a", a); err != nil {
		return err
	}
	if err := checkProb("b", b); err != nil {
		return err
	}
	for k, c := range C {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return numerics.Invalidf("entropic: C[%d][%d] = %v is not finite", k/m, k%m, c)
		}
	}
	if !(eps > 0) || math.IsInf(eps, 0) {
		return numerics.Invalidf("entropic: eps = %v, want finite eps > 0", eps)
	}
	switch {
	case !(opts.Tol >= 0) || math.IsInf(opts.Tol, 0):
		return numerics.Invalidf("entropic: Options.Tol = %v, want finite ≥ 0", opts.Tol)
	case opts.MaxIter < 0:
		return numerics.Invalidf("entropic: Options.MaxIter = %d, want ≥ 0", opts.MaxIter)
	case opts.Workers < 0:
		return numerics.Invalidf("entropic: Options.Workers = %d, want ≥ 0", opts.Workers)
	case !(opts.Scaling >= 0 && opts.Scaling < 1):
		return numerics.Invalidf("entropic: Options.Scaling = %v, want in (0, 1) or 0 for the default", opts.Scaling)
	}
	return nil
}

// checkProb checks that every entry of w is finite and > 0 and that the sum
// is within MassTol of 1.
func checkProb(name string, w []float64) error {
	for i, v := range w {
		if !(v > 0) || math.IsInf(v, 0) {
			return numerics.Invalidf("entropic: %s[%d] = %v, want finite and > 0", name, i, v)
		}
	}
	if s := sum(w); !(math.Abs(s-1) <= MassTol) {
		return numerics.Invalidf("entropic: %s sums to %.17g, want 1 within %g", name, s, MassTol)
	}
	return nil
}

// sum returns Σ w_i with Neumaier compensation.
func sum(w []float64) float64 {
	var s, c float64
	for _, v := range w {
		t := s + v
		if math.Abs(s) >= math.Abs(v) {
			c += (s - t) + v
		} else {
			c += (v - t) + s
		}
		s = t
	}
	return s + c
}

// dot returns Σ x_i y_i with Neumaier compensation of the sum.
func dot(x, y []float64) float64 {
	var s, c float64
	for i, u := range x {
		v := u * y[i]
		t := s + v
		if math.Abs(s) >= math.Abs(v) {
			c += (s - t) + v
		} else {
			c += (v - t) + s
		}
		s = t
	}
	return s + c
}

// solver holds the state and the preallocated buffers of one Sinkhorn run;
// an iteration allocates nothing.
type solver struct {
	n, m       int
	C          []float64
	a, b       []float64 // normalised weights
	loga, logb []float64
	f, g       []float64
	fa         []float64 // f_i/eps + log a_i
	gb         []float64 // g_j/eps + log b_j
	r          []float64 // r_i = log Σ_j exp(gb_j − C_ij/eps)
	c          []float64 // c_j = log Σ_i exp(fa_i − C_ij/eps), = −g_j/eps
	rowErr     []float64 // |row sum_i − a_i|
	planDst    []float64 // destination of planRange
	colSum     []float64 // buffers of planError, allocated on first use
	rowBuf     []float64
	eps, inv   float64
	nt         *newton        // Newton buffers, allocated on first use
	pool       *pool          // nil: sequential
	wg         sync.WaitGroup // the blocks of the pass in progress (pool.go)
}

func newSolver(a, b, C []float64, n, m, workers int) *solver {
	s := &solver{
		n: n, m: m, C: C,
		a: make([]float64, n), b: make([]float64, m),
		loga: make([]float64, n), logb: make([]float64, m),
		f: make([]float64, n), g: make([]float64, m),
		fa: make([]float64, n), gb: make([]float64, m),
		r: make([]float64, n), rowErr: make([]float64, n), c: make([]float64, m),
	}
	sa, sb := sum(a), sum(b)
	for i, v := range a {
		s.a[i] = v / sa
		s.loga[i] = numerics.Log(s.a[i])
	}
	for j, v := range b {
		s.b[j] = v / sb
		s.logb[j] = numerics.Log(s.b[j])
	}
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > 1 && n*m >= parallelMin {
		s.pool = newPool(s, workers)
	}
	return s
}

func (s *solver) close() {
	if s.pool != nil {
		s.pool.close()
	}
}

// setEps sets the current ε of the passes.
func (s *solver) setEps(eps float64) {
	s.eps, s.inv = eps, 1/eps
}

// colRange updates g_j = −eps·log Σ_i exp(fa_i − C_ij/eps) for columns in
// [lo, hi) with the vectorised column log-sum-exp of internal/kernel, each
// column shifted by its previous value c_j (one read of the columns; a
// strip of eight columns in which some shifted sum is out of range is
// redone with the maxima). The strips start at lo, so lo must be a
// multiple of 8 (colTile is): then the strips, and so the bits of every
// column, are the same however the columns are split among workers.
func (s *solver) colRange(lo, hi int) {
	c := s.c[lo:hi]
	kernel.ColLSELd(c, s.C[lo:], s.m, s.fa, s.inv, c)
	for k, v := range c {
		g := -s.eps * v
		s.g[lo+k] = g
		s.gb[lo+k] = g*s.inv + s.logb[lo+k]
	}
}

// rowRange computes, for rows in [lo, hi), r_i = log Σ_j exp(gb_j − C_ij/eps)
// (vectorised, shifted by the previous r_i) and the row-marginal error
// |a_i exp(f_i/eps + r_i) − a_i| of the current (f, g).
func (s *solver) rowRange(lo, hi int) {
	m := s.m
	r := s.r[lo:hi]
	kernel.RowLSEHint(r, s.C[lo*m:hi*m], s.gb, s.inv, r)
	for i := lo; i < hi; i++ {
		s.rowErr[i] = s.a[i] * math.Abs(math.Expm1(s.f[i]*s.inv+s.r[i]))
	}
}

// planRange writes π_ij = exp(fa_i + gb_j − C_ij/eps) for rows in [lo, hi).
func (s *solver) planRange(lo, hi int) {
	m := s.m
	kernel.Gibbs(s.planDst[lo*m:hi*m], s.C[lo*m:hi*m], s.fa[lo:hi], s.gb, s.inv)
}

func (s *solver) colPass() {
	if s.pool == nil {
		s.colRange(0, s.m)
		return
	}
	s.run(taskCols, s.m, colTile)
}

func (s *solver) rowPass() {
	if s.pool == nil {
		s.rowRange(0, s.n)
		return
	}
	s.run(taskRows, s.n, s.pool.rowChunk)
}

// planInto writes the plan of the current (f, g) at the current ε into dst.
func (s *solver) planInto(dst []float64) {
	s.planDst = dst
	if s.pool == nil {
		s.planRange(0, s.n)
		return
	}
	s.run(taskPlan, s.n, s.pool.rowChunk)
}

// updateF sets f_i = −eps·r_i and fa_i = f_i/eps + log a_i.
func (s *solver) updateF() {
	for i, r := range s.r {
		f := -s.eps * r
		s.f[i] = f
		s.fa[i] = f*s.inv + s.loga[i]
	}
}

// refreshFa recomputes fa for the current f after a change of ε.
func (s *solver) refreshFa() {
	for i, f := range s.f {
		s.fa[i] = f*s.inv + s.loga[i]
	}
}

func allFinite(x []float64) bool { return numerics.AllFinite(x) }

func (s *solver) solve(eps float64, opts Options) (*Result, error) {
	tol := opts.Tol
	if tol == 0 {
		tol = DefaultTol
	}
	maxIter := opts.MaxIter
	if maxIter == 0 {
		maxIter = DefaultMaxIter
	}
	q := opts.Scaling
	if q == 0 {
		q = DefaultScaling
	}
	// Adding a constant to C changes neither the plan nor the iteration
	// count, so the schedule starts at the spread of C.
	eps0 := eps
	if !opts.NoScaling {
		spread := floats.Max(s.C) - floats.Min(s.C)
		if math.IsInf(spread, 1) {
			spread = math.MaxFloat64
		}
		eps0 = max(eps, spread)
	}
	sumB1 := sum(s.b) - 1
	// The intermediate stages share at most interBudget iterations, each at
	// most stageMaxIter; once their share is spent the schedule jumps to
	// the requested eps. An intermediate stage that does not reach stageTol
	// only leaves a rougher warm start and is never an error: the final
	// stage, which always has at least maxIter − interBudget iterations,
	// decides the outcome.
	interBudget := maxIter / 2
	iter, stage := 0, 0
	var merr float64
	for stageEps := eps0; ; stage++ {
		final := stageEps <= eps || iter >= interBudget
		if final {
			stageEps = eps
		}
		s.setEps(stageEps)
		s.refreshFa()
		stol, scap := tol, maxIter
		if !final {
			stol, scap = max(tol, stageTol), min(interBudget, iter+stageMaxIter)
		}
		useNewton := final && min(s.n, s.m) <= NewtonMaxDim && !opts.NoNewton
		newtonOn := false // whether Newton steps are in use
		stageIter, nextNewton := 0, 0
		prevErr := math.Inf(1)
		bestErr, bestIter := math.Inf(1), 0
		var window [newtonWindow]float64 // marginal errors of the last iterations
		// accept is the last test before the final stage ends: the row check
		// merr comes from the log-sum-exp passes, while the plan is a sum of
		// separately rounded exponentials; they agree to rounding, which is
		// ≲ 1e-13 at moderate eps but grows like ulp(max|C|)/eps, and is
		// everything at tiny eps (max|C|/eps ≳ 1e12). So the plan's own
		// marginal error must be ≤ Tol. If it is not, Sinkhorn goes on,
		// and the plan is looked at again once merr has dropped tenfold
		// (so it costs a few passes at most), until the stall test or
		// MaxIter ends the run.
		checkBelow := math.Inf(1)
		accept := func() bool {
			if !final {
				return true
			}
			if merr > checkBelow {
				return false
			}
			if s.planError(nil) <= tol {
				return true
			}
			checkBelow = merr / 10
			return false
		}
		for {
			s.colPass()
			if !allFinite(s.g) {
				return nil, fmt.Errorf("%w: entropic: non-finite potential g at eps = %g (max|C|/eps = %g too large?)",
					numerics.ErrNotConverged, stageEps, numerics.MaxAbs(s.C)/stageEps)
			}
			s.rowPass()
			if !allFinite(s.r) {
				return nil, fmt.Errorf("%w: entropic: non-finite potential f at eps = %g (max|C|/eps = %g too large?)",
					numerics.ErrNotConverged, stageEps, numerics.MaxAbs(s.C)/stageEps)
			}
			iter++
			stageIter++
			merr = sum(s.rowErr)
			if opts.Trace != nil {
				opts.Trace(Step{
					Stage: stage, Eps: stageEps, Final: final, Iter: iter,
					Dual:          dot(s.a, s.f) + dot(s.b, s.g) - stageEps*sumB1,
					MarginalError: merr,
				})
			}
			older := window[stageIter%newtonWindow]
			window[stageIter%newtonWindow] = merr
			if merr <= stol && s.done(final, newtonOn, merr, stol, prevErr, older, stageIter) && accept() {
				break
			}
			prevErr = merr
			if merr < 0.999*bestErr {
				bestErr, bestIter = merr, stageIter
			}
			if final && stageIter-bestIter >= stallIters {
				res := s.result(eps, iter, stage+1, opts.NoPlan)
				return res, fmt.Errorf("%w: entropic: Sinkhorn stalled at marginal error %.3g > tol %.3g after %d iterations (row check %.3g; eps = %g; the rounding floor is about ulp(max|C|)/eps = %.2g)",
					numerics.ErrNotConverged, res.MarginalError, tol, iter, merr, eps, 2.2e-16*numerics.MaxAbs(s.C)/eps)
			}
			if iter >= scap {
				if !final {
					break // an intermediate stage moves on with its warm start
				}
				res := s.result(eps, iter, stage+1, opts.NoPlan)
				if res.MarginalError <= tol && res.finite() {
					return res, nil
				}
				return res, fmt.Errorf("%w: entropic: Sinkhorn marginal error %.3g > tol %.3g after %d iterations (row check %.3g; eps = %g)",
					numerics.ErrNotConverged, res.MarginalError, tol, iter, merr, eps)
			}
			slow := stageIter > newtonWindow && merr > newtonSlow*older
			if useNewton && stageIter >= nextNewton && (newtonOn || stageIter >= newtonPatience || slow) {
				// A Sinkhorn row update (exact for each row, so it also
				// settles rows that are nearly disconnected), then a
				// Newton step from there.
				s.updateF()
				if s.newtonStep() {
					newtonOn = true
					continue
				}
				// No ascent step (e.g. rounding-dominated): continue with
				// Sinkhorn and try again later.
				if newtonOn && merr <= stol && accept() {
					break
				}
				newtonOn = false
				nextNewton = stageIter + newtonPatience
				continue
			}
			s.updateF()
		}
		if final {
			break
		}
		stageEps *= q
	}
	// accept() has checked the plan's marginal error; what is returned is
	// checked once more (the same bits unless the last Newton branch
	// ended the stage), with the finiteness of every output.
	res := s.result(eps, iter, stage+1, opts.NoPlan)
	if !(res.MarginalError <= tol) || !res.finite() {
		return res, fmt.Errorf("%w: entropic: the plan's marginal error is %.3g > tol %.3g after %d iterations (eps = %g: the exponents (f_i + g_j − C_ij)/eps are rounded to about ulp(max|C|)/eps = %.2g)",
			numerics.ErrNotConverged, res.MarginalError, tol, iter, eps, 2.2e-16*numerics.MaxAbs(s.C)/eps)
	}
	return res, nil
}

// finite reports whether every number of r is finite.
func (r *Result) finite() bool {
	return numerics.AllFinite(r.F) && numerics.AllFinite(r.G) && numerics.AllFinite(r.Plan) &&
		!math.IsNaN(r.Dual) && !math.IsInf(r.Dual, 0) && !math.IsNaN(r.MarginalError) && !math.IsInf(r.MarginalError, 0)
}

// done decides whether a state with marginal error merr ≤ stol ends the
// stage. Intermediate stages end at once. With Newton steps in use the
// final stage polishes on to polishFactor·stol, or until a step gains less
// than 10 %. With plain Sinkhorn, whose error contracts at a rate ρ in its
// slowest direction, the distance to the solution is about merr/(1 − ρ), so
// the final stage ends when merr ≤ stol·(1 − ρ̂), ρ̂ the larger of the last
// one-step ratio and the geometric mean ratio over the last newtonWindow
// iterations (or when merr ≤ polishFactor·stol).
func (s *solver) done(final, newtonOn bool, merr, stol, prevErr, older float64, stageIter int) bool {
	if !final || merr <= polishFactor*stol {
		return true
	}
	if newtonOn {
		return merr > 0.9*prevErr
	}
	if math.IsInf(prevErr, 1) {
		return false // no rate estimate yet
	}
	rate := merr / prevErr
	if stageIter > newtonWindow && older > 0 {
		rate = max(rate, math.Pow(merr/older, 1.0/newtonWindow))
	}
	return merr <= stol*(1-rate)
}

// result assembles the Result at the current state (after a column update).
func (s *solver) result(eps float64, iter, stages int, noPlan bool) *Result {
	res := &Result{
		F:          append([]float64(nil), s.f...),
		G:          append([]float64(nil), s.g...),
		Eps:        eps,
		Iterations: iter,
		Stages:     stages,
	}
	mass1 := sum(s.b) - 1
	if !noPlan {
		plan := make([]float64, s.n*s.m)
		s.planInto(plan)
		res.Plan = plan
		mass1 = sum(plan) - 1
	}
	res.MarginalError = s.planError(res.Plan)
	res.Dual = dot(s.a, s.f) + dot(s.b, s.g) - eps*mass1
	return res
}

// planError returns the L1 marginal error
// Σ_i |Σ_j π_ij − a_i| + Σ_j |Σ_i π_ij − b_j| of the plan of the current
// state, computed from the formed plan, or, with plan nil, from its rows
// formed one at a time exactly as planRange forms them (the same bits).
// It is sequential, so the sums do not depend on the workers.
func (s *solver) planError(plan []float64) float64 {
	n, m := s.n, s.m
	if s.colSum == nil {
		s.colSum, s.rowBuf = make([]float64, m), make([]float64, m)
	}
	col, row := s.colSum, s.rowBuf
	clear(col)
	e := 0.0
	for i := range n {
		if plan != nil {
			row = plan[i*m : (i+1)*m]
		} else {
			kernel.Gibbs(row, s.C[i*m:(i+1)*m], s.fa[i:i+1], s.gb, s.inv)
		}
		e += math.Abs(sum(row) - s.a[i])
		for j, v := range row {
			col[j] += v
		}
	}
	for j := range col {
		e += math.Abs(col[j] - s.b[j])
	}
	return e
}
