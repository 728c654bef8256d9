package discrete

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
	"pgregory.net/rapid"
)

// Tolerances of the certificate checks. certRtol multiplies the size of the
// terms S = max|C| + max|F| + max|G|: the solver stops at reduced costs
// ≥ −1e-12·max|C| (reducedCostTol) and the potentials carry a few hundred
// ulps of S; 1e-11 leaves a margin of 10 over the former.
const (
	certRtol = 1e-11
	// margRtol: plan marginals are subtree sums of masses, exact up to a few
	// ulps of the total mass per entry.
	margRtol = 1e-12
	// lpRtol, lpAtol: gonum's dense simplex stops at reduced costs below an
	// absolute 1e-10 (whatever the scale of C) and loses a few digits in its
	// LU solves.
	lpRtol = 1e-8
	lpAtol = 1e-9
)

// genSize draws a problem size in [lo, hi].
func genSize(lo, hi int) *rapid.Generator[int] { return rapid.IntRange(lo, hi) }

// genWeights draws a probability vector of length n whose entries are
// k/Σk with integer k in [0, 9] (zero masses are frequent), not all zero.
func genWeights(n int, label string) *rapid.Generator[[]float64] {
	return rapid.Custom(func(t *rapid.T) []float64 {
		k := rapid.SliceOfN(rapid.IntRange(0, 9), n, n).Draw(t, label)
		tot := 0
		for _, v := range k {
			tot += v
		}
		if tot == 0 {
			k[rapid.IntRange(0, n-1).Draw(t, label+"_nonzero")] = 1
			tot = 1
		}
		w := make([]float64, n)
		for i, v := range k {
			w[i] = float64(v) / float64(tot)
		}
		return w
	})
}

// genSkewedWeights draws weights 2^−k (k in [0, 80]) or 0, normalised and
// then perturbed so that the sum is 1 only within 4e-10: mass ratios up to
// 2^80 stress the rounding of flows along pivot cycles.
func genSkewedWeights(n int, label string) *rapid.Generator[[]float64] {
	return rapid.Custom(func(t *rapid.T) []float64 {
		k := rapid.SliceOfN(rapid.IntRange(-1, 80), n, n).Draw(t, label)
		w := make([]float64, n)
		s := 0.0
		for i, e := range k {
			if e >= 0 {
				w[i] = math.Ldexp(1, -e)
				s += w[i]
			}
		}
		if s == 0 {
			w[0], s = 1, 1
		}
		eps := rapid.Float64Range(-4e-10, 4e-10).Draw(t, label+"_eps")
		for i := range w {
			w[i] = w[i] / s * (1 + eps)
		}
		return w
	})
}

// genCost draws an n×m cost matrix: either integers in {0, 1, 2} (many
// ties, hence degenerate problems) or reals in [−10, 10].
func genCost(n, m int) *rapid.Generator[[]float64] {
	ties := rapid.Custom(func(t *rapid.T) []float64 {
		k := rapid.SliceOfN(rapid.IntRange(0, 2), n*m, n*m).Draw(t, "Cties")
		C := make([]float64, n*m)
		for i, v := range k {
			C[i] = float64(v)
		}
		return C
	})
	reals := rapid.SliceOfN(rapid.Float64Range(-10, 10), n*m, n*m)
	return rapid.OneOf(ties, reals)
}

// randomPoints returns n random points in [0,1]^d (flat row-major).
func randomPoints(r *rand.Rand, n, d int) []float64 {
	x := make([]float64, n*d)
	for k := range x {
		x[k] = r.Float64()
	}
	return x
}

func uniform(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	return w
}

func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}

