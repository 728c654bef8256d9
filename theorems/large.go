package theorems

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/discrete"
)

// The large tier: claims checked at the sizes people run, on a fixed ladder
// of sizes, with certificates that stay cheap there (dual feasibility and
// the duality gap instead of re-solving; O(n²) at most). Instances are
// seeded, not shrunk: a failure reports the size, the seed and the violated
// relation. Requests use protocol.md's large-problem forms when the
// implementation advertises them (points: x, y and "cost": "sqeuclidean";
// sparse_plan: sparse EMD plans and potentials-only Sinkhorn); without them
// sizes whose dense JSON would exceed about 4 million numbers are skipped.

// LargeCheck is one claim of the large tier.
type LargeCheck struct {
	Claim       string // id of the claim in claims.md
	Ops         []string
	Sizes       []int
	Certificate string // how the claim is certified at scale
	// Growth is the exponent of the time's growth with n used to project
	// the next size's time (2 if zero: the O(n²) certificates).
	Growth float64
	Check  func(c *LargeCase) error
}

// LargeCase is one size of a LargeCheck.
type LargeCase struct {
	Ops *Ops
	N   int
	Rng *rand.Rand
	// inputs is a summary of the instance (shapes, parameters), reported
	// with a failure; the instance itself is reproduced from the seed.
	inputs map[string]any
}

func (c *LargeCase) note(k string, v any) {
	if c.inputs == nil {
		c.inputs = map[string]any{}
	}
	c.inputs[k] = v
}

// errSkipSize marks a size the implementation cannot be asked at (a
// feature it lacks).
var errSkipSize = errors.New("skipped")

func skipSize(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errSkipSize, fmt.Sprintf(format, args...))
}

// mismatchErr carries a violated relation.
type mismatchErr struct{ m Mismatch }

func (e *mismatchErr) Error() string {
	return fmt.Sprintf("%s: got %v, want %v: |error| %.3g > tolerance %.3g", e.m.What, e.m.Got, e.m.Want, e.m.Error, e.m.Tolerance)
}

func expectLeq(what string, lhs, rhs, tol float64) error {
	if !(lhs-rhs <= tol) {
		return &mismatchErr{Mismatch{What: what + " (lhs ≤ rhs)", Got: lhs, Want: rhs, Error: lhs - rhs, Tolerance: tol}}
	}
	return nil
}

func expectClose(what string, got, want, tol float64) error {
	if !(math.Abs(got-want) <= tol) {
		return &mismatchErr{Mismatch{What: what, Got: got, Want: want, Error: math.Abs(got - want), Tolerance: tol}}
	}
	return nil
}

// callChecked calls an op and validates the answer's shape and finiteness.
func callChecked[A, R any](name string, f func(A) (R, error), a A) (R, error) {
	var zero R
	if f == nil {
		return zero, skipSize("%s not offered", name)
	}
	r, err := f(a)
	if err != nil {
		return zero, fmt.Errorf("%s failed on a request inside its domain: %w", name, err)
	}
	oi, _ := LookupOp(name)
	if err := oi.CheckResult(a, r); err != nil {
		return zero, fmt.Errorf("%s answered malformed output: %w", name, err)
	}
	return r, nil
}

// denseLimit is the largest n·m sent as a dense JSON matrix: about 50 MB of
// text at ≈ 20 bytes per number, under otv/1's default 64 MiB line limit
// (protocol.DefaultMaxMessage).
const denseLimit = 2_500_000

// gaussianClouds draws two 2-D Gaussian clouds of n points (the setting of
// the POT iteration-limit defect: two clouds, squared cost).
func gaussianClouds(rng *rand.Rand, n int) (x, y [][]float64) {
	x, y = make([][]float64, n), make([][]float64, n)
	for i := 0; i < n; i++ {
		x[i] = []float64{rng.NormFloat64(), rng.NormFloat64()}
		y[i] = []float64{3 + 2*rng.NormFloat64(), -1 + 0.5*rng.NormFloat64()}
	}
	return x, y
}

// decimalSimplex draws n weights m_i/(10n) with integers m_i ∈ [5, 15]
// summing to 10n exactly: short decimals whose float64 sum is 1 to within
// n·ulp(1/n).
func decimalSimplex(rng *rand.Rand, n int) []float64 {
	m := make([]int, n)
	total := 0
	for i := range m {
		m[i] = 5 + rng.IntN(11)
		total += m[i]
	}
	// Move the sum to 10n by ±1 steps on random entries, within [5, 15].
	for total != 10*n {
		i := rng.IntN(n)
		switch {
		case total > 10*n && m[i] > 5:
			m[i]--
			total--
		case total < 10*n && m[i] < 15:
			m[i]++
			total++
		}
	}
	w := make([]float64, n)
	for i := range w {
		w[i] = float64(m[i]) / float64(10*n)
	}
	return w
}

