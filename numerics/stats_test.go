package numerics

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
)

func TestKolmogorovDistribution(t *testing.T) {
	// Reference values: scipy.stats.kstwobign 1.10.1 (cdf/sf), and the
	// 5% critical value 1.3581 of Smirnov's table.
	tests := []struct {
		x, cdf, sf float64
	}{
		{0.5, 0.036054756335124914, 1 - 0.036054756335124914},
		{1.0, 1 - 0.26999967167735456, 0.26999967167735456},
		{1.3581, 0.9500003695683326, 1 - 0.9500003695683326},
		{2.0, 1 - 0.0006709252557796953, 0.0006709252557796953},
		{3.0, 1 - 3.045995948942526e-08, 3.045995948942526e-08}, // tail: SF keeps relative accuracy
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.x), func(t *testing.T) {
			if e := math.Abs(KolmogorovCDF(tc.x) - tc.cdf); e > 1e-15 {
				t.Errorf("K(%g) = %.17g, want %.17g", tc.x, KolmogorovCDF(tc.x), tc.cdf)
			}
			if e := RelErr(KolmogorovSF(tc.x), tc.sf, 0); e > 1e-13 {
				t.Errorf("1 − K(%g) = %.17g, want %.17g", tc.x, KolmogorovSF(tc.x), tc.sf)
			}
		})
	}
	// The two series agree across the switch at x = 1: the difference over
	// δ = 1e-12 is −K'(1)·δ, K'(1) = 8(e⁻² − 4e⁻⁸ + 9e⁻¹⁸ − …) = 1.0719203.
	if d := KolmogorovCDF(1-1e-12) - KolmogorovCDF(1); math.Abs(d+1.0719203e-12) > 1e-15 {
		t.Fatalf("discontinuity %g at x = 1", d)
	}
	if KolmogorovCDF(-1) != 0 || KolmogorovCDF(math.Inf(1)) != 1 || KolmogorovSF(0) != 1 || KolmogorovSF(math.Inf(1)) != 0 {
		t.Fatal("wrong limits")
	}
}

func TestKSPValue(t *testing.T) {
	// Reference: scipy.stats.kstwo.sf(d, n) (scipy 1.10.1, Simard–L'Ecuyer);
	// for n = 1000 kstwo uses Pelz–Good, so the reference is scipy's exact
	// 1 − _kolmogn_DMTW(n, d) instead (kstwo differs from it by 3e-8).
	tests := []struct {
		n    int
		d, p float64
	}{
		{10, 0.274, 0.3715203845434957}, // Marsaglia–Tsang–Wang's example, 1 − 0.6284796154565043
		{5, 0.3, 0.664},
		{20, 0.2, 0.352720173623415},
		{100, 0.1, 0.2526927570063874},
		{100, 0.05, 0.9532159710635725},
		{1000, 0.03, 0.32269024641330943},
		{1000, 0.02, 0.81089713107021424},
		{50, 0.3, 0.00017353260202718738}, // one-sided branch, s = 4.5
		{3, 0.9, 0.002},                   // = 2(1 − d)ⁿ
		{3, 0.7 / 3, 0.9857777777777778},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("n=%d/d=%g", tc.n, tc.d), func(t *testing.T) {
			p, err := KSPValue(tc.n, tc.d)
			if err != nil {
				t.Fatal(err)
			}
			if e := RelErr(p, tc.p, 0); e > 1e-12 {
				t.Fatalf("P(D ≥ d) = %.17g, want %.17g (rel err %g)", p, tc.p, e)
			}
		})
	}
	// Closed forms: n = 1, D_1 = max(U, 1 − U): P(D_1 ≥ d) = 2(1 − d) on
	// [½, 1]; for 1/(2n) < d ≤ 1/n, P(D_n < d) = n!·(2d − 1/n)ⁿ.
	for _, d := range []float64{0.5, 0.6, 0.99} {
		if p, _ := KSPValue(1, d); math.Abs(p-2*(1-d)) > 1e-15 {
			t.Fatalf("n = 1, d = %g: %v, want %v", d, p, 2*(1-d))
		}
	}
	n, d := 7, 0.1
	want := 1 - math.Gamma(8)*math.Pow(2*d-1.0/7, 7)
	if p, _ := KSPValue(n, d); math.Abs(p-want) > 1e-14 {
		t.Fatalf("Ruben–Gambino case: %v, want %v", p, want)
	}
	if p, _ := KSPValue(5, 0.05); p != 1 {
		t.Fatalf("d below support: %v", p)
	}
	if _, err := KSPValue(0, 0.1); !errors.Is(err, ErrInvalid) {
		t.Fatal("n = 0 accepted")
	}
}

