package entropic

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/otverify/otverify/numerics"
)

// Tolerances of the tests, derived from the solver's guarantees.
const (
	// tolMarginal is protocol.md's requirement on the L1 marginal error of
	// ot.sinkhorn plans; the solver targets DefaultTol = 1e-9.
	tolMarginal = 1e-8
	// tolPlan is the L1 distance allowed between the default-tolerance plan
	// and an independent computation of the minimiser: the solver stops at
	// marginal error ≤ DefaultTol·(1 − ρ̂), ρ̂ its observed contraction rate,
	// so the plan error is about DefaultTol; 10·DefaultTol allows for the
	// rate estimate and is still 100 times below protocol.md's 1e-6.
	tolPlan = 10 * DefaultTol
	// tolGibbs bounds |log π_ij − log(a_i b_j) + C_ij/ε − (f_i + g_j)/ε|:
	// the exponent (f_i + g_j − C_ij)/ε is formed from numbers of size
	// max|C| and divided by ε, so its rounding error is a few ulps of
	// max|C|/ε; 1e-12·(1 + max|C|/ε) is a wide margin.
	tolGibbs = 1e-12
)

// genProb draws a probability vector of length n with entries > 0 (ratios
// up to 100 between entries).
func genProb(t *rapid.T, n int, label string) []float64 {
	w := rapid.SliceOfN(rapid.Float64Range(0.01, 1), n, n).Draw(t, label)
	s := 0.0
	for _, v := range w {
		s += v
	}
	for i := range w {
		w[i] /= s
	}
	return w
}

// genCloud draws n points in R^d with coordinates in [−1, 1] (row-major).
func genCloud(t *rapid.T, n, d int, label string) []float64 {
	return rapid.SliceOfN(rapid.Float64Range(-1, 1), n*d, n*d).Draw(t, label)
}

// uniformProb returns n weights 1/n.
func uniformProb(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	return w
}

// kernelSinkhorn is the textbook Sinkhorn in the kernel domain,
// π = diag(u) K diag(v), K = exp(−C/ε), u = a/(K v), v = b/(Kᵀ u), iterated
// to machine precision: the independent ground truth at moderate ε (its
// kernel entries must not underflow, so ε ≥ max C/50 in the tests).
func kernelSinkhorn(a, b, C []float64, eps float64) (plan []float64, converged bool) {
	n, m := len(a), len(b)
	K := make([]float64, n*m)
	for k, c := range C {
		K[k] = math.Exp(-c / eps)
	}
	u, v := make([]float64, n), make([]float64, m)
	for j := range v {
		v[j] = 1
	}
	plan = make([]float64, n*m)
	for it := 0; it < 200000 && !converged; it++ {
		for i := range n {
			s := 0.0
			for j := range m {
				s += K[i*m+j] * v[j]
			}
			u[i] = a[i] / s
		}
		for j := range m {
			s := 0.0
			for i := range n {
				s += K[i*m+j] * u[i]
			}
			v[j] = b[j] / s
		}
		if it%50 == 0 {
			e := 0.0
			for i := range n {
				s := 0.0
				for j := range m {
					s += u[i] * K[i*m+j] * v[j]
				}
				e += math.Abs(s - a[i])
			}
			converged = e < 1e-15
		}
	}
	for i := range n {
		for j := range m {
			plan[i*m+j] = u[i] * K[i*m+j] * v[j]
		}
	}
	return plan, converged
}

// l1 returns Σ |x_k − y_k|.
func l1(x, y []float64) float64 {
	s := 0.0
	for k := range x {
		s += math.Abs(x[k] - y[k])
	}
	return s
}

// marginalErr is the L1 marginal error of plan against a and b.
func marginalErr(plan, a, b []float64) float64 {
	n, m := len(a), len(b)
	e := 0.0
	for i := range n {
		s := 0.0
		for j := range m {
			s += plan[i*m+j]
		}
		e += math.Abs(s - a[i])
	}
	for j := range m {
		s := 0.0
		for i := range n {
			s += plan[i*m+j]
		}
		e += math.Abs(s - b[j])
	}
	return e
}

