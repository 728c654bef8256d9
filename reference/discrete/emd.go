package discrete

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/otverify/otverify/numerics"
)

// ErrOverflow is wrapped by the error returned when the input is valid but a
// result (cost, potential, plan entry) does not fit in float64, e.g. costs
// of magnitude near math.MaxFloat64 whose potentials double them. The
// otv/1 server reports it as "failed", which protocol.md accepts for such
// inputs.
var ErrOverflow = errors.New("discrete: result overflows float64")

// ProbabilityTol is the tolerance on |Σa − 1| and |Σb − 1| that EMD accepts
// (protocol.md, op ot.emd). It is also the relative tolerance
// |Σa − Σb| ≤ ProbabilityTol·max(Σa, Σb) on the totals of unnormalised
// masses (Options.Unnormalized).
const ProbabilityTol = 1e-9

// reducedCostTol is the relative tolerance of the optimality test of the
// network simplex: an arc enters the basis only if its reduced cost is below
// −reducedCostTol·max|C|. Reduced costs are sums of a cost and two
// potentials, each of magnitude O(max|C|), accumulated over tree paths, so
// their rounding noise is a few hundred ulps of max|C| at worst; 1e-12 sits
// well above that noise (no pivots on rounding noise, hence no cycling on
// it) and well below the protocol's 1e-9. At termination every reduced cost
// is ≥ −reducedCostTol·max|C|, so the plan's cost exceeds the optimum by at
// most reducedCostTol·max|C|·Σa (weak duality applied to the shifted
// potentials f − reducedCostTol·max|C|).
const reducedCostTol = 1e-12

// Entry is one nonzero entry π_ij = Mass of a transport plan.
type Entry struct {
	I, J int
	Mass float64
}

// Solution is an optimal transport plan with its optimal dual potentials.
type Solution struct {
	// N and M are the numbers of source and target atoms.
	N, M int
	// Plan is the optimal plan π, dense and row-major (π_ij = Plan[i*M+j]),
	// or nil when it was not asked for (Options.SparseOnly). It is a basic
	// (vertex) solution: at most N+M−1 entries are nonzero.
	Plan []float64
	// Cost is Σ_ij C_ij π_ij, summed with compensation over the nonzero
	// entries of π.
	Cost float64
	// F (length N) and G (length M) are optimal dual potentials of
	// [P] § Dual Potentials: F_i + G_j ≤ C_ij for all i, j (up to one
	// rounding), with equality within 1e-12·max|C| (the optimality
	// tolerance of the simplex) wherever π_ij > 0, and
	// Σ a_i F_i + Σ b_j G_j = Cost within 1e-12·max|C|·Σa.
	// Each is the c-transform of the other (F_i = min_j C_ij − G_j and
	// G_j = min_i C_ij − F_i), which fixes the potentials of atoms of zero
	// mass; the additive constant (F + t, G − t) is chosen so that
	// Σ a_i F_i ≈ Σ b_j G_j.
	F, G []float64
	// Iterations is the number of network simplex pivots.
	Iterations int

	entries []Entry
}

// Sparse returns the nonzero entries of the optimal plan π in row-major
// order (by i, then j); there are at most N+M−1 of them. The slice is owned
// by the Solution and is available whether or not Plan was built, which is
// what large problems need (the dense plan has N·M entries). It returns nil
// for a nil *Solution (it dereferenced nil; regression test
// TestSparseOfNilAndBadOptionsAreSafe).
func (s *Solution) Sparse() []Entry {
	if s == nil {
		return nil
	}
	return s.entries
}

// Options tunes EMDWithOptions. The zero value gives EMD's behaviour.
type Options struct {
	// Unnormalized accepts any nonnegative finite masses a, b with positive
	// totals equal within ProbabilityTol (relative), instead of probability
	// vectors. The plan then has the given masses as marginals, as in the
	// worked example of [P] (masses (2,1) → (1,2)).
	Unnormalized bool
	// SparseOnly leaves Solution.Plan nil; use Solution.Sparse.
	SparseOnly bool
	// MaxIter bounds the number of pivots; 0 means DefaultMaxIter(n, m).
	// Must be ≥ 0 (a negative value, once silently the default, is
	// ErrInvalid).
	MaxIter int
}