func TestKSPValuePelzGood(t *testing.T) {
	// Above n = 1000 the body uses Pelz–Good; its error against the exact
	// Marsaglia–Tsang–Wang method is ≤ 1e-7 (measured 6.4e-8 at n = 1001).
	n := 1001
	for lam := 0.3; lam*lam < 2.2; lam += 0.1 {
		d := lam / math.Sqrt(float64(n))
		p, _ := KSPValue(n, d)
		if exact := 1 - kolmogorovExact(n, d); math.Abs(p-exact) > 1e-7 {
			t.Fatalf("n = %d, √n·d = %g: %v, exact %v", n, lam, p, exact)
		}
	}
}

func TestKSCritical(t *testing.T) {
	// scipy.stats.kstwo.isf(0.05, 10) = 0.40924608477750496,
	// kstwo.isf(1e-3, 100) = 0.1926841642763391.
	for _, tc := range []struct {
		n           int
		alpha, want float64
	}{{10, 0.05, 0.40924608477750496}, {100, 1e-3, 0.1926841642763391}} {
		d, err := KSCritical(tc.n, tc.alpha)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(d-tc.want) > 1e-12 {
			t.Fatalf("KSCritical(%d, %g) = %.17g, want %.17g", tc.n, tc.alpha, d, tc.want)
		}
	}
	// Large n: √n·d → 1.3581 (Kolmogorov's 5% point) + O(1/√n).
	d, _ := KSCritical(100000, 0.05)
	if lam := d * math.Sqrt(100000); math.Abs(lam-1.3581) > 0.005 {
		t.Fatalf("√n·d = %g, want ≈ 1.358", lam)
	}
	for _, a := range []float64{0, 1, math.NaN()} {
		if _, err := KSCritical(10, a); !errors.Is(err, ErrInvalid) {
			t.Fatalf("alpha = %v accepted", a)
		}
	}
}

func uniformCDF(x float64) float64 { return math.Min(1, math.Max(0, x)) }

func TestKSOneSample(t *testing.T) {
	// Known value: x = (0.1, 0.5, 0.9) against U(0, 1) has D = 0.7/3 and
	// p = 0.9857777777777778 (scipy.stats.kstest).
	res, err := KSOneSample([]float64{0.9, 0.1, 0.5}, uniformCDF)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.D-0.7/3) > 1e-15 || math.Abs(res.PValue-0.9857777777777778) > 1e-13 {
		t.Fatalf("got %+v, want D = %v, p = 0.98578", res, 0.7/3)
	}
	// Uniform samples pass at level 1e-3; shifted ones fail.
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		for _, n := range []int{100, 1000, 5000} {
			x := make([]float64, n)
			r := newRNG(seed)
			for i := range x {
				x[i] = r.Float64()
			}
			res, err := KSOneSample(x, uniformCDF)
			if err != nil || res.PValue < testAlpha {
				t.Fatalf("seed %d, n %d: uniform sample rejected: %+v %v", seed, n, res, err)
			}
			for i := range x {
				x[i] = math.Min(1, x[i]+0.1)
			}
			if n >= 1000 {
				if res, _ := KSOneSample(x, uniformCDF); res.PValue >= testAlpha {
					t.Fatalf("seed %d, n %d: shifted sample accepted: %+v", seed, n, res)
				}
			}
		}
	}
	for _, tc := range []struct {
		name string
		x    []float64
		cdf  func(float64) float64
	}{
		{"empty", nil, uniformCDF},
		{"NaN", []float64{math.NaN()}, uniformCDF},
		{"nil cdf", []float64{0.5}, nil},
		{"cdf above 1", []float64{0.5}, func(float64) float64 { return 2 }},
		{"cdf decreasing", []float64{0.2, 0.5}, func(x float64) float64 { return 1 - x }},
	} {
		if _, err := KSOneSample(tc.x, tc.cdf); !errors.Is(err, ErrInvalid) {
			t.Fatalf("%s: err = %v", tc.name, err)
		}
	}
}