// bruteForceOT is the exact OT cost for uniform weights and n = m, the
// minimum over permutations (Birkhoff), by Heap's algorithm.
func bruteForceOT(C []float64, n int) float64 {
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	best := math.Inf(1)
	eval := func() {
		s := 0.0
		for i, j := range perm {
			s += C[i*n+j]
		}
		best = min(best, s/float64(n))
	}
	c := make([]int, n)
	eval()
	for i := 0; i < n; {
		if c[i] < i {
			if i%2 == 0 {
				perm[0], perm[i] = perm[i], perm[0]
			} else {
				perm[c[i]], perm[i] = perm[i], perm[c[i]]
			}
			eval()
			c[i]++
			i = 0
		} else {
			c[i] = 0
			i++
		}
	}
	return best
}

// TestSinkhornMatchesKernelSinkhorn compares with the naive kernel-domain
// iteration at moderate ε (small n, unequal weights, n ≠ m).
func TestSinkhornMatchesKernelSinkhorn(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 8).Draw(t, "n")
		m := rapid.IntRange(1, 8).Draw(t, "m")
		a, b := genProb(t, n, "a"), genProb(t, m, "b")
		C := rapid.SliceOfN(rapid.Float64Range(0, 1), n*m, n*m).Draw(t, "C")
		maxC := max(numerics.MaxAbs(C), 1e-3)
		eps := rapid.Float64Range(0.02, 2).Draw(t, "eps/maxC") * maxC
		res, err := Sinkhorn(a, b, C, n, m, eps, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want, ok := kernelSinkhorn(a, b, C, eps)
		if !ok {
			t.Skip("the kernel-domain reference did not converge to 1e-15")
		}
		if d := l1(res.Plan, want); d > tolPlan {
			t.Fatalf("‖π − π_kernel‖₁ = %.3g > %g", d, tolPlan)
		}
	})
}

// TestSinkhornMarginalsGibbs: claims entropic.marginals and
// entropic.gibbs-form, down to ε = 1e-3·max C (claim
// entropic.small-eps-stable), on point clouds with unequal weights.
func TestSinkhornMarginalsGibbs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 30).Draw(t, "n")
		m := rapid.IntRange(1, 30).Draw(t, "m")
		d := rapid.IntRange(1, 3).Draw(t, "d")
		a, b := genProb(t, n, "a"), genProb(t, m, "b")
		C, err := SqEuclidean(genCloud(t, n, d, "x"), genCloud(t, m, d, "y"), d)
		if err != nil {
			t.Fatal(err)
		}
		maxC := max(numerics.MaxAbs(C), 1e-3)
		eps := rapid.SampledFrom([]float64{1e-3, 3e-3, 1e-2, 0.1, 1}).Draw(t, "eps/maxC") * maxC
		res, err := Sinkhorn(a, b, C, n, m, eps, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !numerics.AllFinite(res.Plan) || !numerics.AllFinite(res.F) || !numerics.AllFinite(res.G) {
			t.Fatal("non-finite output")
		}
		if e := marginalErr(res.Plan, a, b); e > tolMarginal {
			t.Fatalf("marginal error %.3g > %g (reported %.3g)", e, tolMarginal, res.MarginalError)
		}
		for i := range n {
			for j := range m {
				p := res.Plan[i*m+j]
				if p < 0x1p-1022 {
					continue // subnormal or 0: too few significant bits for a log
				}
				lhs := math.Log(p) - math.Log(a[i]) - math.Log(b[j]) + C[i*m+j]/eps
				rhs := (res.F[i] + res.G[j]) / eps
				if math.Abs(lhs-rhs) > tolGibbs*(1+maxC/eps) {
					t.Fatalf("Gibbs form at (%d,%d): %.17g vs %.17g", i, j, lhs, rhs)
				}
			}
		}
	})
}