// DefaultMaxIter is the pivot budget of EMD for an n×m problem:
// 1000·(n+m) + 1e6. Block-search network simplex typically needs a few
// times n+m pivots; the budget only guards against a runaway. It saturates
// at math.MaxInt instead of overflowing (it wrapped to a small or negative
// budget for n + m near MaxInt; EMD itself accepts n + m < 2³⁰ only), and
// treats negative sizes as 0.
func DefaultMaxIter(n, m int) int {
	n, m = max(n, 0), max(m, 0)
	const base = 1_000_000
	if n > (math.MaxInt-base)/1000-m || m > (math.MaxInt-base)/1000 {
		return math.MaxInt
	}
	return 1000*(n+m) + base
}

// EMD returns an exact optimal transport plan between the probability
// vectors a (n atoms) and b (m atoms) for the row-major n×m cost matrix C,
// together with optimal dual potentials ([P] § The Kantorovich Problem,
// Discrete Kantorovich Form, and § Dual Potentials):
//
//	minimise Σ_ij C_ij π_ij  over π_ij ≥ 0, Σ_j π_ij = a_i, Σ_i π_ij = b_j,
//	maximise Σ_i a_i f_i + Σ_j b_j g_j  over f_i + g_j ≤ C_ij.
//
// Preconditions (else an error wrapping numerics.ErrInvalid): n, m ≥ 1,
// len(a) = n, len(b) = m, len(C) = n·m, all entries finite, a, b ≥ 0 (zero
// masses are allowed), |Σa − 1| ≤ 1e-9 and |Σb − 1| ≤ 1e-9. Costs may be any
// finite reals (negative, tied, huge).
//
// Method: primal network simplex on the complete bipartite graph with a
// strongly feasible spanning-tree basis (degenerate pivots cannot cycle),
// block-search pricing, and artificial root arcs whose big-M cost is kept
// symbolic (lexicographic), so that it never pollutes the potentials.
//
// Accuracy: when Σa ≠ Σb in floating point, both are rescaled to their mean
// (a change of at most 5e-10 in L1 per marginal for valid input); the
// plan's marginals then equal the rescaled a, b up to a few ulps of the
// total mass. The cost is optimal within 1e-12·max|C|·Σa (see Solution for
// the potentials). An error wrapping numerics.ErrNotConverged is returned if
// DefaultMaxIter pivots do not suffice, one wrapping ErrOverflow if a result
// is not finite.
func EMD(a, b, C []float64, n, m int) (*Solution, error) {
	return EMDWithOptions(a, b, C, n, m, Options{})
}

