package numerics

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// KolmogorovCDF returns the limiting distribution of √n·D_n,
//
//	K(x) = 1 − 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²x²} = (√(2π)/x) Σ_{k≥1} e^{−(2k−1)²π²/(8x²)},
//
// using the first series for x ≥ 1 and the second (Jacobi theta) form below,
// each summed until the terms are below 1e-17 of the sum: absolute error
// ≤ 1e-15 (agrees with scipy.stats.kstwobign to 1 ulp in the tests). K(x) = 0 for x ≤ 0, 1 for x = +Inf; NaN for NaN (propagated).
// Example: K(1.3581) = 0.95000037 (the 5% critical value of √n·D_n).
func KolmogorovCDF(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case x <= 0:
		return 0
	case x >= 1:
		return 1 - KolmogorovSF(x)
	}
	c := -math.Pi * math.Pi / (8 * x * x)
	s := 0.0
	for k := 1; k < 100; k++ {
		m := float64(2*k - 1)
		t := math.Exp(c * m * m)
		s += t
		if t <= 1e-17*s {
			break
		}
	}
	if s == 0 {
		// The series underflows (x ≲ 0.04, K(x) < 1e-300); for subnormal
		// x, √(2π)/x is +Inf and the product was NaN (regression test
		// TestKolmogorovCDFSubnormal, found by FuzzKS).
		return 0
	}
	return math.Sqrt(2*math.Pi) / x * s
}

// KolmogorovSF returns 1 − K(x) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²x²} (see
// KolmogorovCDF), summed directly for x ≥ 1 so that tail values keep full
// relative accuracy (relative error ≤ 1e-15 for x ≥ 1, absolute ≤ 1e-16
// below). 1 for x ≤ 0, 0 for x = +Inf.
func KolmogorovSF(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case x < 1:
		return 1 - KolmogorovCDF(x)
	}
	s := 0.0
	sign := 1.0
	for k := 1; k < 100; k++ {
		t := math.Exp(-2 * float64(k*k) * x * x)
		s += sign * t
		if t <= 1e-17*s {
			break
		}
		sign = -sign
	}
	return 2 * s
}

// KSPValue returns the p-value P(D_n ≥ d) of the one-sample
// Kolmogorov–Smirnov statistic D_n = sup_x |F_n(x) − F(x)| for n
// independent draws from a continuous F, following Simard & L'Ecuyer,
// "Computing the two-sided Kolmogorov–Smirnov distribution", J. Stat.
// Softw. 39(11), 2011. With s = n·d²:
//
//   - d ≤ 1/(2n): 1; d ≥ 1: 0 (the support of D_n is [1/(2n), 1]).
//   - s ≥ ksZeroS = 373: 0, the float64 value of P(D_n ≥ d) ≤ 2e^{−2s}
//     < 2⁻¹⁰⁷⁵ (Dvoretzky–Kiefer–Wolfowitz inequality with Massart's
//     constant, Ann. Probab. 18(3), 1990), without summing.
//   - d > 1/2, or s ≥ 3, or n > 1000 and s ≥ 2.2: 2·P(D_n⁺ ≥ d) with the
//     exact one-sided Birnbaum–Tingey sum (O(n) terms). The two one-sided
//     events are disjoint for d > 1/2 and otherwise overlap with relative
//     probability ≲ e^{−6s}: relative error ≤ 2e-8 (s ≥ 3), ≤ 2e-6 (s ≥ 2.2).
//   - n ≤ 1000: 1 − P(D_n < d) by the exact matrix method of Marsaglia,
//     Tsang & Wang (2003), O(n^{3/2} log n); absolute error ≤ 1e-13
//     (agrees with scipy.stats.kstwo to 1e-15 in the tests).
//   - otherwise (n > 1000, s < 2.2): the Pelz–Good (1976) asymptotic series
//     K₀ + K₁/√n + K₂/n + K₃/n^{3/2}; absolute error ≤ 1e-7 (measured
//     against the exact method: 6.4e-8 at n = 1001, 1.6e-10 at n = 20000;
//     TestKSPValuePelzGood).
//
// Cost: at most ≈ 10 ms for n ≤ 1000, O(1) in the body and O(n) in the
// tail 2.2 ≤ s < 373 for larger n (about 0.1–0.5 µs per term: seconds at
// n = MaxKSSize, which bounds it so that no call runs for hours; a huge n
// used to hang here and in KSCritical, regression test
// TestMalformedArgumentsAreErrors).
// Preconditions: 1 ≤ n ≤ MaxKSSize, d not NaN (else ErrInvalid).
func KSPValue(n int, d float64) (float64, error) {
	if n < 1 || n > MaxKSSize || math.IsNaN(d) {
		return 0, Invalidf("KSPValue: n = %d, d = %v; want 1 ≤ n ≤ %d and d a number", n, d, MaxKSSize)
	}
	fn := float64(n)
	s := fn * d * d
	switch {
	case d <= 0.5/fn:
		return 1, nil
	case d >= 1 || s >= ksZeroS:
		return 0, nil
	case d > 0.5 || s >= 3 || (n > 1000 && s >= 2.2):
		return math.Min(1, 2*smirnovSF(n, d)), nil
	case n <= 1000:
		return clamp01(1 - kolmogorovExact(n, d)), nil
	}
	return clamp01(1 - pelzGoodCDF(n, d)), nil
}