// TestSinkhornLimitOT: claim entropic.limit-ot,
// 0 ≤ ⟨C, π_ε⟩ − OT ≤ ε·min(H(a), H(b)), with OT by brute force over
// permutations (uniform weights, n = m ≤ 7), down to ε = 1e-3·max C.
func TestSinkhornLimitOT(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 7).Draw(t, "n")
		d := rapid.IntRange(1, 3).Draw(t, "d")
		C, err := SqEuclidean(genCloud(t, n, d, "x"), genCloud(t, n, d, "y"), d)
		if err != nil {
			t.Fatal(err)
		}
		maxC := max(numerics.MaxAbs(C), 1e-3)
		eps := rapid.SampledFrom([]float64{1e-3, 1e-2, 0.1, 1}).Draw(t, "eps/maxC") * maxC
		a := uniformProb(n)
		res, err := Sinkhorn(a, a, C, n, n, eps, Options{})
		if err != nil {
			t.Fatal(err)
		}
		cost := 0.0
		for k, p := range res.Plan {
			cost += p * C[k]
		}
		ot := bruteForceOT(C, n)
		H, _ := Entropy(a)
		// Slack: the plan's marginal error (≤ 1e-8) times max C, plus rounding.
		slack := 1e-8 * maxC
		if gap := cost - ot; gap < -slack || gap > eps*H+slack {
			t.Fatalf("⟨C,π⟩ − OT = %.3g not in [0, ε·H(a) = %.3g]", gap, eps*H)
		}
	})
}

// TestSinkhornLimitProduct: claim entropic.limit-product — as ε → ∞ the plan
// tends to a⊗b; the L1 distance is O(max C/ε) and decreases along ε.
func TestSinkhornLimitProduct(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n, m := 6, 5
	C := make([]float64, n*m)
	for k := range C {
		C[k] = rng.Float64()
	}
	a, b := []float64{0.1, 0.2, 0.3, 0.1, 0.2, 0.1}, []float64{0.3, 0.1, 0.2, 0.2, 0.2}
	prod := make([]float64, n*m)
	for i := range n {
		for j := range m {
			prod[i*m+j] = a[i] * b[j]
		}
	}
	prev := math.Inf(1)
	for _, eps := range []float64{1, 10, 100, 1e3, 1e6} {
		res, err := Sinkhorn(a, b, C, n, m, eps, Options{})
		if err != nil {
			t.Fatal(err)
		}
		dist := l1(res.Plan, prod)
		// π_ij/(a_i b_j) = exp((f_i + g_j − C_ij)/ε) deviates from 1 by at
		// most about 2 max C/ε.
		if dist > 2/eps || dist >= prev {
			t.Fatalf("eps = %g: ‖π − a⊗b‖₁ = %.3g (bound %.3g, previous %.3g)", eps, dist, 2/eps, prev)
		}
		prev = dist
	}
}

// TestEntropyIncreasesWithEps: claim entropic.more-diffuse-with-eps.
func TestEntropyIncreasesWithEps(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 12).Draw(t, "n")
		m := rapid.IntRange(2, 12).Draw(t, "m")
		a, b := genProb(t, n, "a"), genProb(t, m, "b")
		C, err := SqEuclidean(genCloud(t, n, 2, "x"), genCloud(t, m, 2, "y"), 2)
		if err != nil {
			t.Fatal(err)
		}
		maxC := max(numerics.MaxAbs(C), 1e-3)
		prev := math.Inf(-1)
		for _, r := range []float64{1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10} {
			// Consecutive values can differ by little more than the effect
			// of the plan's error on H (δH = −Σ δπ (1 + log π)), so solve
			// to Tol = 1e-12: then |δH| ≲ 1e-12·40 and 1e-9 covers it.
			res, err := Sinkhorn(a, b, C, n, m, r*maxC, Options{Tol: 1e-12})
			if err != nil {
				t.Fatal(err)
			}
			H, err := Entropy(res.Plan)
			if err != nil {
				t.Fatal(err)
			}
			if H < prev-1e-9 {
				t.Fatalf("H(π_ε) decreased at ε = %g·max C: %.17g < %.17g", r, H, prev)
			}
			prev = H
		}
	})
}

