package discrete

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/otverify/otverify/numerics"
)

// TestEMDWorkedExample is claim discrete.worked-example: [P]'s example of
// § Discrete Kantorovich Example / Dual: masses (2,1) → (1,2), costs
// [[1,3],[4,1]]; the optimum is 5 with plan [[1,1],[0,1]] (α = 1), and the
// dual family f = (t, −t), g = (1−t, 1+t) is tight at t = 1.
func TestEMDWorkedExample(t *testing.T) {
	C := []float64{1, 3, 4, 1}
	approx := cmpopts.EquateApprox(0, 1e-15)
	t.Run("masses", func(t *testing.T) {
		a, b := []float64{2, 1}, []float64{1, 2}
		sol, err := EMDWithOptions(a, b, C, 2, 2, Options{Unnormalized: true})
		if err != nil {
			t.Fatal(err)
		}
		checkEMD(t, a, b, C, 2, 2, sol)
		if sol.Cost != 5 {
			t.Errorf("cost = %v, want 5", sol.Cost)
		}
		if d := cmp.Diff([]float64{1, 1, 0, 1}, sol.Plan); d != "" {
			t.Errorf("plan (-want +got):\n%s", d)
		}
		// The optimal potentials are unique up to (f + s, g − s) here (the
		// support is a spanning tree): they must equal [P]'s t = 1 member.
		s := sol.F[0] - 1
		if d := cmp.Diff([]float64{1, -1, 0, 2}, []float64{sol.F[0] - s, sol.F[1] - s, sol.G[0] + s, sol.G[1] + s}, approx); d != "" {
			t.Errorf("potentials, shifted to f_1 = 1 (-want +got):\n%s", d)
		}
	})
	t.Run("normalised", func(t *testing.T) {
		a, b := []float64{2.0 / 3, 1.0 / 3}, []float64{1.0 / 3, 2.0 / 3}
		sol, err := EMD(a, b, C, 2, 2)
		if err != nil {
			t.Fatal(err)
		}
		checkEMD(t, a, b, C, 2, 2, sol)
		if d := cmp.Diff(5.0/3, sol.Cost, approx); d != "" {
			t.Errorf("cost (-want +got):\n%s", d)
		}
		if d := cmp.Diff([]float64{1.0 / 3, 1.0 / 3, 0, 1.0 / 3}, sol.Plan, approx); d != "" {
			t.Errorf("plan (-want +got):\n%s", d)
		}
	})
}