func clamp01(p float64) float64 { return math.Min(1, math.Max(0, p)) }

// MaxKSSize bounds the sample size n of KSPValue, KSCritical and
// KSOneSample (2²⁴ ≈ 1.7e7): the exact tail sum costs O(n).
const MaxKSSize = 1 << 24

// ksZeroS is the s = n·d² from which P(D_n ≥ d) ≤ 2e^{−2s} (DKW–Massart)
// is below 2⁻¹⁰⁷⁵, half the smallest subnormal, so that its float64 value
// is 0: 2e^{−746} ≈ 2.1e-324 < 2⁻¹⁰⁷⁵ ≈ 2.5e-324.
const ksZeroS = 373

// pelzGoodCDF returns the Pelz–Good approximation of P(D_n ≤ d),
// K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^{3/2} at z = √n·d, with each K_i in
// its Jacobi-theta form for small z (Pelz & Good, J. R. Stat. Soc. B 38,
// 1976; the form of Simard & L'Ecuyer 2011, §2.2). With m = 2k − 1 and
// q_m = exp(−π²m²/(8z²)), r_k = exp(−π²k²/(2z²)):
//
//	K₀ = √(2π)/z · Σ q_m
//	K₁ = √(2π)/(6z⁴) · Σ (π²m²/4 − z²) q_m
//	K₂ = √(2π)/(72z⁷) · Σ (6z⁶ + 2z⁴ + (2z⁴ − 5z²)π²m²/4 + (1 − 2z²)π⁴m⁴/16) q_m
//	     − π²√(2π)/(36z³) · Σ k² r_k
//	K₃ = √(2π)/(6480z¹⁰) · Σ (−30z⁶ − 90z⁸ + (135z⁴ − 96z⁶)π²m²/4
//	     + (212z⁴ − 60z²)π⁴m⁴/16 + (5 − 30z²)π⁶m⁶/64) q_m
//	     + π²√(2π)/(216z⁶) · Σ (3z² − π²k²) k² r_k
func pelzGoodCDF(n int, d float64) float64 {
	z := math.Sqrt(float64(n)) * d
	z2 := z * z
	z4, z6 := z2*z2, z2*z2*z2
	pi2 := math.Pi * math.Pi
	pi4 := pi2 * pi2
	pi6 := pi4 * pi2
	if -pi2/(8*z2) < -745 {
		return 0
	}
	var k0, k1, k2, k3, e2, e3 float64
	kmax := int(math.Ceil(16*z/math.Pi)) + 2
	for k := 1; k <= kmax; k++ {
		m := float64(2*k - 1)
		m2 := m * m
		m4 := m2 * m2
		q := math.Exp(-pi2 * m2 / (8 * z2))
		k0 += q
		k1 += (pi2*m2/4 - z2) * q
		k2 += (6*z6 + 2*z4 + (2*z4-5*z2)*pi2*m2/4 + (1-2*z2)*pi4*m4/16) * q
		k3 += (-30*z6 - 90*z6*z2 + (135*z4-96*z6)*pi2*m2/4 + (212*z4-60*z2)*pi4*m4/16 + (5-30*z2)*pi6*m4*m2/64) * q
		fk := float64(k)
		r := math.Exp(-pi2 * fk * fk / (2 * z2))
		e2 += fk * fk * r
		e3 += (3*z2 - pi2*fk*fk) * fk * fk * r
	}
	s2p := math.Sqrt(2 * math.Pi)
	K0 := s2p / z * k0
	K1 := s2p / (6 * z4) * k1
	K2 := s2p/(72*z6*z)*k2 - pi2*s2p/(36*z2*z)*e2
	K3 := s2p/(6480*z6*z4)*k3 + pi2*s2p/(216*z6)*e3
	sn := math.Sqrt(float64(n))
	return K0 + K1/sn + K2/float64(n) + K3/(float64(n)*sn)
}