// EMDWithOptions is EMD with options: general (unnormalised) masses of equal
// totals, a sparse-only result, or another pivot budget. With
// Unnormalized, the preconditions on the sums become Σa > 0 and
// |Σa − Σb| ≤ 1e-9·max(Σa, Σb); everything else is as in EMD.
func EMDWithOptions(a, b, C []float64, n, m int, opt Options) (*Solution, error) {
	if err := checkShape(a, b, C, n, m); err != nil {
		return nil, err
	}
	A, B, massExp, err := prepareMasses(a, b, opt.Unnormalized)
	if err != nil {
		return nil, err
	}
	if opt.MaxIter < 0 {
		return nil, numerics.Invalidf("discrete: Options.MaxIter = %d, want ≥ 0", opt.MaxIter)
	}
	Cs, costExp := scaleCosts(C)
	maxIter := opt.MaxIter
	if maxIter == 0 {
		maxIter = DefaultMaxIter(n, m)
	}

	ns := newNetSimplex(Cs, A, B, n, m)
	if err := ns.run(maxIter); err != nil {
		return nil, err
	}
	entries, err := ns.plan(massExp)
	if err != nil {
		return nil, err
	}
	f, g := ns.potentials()

	// Undo the cost scaling, then polish: centre, and replace each side by
	// the c-transform of the other (exact dual feasibility up to one
	// rounding, and well-defined potentials for atoms of zero mass).
	for i := range f {
		f[i] = math.Ldexp(f[i], costExp)
	}
	for j := range g {
		g[j] = math.Ldexp(g[j], costExp)
	}
	centre(f, g, A, B)
	cTransformRows(f, g, C, n, m)
	cTransformCols(f, g, C, n, m)
	if !numerics.AllFinite(f) || !numerics.AllFinite(g) {
		return nil, fmt.Errorf("%w: dual potentials (costs up to %g)", ErrOverflow, numerics.MaxAbs(C))
	}

	var cost sum
	for _, e := range entries {
		cost.add(C[e.I*m+e.J] * e.Mass)
	}
	sol := &Solution{N: n, M: m, Cost: cost.value(), F: f, G: g, Iterations: ns.iter, entries: entries}
	if math.IsInf(sol.Cost, 0) || math.IsNaN(sol.Cost) {
		return nil, fmt.Errorf("%w: transport cost", ErrOverflow)
	}
	if !opt.SparseOnly {
		sol.Plan = make([]float64, n*m)
		for _, e := range entries {
			sol.Plan[e.I*m+e.J] = e.Mass
		}
	}
	return sol, nil
}

// checkShape validates the sizes and finiteness of an EMD input.
func checkShape(a, b, C []float64, n, m int) error {
	switch {
	case n < 1 || m < 1:
		return numerics.Invalidf("discrete: empty problem (n=%d, m=%d)", n, m)
	case len(a) != n:
		return numerics.Invalidf("discrete: a has %d entries, want n=%d", len(a), n)
	case len(b) != m:
		return numerics.Invalidf("discrete: b has %d entries, want m=%d", len(b), m)
	case len(C)%n != 0 || len(C)/n != m:
		return numerics.Invalidf("discrete: C has %d entries, want n·m = %d·%d", len(C), n, m)
	case n+m >= 1<<30:
		return numerics.Invalidf("discrete: problem too large (n+m = %d)", n+m)
	}
	for _, v := range [...]struct {
		name string
		x    []float64
	}{{"a", a}, {"b", b}} {
		for i, x := range v.x {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return numerics.Invalidf("discrete: %s[%d] = %g is not finite", v.name, i, x)
			}
			if x < 0 {
				return numerics.Invalidf("discrete: %s[%d] = %g is negative", v.name, i, x)
			}
		}
	}
	for k, x := range C {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return numerics.Invalidf("discrete: C[%d][%d] = %g is not finite", k/m, k%m, x)
		}
	}
	return nil
}