// TestEMDCases covers the degenerate and boundary cases by name; each is
// checked by its optimality certificate and, where known, its cost.
func TestEMDCases(t *testing.T) {
	tests := []struct {
		name     string
		a, b, C  []float64
		n, m     int
		opt      Options
		wantCost float64 // NaN: not checked
	}{
		{"1x1", []float64{1}, []float64{1}, []float64{-3.5}, 1, 1, Options{}, -3.5},
		{"n=1", []float64{1}, []float64{0.25, 0.5, 0.25}, []float64{4, 1, 2}, 1, 3, Options{}, 2},
		{"m=1", []float64{0.5, 0.5}, []float64{1}, []float64{1, 3}, 2, 1, Options{}, 2},
		{"identity-ties", uniform(3), uniform(3), []float64{0, 1, 1, 1, 0, 1, 1, 1, 0}, 3, 3, Options{}, 0},
		{"all-equal-costs", uniform(4), []float64{0.1, 0.2, 0.3, 0.4}, constant(16, 7), 4, 4, Options{}, 7},
		{"all-zero-costs", uniform(3), uniform(5), constant(15, 0), 3, 5, Options{}, 0},
		{"zero-source-weights", []float64{0, 0.5, 0, 0.5}, uniform(2), []float64{9, -1, 2, 3, 0, 5, 7, 7}, 4, 2, Options{}, math.NaN()},
		{"zero-target-weights", uniform(2), []float64{0, 1, 0}, []float64{1, 2, 3, 4, 5, 6}, 2, 3, Options{}, 3.5},
		{"single-mass-both", []float64{0, 1, 0}, []float64{0, 0, 1}, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3, Options{}, 6},
		{"monge-infeasible", []float64{1}, []float64{0.5, 0.5}, []float64{1, 3}, 1, 2, Options{}, 2},
		{"negative-costs", uniform(2), uniform(2), []float64{-1, -5, -2, -1}, 2, 2, Options{}, -3.5},
		{"sum-off-by-1e-10", []float64{0.5 + 1e-10, 0.5}, []float64{0.3, 0.7 - 2e-10}, []float64{1, 2, 3, 4}, 2, 2, Options{}, math.NaN()},
		{"masses-n!=m", []float64{3, 0, 1}, []float64{2, 2}, []float64{1, 2, 3, 4, 5, 6}, 3, 2, Options{Unnormalized: true}, 1*2 + 2*1 + 6*1},
		{"tiny-masses", []float64{1e-300, 3e-300}, []float64{2e-300, 2e-300}, []float64{0, 1, 1, 0}, 2, 2, Options{Unnormalized: true}, 1e-300},
		{"huge-masses", []float64{1e300, 3e300}, []float64{2e300, 2e300}, []float64{0, 1, 1, 0}, 2, 2, Options{Unnormalized: true}, 1e300},
		{"huge-costs", uniform(2), uniform(2), []float64{1e300, 3e300, 4e300, 1e300}, 2, 2, Options{}, 1e300},
		{"tiny-costs", uniform(2), uniform(2), []float64{1e-300, 3e-300, 4e-300, 1e-300}, 2, 2, Options{}, 1e-300},
		{"subnormal-costs", uniform(2), uniform(2), []float64{4e-320, 0, 0, 4e-320}, 2, 2, Options{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sol, err := EMDWithOptions(tc.a, tc.b, tc.C, tc.n, tc.m, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkEMD(t, tc.a, tc.b, tc.C, tc.n, tc.m, sol)
			if !math.IsNaN(tc.wantCost) && !numerics.Close(sol.Cost, tc.wantCost, 1e-14, tc.wantCost, 0) {
				t.Errorf("cost = %.17g, want %.17g", sol.Cost, tc.wantCost)
			}
		})
	}
}

func constant(k int, v float64) []float64 {
	x := make([]float64, k)
	for i := range x {
		x[i] = v
	}
	return x
}

// TestEMDZeroWeightPotentials: atoms of zero mass get the c-transform
// potentials f_i = min_j C_ij − g_j (and symmetrically for g).
func TestEMDZeroWeightPotentials(t *testing.T) {
	a := []float64{0, 0.5, 0, 0.5}
	b := []float64{0.25, 0, 0.75}
	C := []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8}
	sol, err := EMD(a, b, C, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	checkEMD(t, a, b, C, 4, 3, sol)
	for i := range 4 {
		want := math.Inf(1)
		for j := range 3 {
			want = min(want, C[i*3+j]-sol.G[j])
		}
		if !numerics.Close(sol.F[i], want, 1e-14, 9, 0) {
			t.Errorf("F[%d] = %v, want c-transform %v", i, sol.F[i], want)
		}
	}
	for j := range 3 {
		want := math.Inf(1)
		for i := range 4 {
			want = min(want, C[i*3+j]-sol.F[i])
		}
		if sol.G[j] != want {
			t.Errorf("G[%d] = %v, want c-transform %v", j, sol.G[j], want)
		}
	}
}

// TestEMDInvalid: bad input returns an error wrapping numerics.ErrInvalid
// (never a panic).
func TestEMDInvalid(t *testing.T) {
	u2 := uniform(2)
	C4 := []float64{1, 2, 3, 4}
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name    string
		a, b, C []float64
		n, m    int
		opt     Options
	}{
		{"empty", nil, nil, nil, 0, 0, Options{}},
		{"n=0", nil, u2, nil, 0, 2, Options{}},
		{"negative-n", u2, u2, C4, -2, -2, Options{}},
		{"len-a", uniform(3), u2, C4, 2, 2, Options{}},
		{"len-b", u2, uniform(3), C4, 2, 2, Options{}},
		{"len-C", u2, u2, []float64{1, 2, 3}, 2, 2, Options{}},
		{"len-C-long", u2, u2, []float64{1, 2, 3, 4, 5}, 2, 2, Options{}},
		{"nan-a", []float64{nan, 0.5}, u2, C4, 2, 2, Options{}},
		{"inf-b", u2, []float64{inf, 0.5}, C4, 2, 2, Options{}},
		{"nan-C", u2, u2, []float64{1, nan, 3, 4}, 2, 2, Options{}},
		{"inf-C", u2, u2, []float64{1, 2, -inf, 4}, 2, 2, Options{}},
		{"negative-a", []float64{1.5, -0.5}, u2, C4, 2, 2, Options{}},
		{"negative-b", u2, []float64{-0.5, 1.5}, C4, 2, 2, Options{}},
		{"sum-a", []float64{0.5, 0.5 + 2e-9}, u2, C4, 2, 2, Options{}},
		{"sum-b", u2, []float64{0.5, 0.4}, C4, 2, 2, Options{}},
		{"unnormalised-masses", []float64{2, 1}, []float64{1, 2}, C4, 2, 2, Options{}},
		{"all-zero-a", []float64{0, 0}, u2, C4, 2, 2, Options{}},
		{"masses-differ", []float64{2, 1}, []float64{1, 1}, C4, 2, 2, Options{Unnormalized: true}},
		{"masses-zero", []float64{0, 0}, []float64{0, 0}, C4, 2, 2, Options{Unnormalized: true}},
		{"masses-overflow", []float64{math.MaxFloat64, math.MaxFloat64}, []float64{math.MaxFloat64, 1}, C4, 2, 2, Options{Unnormalized: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sol, err := EMDWithOptions(tc.a, tc.b, tc.C, tc.n, tc.m, tc.opt)
			if !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("got (%v, %v), want an error wrapping numerics.ErrInvalid", sol, err)
			}
		})
	}
}