// smirnovSF returns P(D_n⁺ ≥ d) for 0 < d < 1 by the Birnbaum–Tingey (1951)
// formula d·Σ_{j=0}^{⌊n(1−d)⌋} C(n,j)·(1−d−j/n)^{n−j}·(d+j/n)^{j−1}, whose
// terms are positive (summed in the log domain: relative error ≈ eps·n·log n).
func smirnovSF(n int, d float64) float64 {
	fn := float64(n)
	lgn, _ := math.Lgamma(fn + 1)
	jmax := int(math.Floor(fn * (1 - d)))
	s := 0.0
	for j := 0; j <= jmax; j++ {
		fj := float64(j)
		a := 1 - d - fj/fn
		if a <= 0 {
			continue
		}
		lj, _ := math.Lgamma(fj + 1)
		lnj, _ := math.Lgamma(fn - fj + 1)
		s += math.Exp(lgn - lj - lnj + (fn-fj)*math.Log(a) + (fj-1)*math.Log(d+fj/fn))
	}
	return d * s
}

// kolmogorovExact returns P(D_n < d) by Marsaglia, Tsang & Wang,
// "Evaluating Kolmogorov's distribution", J. Stat. Softw. 8(18), 2003:
// the (k,k) entry of Hⁿ times n!/nⁿ, with powers of two split off to avoid
// overflow. Requires 1/(2n) < d < 1.
func kolmogorovExact(n int, d float64) float64 {
	fn := float64(n)
	k := int(fn*d) + 1
	m := 2*k - 1
	h := float64(k) - fn*d
	H := mat.NewDense(m, m, nil)
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			if i-j+1 >= 0 {
				H.Set(i, j, 1)
			}
		}
	}
	for i := 0; i < m; i++ {
		H.Set(i, 0, H.At(i, 0)-math.Pow(h, float64(i+1)))
		H.Set(m-1, i, H.At(m-1, i)-math.Pow(h, float64(m-i)))
	}
	if 2*h-1 > 0 {
		H.Set(m-1, 0, H.At(m-1, 0)+math.Pow(2*h-1, float64(m)))
	}
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			if g := i - j + 1; g > 0 {
				f, _ := math.Lgamma(float64(g + 1))
				H.Set(i, j, H.At(i, j)/math.Exp(f))
			}
		}
	}
	// Hⁿ by repeated squaring, each factor kept as M·2^e with max|M| ≤ 2^500.
	const big = 500
	renorm := func(M *mat.Dense, e *int) {
		if mat.Norm(M, math.Inf(1)) > math.Ldexp(1, big) {
			M.Scale(math.Ldexp(1, -big), M)
			*e += big
		}
	}
	var R *mat.Dense
	re := 0
	B, be := H, 0
	for p := n; p > 0; p >>= 1 {
		if p&1 == 1 {
			if R == nil {
				R, re = mat.DenseCopyOf(B), be
			} else {
				var T mat.Dense
				T.Mul(R, B)
				R, re = &T, re+be
				renorm(R, &re)
			}
		}
		if p > 1 {
			var T mat.Dense
			T.Mul(B, B)
			B, be = &T, 2*be
			renorm(B, &be)
		}
	}
	v := R.At(k-1, k-1)
	for i := 1; i <= n; i++ {
		v *= float64(i) / fn
		if v < math.Ldexp(1, -big) {
			v = math.Ldexp(v, big)
			re -= big
		}
	}
	return math.Ldexp(v, re)
}