// checkEMD checks that sol is an optimal solution of the transport problem
// (a, b, C) by its certificate: primal feasibility (π ≥ 0, marginals a, b),
// dual feasibility (F_i + G_j ≤ C_ij), zero duality gap
// (Σ a F + Σ b G = Cost = Σ C π) and complementary slackness
// (π_ij > 0 ⇒ F_i + G_j = C_ij). a and b may have any equal totals.
func checkEMD(t rapid.TB, a, b, C []float64, n, m int, sol *Solution) {
	t.Helper()
	if sol.N != n || sol.M != m || len(sol.F) != n || len(sol.G) != m || len(sol.Plan) != n*m {
		t.Fatalf("shapes: N=%d M=%d |F|=%d |G|=%d |Plan|=%d for n=%d m=%d",
			sol.N, sol.M, len(sol.F), len(sol.G), len(sol.Plan), n, m)
	}
	var sa, sb float64
	for _, v := range a {
		sa += v
	}
	for _, v := range b {
		sb += v
	}
	mass := max(sa, sb)
	// Primal feasibility. The solver rescales a and b to their mean total,
	// which moves each marginal by |Σa − Σb|/2 in L1.
	rowErr, colErr := 0.0, 0.0
	for i := range n {
		s := 0.0
		for j := range m {
			p := sol.Plan[i*m+j]
			if !(p >= 0) || math.IsInf(p, 0) {
				t.Fatalf("plan[%d][%d] = %g is not a nonnegative number", i, j, p)
			}
			s += p
		}
		rowErr += math.Abs(s - a[i])
	}
	for j := range m {
		s := 0.0
		for i := range n {
			s += sol.Plan[i*m+j]
		}
		colErr += math.Abs(s - b[j])
	}
	margTol := margRtol*mass + math.Abs(sa-sb)/2
	if rowErr > margTol || colErr > margTol {
		t.Fatalf("marginals: L1 row error %g, column error %g > tol %g", rowErr, colErr, margTol)
	}
	// Sparse view agrees with the dense plan, row-major, and is a basis.
	sp := sol.Sparse()
	if len(sp) > n+m-1 {
		t.Fatalf("%d nonzero plan entries > n+m−1 = %d (not a vertex)", len(sp), n+m-1)
	}
	nnz := 0
	for _, p := range sol.Plan {
		if p != 0 {
			nnz++
		}
	}
	if nnz != len(sp) {
		t.Fatalf("dense plan has %d nonzeros, Sparse() %d", nnz, len(sp))
	}
	for k, e := range sp {
		if e.Mass <= 0 || sol.Plan[e.I*m+e.J] != e.Mass {
			t.Fatalf("Sparse()[%d] = %+v, dense plan has %g", k, e, sol.Plan[e.I*m+e.J])
		}
		if k > 0 && (sp[k-1].I > e.I || (sp[k-1].I == e.I && sp[k-1].J >= e.J)) {
			t.Fatalf("Sparse() not in row-major order at %d: %+v after %+v", k, e, sp[k-1])
		}
	}
	// Cost is the cost of the plan.
	S := maxAbs(C) + maxAbs(sol.F) + maxAbs(sol.G)
	primal := 0.0
	for k, p := range sol.Plan {
		primal += C[k] * p
	}
	if d := math.Abs(primal - sol.Cost); d > certRtol*S*mass {
		t.Fatalf("Cost = %.17g but Σ C π = %.17g (diff %g)", sol.Cost, primal, d)
	}
	// Dual feasibility and complementary slackness.
	worst, worstCS := 0.0, 0.0
	for i := range n {
		for j := range m {
			s := sol.F[i] + sol.G[j] - C[i*m+j]
			worst = max(worst, s)
			if sol.Plan[i*m+j] > 0 {
				worstCS = max(worstCS, math.Abs(s))
			}
		}
	}
	if worst > certRtol*S {
		t.Fatalf("dual infeasible: max F_i + G_j − C_ij = %g > tol %g", worst, certRtol*S)
	}
	if worstCS > certRtol*S {
		t.Fatalf("complementary slackness: max |F_i + G_j − C_ij| on the support = %g > tol %g", worstCS, certRtol*S)
	}
	// Zero duality gap.
	dual := 0.0
	for i, v := range sol.F {
		dual += a[i] * v
	}
	for j, v := range sol.G {
		dual += b[j] * v
	}
	if d := math.Abs(dual - sol.Cost); d > certRtol*S*mass+math.Abs(sa-sb)*S {
		t.Fatalf("duality gap: Σ a F + Σ b G = %.17g, Cost = %.17g (diff %g)", dual, sol.Cost, d)
	}
}

// checkAssignment checks an assignment solution by its dual certificate.
func checkAssignment(t rapid.TB, C []float64, n int, sol *AssignmentSolution) {
	t.Helper()
	seen := make([]bool, n)
	for i, j := range sol.Perm {
		if j < 0 || j >= n || seen[j] {
			t.Fatalf("Perm = %v is not a permutation (row %d)", sol.Perm, i)
		}
		seen[j] = true
	}
	S := maxAbs(C) + maxAbs(sol.U) + maxAbs(sol.V)
	cost, dual := 0.0, 0.0
	for i, j := range sol.Perm {
		cost += C[i*n+j]
		dual += sol.U[i] + sol.V[i]
		if d := math.Abs(sol.U[i] + sol.V[j] - C[i*n+j]); d > certRtol*S {
			t.Fatalf("slack %g on assigned pair (%d,%d)", d, i, j)
		}
	}
	if math.Abs(cost-sol.Cost) > certRtol*S*float64(n) {
		t.Fatalf("Cost = %.17g, Σ C[i][Perm[i]] = %.17g", sol.Cost, cost)
	}
	for i := range n {
		for j := range n {
			if s := sol.U[i] + sol.V[j] - C[i*n+j]; s > certRtol*S {
				t.Fatalf("dual infeasible at (%d,%d): U+V−C = %g", i, j, s)
			}
		}
	}
	if math.Abs(dual-cost) > certRtol*S*float64(n) {
		t.Fatalf("duality gap: Σ U + Σ V = %.17g, cost %.17g", dual, cost)
	}
}

// bruteAssignment returns min over permutations σ of Σ_i C[i][σ(i)], by
// Heap's algorithm (n ≤ 9).
func bruteAssignment(C []float64, n int) float64 {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	eval := func() float64 {
		s := 0.0
		for i, j := range p {
			s += C[i*n+j]
		}
		return s
	}
	best := eval()
	c := make([]int, n)
	for i := 0; i < n; {
		if c[i] < i {
			if i%2 == 0 {
				p[0], p[i] = p[i], p[0]
			} else {
				p[c[i]], p[i] = p[i], p[c[i]]
			}
			best = min(best, eval())
			c[i]++
			i = 0
		} else {
			c[i] = 0
			i++
		}
	}
	return best
}

// lpTransport solves the transport LP with gonum's dense simplex, an
// algorithm independent of the network simplex: variables π_ij ≥ 0, row
// constraints Σ_j π_ij = a_i and column constraints Σ_i π_ij = b_j for
// j < m−1 (the last one is implied; gonum needs full row rank).
func lpTransport(a, b, C []float64, n, m int) (float64, error) {
	rows := n + m - 1
	A := mat.NewDense(rows, n*m, nil)
	rhs := make([]float64, rows)
	for i := range n {
		for j := range m {
			A.Set(i, i*m+j, 1)
			if j < m-1 {
				A.Set(n+j, i*m+j, 1)
			}
		}
		rhs[i] = a[i]
	}
	copy(rhs[n:], b[:m-1])
	opt, _, err := lp.Simplex(C, A, rhs, 1e-10, nil)
	return opt, err
}