// TestEMDOverflow: a valid input whose potentials do not fit in float64
// yields ErrOverflow (protocol.md accepts "failed" there), not Inf or NaN.
func TestEMDOverflow(t *testing.T) {
	M := math.MaxFloat64
	C := []float64{M, -M, -M, M}
	sol, err := EMD(uniform(2), uniform(2), C, 2, 2)
	if err == nil {
		checkEMD(t, uniform(2), uniform(2), C, 2, 2, sol)
		return
	}
	if !errors.Is(err, ErrOverflow) {
		t.Fatalf("err = %v, want ErrOverflow", err)
	}
}

// TestEMDMaxIter: an exhausted pivot budget is ErrNotConverged.
func TestEMDMaxIter(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 30
	C, _ := SqEuclideanCost(randomPoints(r, n, 2), randomPoints(r, n, 2), n, n, 2)
	_, err := EMDWithOptions(uniform(n), uniform(n), C, n, n, Options{MaxIter: 5})
	if !errors.Is(err, numerics.ErrNotConverged) {
		t.Fatalf("err = %v, want ErrNotConverged", err)
	}
}

// TestEMDSparseOnly: the sparse-only result carries the same plan.
func TestEMDSparseOnly(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	n, m := 40, 25
	C, _ := SqEuclideanCost(randomPoints(r, n, 3), randomPoints(r, m, 3), n, m, 3)
	full, err := EMD(uniform(n), uniform(m), C, n, m)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := EMDWithOptions(uniform(n), uniform(m), C, n, m, Options{SparseOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if sp.Plan != nil {
		t.Errorf("SparseOnly: Plan has %d entries, want nil", len(sp.Plan))
	}
	if d := cmp.Diff(full.Sparse(), sp.Sparse()); d != "" {
		t.Errorf("sparse plans differ (-full +sparseOnly):\n%s", d)
	}
}

// TestEMDScaleInvariance: scaling C by 2^k (exact) scales the cost and the
// potentials by 2^k and leaves the plan unchanged, across the internal
// rescaling thresholds (|C| near 1e±300).
func TestEMDScaleInvariance(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	n, m := 12, 9
	C, _ := SqEuclideanCost(randomPoints(r, n, 2), randomPoints(r, m, 2), n, m, 2)
	a, b := uniform(n), uniform(m)
	base, err := EMD(a, b, C, n, m)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{-1000, -600, -300, 1, 300, 600, 1000} {
		Ck := make([]float64, len(C))
		for i, c := range C {
			Ck[i] = math.Ldexp(c, k)
		}
		sol, err := EMD(a, b, Ck, n, m)
		if err != nil {
			t.Fatalf("k=%d: %v", k, err)
		}
		if d := cmp.Diff(base.Plan, sol.Plan); d != "" {
			t.Errorf("k=%d: plan changed (-base +scaled):\n%s", k, d)
		}
		if got := math.Ldexp(sol.Cost, -k); !numerics.Close(got, base.Cost, 1e-13, base.Cost, 0) {
			t.Errorf("k=%d: cost·2^-k = %.17g, want %.17g", k, got, base.Cost)
		}
	}
}

// TestEMDDeterministic: same input, same output (bitwise).
func TestEMDDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	n := 60
	C, _ := SqEuclideanCost(randomPoints(r, n, 2), randomPoints(r, n, 2), n, n, 2)
	s1, err1 := EMD(uniform(n), uniform(n), C, n, n)
	s2, err2 := EMD(uniform(n), uniform(n), C, n, n)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if d := cmp.Diff(s1, s2, cmp.AllowUnexported(Solution{})); d != "" {
		t.Errorf("two runs differ:\n%s", d)
	}
}

// TestEMDLarge checks the certificate on larger random instances: points
// (unique optimum, nondegenerate), integer costs in {0,…,3} with random
// weights including zeros (massively degenerate), and n ≠ m.
func TestEMDLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	type inst struct {
		name    string
		a, b, C []float64
		n, m    int
	}
	var cases []inst
	n, m := 300, 200
	C, _ := SqEuclideanCost(randomPoints(r, n, 2), randomPoints(r, m, 2), n, m, 2)
	cases = append(cases, inst{"points-300x200", uniform(n), uniform(m), C, n, m})
	n, m = 250, 250
	Ci := make([]float64, n*m)
	for k := range Ci {
		Ci[k] = float64(r.IntN(4))
	}
	cases = append(cases, inst{"int-costs-zero-weights-250", randWeights(r, n, 0.3), randWeights(r, m, 0.3), Ci, n, m})
	n, m = 400, 3
	C, _ = SqEuclideanCost(randomPoints(r, n, 1), randomPoints(r, m, 1), n, m, 1)
	cases = append(cases, inst{"tall-400x3", randWeights(r, n, 0), randWeights(r, m, 0), C, n, m})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sol, err := EMD(tc.a, tc.b, tc.C, tc.n, tc.m)
			if err != nil {
				t.Fatal(err)
			}
			checkEMD(t, tc.a, tc.b, tc.C, tc.n, tc.m, sol)
		})
	}
}