// KSResult is the outcome of a Kolmogorov–Smirnov test.
type KSResult struct {
	D      float64 // the statistic sup |F_n − F| (or sup |F_n − G_m|)
	PValue float64 // P(D ≥ observed D) under the null hypothesis
}

// KSOneSample tests whether x is a sample of the continuous distribution
// with CDF cdf: D_n = max_i max(i/n − F(x_(i)), F(x_(i)) − (i−1)/n) over
// the sorted sample, with the p-value of KSPValue (exact to ≈ 1e-13 for
// n ≤ 1000, within 1e-7 above; see there). Ties in x
// (impossible under a continuous F) make the test conservative.
// Preconditions: x non-empty (at most MaxKSSize points) and finite; cdf
// non-nil with values in [0, 1], non-decreasing along sorted x (else
// ErrInvalid).
func KSOneSample(x []float64, cdf func(float64) float64) (KSResult, error) {
	if len(x) == 0 || len(x) > MaxKSSize || !AllFinite(x) {
		return KSResult{}, Invalidf("KSOneSample: x must be non-empty (at most %d points) and finite", MaxKSSize)
	}
	if cdf == nil {
		return KSResult{}, Invalidf("KSOneSample: cdf is nil")
	}
	xs := slices.Clone(x)
	slices.Sort(xs)
	n := float64(len(xs))
	D, prev := 0.0, 0.0
	for i, v := range xs {
		F := cdf(v)
		if !(F >= 0 && F <= 1) || F < prev {
			return KSResult{}, Invalidf("KSOneSample: cdf(%g) = %v is not a CDF value (in [0, 1], non-decreasing)", v, F)
		}
		prev = F
		D = math.Max(D, math.Max(float64(i+1)/n-F, F-float64(i)/n))
	}
	p, err := KSPValue(len(xs), D)
	return KSResult{D: D, PValue: p}, err
}

// stephensScale returns √nₑ + 0.12 + 0.11/√nₑ.
func stephensScale(ne float64) float64 {
	s := math.Sqrt(ne)
	return s + 0.12 + 0.11/s
}

// ksTwoExactMaxNM bounds n·m for the exact two-sample p-value (O(n·m) time,
// about 3 ns per lattice point).
const ksTwoExactMaxNM = 10_000_000