// TestDualAscent: claim entropic.dual-ascent — within each ε stage the
// traced dual objective never decreases (up to rounding of its sums), with
// and without ε-scaling and Newton steps.
func TestDualAscent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 20).Draw(t, "n")
		m := rapid.IntRange(1, 20).Draw(t, "m")
		a, b := genProb(t, n, "a"), genProb(t, m, "b")
		C, err := SqEuclidean(genCloud(t, n, 2, "x"), genCloud(t, m, 2, "y"), 2)
		if err != nil {
			t.Fatal(err)
		}
		maxC := max(numerics.MaxAbs(C), 1e-3)
		eps := rapid.SampledFrom([]float64{1e-3, 1e-2, 0.1}).Draw(t, "eps/maxC") * maxC
		opts := Options{
			NoScaling: rapid.Bool().Draw(t, "noScaling"),
			NoNewton:  rapid.Bool().Draw(t, "noNewton"),
			MaxIter:   3000,
		}
		var steps []Step
		opts.Trace = func(s Step) { steps = append(steps, s) }
		res, err := Sinkhorn(a, b, C, n, m, eps, opts)
		if err != nil && !errors.Is(err, numerics.ErrNotConverged) {
			t.Fatal(err)
		}
		if len(steps) != res.Iterations {
			t.Fatalf("%d trace calls, %d iterations", len(steps), res.Iterations)
		}
		// The dual Σa f + Σb g is a sum of terms of size ≤ max|f|, max|g|
		// (≲ max C): its rounding error is a few ulps of those.
		scale := numerics.MaxAbs(res.F) + numerics.MaxAbs(res.G) + maxC
		for k := 1; k < len(steps); k++ {
			if steps[k].Stage != steps[k-1].Stage {
				continue
			}
			if steps[k].Dual < steps[k-1].Dual-1e-14*scale {
				t.Fatalf("dual decreased at iteration %d (stage %d, eps %g): %.17g → %.17g",
					steps[k].Iter, steps[k].Stage, steps[k].Eps, steps[k-1].Dual, steps[k].Dual)
			}
		}
		if last := steps[len(steps)-1]; !last.Final || last.Eps != eps {
			t.Fatalf("last step %+v is not the final stage at eps = %g", last, eps)
		}
	})
}

// TestDualEqualsPrimal: the reported dual equals the primal entropic value
// Σ C π + ε·KL(π|a⊗b) at the solution (strong duality), and OTEps agrees.
func TestDualEqualsPrimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 15).Draw(t, "n")
		m := rapid.IntRange(1, 15).Draw(t, "m")
		a, b := genProb(t, n, "a"), genProb(t, m, "b")
		C, err := SqEuclidean(genCloud(t, n, 2, "x"), genCloud(t, m, 2, "y"), 2)
		if err != nil {
			t.Fatal(err)
		}
		maxC := max(numerics.MaxAbs(C), 1e-3)
		eps := rapid.SampledFrom([]float64{1e-3, 1e-2, 0.1, 1}).Draw(t, "eps/maxC") * maxC
		res, err := Sinkhorn(a, b, C, n, m, eps, Options{})
		if err != nil {
			t.Fatal(err)
		}
		kl, err := KL(res.Plan, a, b)
		if err != nil {
			t.Fatal(err)
		}
		primal := eps * kl
		for k, p := range res.Plan {
			primal += C[k] * p
		}
		if !numerics.Close(res.Dual, primal, 1e-9, maxC, 0) {
			t.Fatalf("dual %.17g, primal %.17g", res.Dual, primal)
		}
		v, err := OTEps(a, b, C, n, m, eps, Options{})
		if err != nil || !numerics.Close(v, primal, 1e-9, maxC, 0) {
			t.Fatalf("OTEps = %.17g (%v), primal %.17g", v, err, primal)
		}
	})
}

// TestKLDecomposition: claim entropic.kl-decomposition,
// KL(π|a⊗b) = H(a) + H(b) − H(π) for couplings π of a and b.
func TestKLDecomposition(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 10).Draw(t, "n")
		m := rapid.IntRange(1, 10).Draw(t, "m")
		a, b := genProb(t, n, "a"), genProb(t, m, "b")
		C := rapid.SliceOfN(rapid.Float64Range(0, 1), n*m, n*m).Draw(t, "C")
		eps := rapid.Float64Range(0.01, 10).Draw(t, "eps")
		res, err := Sinkhorn(a, b, C, n, m, eps, Options{})
		if err != nil {
			t.Fatal(err)
		}
		kl, _ := KL(res.Plan, a, b)
		Ha, _ := Entropy(a)
		Hb, _ := Entropy(b)
		Hp, _ := Entropy(res.Plan)
		// The identity uses the marginals: its error is about the marginal
		// error times max|log a_i|, |log b_j| (≤ log(100·n·m)), plus rounding.
		if d := math.Abs(kl - (Ha + Hb - Hp)); d > 1e-12+1e-8*math.Log(100*float64(n*m)) {
			t.Fatalf("KL = %.17g, H(a)+H(b)−H(π) = %.17g", kl, Ha+Hb-Hp)
		}
	})
}