// randWeights returns random probability weights, each zero with
// probability pZero (at least one positive).
func randWeights(r *rand.Rand, n int, pZero float64) []float64 {
	w := make([]float64, n)
	s := 0.0
	for i := range w {
		if r.Float64() >= pZero {
			w[i] = r.Float64()
			s += w[i]
		}
	}
	if s == 0 {
		w[0], s = 1, 1
	}
	for i := range w {
		w[i] /= s
	}
	return w
}

// TestEMDBlockSizes: the pricing rule is an optimisation; any block size
// (1 = first improving arc, n·m = Dantzig's rule) gives the same optimal
// cost and a valid certificate.
func TestEMDBlockSizes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genSize(1, 8).Draw(t, "n")
		m := genSize(1, 8).Draw(t, "m")
		a := genWeights(n, "a").Draw(t, "a")
		b := genWeights(m, "b").Draw(t, "b")
		C := genCost(n, m).Draw(t, "C")
		ref, err := EMD(a, b, C, n, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, bs := range []int{1, 2, n * m} {
			A, B, _, err := prepareMasses(a, b, false)
			if err != nil {
				t.Fatal(err)
			}
			ns := newNetSimplex(C, A, B, n, m)
			ns.block = bs
			if err := ns.run(DefaultMaxIter(n, m)); err != nil {
				t.Fatalf("block %d: %v", bs, err)
			}
			entries, err := ns.plan(0)
			if err != nil {
				t.Fatalf("block %d: %v", bs, err)
			}
			cost := 0.0
			for _, e := range entries {
				cost += C[e.I*m+e.J] * e.Mass
			}
			if !numerics.Close(cost, ref.Cost, 1e-12, maxAbs(C), 1e-300) {
				t.Fatalf("block %d: cost %.17g, default block cost %.17g", bs, cost, ref.Cost)
			}
		}
	})
}

// TestEMDCertificateProperty is claims discrete.plan-feasible,
// discrete.strong-duality and discrete.complementary-slackness on random
// small instances with ties, zero weights, n ≠ m and n or m = 1.
func TestEMDCertificateProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genSize(1, 12).Draw(t, "n")
		m := genSize(1, 12).Draw(t, "m")
		a := genWeights(n, "a").Draw(t, "a")
		b := genWeights(m, "b").Draw(t, "b")
		C := genCost(n, m).Draw(t, "C")
		sol, err := EMD(a, b, C, n, m)
		if err != nil {
			t.Fatal(err)
		}
		checkEMD(t, a, b, C, n, m, sol)
	})
}