// ksTwoSF returns P(max_{(i,j) on the path} |i·m − j·n| ≥ k), the p-value of
// D = k/(n·m) for two samples of sizes n, m from one continuous law.
// Exact (lattice-path recursion, Hodges 1957) when n·m ≤ ksTwoExactMaxNM,
// with absolute error ≈ (n + m)·eps; above, the asymptotic Kolmogorov law
// with Stephens' correction at nₑ = n·m/(n + m).
func ksTwoSF(n, m int, k int64) float64 {
	if k <= 0 {
		return 1
	}
	nm := int64(n) * int64(m)
	if k > nm {
		return 0
	}
	if nm > ksTwoExactMaxNM {
		ne := float64(nm) / float64(n+m)
		return KolmogorovSF(stephensScale(ne) * float64(k) / float64(nm))
	}
	// u[j] = P(the random interleaving passes through (i, j) and every
	// point so far has |i·m − j·n| < k). From (i, j) the next element is
	// from the first sample with probability (n − i)/(n + m − i − j).
	u := make([]float64, m+1)
	inside := func(i, j int) bool {
		d := int64(i)*int64(m) - int64(j)*int64(n)
		return d < k && -d < k
	}
	for i := 0; i <= n; i++ {
		for j := 0; j <= m; j++ {
			if i == 0 && j == 0 {
				u[0] = 1
				continue
			}
			v := 0.0
			if i > 0 { // from (i−1, j); u[j] still holds row i−1
				v += u[j] * float64(n-i+1) / float64(n+m-i+1-j)
			}
			if j > 0 { // from (i, j−1), already updated
				v += u[j-1] * float64(m-j+1) / float64(n+m-i-j+1)
			}
			if !inside(i, j) {
				v = 0
			}
			u[j] = v
		}
	}
	return math.Min(1, math.Max(0, 1-u[m]))
}

// KSTwoSample tests whether x and y come from the same continuous
// distribution: D = sup_t |F_x(t) − G_y(t)| over the empirical CDFs (ties
// within and across the samples handled by stepping over equal values
// together). The p-value P(D ≥ observed) is exact for n·m ≤ 10⁷ (Hodges'
// lattice-path recursion, absolute error ≈ (n + m)·eps) and otherwise the
// asymptotic Kolmogorov law with Stephens' correction,
// KolmogorovSF((√nₑ + 0.12 + 0.11/√nₑ)·D), nₑ = n·m/(n + m), whose
// absolute error is ≲ 1e-2 there (measured ≤ 7e-3 at n·m ≈ 10⁷, mostly the
// atom of the lattice law at D; TestKSTwoSampleAsymptotic). The null
// distribution assumes no ties; with ties the test is conservative.
// Preconditions: x, y non-empty and finite.
func KSTwoSample(x, y []float64) (KSResult, error) {
	if len(x) == 0 || len(y) == 0 || !AllFinite(x) || !AllFinite(y) {
		return KSResult{}, Invalidf("KSTwoSample: samples must be non-empty and finite (len %d, %d)", len(x), len(y))
	}
	xs, ys := slices.Clone(x), slices.Clone(y)
	slices.Sort(xs)
	slices.Sort(ys)
	n, m := len(xs), len(ys)
	// D = max |i/n − j/m| = max |i·m − j·n| / (n·m), kept as an integer.
	var k int64
	i, j := 0, 0
	for i < n && j < m {
		v := math.Min(xs[i], ys[j])
		for i < n && xs[i] == v {
			i++
		}
		for j < m && ys[j] == v {
			j++
		}
		d := int64(i)*int64(m) - int64(j)*int64(n)
		k = max(k, d, -d)
	}
	nm := int64(n) * int64(m)
	return KSResult{D: float64(k) / float64(nm), PValue: ksTwoSF(n, m, k)}, nil
}

// KSCritical returns the critical value d of the one-sample KS test at level
// alpha: the d with KSPValue(n, d) = alpha, found by bisection to 1e-14
// absolute, so that the test "reject when D_n ≥ d" has false-alarm rate alpha
// (up to the accuracy of KSPValue). Cost: about 50 calls of KSPValue, a
// few of them O(n). Preconditions: 1 ≤ n ≤ MaxKSSize, 0 < alpha < 1 (else
// ErrInvalid).
func KSCritical(n int, alpha float64) (float64, error) {
	if n < 1 || n > MaxKSSize || !(alpha > 0 && alpha < 1) {
		return 0, Invalidf("KSCritical: n = %d, alpha = %v; want 1 ≤ n ≤ %d, 0 < alpha < 1", n, alpha, MaxKSSize)
	}
	lo, hi := 0.5/float64(n), 1.0
	for hi-lo > 1e-14 {
		mid := 0.5 * (lo + hi)
		if p, _ := KSPValue(n, mid); p > alpha {
			lo = mid
		} else {
			hi = mid
		}
	}
	return 0.5 * (lo + hi), nil
}