func randomSimplex(rng *rand.Rand, n int) []float64 {
	w := make([]float64, n)
	s := 0.0
	for i := range w {
		w[i] = 0.5 + rng.Float64()
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
	return w
}

// LargeChecks is the large tier's catalog.
var LargeChecks = []LargeCheck{
	{
		Claim: "discrete.strong-duality", Ops: []string{OpEMD}, Sizes: []int{500, 1000, 2000, 4000, 8000}, Growth: 2.5,
		Certificate: "plan marginals (1e-9 L1), reported cost = Σ C π, dual feasibility min(C_ij − f_i − g_j) ≥ −tol over all n² pairs and zero gap (tol 1e-9·(max C + max|f| + max|g|)); without duals, the cost against the reference's network simplex",
		Check: func(c *LargeCase) error {
			n := c.N
			x, y := gaussianClouds(c.Rng, n)
			a, b := randomSimplex(c.Rng, n), randomSimplex(c.Rng, n)
			C, _, _, err := SqEuclideanCost(x, y)
			if err != nil {
				return err
			}
			args := EMDArgs{A: a, B: b}
			if c.Ops.HasFeature(FeaturePoints) {
				args.X, args.Y, args.Cost = x, y, "sqeuclidean"
			} else if n*n <= denseLimit {
				args.C = numerics.Unflatten(C, n, n)
			} else {
				return skipSize("n = %d needs the points feature", n)
			}
			sparse := c.Ops.HasFeature(FeatureSparsePlan)
			if sparse {
				args.PlanFormat = "sparse"
			} else if n*n > denseLimit {
				return skipSize("n = %d needs the sparse_plan feature", n)
			}
			c.note("clouds", "two 2-D Gaussian clouds, squared Euclidean cost, random weights")
			r, err := callChecked(OpEMD, c.Ops.EMD, args)
			if err != nil {
				return err
			}
			entries, err := planEntries(r.Plan, sparse, n, n)
			if err != nil {
				return err
			}
			rows, cols := make([]float64, n), make([]float64, n)
			cost, maxC := 0.0, 0.0
			for _, v := range C {
				maxC = math.Max(maxC, v)
			}
			for _, e := range entries {
				if e.Mass < -1e-12 {
					return expectLeq(fmt.Sprintf("−plan[%d][%d]", e.I, e.J), -e.Mass, 0, 1e-12)
				}
				rows[e.I] += e.Mass
				cols[e.J] += e.Mass
				cost += e.Mass * C[e.I*n+e.J]
			}
			if err := expectLeq("row marginal L1 error", l1(rows, a), 0, emdTol); err != nil {
				return err
			}
			if err := expectLeq("column marginal L1 error", l1(cols, b), 0, emdTol); err != nil {
				return err
			}
			if err := expectClose("reported cost vs Σ C π", r.Cost, cost, emdTol*maxC); err != nil {
				return err
			}
			if r.F == nil {
				ref, err := discrete.EMDWithOptions(a, b, C, n, n, discrete.Options{SparseOnly: true})
				if err != nil {
					return fmt.Errorf("reference solver: %w", err)
				}
				return expectClose("cost vs the reference's optimum", cost, ref.Cost, emdTol*maxC)
			}
			tol := emdTol * (maxC + numerics.MaxAbs(r.F) + numerics.MaxAbs(r.G))
			worst := math.Inf(1)
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					worst = math.Min(worst, C[i*n+j]-r.F[i]-r.G[j])
				}
			}
			if err := expectLeq("dual infeasibility max(f_i + g_j − C_ij)", -worst, 0, tol); err != nil {
				// Say how far from optimal the plan is, with a certified
				// bound: the c-transform g'_j = min_i (C_ij − f_i) makes
				// (f, g') feasible, so Σ a f + Σ b g' ≤ OT ≤ cost (weak
				// duality) and cost − (Σ a f + Σ b g') bounds the excess.
				lb := dot(a, r.F)
				for j := 0; j < n; j++ {
					gj := math.Inf(1)
					for i := 0; i < n; i++ {
						gj = math.Min(gj, C[i*n+j]-r.F[i])
					}
					lb += b[j] * gj
				}
				c.note("cost", cost)
				c.note("certified lower bound (c-transform of the returned f)", lb)
				c.note("excess over the optimum, at most", fmt.Sprintf("%.3g (%.3g%% of the cost)", cost-lb, 100*(cost-lb)/cost))
				return err
			}
			return expectClose("duality gap: Σ a f + Σ b g vs cost", dot(a, r.F)+dot(b, r.G), cost, tol)
		},
	},
	{
		Claim: "discrete.assignment-optimal", Ops: []string{OpAssignment}, Sizes: []int{500, 1000, 2000, 4000}, Growth: 3,
		Certificate: "the permutation's cost equals the lower bound Σu + Σv of dual potentials (u_i + v_j ≤ C_ij checked over all n² pairs) from the reference's Jonker–Volgenant solver, within 1e-9·n·max C",
		Check: func(c *LargeCase) error {
			n := c.N
			x, y := gaussianClouds(c.Rng, n)
			C, _, _, err := SqEuclideanCost(x, y)
			if err != nil {
				return err
			}
			args := AssignmentArgs{}
			if c.Ops.HasFeature(FeaturePoints) {
				args.X, args.Y, args.Cost = x, y, "sqeuclidean"
			} else if n*n <= denseLimit {
				args.C = numerics.Unflatten(C, n, n)
			} else {
				return skipSize("n = %d needs the points feature", n)
			}
			r, err := callChecked(OpAssignment, c.Ops.Assignment, args)
			if err != nil {
				return err
			}
			cert, err := discrete.AssignmentWithDuals(C, n)
			if err != nil {
				return fmt.Errorf("reference certificate: %w", err)
			}
			maxC, worst := 0.0, math.Inf(1)
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					v := C[i*n+j]
					maxC = math.Max(maxC, v)
					worst = math.Min(worst, v-cert.U[i]-cert.V[j])
				}
			}
			tol := emdTol * float64(n) * maxC
			if worst < -tol {
				return fmt.Errorf("internal: the reference's dual certificate is infeasible by %g", -worst)
			}
			cost := 0.0
			for i, j := range r.Perm {
				cost += C[i*n+j]
			}
			return expectLeq("permutation cost vs the dual lower bound Σu + Σv", cost, sum(cert.U)+sum(cert.V), tol)
		},
	},
	{
		Claim: "entropic.marginals", Ops: []string{OpSinkhorn}, Sizes: []int{500, 1000, 2000},
		Certificate: "at ε = 0.01·max C: the marginals of the plan (or of the Gibbs plan a_i b_j exp((f_i+g_j−C_ij)/ε) of the returned potentials) within 1e-8 (L1)",
		Check: func(c *LargeCase) error {
			n := c.N
			x, y := gaussianClouds(c.Rng, n)
			a, b := randomSimplex(c.Rng, n), randomSimplex(c.Rng, n)
			C, _, _, err := SqEuclideanCost(x, y)
			if err != nil {
				return err
			}
			maxC := 0.0
			for _, v := range C {
				maxC = math.Max(maxC, v)
			}
			eps := 0.01 * maxC
			c.note("eps", eps)
			args := SinkhornArgs{A: a, B: b, Eps: eps}
			if c.Ops.HasFeature(FeaturePoints) {
				args.X, args.Y, args.Cost = x, y, "sqeuclidean"
			} else if n*n <= denseLimit {
				args.C = numerics.Unflatten(C, n, n)
			} else {
				return skipSize("n = %d needs the points feature", n)
			}
			usePot := c.Ops.HasFeature(FeatureSparsePlan)
			if usePot {
				args.PlanFormat = "none"
			}
			r, err := callChecked(OpSinkhorn, c.Ops.Sinkhorn, args)
			if err != nil {
				return err
			}
			rows, cols := make([]float64, n), make([]float64, n)
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					var p float64
					if usePot {
						p = a[i] * b[j] * math.Exp((r.F[i]+r.G[j]-C[i*n+j])/eps)
					} else {
						p = r.Plan[i][j]
					}
					rows[i] += p
					cols[j] += p
				}
			}
			if err := expectLeq("row marginal L1 error", l1(rows, a), 0, sinkTol); err != nil {
				return err
			}
			return expectLeq("column marginal L1 error", l1(cols, b), 0, sinkTol)
		},
	},
	{
		Claim: "ot1d.quantile-coupling-optimal", Ops: []string{OpEMD1D}, Sizes: []int{10_000, 100_000, 1_000_000}, Growth: 1.2,
		Certificate: "W_2² equals the cost of the quantile coupling, computed here by an independent sorted merge, within 1e-9·(1 + max|x−y|²)",
		Check: func(c *LargeCase) error {
			n := c.N
			// Short decimals (points on a 1e-6 grid, weights multiples of
			// 1/(10n)) keep the request of n = 1e6 near 40 MB of JSON,
			// under otv/1's default 64 MiB line limit; full-precision
			// numbers would take about 85 MB.
			x, y := make([]float64, n), make([]float64, n)
			for i := range x {
				x[i] = math.Round(c.Rng.NormFloat64()*1e6) / 1e6
				y[i] = math.Round((2+0.5*c.Rng.ExpFloat64())*1e6) / 1e6
			}
			a, b := decimalSimplex(c.Rng, n), decimalSimplex(c.Rng, n)
			r, err := callChecked(OpEMD1D, c.Ops.EMD1D, EMD1DArgs{X: x, Y: y, A: a, B: b, P: 2})
			if err != nil {
				return err
			}
			want := mergeCost2(x, a, y, b)
			span := 0.0
			for i := range x {
				span = math.Max(span, math.Abs(x[i])+math.Abs(y[i]))
			}
			return expectClose("W2² vs the quantile-coupling cost", r.Cost, want, 1e-9*(1+span*span))
		},
	},
	{
		Claim: "sliced.lower-bound", Ops: []string{OpSlicedW2}, Sizes: []int{1_000, 10_000, 100_000}, Growth: 1.2,
		Certificate: "the value equals the mean over 32 directions of the sorted-projection costs computed here (d = 8), within 1e-9·(1 + max‖x−y‖²)",
		Check: func(c *LargeCase) error {
			n, d, L := c.N, 8, 32
			x, y := make([][]float64, n), make([][]float64, n)
			for i := range x {
				x[i], y[i] = make([]float64, d), make([]float64, d)
				for k := 0; k < d; k++ {
					x[i][k] = c.Rng.NormFloat64()
					y[i][k] = 1 + 2*c.Rng.NormFloat64()
				}
			}
			theta := make([][]float64, L)
			for l := range theta {
				v := make([]float64, d)
				for k := range v {
					v[k] = c.Rng.NormFloat64()
				}
				s := math.Sqrt(dot(v, v))
				for k := range v {
					v[k] /= s
				}
				theta[l] = v
			}
			r, err := callChecked(OpSlicedW2, c.Ops.SlicedW2, SlicedArgs{X: x, Y: y, Theta: theta})
			if err != nil {
				return err
			}
			span := 0.0
			for i := range x {
				for k := 0; k < d; k++ {
					span = math.Max(span, math.Abs(x[i][k])+math.Abs(y[i][k]))
				}
			}
			return expectClose("SW2² vs sorted projections", r.Value, slicedDirect(x, y, theta), 1e-9*(1+float64(d)*span*span))
		},
	},
}