// prepareMasses checks the totals of a and b and returns the masses the
// solver works with: copies of a and b scaled by 2^−massExp (exact; massExp
// is 0 for probability vectors) and rescaled to the mean of their totals, so
// that ΣA = ΣB up to rounding.
func prepareMasses(a, b []float64, unnormalized bool) (A, B []float64, massExp int, err error) {
	if unnormalized {
		mx := max(slices.Max(a), slices.Max(b))
		if mx == 0 {
			return nil, nil, 0, numerics.Invalidf("discrete: total mass is zero")
		}
		_, massExp = math.Frexp(mx)
	}
	A = make([]float64, len(a))
	B = make([]float64, len(b))
	var sa, sb sum
	for i, x := range a {
		A[i] = math.Ldexp(x, -massExp)
		sa.add(A[i])
	}
	for j, x := range b {
		B[j] = math.Ldexp(x, -massExp)
		sb.add(B[j])
	}
	SA, SB := sa.value(), sb.value()
	if unnormalized {
		if SA <= 0 || SB <= 0 {
			return nil, nil, 0, numerics.Invalidf("discrete: total masses Σa = %g, Σb = %g must be positive",
				math.Ldexp(SA, massExp), math.Ldexp(SB, massExp))
		}
		if math.Abs(SA-SB) > ProbabilityTol*max(SA, SB) {
			return nil, nil, 0, numerics.Invalidf("discrete: total masses differ: Σa = %g, Σb = %g (relative tolerance %g)",
				math.Ldexp(SA, massExp), math.Ldexp(SB, massExp), ProbabilityTol)
		}
	} else {
		if !(math.Abs(SA-1) <= ProbabilityTol) {
			return nil, nil, 0, numerics.Invalidf("discrete: Σa = %.17g, want 1 within %g", SA, ProbabilityTol)
		}
		if !(math.Abs(SB-1) <= ProbabilityTol) {
			return nil, nil, 0, numerics.Invalidf("discrete: Σb = %.17g, want 1 within %g", SB, ProbabilityTol)
		}
	}
	T := SA/2 + SB/2
	if SA != T {
		s := T / SA
		for i := range A {
			A[i] *= s
		}
	}
	if SB != T {
		s := T / SB
		for j := range B {
			B[j] *= s
		}
	}
	return A, B, massExp, nil
}

// Cost magnitudes outside [2^−costExpLimit, 2^costExpLimit] are rescaled by
// a power of two before solving, so that reduced costs (sums of three
// cost-sized terms) can neither overflow nor fall into subnormals.
const costExpLimit = 400

// scaleCosts returns C·2^−e and e, with e = 0 (and C itself, not a copy)
// unless max|C| lies outside [2^−costExpLimit, 2^costExpLimit].
func scaleCosts(C []float64) ([]float64, int) {
	mx := numerics.MaxAbs(C)
	if mx == 0 || (mx >= math.Ldexp(1, -costExpLimit) && mx <= math.Ldexp(1, costExpLimit)) {
		return C, 0
	}
	_, e := math.Frexp(mx)
	Cs := make([]float64, len(C))
	for k, x := range C {
		Cs[k] = math.Ldexp(x, -e)
	}
	return Cs, e
}

// centre shifts (f, g) to (f + t, g − t) with t chosen so that
// Σ A_i f_i = Σ B_j g_j (ΣA = ΣB), which leaves f_i + g_j and the dual
// objective unchanged.
func centre(f, g, A, B []float64) {
	var sf, sg, sa, sb sum
	for i, x := range f {
		sf.add(A[i] * x)
		sa.add(A[i])
	}
	for j, x := range g {
		sg.add(B[j] * x)
		sb.add(B[j])
	}
	t := (sg.value() - sf.value()) / (sa.value() + sb.value())
	if math.IsNaN(t) || math.IsInf(t, 0) {
		return
	}
	for i := range f {
		f[i] += t
	}
	for j := range g {
		g[j] -= t
	}
}

// cTransformRows sets f_i = min_j C_ij − g_j.
func cTransformRows(f, g, C []float64, n, m int) {
	for i := range n {
		row := C[i*m : (i+1)*m]
		best := math.Inf(1)
		for j, c := range row {
			best = min(best, c-g[j])
		}
		f[i] = best
	}
}

// cTransformCols sets g_j = min_i C_ij − f_i.
func cTransformCols(f, g, C []float64, n, m int) {
	for j := range g {
		g[j] = math.Inf(1)
	}
	for i := range n {
		row := C[i*m : (i+1)*m]
		fi := f[i]
		for j, c := range row {
			g[j] = min(g[j], c-fi)
		}
	}
}

// sum is a Neumaier (improved Kahan) compensated sum: the error of value()
// is at most about 2ε·Σ|x| independently of the number of terms.
type sum struct{ s, c float64 }

func (k *sum) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k *sum) value() float64 { return k.s + k.c }