func TestKSTwoSample(t *testing.T) {
	// Exact p-values from scipy.stats.ks_2samp(method="exact"): (n, m, D·n·m, p).
	for _, tc := range []struct {
		n, m int
		k    int64
		p    float64
	}{
		{5, 7, 16, 0.43434343434343425},
		{10, 10, 60, 0.05244755244755244},
		{20, 30, 220, 0.06610471842752416},
		{50, 50, 650, 0.06779471096995852},
		{100, 80, 2580, 0.00013894567240790216},
	} {
		if p := ksTwoSF(tc.n, tc.m, tc.k); math.Abs(p-tc.p) > 1e-14 {
			t.Fatalf("n=%d m=%d D=%d/nm: p = %.17g, want %.17g", tc.n, tc.m, tc.k, p, tc.p)
		}
	}
	// Statistic with ties: F_x − G_y on x = (1,2,2,3), y = (2,2,4) peaks at
	// t = 3 with |1 − 2/3| = 1/3 (scipy: 0.3333); (1,2,3) vs (2.5,4): 2/3.
	for _, tc := range []struct {
		x, y []float64
		D    float64
	}{{[]float64{1, 2, 2, 3}, []float64{2, 2, 4}, 1.0 / 3}, {[]float64{1, 2, 3}, []float64{2.5, 4}, 2.0 / 3}} {
		res, err := KSTwoSample(tc.x, tc.y)
		if err != nil || math.Abs(res.D-tc.D) > 1e-15 {
			t.Fatalf("D = %v, want %v (%v)", res.D, tc.D, err)
		}
	}
	// Same law passes, shifted law fails (fixed seeds, level 1e-3).
	for _, seed := range []uint64{1, 2, 3} {
		r := newRNG(seed)
		x, _ := NormalVector(r, 500)
		y, _ := NormalVector(r, 700)
		if res, _ := KSTwoSample(x, y); res.PValue < testAlpha {
			t.Fatalf("seed %d: same law rejected: %+v", seed, res)
		}
		for i := range y {
			y[i] += 0.3
		}
		if res, _ := KSTwoSample(x, y); res.PValue >= testAlpha {
			t.Fatalf("seed %d: shift 0.3 accepted: %+v", seed, res)
		}
	}
	if _, err := KSTwoSample(nil, []float64{1}); !errors.Is(err, ErrInvalid) {
		t.Fatal("empty sample accepted")
	}
}

func TestKSTwoSampleAsymptotic(t *testing.T) {
	// Above n·m = 10⁷ the p-value is Stephens' asymptotic. Its error against
	// the exact recursion, checked here at n·m ≈ 10⁶, is ≤ 1e-2 (measured
	// ≤ 7e-3 at n·m ≈ 10⁷; mostly the atom of the lattice law at D).
	n, m := 1000, 1001
	ne := float64(n*m) / float64(n+m)
	for lam := 0.4; lam < 2.5; lam += 0.3 {
		k := int64(lam / math.Sqrt(ne) * float64(n*m))
		exact := ksTwoSF(n, m, k)
		asym := KolmogorovSF(stephensScale(ne) * float64(k) / float64(n*m))
		if math.Abs(exact-asym) > 1e-2 {
			t.Fatalf("λ = %g: exact %v, asymptotic %v", lam, exact, asym)
		}
	}
}