// KSCriticalTwoSample returns the critical value of the two-sample KS test
// at level alpha: the smallest attainable D = k/(n·m) with
// P(D ≥ k/(n·m)) ≤ alpha under the p-value of KSTwoSample (bisection on
// the integer k), so that "reject when D ≥ critical" has false-alarm rate
// at most alpha (exact for n·m ≤ 10⁷). It returns a value > 1 (never
// reject) when even D = 1 has a p-value above alpha, as for n = m = 1.
// Cost: O(n·m·log(n·m)) up to n·m = 10⁷, O(log(n·m)) above.
// Preconditions: n, m ≥ 1 with n·m ≤ MaxInt64 (a larger product
// overflowed and gave +Inf; regression test
// TestMalformedArgumentsAreErrors), 0 < alpha < 1 (else ErrInvalid).
func KSCriticalTwoSample(n, m int, alpha float64) (float64, error) {
	if n < 1 || m < 1 || !(alpha > 0 && alpha < 1) {
		return 0, Invalidf("KSCriticalTwoSample: n = %d, m = %d, alpha = %v; want n, m ≥ 1, 0 < alpha < 1", n, m, alpha)
	}
	if int64(n) > math.MaxInt64/int64(m) {
		return 0, Invalidf("KSCriticalTwoSample: n·m = %d·%d overflows int64", n, m)
	}
	nm := int64(n) * int64(m)
	lo, hi := int64(0), nm+1 // p(lo) > alpha ≥ p(hi) = 0
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if ksTwoSF(n, m, mid) > alpha {
			lo = mid
		} else {
			hi = mid
		}
	}
	return float64(hi) / float64(nm), nil
}

// GOFResult is the outcome of ChiSquareGOF.
type GOFResult struct {
	Stat        float64 // Pearson's X²
	DF          int     // degrees of freedom: categories with p_i > 0, minus 1
	PValue      float64 // P(χ²_DF ≥ Stat)
	MinExpected float64 // min_i N·p_i over p_i > 0; the χ² law is reliable when ≥ 5
}

// ChiSquareGOF is Pearson's goodness-of-fit test of observed counts against
// the multinomial law with probabilities p:
// X² = Σ_{i: p_i > 0} (O_i − N·p_i)²/(N·p_i), N = Σ O_i, p-value
// P(χ²_{k−1} ≥ X²) with k the number of categories with p_i > 0 (gonum
// distuv.ChiSquared.Survival, accurate to ≈ 1e-14 relative). A positive
// count in a category with p_i = 0 gives X² = +Inf and p-value 0. The χ²
// law is asymptotic (N → ∞); it is reliable when every expected count
// N·p_i ≥ 5 (Cochran's rule; see MinExpected) and anti-conservative below.
// Preconditions: len(counts) == len(p) ≥ 2, counts ≥ 0 with 1 ≤ N ≤ MaxInt, p finite
// ≥ 0 with |Σp − 1| ≤ 1e-9 (normalised internally), at least two p_i > 0.
func ChiSquareGOF(counts []int, p []float64) (GOFResult, error) {
	if len(counts) != len(p) || len(p) < 2 {
		return GOFResult{}, Invalidf("ChiSquareGOF: %d counts, %d probabilities; want equal and ≥ 2", len(counts), len(p))
	}
	N, ps, k := 0, 0.0, 0
	for i := range p {
		if counts[i] < 0 {
			return GOFResult{}, Invalidf("ChiSquareGOF: counts[%d] = %d < 0", i, counts[i])
		}
		if !(p[i] >= 0) || math.IsInf(p[i], 1) {
			return GOFResult{}, Invalidf("ChiSquareGOF: p[%d] = %v, want finite ≥ 0", i, p[i])
		}
		if counts[i] > math.MaxInt-N {
			// N wrapped around (e.g. to 1 for {MaxInt, MaxInt, 3}) and
			// gave a wrong statistic (regression test
			// TestMalformedArgumentsAreErrors).
			return GOFResult{}, Invalidf("ChiSquareGOF: N = Σ counts overflows int at index %d", i)
		}
		N += counts[i]
		ps += p[i]
		if p[i] > 0 {
			k++
		}
	}
	if N < 1 || k < 2 || math.Abs(ps-1) > 1e-9 {
		return GOFResult{}, Invalidf("ChiSquareGOF: N = %d, %d positive probabilities, Σp = %v; want N ≥ 1, ≥ 2, 1 ± 1e-9", N, k, ps)
	}
	res := GOFResult{DF: k - 1, MinExpected: math.Inf(1)}
	for i := range p {
		if p[i] == 0 {
			if counts[i] > 0 {
				res.Stat = math.Inf(1)
			}
			continue
		}
		E := float64(N) * p[i] / ps
		res.MinExpected = math.Min(res.MinExpected, E)
		r := float64(counts[i]) - E
		res.Stat += r * r / E
	}
	res.PValue = distuv.ChiSquared{K: float64(res.DF)}.Survival(res.Stat)
	if math.IsInf(res.Stat, 1) {
		res.PValue = 0
	}
	return res, nil
}