// TestWorkersBitIdentical: the result does not depend on the number of
// goroutines (n·m above the parallel threshold, with Newton steps).
func TestWorkersBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	n, m, d := 230, 170, 2
	x, y := make([]float64, n*d), make([]float64, m*d)
	for k := range x {
		x[k] = rng.NormFloat64()
	}
	for k := range y {
		y[k] = rng.NormFloat64() + 0.3
	}
	C, _ := SqEuclidean(x, y, d)
	a, b := uniformProb(n), uniformProb(m)
	eps := 3e-3 * numerics.MaxAbs(C)
	var ref *Result
	for _, w := range []int{1, 2, 3, 7} {
		res, err := Sinkhorn(a, b, C, n, m, eps, Options{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = res
			continue
		}
		if !slices.Equal(res.Plan, ref.Plan) || !slices.Equal(res.F, ref.F) || !slices.Equal(res.G, ref.G) ||
			res.Iterations != ref.Iterations || res.Dual != ref.Dual {
			t.Fatalf("Workers = %d differs from Workers = 1", w)
		}
	}
	if e := marginalErr(ref.Plan, a, b); e > tolMarginal {
		t.Fatalf("marginal error %.3g", e)
	}
}

// TestNewtonMatchesSinkhorn: at a moderately small ε where plain Sinkhorn
// still converges within its budget, the Newton-polished plan agrees with
// the plain one (the fast path tested against the plain one).
func TestNewtonMatchesSinkhorn(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 12).Draw(t, "n")
		m := rapid.IntRange(2, 12).Draw(t, "m")
		a, b := genProb(t, n, "a"), genProb(t, m, "b")
		C, err := SqEuclidean(genCloud(t, n, 2, "x"), genCloud(t, m, 2, "y"), 2)
		if err != nil {
			t.Fatal(err)
		}
		eps := 0.05 * max(numerics.MaxAbs(C), 1e-3)
		plain, err := Sinkhorn(a, b, C, n, m, eps, Options{NoNewton: true, Tol: 1e-14, MaxIter: 200000})
		if err != nil {
			t.Skip("plain Sinkhorn too slow on this instance:", err)
		}
		fast, err := Sinkhorn(a, b, C, n, m, eps, Options{Tol: 1e-13})
		if err != nil {
			t.Fatal(err)
		}
		if d := l1(plain.Plan, fast.Plan); d > tolPlan {
			t.Fatalf("‖π_Newton − π_Sinkhorn‖₁ = %.3g", d)
		}
	})
}