// planEntry is one entry of a plan.
type planEntry struct {
	I, J int
	Mass float64
}

func planEntries(P [][]float64, sparse bool, n, m int) ([]planEntry, error) {
	var out []planEntry
	if sparse {
		for k, t := range P {
			if len(t) != 3 || t[0] != math.Trunc(t[0]) || t[1] != math.Trunc(t[1]) ||
				t[0] < 0 || t[0] >= float64(n) || t[1] < 0 || t[1] >= float64(m) {
				return nil, fmt.Errorf("sparse plan entry %d is not an [i, j, mass] triple with valid indices: %v", k, t)
			}
			out = append(out, planEntry{int(t[0]), int(t[1]), t[2]})
		}
		return out, nil
	}
	for i := range P {
		for j, v := range P[i] {
			if v != 0 {
				out = append(out, planEntry{i, j, v})
			}
		}
	}
	return out, nil
}

// mergeCost2 is Σ over the quantile coupling of |x − y|² for weighted 1-D
// measures, by sorting both and merging the CDFs (O(n log n), no n×m plan).
func mergeCost2(x, a, y, b []float64) float64 {
	ix, iy := sortedIndex(x), sortedIndex(y)
	i, j := 0, 0
	ra, rb := a[ix[0]], b[iy[0]]
	cost := 0.0
	for i < len(ix) && j < len(iy) {
		m := math.Min(ra, rb)
		d := x[ix[i]] - y[iy[j]]
		cost += m * d * d
		ra -= m
		rb -= m
		if ra <= rb {
			i++
			if i < len(ix) {
				ra = a[ix[i]]
			}
		} else {
			j++
			if j < len(iy) {
				rb = b[iy[j]]
			}
		}
	}
	return cost
}