func TestKSCriticalTwoSample(t *testing.T) {
	for _, c := range []struct{ n, m int }{{10, 10}, {20, 30}, {100, 80}} {
		d, err := KSCriticalTwoSample(c.n, c.m, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		k := int64(math.Round(d * float64(c.n*c.m)))
		// d is the smallest attainable value with p ≤ alpha.
		if p := ksTwoSF(c.n, c.m, k); p > 0.05 {
			t.Fatalf("p(critical) = %v > 0.05", p)
		}
		if p := ksTwoSF(c.n, c.m, k-1); p <= 0.05 {
			t.Fatalf("critical not minimal: p(k−1) = %v", p)
		}
	}
}

func TestChiSquareGOF(t *testing.T) {
	// X² = (100 + 0 + 100)/20 = 10 on 2 df; P(χ²₂ ≥ x) = e^{−x/2}.
	res, err := ChiSquareGOF([]int{10, 20, 30}, []float64{1. / 3, 1. / 3, 1. / 3})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.Stat-10) > 1e-13 || res.DF != 2 || RelErr(res.PValue, math.Exp(-5), 0) > 1e-12 || res.MinExpected != 20 {
		t.Fatalf("got %+v, want X² = 10, df 2, p = %v", res, math.Exp(-5))
	}
	// Zero-probability categories: dropped if empty, fatal if not.
	res, _ = ChiSquareGOF([]int{10, 0, 10}, []float64{0.5, 0, 0.5})
	if res.DF != 1 || res.Stat != 0 || res.PValue != 1 {
		t.Fatalf("zero category: %+v", res)
	}
	res, _ = ChiSquareGOF([]int{10, 1, 10}, []float64{0.5, 0, 0.5})
	if !math.IsInf(res.Stat, 1) || res.PValue != 0 {
		t.Fatalf("impossible count: %+v", res)
	}
	for _, tc := range []struct {
		name   string
		counts []int
		p      []float64
	}{
		{"length mismatch", []int{1, 2}, []float64{1}},
		{"negative count", []int{-1, 2}, []float64{0.5, 0.5}},
		{"no data", []int{0, 0}, []float64{0.5, 0.5}},
		{"sum not 1", []int{1, 2}, []float64{0.5, 0.6}},
		{"one category", []int{1, 0}, []float64{1, 0}},
		{"NaN p", []int{1, 2}, []float64{math.NaN(), 1}},
	} {
		if _, err := ChiSquareGOF(tc.counts, tc.p); !errors.Is(err, ErrInvalid) {
			t.Fatalf("%s: err = %v", tc.name, err)
		}
	}
}

// energy1D returns 2∫(F − G)² for the empirical CDFs of x and y: the
// V-statistic energy distance in one dimension (Székely–Rizzo), an
// independent formula.
func energy1D(x, y []float64) float64 {
	pts := slices.Concat(x, y)
	slices.Sort(pts)
	ecdf := func(s []float64, t float64) float64 {
		c := 0
		for _, v := range s {
			if v <= t {
				c++
			}
		}
		return float64(c) / float64(len(s))
	}
	s := 0.0
	for i := 0; i+1 < len(pts); i++ {
		d := ecdf(x, pts[i]) - ecdf(y, pts[i])
		s += d * d * (pts[i+1] - pts[i])
	}
	return 2 * s
}

func col(x []float64) [][]float64 {
	X := make([][]float64, len(x))
	for i, v := range x {
		X[i] = []float64{v}
	}
	return X
}

func TestEnergyDistance(t *testing.T) {
	// X = {0, 1}, Y = {2, 3}: cross mean 2, within means ½ (V) or 1 (U).
	X, Y := col([]float64{0, 1}), col([]float64{2, 3})
	for _, tc := range []struct {
		est  Estimator
		want float64
	}{{VStatistic, 3}, {UStatistic, 2}} {
		if got, err := EnergyDistance(X, Y, tc.est); err != nil || got != tc.want {
			t.Fatalf("estimator %d: %v, want %v (%v)", tc.est, got, tc.want, err)
		}
	}
	// One dimension: V-statistic = 2∫(F_n − G_m)².
	r := newRNG(9)
	x, _ := NormalVector(r, 40)
	y, _ := NormalVector(r, 55)
	got, _ := EnergyDistance(col(x), col(y), VStatistic)
	if want := energy1D(x, y); math.Abs(got-want) > 1e-13 {
		t.Fatalf("1-D energy %v, want 2∫(F−G)² = %v", got, want)
	}
	// d = 3: nonnegative, symmetric, zero on identical clouds.
	A, _ := NormalRows(r, 30, 3)
	B, _ := NormalRows(r, 20, 3)
	eAB, _ := EnergyDistance(A, B, VStatistic)
	eBA, _ := EnergyDistance(B, A, VStatistic)
	eAA, _ := EnergyDistance(A, A, VStatistic)
	if eAB < 0 || math.Abs(eAB-eBA) > 1e-14 || math.Abs(eAA) > 1e-14 {
		t.Fatalf("E(A,B) = %v, E(B,A) = %v, E(A,A) = %v", eAB, eBA, eAA)
	}
	for _, tc := range []struct {
		name string
		X, Y [][]float64
		est  Estimator
	}{
		{"empty", nil, Y, VStatistic},
		{"dims differ", X, [][]float64{{1, 2}}, VStatistic},
		{"ragged", [][]float64{{1}, {1, 2}}, Y, VStatistic},
		{"NaN", [][]float64{{math.NaN()}}, Y, VStatistic},
		{"U with n = 1", [][]float64{{1}}, Y, UStatistic},
		{"bad estimator", X, Y, Estimator(7)},
	} {
		if _, err := EnergyDistance(tc.X, tc.Y, tc.est); !errors.Is(err, ErrInvalid) {
			t.Fatalf("%s: err = %v", tc.name, err)
		}
	}
}