func TestSinkhornSmallCases(t *testing.T) {
	t.Run("1x1", func(t *testing.T) {
		res, err := Sinkhorn([]float64{1}, []float64{1}, []float64{5}, 1, 1, 0.1, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Plan[0] != 1 || math.Abs(res.F[0]+res.G[0]-5) > 1e-14 || math.Abs(res.Dual-5) > 1e-14 {
			t.Fatalf("plan %v, f+g = %v, dual %v", res.Plan, res.F[0]+res.G[0], res.Dual)
		}
	})
	t.Run("zero cost gives product", func(t *testing.T) {
		a, b := []float64{0.25, 0.75}, []float64{0.5, 0.5}
		res, err := Sinkhorn(a, b, make([]float64, 4), 2, 2, 1e-3, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := []float64{0.125, 0.125, 0.375, 0.375}
		if d := l1(res.Plan, want); d > 1e-15 {
			t.Fatalf("plan %v, want %v", res.Plan, want)
		}
	})
	t.Run("NoPlan", func(t *testing.T) {
		res, err := Sinkhorn([]float64{0.5, 0.5}, []float64{0.5, 0.5}, []float64{0, 1, 1, 0}, 2, 2, 0.1, Options{NoPlan: true})
		if err != nil || res.Plan != nil || len(res.F) != 2 {
			t.Fatalf("res %+v, err %v", res, err)
		}
	})
	t.Run("weights renormalised", func(t *testing.T) {
		a := []float64{0.5 + 4e-10, 0.5}
		res, err := Sinkhorn(a, []float64{1}, []float64{1, 2}, 2, 1, 0.5, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if e := marginalErr(res.Plan, a, []float64{1}); e > 1e-9 {
			t.Fatalf("marginal error %.3g", e)
		}
	})
}

func TestSinkhornNotConverged(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 20
	C := make([]float64, n*n)
	for k := range C {
		C[k] = rng.Float64()
	}
	res, err := Sinkhorn(uniformProb(n), uniformProb(n), C, n, n, 1e-3, Options{MaxIter: 5, NoNewton: true})
	if !errors.Is(err, numerics.ErrNotConverged) || errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("err = %v, want ErrNotConverged", err)
	}
	if !strings.Contains(err.Error(), "marginal error") || res == nil || res.Iterations != 5 {
		t.Fatalf("err = %v, res = %+v", err, res)
	}
	// An exponent range beyond float64: a failure, never a NaN.
	_, err = Sinkhorn([]float64{1}, []float64{1}, []float64{1e300}, 1, 1, 1e-10, Options{NoScaling: true})
	if !errors.Is(err, numerics.ErrNotConverged) {
		t.Fatalf("huge C/eps: err = %v", err)
	}
}

func TestSinkhornInvalid(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	ok2 := []float64{0.5, 0.5}
	C4 := []float64{0, 1, 1, 0}
	tests := []struct {
		name string
		a, b []float64
		C    []float64
		n, m int
		eps  float64
		opts Options
	}{
		{"n = 0", nil, ok2, nil, 0, 2, 1, Options{}},
		{"len(a) ≠ n", ok2, ok2, C4, 3, 2, 1, Options{}},
		{"len(C) ≠ n·m", ok2, ok2, C4[:3], 2, 2, 1, Options{}},
		{"zero weight", []float64{1, 0}, ok2, C4, 2, 2, 1, Options{}},
		{"negative weight", []float64{1.5, -0.5}, ok2, C4, 2, 2, 1, Options{}},
		{"NaN weight", []float64{nan, 0.5}, ok2, C4, 2, 2, 1, Options{}},
		{"Inf weight", ok2, []float64{inf, 0.5}, C4, 2, 2, 1, Options{}},
		{"mass not 1", []float64{0.5, 0.6}, ok2, C4, 2, 2, 1, Options{}},
		{"NaN cost", ok2, ok2, []float64{0, nan, 1, 0}, 2, 2, 1, Options{}},
		{"Inf cost", ok2, ok2, []float64{0, 1, -inf, 0}, 2, 2, 1, Options{}},
		{"eps = 0", ok2, ok2, C4, 2, 2, 0, Options{}},
		{"eps < 0", ok2, ok2, C4, 2, 2, -1, Options{}},
		{"eps NaN", ok2, ok2, C4, 2, 2, nan, Options{}},
		{"eps Inf", ok2, ok2, C4, 2, 2, inf, Options{}},
		{"Tol < 0", ok2, ok2, C4, 2, 2, 1, Options{Tol: -1}},
		{"MaxIter < 0", ok2, ok2, C4, 2, 2, 1, Options{MaxIter: -1}},
		{"Scaling ≥ 1", ok2, ok2, C4, 2, 2, 1, Options{Scaling: 1.5}},
		{"Workers < 0", ok2, ok2, C4, 2, 2, 1, Options{Workers: -2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Sinkhorn(tc.a, tc.b, tc.C, tc.n, tc.m, tc.eps, tc.opts); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("Sinkhorn err = %v, want ErrInvalid", err)
			}
			if _, err := OTEps(tc.a, tc.b, tc.C, tc.n, tc.m, tc.eps, tc.opts); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("OTEps err = %v, want ErrInvalid", err)
			}
		})
	}
}

// TestSinkhornNoPanic: arbitrary values and shapes give a result or an
// error, never a panic or a NaN without error.
func TestSinkhornNoPanic(t *testing.T) {
	special := rapid.SampledFrom([]float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, -1, 1, 0.5, 1e308, -1e308, 5e-324, 1e-300})
	anyFloat := rapid.OneOf(special, rapid.Float64())
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(-1, 3).Draw(t, "n")
		m := rapid.IntRange(-1, 3).Draw(t, "m")
		a := rapid.SliceOfN(anyFloat, 0, 3).Draw(t, "a")
		b := rapid.SliceOfN(anyFloat, 0, 3).Draw(t, "b")
		C := rapid.SliceOfN(anyFloat, 0, 9).Draw(t, "C")
		eps := anyFloat.Draw(t, "eps")
		res, err := Sinkhorn(a, b, C, n, m, eps, Options{MaxIter: 2000})
		if err == nil && (!numerics.AllFinite(res.Plan) || !numerics.AllFinite(res.F) || !numerics.AllFinite(res.G)) {
			t.Fatalf("non-finite result without error: %+v", res)
		}
	})
}