// Estimator selects the form of a two-sample discrepancy estimate.
type Estimator int

const (
	// VStatistic averages over all pairs including i = j: the discrepancy
	// between the two empirical measures (≥ 0, biased upward by O(1/n)).
	VStatistic Estimator = iota
	// UStatistic averages within-sample terms over pairs i ≠ j: unbiased
	// for the population value, may be negative; needs n, m ≥ 2.
	UStatistic
)

// checkClouds validates two row-major point clouds and returns their sizes
// and dimension.
func checkClouds(name string, X, Y [][]float64, est Estimator) (n, m int, err error) {
	if est != VStatistic && est != UStatistic {
		return 0, 0, Invalidf("%s: unknown estimator %d", name, est)
	}
	_, n, dx, err := Flatten(X)
	if err != nil {
		return 0, 0, Invalidf("%s: X: %v", name, err)
	}
	_, m, dy, err := Flatten(Y)
	if err != nil {
		return 0, 0, Invalidf("%s: Y: %v", name, err)
	}
	if n == 0 || m == 0 || dx == 0 || dx != dy {
		return 0, 0, Invalidf("%s: X is %d×%d, Y is %d×%d; want non-empty with equal dimension", name, n, dx, m, dy)
	}
	if est == UStatistic && (n < 2 || m < 2) {
		return 0, 0, Invalidf("%s: U-statistic needs n, m ≥ 2 (have %d, %d)", name, n, m)
	}
	return n, m, nil
}

func sqDist(x, y []float64) float64 {
	s := 0.0
	for i := range x {
		d := x[i] - y[i]
		s += d * d
	}
	return s
}

// pairMeans returns the means of k over X×Y, over pairs of X and over pairs
// of Y; the within-sample means include i = j (with value kSelf) for the
// V-statistic and exclude it for the U-statistic.
func pairMeans(X, Y [][]float64, est Estimator, k func(d2 float64) float64, kSelf float64) (xy, xx, yy float64) {
	within := func(Z [][]float64) float64 {
		s := 0.0
		for i := range Z {
			r := 0.0
			for j := i + 1; j < len(Z); j++ {
				r += k(sqDist(Z[i], Z[j]))
			}
			s += r
		}
		nz := float64(len(Z))
		if est == UStatistic {
			return 2 * s / (nz * (nz - 1))
		}
		return (2*s + nz*kSelf) / (nz * nz)
	}
	s := 0.0
	for i := range X {
		r := 0.0
		for j := range Y {
			r += k(sqDist(X[i], Y[j]))
		}
		s += r
	}
	return s / (float64(len(X)) * float64(len(Y))), within(X), within(Y)
}

