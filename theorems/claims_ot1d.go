package theorems

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"
	"pgregory.net/rapid"
)

// The ot1d family: one-dimensional transport ([P] § The 1D Case: Inverse
// Transform Sampling, Quadrangle Inequality, Discrete Monotone Matching,
// Equal Quantiles, Continuous 1D OT).

// genDistinctSorted draws n distinct reals in [-10, 10] in random order.
func genDistinct(t *rapid.T, n int, label string) []float64 {
	v := rapid.SliceOfNDistinct(rapid.IntRange(-1000, 1000), n, n, rapid.ID[int]).Draw(t, label)
	x := make([]float64, n)
	for i := range v {
		x[i] = float64(v[i]) / 100
	}
	return x
}

// quantileBrute is F^{-1}(u) = min{x_i : F(x_i) ≥ u} computed by brute
// force: F(x_i) = Σ_{x_j ≤ x_i} a_j evaluated for every candidate.
func quantileBrute(x, a []float64, u float64) float64 {
	best := math.Inf(1)
	for i := range x {
		F := 0.0
		for j := range x {
			if x[j] <= x[i] {
				F += a[j]
			}
		}
		if F >= u && x[i] < best {
			best = x[i]
		}
	}
	return best
}

// convexCosts is the family of convex h of ot1d.quadrangle-convex.
var convexCosts = []struct {
	name string
	h    func(p, t float64) float64
}{
	{"|t|^p", func(p, t float64) float64 { return math.Pow(math.Abs(t), p) }},
	{"huber", func(p, t float64) float64 {
		if math.Abs(t) <= p {
			return t * t / 2
		}
		return p * (math.Abs(t) - p/2)
	}},
	{"softplus", func(p, t float64) float64 { return math.Log1p(math.Exp(p * t)) }},
	{"exp", func(p, t float64) float64 { return math.Exp(p * t / 10) }},
}

// quantileCouplingCost is the cost of the north-west coupling of the
// sorted measures (the quantile coupling) for |x−y|^p.
func quantileCouplingCost(x, a, y, b []float64, p float64) float64 {
	ix, iy := sortedIndex(x), sortedIndex(y)
	xs, as, ys, bs := permute(x, ix), permute(a, ix), permute(y, iy), permute(b, iy)
	P := northWest(as, bs)
	c := 0.0
	for i := range P {
		for j := range P[i] {
			if P[i][j] > 0 {
				c += P[i][j] * math.Pow(math.Abs(xs[i]-ys[j]), p)
			}
		}
	}
	return c
}

func sortedIndex(x []float64) []int {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return x[idx[i]] < x[idx[j]] })
	return idx
}

func permute(v []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for i, j := range idx {
		out[i] = v[j]
	}
	return out
}