// RunLarge runs the large tier: each check over its ladder, sizes in
// increasing order. Each check gets an equal share of the budget left when
// it starts; a size is skipped, and reported so, when the time projected
// from the previous size (growth n^Growth) exceeds the check's share.
// Instances depend only on the seed, the claim and the size.
func RunLarge(checks []LargeCheck, ops *Ops, opts Options) []Result {
	opts.defaults()
	runDeadline := time.Now().Add(opts.Budget)
	var out []Result
	for k, lc := range checks {
		cl, _ := Lookup(lc.Claim)
		share := time.Until(runDeadline) / time.Duration(len(checks)-k)
		deadline := time.Now().Add(share)
		growth := lc.Growth
		if growth == 0 {
			growth = 2
		}
		var last time.Duration
		lastN := 0
		for _, n := range lc.Sizes {
			res := Result{ID: lc.Claim, Family: "", Tier: "large", Size: n, Ops: lc.Ops, Kind: "property", Tolerance: lc.Certificate}
			if cl != nil {
				res.Family, res.Title, res.Source, res.Statement = cl.Family(), cl.Title, cl.Source, cl.Statement
			}
			missing := ""
			for _, op := range lc.Ops {
				if !ops.Has(op) {
					missing = op
				}
			}
			proj := time.Duration(0)
			if lastN > 0 {
				proj = time.Duration(float64(last) * math.Pow(float64(n)/float64(lastN), growth))
			}
			switch {
			case missing != "":
				res.Status, res.Message = Skip, "op "+missing+" not offered by the implementation"
			case lastN > 0 && time.Now().Add(proj).After(deadline):
				// The smallest size always runs (lastN == 0), so that every
				// claim is checked at least once even when an earlier claim
				// overran its share; larger sizes run while their projected
				// time fits.
				left := time.Until(deadline)
				if left <= 0 {
					res.Status, res.Message = Skip, fmt.Sprintf("time budget: this claim's share is used up (this size would take about %v, n^%g growth from the last size)",
						proj.Round(time.Second), growth)
				} else {
					res.Status, res.Message = Skip, fmt.Sprintf("time budget: this size would take about %v (n^%g growth from the last size), more than the %v left to this claim",
						proj.Round(time.Second), growth, left.Round(time.Second))
				}
			default:
				seed := largeSeed(opts.Seed, lc.Claim, n)
				c := &LargeCase{Ops: ops, N: n, Rng: rand.New(rand.NewPCG(seed, 0x1a46e))}
				start := time.Now()
				err := safeLarge(lc.Check, c)
				last, lastN = time.Since(start), n
				res.Duration = last.Seconds()
				res.Checks = 1
				var me *mismatchErr
				switch {
				case err == nil:
					res.Status = Pass
				case errors.Is(err, errSkipSize):
					res.Status, res.Message, res.Checks = Skip, err.Error(), 0
				default:
					res.Status, res.Message = Fail, err.Error()
					cs := &Case{Inputs: map[string]any{"n": n, "seed": seed}, Message: err.Error()}
					for k, v := range c.inputs {
						cs.Inputs[k] = v
					}
					if errors.As(err, &me) {
						m := me.m
						cs.Mismatch = &m
					}
					res.Counterexample = cs
					res.Repro = fmt.Sprintf("%s --tier large --claim %s --seed %d", opts.Repro, lc.Claim, opts.Seed)
				}
			}
			if opts.Progress != nil {
				opts.Progress(res)
			}
			out = append(out, res)
		}
	}
	return out
}

func safeLarge(f func(*LargeCase) error, c *LargeCase) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f(c)
}

func largeSeed(seed uint64, claim string, n int) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s/%d", seed, claim, n)
	return h.Sum64()
}

// SelectLarge filters the large tier by family and claim id.
func SelectLarge(families, ids []string) []LargeCheck {
	var out []LargeCheck
	for _, lc := range LargeChecks {
		fam, _, _ := cutDot(lc.Claim)
		if len(families) > 0 && !contains(families, fam) {
			continue
		}
		if len(ids) > 0 {
			ok := false
			for _, id := range ids {
				ok = ok || matchID(id, lc.Claim)
			}
			if !ok {
				continue
			}
		}
		out = append(out, lc)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Claim < out[j].Claim })
	return out
}

func cutDot(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