// EnergyDistance returns the energy distance of Székely & Rizzo between the
// laws of two point clouds X (n×d) and Y (m×d), row-major:
//
//	E = 2·mean_{i,j} ‖x_i − y_j‖ − mean_{i,i'} ‖x_i − x_i'‖ − mean_{j,j'} ‖y_j − y_j'‖,
//
// with the within-sample means over all n² (m²) pairs for VStatistic (then
// E ≥ 0 is the energy distance of the empirical measures) and over the
// n(n−1) (m(m−1)) pairs i ≠ i' for UStatistic (unbiased, may be < 0).
// E is the squared form: √E is a metric on laws with finite first moment;
// E = 0 iff the laws are equal. Cost O((n+m)²·d).
// Accuracy: rounding ≈ (n + m + d)·eps·max‖x − y‖ absolute, dominated by
// the cancellation of the three means.
func EnergyDistance(X, Y [][]float64, est Estimator) (float64, error) {
	if _, _, err := checkClouds("EnergyDistance", X, Y, est); err != nil {
		return 0, err
	}
	xy, xx, yy := pairMeans(X, Y, est, math.Sqrt, 0)
	E := 2*xy - xx - yy
	if math.IsNaN(E) || math.IsInf(E, 0) {
		return 0, Invalidf("EnergyDistance: overflow (coordinates too large; rescale)")
	}
	return E, nil
}

// MMD2 returns the squared maximum mean discrepancy with the Gaussian kernel
// k(x, y) = exp(−‖x − y‖²/(2σ²)) between point clouds X (n×d) and Y (m×d):
//
//	MMD² = mean_{i,i'} k(x_i, x_i') + mean_{j,j'} k(y_j, y_j') − 2·mean_{i,j} k(x_i, y_j),
//
// within-sample means over all pairs (VStatistic, ≥ 0) or pairs i ≠ i'
// (UStatistic, unbiased MMD²_u of Gretton et al. 2012, may be < 0). Cost
// O((n+m)²·d). Accuracy: absolute rounding ≈ (n + m + d)·eps (kernel values
// are ≤ 1). Preconditions: as EnergyDistance, plus sigma finite and > 0.
func MMD2(X, Y [][]float64, sigma float64, est Estimator) (float64, error) {
	if _, _, err := checkClouds("MMD2", X, Y, est); err != nil {
		return 0, err
	}
	if !(sigma > 0) || math.IsInf(sigma, 1) {
		return 0, Invalidf("MMD2: sigma = %v, want finite > 0", sigma)
	}
	c := -1 / (2 * sigma * sigma)
	xy, xx, yy := pairMeans(X, Y, est, func(d2 float64) float64 { return math.Exp(c * d2) }, 1)
	v := xx + yy - 2*xy
	if math.IsNaN(v) {
		return 0, Invalidf("MMD2: overflow (coordinates too large; rescale)")
	}
	return v, nil
}

// MedianHeuristic returns the median of the pairwise Euclidean distances
// ‖z_a − z_b‖, a < b, of the pooled sample Z = X ∪ Y (the usual bandwidth
// σ for MMD2; the upper median when the number of pairs is even). It stores
// all (n+m)(n+m−1)/2 distances. Preconditions: as EnergyDistance; the median
// must be positive (else ErrInvalid: too many repeated points).
func MedianHeuristic(X, Y [][]float64) (float64, error) {
	if _, _, err := checkClouds("MedianHeuristic", X, Y, VStatistic); err != nil {
		return 0, err
	}
	Z := append(slices.Clip(X), Y...)
	dist := make([]float64, 0, len(Z)*(len(Z)-1)/2)
	for a := range Z {
		for b := a + 1; b < len(Z); b++ {
			dist = append(dist, math.Sqrt(sqDist(Z[a], Z[b])))
		}
	}
	slices.Sort(dist)
	med := dist[len(dist)/2]
	if !(med > 0) || math.IsInf(med, 1) {
		return 0, Invalidf("MedianHeuristic: median distance %v is not positive and finite", med)
	}
	return med, nil
}