// TestSmallEpsAccuracy checks the plan itself at ε down to 1e-3·max C,
// where no kernel-domain reference exists, through two exact invariances of
// the unique minimiser, each computed with a different order of arithmetic:
// the plan of a symmetric problem (x = y, a = b) is symmetric, and
// permuting the source points permutes the rows of the plan. Both must
// hold within 1e-7 (L1), well inside protocol.md's 1e-6 to the minimiser.
func TestSmallEpsAccuracy(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 25).Draw(t, "n")
		d := rapid.IntRange(1, 3).Draw(t, "d")
		x := genCloud(t, n, d, "x")
		a := genProb(t, n, "a")
		C, err := SqEuclidean(x, x, d)
		if err != nil {
			t.Fatal(err)
		}
		eps := rapid.SampledFrom([]float64{1e-3, 3e-3, 1e-2}).Draw(t, "eps/maxC") * max(numerics.MaxAbs(C), 1e-3)
		res, err := Sinkhorn(a, a, C, n, n, eps, Options{})
		if err != nil {
			t.Fatal(err)
		}
		asym := 0.0
		for i := range n {
			for j := range n {
				asym += math.Abs(res.Plan[i*n+j] - res.Plan[j*n+i])
			}
		}
		if asym > 1e-7 {
			t.Fatalf("‖π − πᵀ‖₁ = %.3g for a symmetric problem", asym)
		}
		// Permute the sources (reverse order) against a second cloud.
		m := rapid.IntRange(1, 25).Draw(t, "m")
		y, b := genCloud(t, m, d, "y"), genProb(t, m, "b")
		Cxy, _ := SqEuclidean(x, y, d)
		xr, ar := make([]float64, 0, n*d), make([]float64, 0, n)
		for i := n - 1; i >= 0; i-- {
			xr = append(xr, x[i*d:(i+1)*d]...)
			ar = append(ar, a[i])
		}
		Crev, _ := SqEuclidean(xr, y, d)
		p1, err := Sinkhorn(a, b, Cxy, n, m, eps, Options{})
		if err != nil {
			t.Fatal(err)
		}
		p2, err := Sinkhorn(ar, b, Crev, n, m, eps, Options{})
		if err != nil {
			t.Fatal(err)
		}
		diff := 0.0
		for i := range n {
			for j := range m {
				diff += math.Abs(p1.Plan[i*m+j] - p2.Plan[(n-1-i)*m+j])
			}
		}
		if diff > 1e-7 {
			t.Fatalf("permuted sources: plans differ by %.3g (L1)", diff)
		}
	})
}

// TestIterationAllocFree: an iteration allocates nothing — 5 and 50
// iterations of a fixed-count run allocate the same, on the sequential and
// on the parallel path.
func TestIterationAllocFree(t *testing.T) {
	for _, tc := range []struct {
		name       string
		n, workers int
	}{{"sequential", 20, 1}, {"parallel", 200, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(9, 9))
			C := make([]float64, tc.n*tc.n)
			for k := range C {
				C[k] = rng.Float64()
			}
			w := uniformProb(tc.n)
			allocs := func(iters int) float64 {
				return testing.AllocsPerRun(5, func() {
					_, err := Sinkhorn(w, w, C, tc.n, tc.n, 0.01, Options{
						Tol: 1e-300, MaxIter: iters, NoScaling: true, NoNewton: true, NoPlan: true, Workers: tc.workers,
					})
					if !errors.Is(err, numerics.ErrNotConverged) {
						t.Fatal(err)
					}
				})
			}
			if a5, a50 := allocs(5), allocs(50); a50 > a5 {
				t.Fatalf("5 iterations: %v allocs, 50 iterations: %v", a5, a50)
			}
		})
	}
}