func init() {
	Register(
		&Claim{
			ID: "ot1d.inverse-transform", Title: "inverse transform sampling",
			Source:    "[P] § The 1D Case: Inverse Transform Sampling",
			Statement: "F^{-1}(U), F^{-1}(u) = min{x : F(x) ≥ u}, has law F: on the grid u_k = (k−½)/N the frequencies of each atom match its weight within 1/N, and F^{-1} is exact at u equal to a CDF jump F(x_i); when rounding leaves Σa = 1 − δ (δ = 2⁻³⁰) and a zero-mass atom lies beyond the others, F^{-1}(u) for u ≥ Σa is the largest atom of positive mass (protocol.md)",
			Tolerance: "frequencies within 1/N (grid discretisation, exact for dyadic weights); quantiles exact (dyadic weights make every partial sum of the CDF exact)",
			Ops:       []string{OpQuantile},
			Check: func(t *rapid.T, e *Env) {
				n := rapid.IntRange(1, 8).Draw(t, "n")
				x := genDistinct(t, n, "x")
				a := genDyadicWeights(t, n, 5, false, "a")
				const N = 64
				u := make([]float64, N)
				for k := range u {
					u[k] = (float64(k) + 0.5) / N
				}
				// CDF jumps F(x_i) of atoms with positive mass, in (0, 1).
				var jumps []float64
				for i := range x {
					if a[i] > 0 {
						F := 0.0
						for j := range x {
							if x[j] <= x[i] {
								F += a[j]
							}
						}
						if F < 1 {
							jumps = append(jumps, F)
						}
					}
				}
				q := e.Quantile(t, QuantileArgs{X: x, A: a, U: append(append([]float64(nil), u...), jumps...)}).Q
				for i := range x {
					cnt := 0
					for k := 0; k < N; k++ {
						if q[k] == x[i] {
							cnt++
						}
					}
					e.ExpectClose(t, fmt.Sprintf("frequency of x_%d = %g", i, x[i]), float64(cnt)/N, a[i], 1.0/N)
				}
				for k, uj := range jumps {
					want := quantileBrute(x, a, uj)
					e.ExpectClose(t, fmt.Sprintf("F^{-1} at the CDF jump u = %g", uj), q[N+k], want, 0)
				}
				// Total mass below 1 by rounding (protocol.md accepts
				// |Σa − 1| ≤ 1e-9) and a zero-mass atom beyond the others:
				// for u in (Σa, 1) no atom has F(x_i) ≥ u, and protocol.md's
				// rule is the largest x_i with a_i > 0, never the zero-mass
				// atom (POT F7, docs/findings.md). δ = 2⁻³⁰ keeps every
				// partial sum exact.
				const delta = 1.0 / (1 << 30)
				xs := append(append([]float64(nil), x...), maxOf(x)+1+float64(rapid.IntRange(0, 100).Draw(t, "gap of the zero-mass atom"))/8)
				as := append(append([]float64(nil), a...), 0)
				lastPos, firstPos := math.Inf(-1), -1
				for i := range as {
					if as[i] > 0 {
						lastPos = math.Max(lastPos, xs[i])
						if firstPos < 0 {
							firstPos = i
						}
					}
				}
				as[firstPos] -= delta
				qs := e.Quantile(t, QuantileArgs{X: xs, A: as, U: []float64{1 - delta, 1 - delta/2}}).Q
				e.ExpectClose(t, "F^{-1}(Σa) with Σa = 1 − 2⁻³⁰ and a trailing zero-mass atom (the largest x_i with a_i > 0)", qs[0], lastPos, 0)
				e.ExpectClose(t, "F^{-1}(u), Σa < u < 1, with a trailing zero-mass atom (protocol.md: the largest x_i with a_i > 0)", qs[1], lastPos, 0)
			},
		},
		&Claim{
			ID: "ot1d.probability-integral-transform", Title: "F(X) is uniform",
			Source:    "[P] § Quantile Matching (Pullback)",
			Statement: "for continuous F, F(X) ~ U(0,1): a one-sample Kolmogorov–Smirnov test of F(X) against the uniform law does not reject (normal, logistic, exponential, Laplace laws)",
			Tolerance: "KS test of 200 samples at false-alarm rate 1e-6 per check (critical value from the Kolmogorov distribution with Stephens' finite-n correction)",
			Check: func(t *rapid.T, e *Env) {
				seed := rapid.Uint64().Draw(t, "seed")
				law := rapid.IntRange(0, 3).Draw(t, "law (normal, logistic, exponential, laplace)")
				loc := rapid.Float64Range(-5, 5).Draw(t, "location")
				scale := rapid.Float64Range(0.1, 10).Draw(t, "scale")
				rng := rand.New(rand.NewPCG(seed, 7))
				const n = 200
				u := make([]float64, n)
				for i := range u {
					var x, F float64
					switch law {
					case 0:
						x = loc + scale*rng.NormFloat64()
						F = 0.5 * math.Erfc(-(x-loc)/(scale*math.Sqrt2))
					case 1:
						v := rng.Float64()
						x = loc + scale*math.Log(v/(1-v))
						F = 1 / (1 + math.Exp(-(x-loc)/scale))
					case 2:
						x = loc + scale*rng.ExpFloat64()
						F = -math.Expm1(-(x - loc) / scale)
					default:
						x = loc + scale*rng.ExpFloat64()
						if rng.IntN(2) == 0 {
							x = 2*loc - x
						}
						if x < loc {
							F = 0.5 * math.Exp((x-loc)/scale)
						} else {
							F = 1 - 0.5*math.Exp(-(x-loc)/scale)
						}
					}
					u[i] = F
				}
				D := ksUniform(u)
				crit := ksCritical(n, 1e-6)
				e.ExpectLeq(t, "KS statistic of F(X) vs U(0,1)", D, crit, 0)
			},
		},
		&Claim{
			ID: "ot1d.quadrangle-convex", Title: "quadrangle inequality for convex h",
			Source:    "[P] § Quadrangle Inequality",
			Statement: "h convex, x1 < x2, y1 < y2 ⇒ h(x1−y1) + h(x2−y2) ≤ h(x1−y2) + h(x2−y1), for h in {|t|^p (p ≥ 1), Huber, softplus, exp}",
			Tolerance: "1e-12·(sum of the four |h| values): rounding of four evaluations",
			Check: func(t *rapid.T, e *Env) {
				c := rapid.IntRange(0, len(convexCosts)-1).Draw(t, "h")
				p := rapid.Float64Range(1, 4).Draw(t, "p (exponent/parameter)")
				v := rapid.SliceOfNDistinct(rapid.Float64Range(-10, 10), 4, 4, rapid.ID[float64]).Draw(t, "x1,x2,y1,y2")
				x1, x2 := math.Min(v[0], v[1]), math.Max(v[0], v[1])
				y1, y2 := math.Min(v[2], v[3]), math.Max(v[2], v[3])
				h := func(z float64) float64 { return convexCosts[c].h(p, z) }
				lhs, rhs := h(x1-y1)+h(x2-y2), h(x1-y2)+h(x2-y1)
				e.Input("h", convexCosts[c].name)
				e.ExpectLeq(t, "uncrossed cost ≤ crossed cost", lhs, rhs, 1e-12*(math.Abs(lhs)+math.Abs(rhs)))
			},
		},
		&Claim{
			ID: "ot1d.quadrangle-needs-convexity", Title: "concave costs can prefer crossing",
			Source:    "[P] § Quadrangle Inequality (h convex is needed)",
			Statement: "existence: for h(t) = sqrt|t| some x1 < x2, y1 < y2 violate the quadrangle inequality",
			Tolerance: "a witness must violate it by more than 1e-9 (far above rounding)",
			Kind:      Existence,
			Check: func(t *rapid.T, e *Env) {
				v := rapid.SliceOfNDistinct(rapid.IntRange(-20, 20), 4, 4, rapid.ID[int]).Draw(t, "x1,x2,y1,y2 (integers)")
				x1, x2 := float64(min(v[0], v[1])), float64(max(v[0], v[1]))
				y1, y2 := float64(min(v[2], v[3])), float64(max(v[2], v[3]))
				h := func(z float64) float64 { return math.Sqrt(math.Abs(z)) }
				lhs, rhs := h(x1-y1)+h(x2-y2), h(x1-y2)+h(x2-y1)
				if lhs > rhs+1e-9 {
					e.Witness(t, "sqrt|t| quadrangle violation", map[string]float64{"x1": x1, "x2": x2, "y1": y1, "y2": y2, "uncrossed": lhs, "crossed": rhs})
				}
			},
		},
		&Claim{
			ID: "ot1d.sorted-matching-optimal", Title: "sorting is the optimal matching",
			Source:    "[P] § Discrete Monotone Matching",
			Statement: "equal-mass points and convex cost |x−y|^p: the sorted matching attains the minimum over all permutations (brute force, n ≤ 7); ot.emd1d returns that cost and the assignment op on |x_i − y_j|^p attains it (n ≤ 40)",
			Tolerance: "1e-9·(1 + max cost) (protocol.md rtol for exact costs)",
			Ops:       []string{OpEMD1D, OpAssignment},
			Check: func(t *rapid.T, e *Env) {
				n := rapid.IntRange(1, 7).Draw(t, "n")
				if rapid.Bool().Draw(t, "large") {
					n = rapid.IntRange(8, 40).Draw(t, "n (large)")
				}
				p := rapid.SampledFrom([]float64{1, 1.5, 2, 3}).Draw(t, "p")
				x := rapid.SliceOfN(rapid.Float64Range(-10, 10), n, n).Draw(t, "x")
				y := rapid.SliceOfN(rapid.Float64Range(-10, 10), n, n).Draw(t, "y")
				C := make([][]float64, n)
				for i := range C {
					C[i] = make([]float64, n)
					for j := range C[i] {
						C[i][j] = math.Pow(math.Abs(x[i]-y[j]), p)
					}
				}
				xs, ys := append([]float64(nil), x...), append([]float64(nil), y...)
				sort.Float64s(xs)
				sort.Float64s(ys)
				sorted := 0.0
				for i := range xs {
					sorted += math.Pow(math.Abs(xs[i]-ys[i]), p)
				}
				tol := emdTol * (1 + maxAbsMat(C)) * float64(n)
				if n <= 7 {
					best, _ := bruteAssignment(C)
					e.ExpectClose(t, "sorted matching vs brute-force minimum", sorted, best, tol)
				}
				w := e.EMD1D(t, EMD1DArgs{X: x, Y: y, A: uniform(n), B: uniform(n), P: p})
				e.ExpectClose(t, "ot.emd1d vs sorted matching cost / n", w.Cost, sorted/float64(n), tol/float64(n))
				perm := e.Assignment(t, AssignmentArgs{C: C}).Perm
				e.ExpectClose(t, "assignment cost vs sorted matching", permCost(C, perm), sorted, tol)
			},
		},
		&Claim{
			ID: "ot1d.uncrossing-terminates", Title: "uncrossing reaches the sorted matching",
			Source:    "[P] § Discrete Monotone Matching (proof)",
			Statement: "for convex h, swapping a crossing pair never increases the cost and removes at least one inversion; repeating reaches the sorted matching",
			Tolerance: "1e-12·(1 + cost) per swap (rounding of four evaluations)",
			Check: func(t *rapid.T, e *Env) {
				n := rapid.IntRange(2, 9).Draw(t, "n")
				x := genDistinct(t, n, "x")
				y := genDistinct(t, n, "y")
				sort.Float64s(x)
				sort.Float64s(y)
				c := rapid.IntRange(0, len(convexCosts)-1).Draw(t, "h")
				p := rapid.Float64Range(1, 3).Draw(t, "p")
				h := func(z float64) float64 { return convexCosts[c].h(p, z) }
				sigma := rapid.Permutation(identityPerm(n)).Draw(t, "σ")
				cost := func() float64 {
					s := 0.0
					for i := range sigma {
						s += h(x[i] - y[sigma[i]])
					}
					return s
				}
				for steps := 0; ; steps++ {
					e.Expect(t, steps <= n*n, "termination", "more than n² = %d swaps", n*n)
					i, j, found := firstInversion(sigma)
					if !found {
						break
					}
					before, inv := cost(), inversions(sigma)
					sigma[i], sigma[j] = sigma[j], sigma[i]
					after := cost()
					e.ExpectLeq(t, "cost after swapping a crossing pair", after, before, 1e-12*(1+math.Abs(before)))
					e.Expect(t, inversions(sigma) <= inv-1, "inversions decrease", "%d → %d", inv, inversions(sigma))
				}
				for i := range sigma {
					e.Expect(t, sigma[i] == i, "ends at the sorted matching", "σ = %v", sigma)
				}
			},
		},
		&Claim{
			ID: "ot1d.quantile-coupling-optimal", Title: "the quantile coupling is optimal",
			Source:    "[P] § Equal Quantiles, Continuous 1D OT",
			Statement: "for weighted discrete measures and |x−y|^p, p ≥ 1, the quantile (sorted north-west) coupling attains the exact OT cost: ot.emd1d returns it, and ot.emd on the 1-D cost matrix returns it too",
			Tolerance: "1e-9·(1 + max cost) (protocol.md rtol for exact costs)",
			Ops:       []string{OpEMD1D},
			Check: func(t *rapid.T, e *Env) {
				n := rapid.IntRange(1, 8).Draw(t, "n")
				m := rapid.IntRange(1, 8).Draw(t, "m")
				x := rapid.SliceOfN(rapid.Float64Range(-10, 10), n, n).Draw(t, "x")
				y := rapid.SliceOfN(rapid.Float64Range(-10, 10), m, m).Draw(t, "y")
				if rapid.Bool().Draw(t, "ties") {
					for i := range x {
						x[i] = math.Round(x[i] / 4)
					}
					for j := range y {
						y[j] = math.Round(y[j] / 4)
					}
				}
				a, b := genWeights(t, n, false, "a"), genWeights(t, m, false, "b")
				p := rapid.SampledFrom([]float64{1, 1.5, 2, 3}).Draw(t, "p")
				want := quantileCouplingCost(x, a, y, b, p)
				C := make([][]float64, n)
				for i := range C {
					C[i] = make([]float64, m)
					for j := range C[i] {
						C[i][j] = math.Pow(math.Abs(x[i]-y[j]), p)
					}
				}
				tol := emdTol * (1 + maxAbsMat(C))
				got := e.EMD1D(t, EMD1DArgs{X: x, Y: y, A: a, B: b, P: p}).Cost
				e.ExpectClose(t, "ot.emd1d vs quantile-coupling cost", got, want, tol)
				if e.Has(OpEMD) {
					r := e.EMD(t, EMDArgs{A: a, B: b, C: C})
					e.ExpectClose(t, "ot.emd on |x−y|^p vs quantile-coupling cost", r.Cost, want, tol)
				}
			},
		},
		&Claim{
			ID: "ot1d.monotone-map", Title: "T = G^{-1}∘F is monotone and pushes P to Q",
			Source:    "[P] § Quantile Matching",
			Statement: "for continuous P (a normal law) and discrete Q, T = G^{-1}∘F is nondecreasing and pushes P to Q: on the deterministic P-quantile grid x_k = F^{-1}((k−½)/N), the frequencies of T(x_k) match Q's weights within 1/N",
			Tolerance: "monotonicity exact; frequencies within 1/N (dyadic weights keep G's partial sums exact, and F(x_k) is (k−½)/N to within 1e-15)",
			Ops:       []string{OpQuantile},
			Check: func(t *rapid.T, e *Env) {
				m := rapid.IntRange(1, 8).Draw(t, "m")
				y := genDistinct(t, m, "y")
				b := genDyadicWeights(t, m, 5, false, "b")
				mu := rapid.Float64Range(-3, 3).Draw(t, "mean of P")
				sd := rapid.Float64Range(0.1, 3).Draw(t, "sd of P")
				const N = 64
				P := distuv.Normal{Mu: mu, Sigma: sd}
				u := make([]float64, N)
				x := make([]float64, N)
				for k := range u {
					x[k] = P.Quantile((float64(k) + 0.5) / N)
					u[k] = P.CDF(x[k])
				}
				T := e.Quantile(t, QuantileArgs{X: y, A: b, U: u}).Q
				for k := 1; k < N; k++ {
					e.ExpectLeq(t, fmt.Sprintf("T(x_%d) ≤ T(x_%d)", k-1, k), T[k-1], T[k], 0)
				}
				for j := range y {
					cnt := 0
					for _, v := range T {
						if v == y[j] {
							cnt++
						}
					}
					e.ExpectClose(t, fmt.Sprintf("frequency of y_%d", j), float64(cnt)/N, b[j], 1.0/N)
				}
			},
		},
		&Claim{
			ID: "ot1d.gaussian-closed-form", Title: "W2 between 1-D Gaussians",
			Source:    "[P] § Continuous 1D OT; [C] § When is the induced map optimal?",
			Statement: "W2²(N(m1,s1²), N(m2,s2²)) = (m1−m2)² + (s1−s2)² equals the quantile integral ∫|F^{-1} − G^{-1}|² du (quadrature); ot.emd1d on the quantile grids returns the grid's sorted-matching cost",
			Tolerance: "quadrature: 1e-9·(1 + value) (Gauss–Legendre in z = Φ^{-1}(u) over [−12, 12] truncates < 1e-30 of mass); ot.emd1d: 1e-9·(1 + value)",
			Ops:       []string{OpEMD1D},
			Check: func(t *rapid.T, e *Env) {
				m1 := rapid.Float64Range(-5, 5).Draw(t, "m1")
				m2 := rapid.Float64Range(-5, 5).Draw(t, "m2")
				s1 := rapid.Float64Range(0.01, 5).Draw(t, "s1")
				s2 := rapid.Float64Range(0.01, 5).Draw(t, "s2")
				closed := (m1-m2)*(m1-m2) + (s1-s2)*(s1-s2)
				// ∫_0^1 (F^{-1}(u) − G^{-1}(u))² du = E_{Z~N(0,1)} (m1 + s1 Z − m2 − s2 Z)²,
				// integrated over z with the normal density by Gauss–Legendre.
				std := distuv.UnitNormal
				integral := quad.Fixed(func(z float64) float64 {
					d := (m1 + s1*z) - (m2 + s2*z)
					return d * d * std.Prob(z)
				}, -12, 12, 200, nil, 0)
				e.ExpectClose(t, "quantile integral vs closed form", integral, closed, 1e-9*(1+closed))
				const N = 50
				x, y := make([]float64, N), make([]float64, N)
				grid := 0.0
				for k := range x {
					z := std.Quantile((float64(k) + 0.5) / N)
					x[k], y[k] = m1+s1*z, m2+s2*z
					grid += (x[k] - y[k]) * (x[k] - y[k]) / N
				}
				got := e.EMD1D(t, EMD1DArgs{X: x, Y: y, A: uniform(N), B: uniform(N), P: 2}).Cost
				e.ExpectClose(t, "ot.emd1d on the quantile grids vs their sorted matching", got, grid, 1e-9*(1+grid))
			},
		},
	)
}

func identityPerm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

func firstInversion(s []int) (int, int, bool) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[i] > s[j] {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

func inversions(s []int) int {
	c := 0
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[i] > s[j] {
				c++
			}
		}
	}
	return c
}

// ksUniform is the one-sample Kolmogorov–Smirnov statistic of u against U(0,1).
func ksUniform(u []float64) float64 {
	s := append([]float64(nil), u...)
	sort.Float64s(s)
	n := float64(len(s))
	D := 0.0
	for i, v := range s {
		D = math.Max(D, math.Max(float64(i+1)/n-v, v-float64(i)/n))
	}
	return D
}

// ksCritical is the critical value of the one-sample KS statistic at level
// alpha: the Kolmogorov distribution's upper quantile K_α (from the
// asymptotic tail P(K > k) ≈ 2 exp(−2k²), accurate to < 1% relative below
// alpha = 0.1) with Stephens' correction k/(√n + 0.12 + 0.11/√n).
func ksCritical(n int, alpha float64) float64 {
	k := math.Sqrt(-0.5 * math.Log(alpha/2))
	sn := math.Sqrt(float64(n))
	return k / (sn + 0.12 + 0.11/sn)
}

// maxOf is the largest entry of a non-empty x.
func maxOf(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	return m
}