// TestEMDSkewedWeightsProperty: the certificate holds with mass ratios up
// to 2^80, zero masses, and sums equal to 1 only within 4e-10.
func TestEMDSkewedWeightsProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genSize(1, 12).Draw(t, "n")
		m := genSize(1, 12).Draw(t, "m")
		a := genSkewedWeights(n, "a").Draw(t, "a")
		b := genSkewedWeights(m, "b").Draw(t, "b")
		C := genCost(n, m).Draw(t, "C")
		sol, err := EMD(a, b, C, n, m)
		if err != nil {
			t.Fatal(err)
		}
		checkEMD(t, a, b, C, n, m, sol)
	})
}

// TestEMDVersusLP compares the optimal cost with gonum's dense LP simplex,
// an independent algorithm (n, m ≤ 6, general weights, ties, zeros).
func TestEMDVersusLP(t *testing.T) {
	lpFailures := 0
	rapid.Check(t, func(t *rapid.T) {
		n := genSize(1, 6).Draw(t, "n")
		m := genSize(1, 6).Draw(t, "m")
		a := genWeights(n, "a").Draw(t, "a")
		b := genWeights(m, "b").Draw(t, "b")
		C := genCost(n, m).Draw(t, "C")
		sol, err := EMD(a, b, C, n, m)
		if err != nil {
			t.Fatal(err)
		}
		want, err := lpTransport(a, b, C, n, m)
		if err != nil {
			// gonum's textbook simplex sometimes fails on degenerate
			// programs; the certificate still judges our answer.
			lpFailures++
			checkEMD(t, a, b, C, n, m, sol)
			return
		}
		checkEMD(t, a, b, C, n, m, sol)
		if !numerics.Close(sol.Cost, want, lpRtol, maxAbs(C), lpAtol) {
			t.Fatalf("EMD cost %.17g, LP cost %.17g", sol.Cost, want)
		}
	})
	if lpFailures > 0 {
		t.Logf("gonum lp.Simplex failed on %d instances (checked by certificate instead)", lpFailures)
	}
}

// TestEMDBruteForce is claim discrete.birkhoff: with uniform weights and
// n = m the exact OT cost is (1/n)·min over permutations (brute force, n ≤ 8),
// and the assignment solver agrees (discrete.assignment-optimal).
func TestEMDBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genSize(1, 8).Draw(t, "n")
		C := genCost(n, n).Draw(t, "C")
		want := bruteAssignment(C, n)
		sol, err := EMD(uniform(n), uniform(n), C, n, n)
		if err != nil {
			t.Fatal(err)
		}
		if got := sol.Cost * float64(n); !numerics.Close(got, want, 1e-12, maxAbs(C)*float64(n), 0) {
			t.Fatalf("n·EMD cost = %.17g, brute-force assignment %.17g", got, want)
		}
		_, cost, err := Assignment(C, n)
		if err != nil {
			t.Fatal(err)
		}
		if !numerics.Close(cost, want, 1e-12, maxAbs(C)*float64(n), 0) {
			t.Fatalf("Assignment cost = %.17g, brute force %.17g", cost, want)
		}
	})
}

// TestEMDNoPanic: arbitrary (mostly invalid) input never panics; errors on
// invalid input wrap numerics.ErrInvalid, and accepted input is certified.
func TestEMDNoPanic(t *testing.T) {
	special := rapid.SampledFrom([]float64{0, -0.0, 1, -1, 0.5, math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64, 5e-324, 1e-300})
	num := rapid.OneOf(special, rapid.Float64())
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(-1, 4).Draw(t, "n")
		m := rapid.IntRange(-1, 4).Draw(t, "m")
		a := rapid.SliceOfN(num, 0, 5).Draw(t, "a")
		b := rapid.SliceOfN(num, 0, 5).Draw(t, "b")
		C := rapid.SliceOfN(num, 0, 17).Draw(t, "C")
		un := rapid.Bool().Draw(t, "unnormalized")
		sol, err := EMDWithOptions(a, b, C, n, m, Options{Unnormalized: un})
		if err != nil {
			if !errors.Is(err, numerics.ErrInvalid) && !errors.Is(err, ErrOverflow) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if !numerics.AllFinite(sol.F) || !numerics.AllFinite(sol.G) || math.IsNaN(sol.Cost) || math.IsInf(sol.Cost, 0) {
			t.Fatalf("non-finite result %+v", sol)
		}
	})
}