func TestMMD2(t *testing.T) {
	// X = {0}, Y = {1}, σ = 1: 1 + 1 − 2e^{−1/2}.
	got, err := MMD2(col([]float64{0}), col([]float64{1}), 1, VStatistic)
	if want := 2 - 2*math.Exp(-0.5); err != nil || math.Abs(got-want) > 1e-15 {
		t.Fatalf("MMD² = %v, want %v (%v)", got, want, err)
	}
	// X = {0, 1}, Y = {0, 2}, σ = 1, U-statistic: e^{−½} + e^{−2} − 2·mean(1, e^{−2}, e^{−½}, e^{−½}).
	got, _ = MMD2(col([]float64{0, 1}), col([]float64{0, 2}), 1, UStatistic)
	want := math.Exp(-0.5) + math.Exp(-2) - (1+math.Exp(-2)+2*math.Exp(-0.5))/2
	if math.Abs(got-want) > 1e-15 {
		t.Fatalf("MMD²_u = %v, want %v", got, want)
	}
	r := newRNG(10)
	A, _ := NormalRows(r, 25, 2)
	if v, _ := MMD2(A, A, 0.7, VStatistic); math.Abs(v) > 1e-14 {
		t.Fatalf("MMD²(A, A) = %v", v)
	}
	if _, err := MMD2(A, A, 0, VStatistic); !errors.Is(err, ErrInvalid) {
		t.Fatal("sigma = 0 accepted")
	}
	s, err := MedianHeuristic(col([]float64{0, 1}), col([]float64{3}))
	if err != nil || s != 2 {
		t.Fatalf("median of {1, 2, 3} = %v (%v)", s, err)
	}
	if _, err := MedianHeuristic(col([]float64{1, 1}), col([]float64{1})); !errors.Is(err, ErrInvalid) {
		t.Fatal("zero median accepted")
	}
}

func ExampleKSOneSample() {
	res, _ := KSOneSample([]float64{0.1, 0.5, 0.9}, func(x float64) float64 { return x })
	fmt.Printf("D = %.4f, p = %.4f\n", res.D, res.PValue)
	// Output: D = 0.2333, p = 0.9858
}

func ExampleEnergyDistance() {
	X := [][]float64{{0}, {1}}
	Y := [][]float64{{2}, {3}}
	v, _ := EnergyDistance(X, Y, VStatistic)
	u, _ := EnergyDistance(X, Y, UStatistic)
	fmt.Println(v, u)
	// Output: 3 2
}

func ExampleChiSquareGOF() {
	// 60 rolls of a die claimed fair.
	res, _ := ChiSquareGOF([]int{8, 12, 9, 11, 10, 10}, []float64{1. / 6, 1. / 6, 1. / 6, 1. / 6, 1. / 6, 1. / 6})
	fmt.Printf("X² = %.2f, df = %d, p = %.3f\n", res.Stat, res.DF, res.PValue)
	// Output: X² = 1.00, df = 5, p = 0.963
}
