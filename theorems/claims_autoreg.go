package theorems

import (
	"math"
	"math/cmplx"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/autoreg"
	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
	"pgregory.net/rapid"
)

// The autoreg family: autoregression as sequential transport ([P] §
// Autoregression as Sequential Transport, § Reparameterized Autoregression).
// The op is ar.sample, index(u) = min{i : F_i > u}.

func init() {
	Register(
		&Claim{
			ID:     "autoreg.next-token-worked-example",
			Title:  "[P]'s apple/banana/cherry example",
			Source: "[P] § Example: LLMs as Classification, Next-Token Prediction",
			Statement: "p = (0.6, 0.3, 0.1), u = 0.75 picks index 1 (\"banana\"); the CDF is (0.6, 0.9, 1.0): probing " +
				"ar.sample at u = 0, just below and at each left-to-right partial sum F_i (0.6, 0.6+0.3 = " +
				"0.8999999999999999, 0.9999999999999999) gives 0, 0, 1, 1, 2, 2, and u just below 1 gives 2 " +
				"(the fallback when rounding leaves F_2 < 1)",
			Tolerance: "exact (indices); the partial sums equal (0.6, 0.9, 1.0) within 2 ulps",
			Ops:       []string{OpARSample},
			Check:     checkAutoregWorkedExample,
		},
		&Claim{
			ID:     "autoreg.grid-frequencies",
			Title:  "inverse-CDF sampling on a grid of u reproduces p",
			Source: "[P] § The 1D Sampling Problem, Next-Token Inverse CDF Sampling",
			Statement: "on the grid u_m = m/N, m = 0…N−1 (N a power of 2, so u_m is exact), the frequency of each token " +
				"under ar.sample equals p_i within 1/N; exactly p_i for dyadic p with N a multiple of the denominator; " +
				"exactly 0 for tokens of probability 0 (anywhere, including last)",
			Tolerance: "1/N + 2k·eps (the grid count in [F_{i−1}, F_i) is within 1 of N(F_i − F_{i−1}), and the rounded " +
				"partial sums are within k·eps of the exact ones); 0 for dyadic p and zero tokens",
			Ops:   []string{OpARSample},
			Check: checkAutoregGridFrequencies,
		},
		&Claim{
			ID:     "autoreg.never-zero-probability",
			Title:  "a zero-probability token is never sampled",
			Source: "[P] § Next-Token Inverse CDF Sampling; protocol.md ar.sample",
			Statement: "for p with zeros anywhere (first, last, consecutive), ar.sample(p, u) is a token of positive " +
				"probability and equals the definition min{i : F_i > u} (largest positive i when none), probed at u = 0, " +
				"exactly at every CDF value (dyadic p: exact partial sums), just below each, just below 1, and at random u",
			Tolerance: "exact (indices)",
			Ops:       []string{OpARSample},
			Check:     checkAutoregNeverZeroProbability,
		},
		&Claim{
			ID:     "autoreg.chain-rule",
			Title:  "chain-rule factorisation and sequential inverse-CDF sampling",
			Source: "[P] § Chain Rule Factorization, Sampling Rule",
			Statement: "for joint tables over D ∈ {2, 3} coordinates (alphabets of 2–3, dyadic cells, zeros anywhere): " +
				"Π_i p(x_i | x_{<i}) = p(x) (reference autoreg.Joint), and sequential sampling x_i = ar.sample(p(·|x_{<i}), u_i) " +
				"on a product grid of u (N per coordinate) gives each x the frequency p(x) within D/N, and 0 to cells of " +
				"probability 0",
			Tolerance: "product of conditionals: 4D·eps·p(x) (one division per factor; dyadic sums are exact); " +
				"frequencies: D·(1/N + 2k·eps) (|Πa_i − Πb_i| ≤ Σ|a_i − b_i| for factors in [0, 1])",
			Ops:   []string{OpARSample},
			Check: checkAutoregChainRule,
		},
		&Claim{
			ID:     "autoreg.change-of-variables",
			Title:  "p_X(x) = p_Y(g(x))|det J_g(x)|",
			Source: "[P] § Change of Variables, Permuting Coordinates",
			Statement: "reference autoreg.LogDensity (LU log-determinant of the composed Jacobian) agrees with closed forms: " +
				"affine g(x) = Ax + b with Y ~ N(0, I) gives X ~ N(−A⁻¹b, (AᵀA)⁻¹) (Gaussian log-density by Cholesky of the covariance); g = permutation ∘ " +
				"elementwise x + c·tanh x with independent Y_i ~ N(m_i, s_i²) gives the product of 1-D densities, each " +
				"also checked as the derivative of its CDF (finite differences); permutations have |det J| = 1",
			Tolerance: "affine: 64·eps·κ(A)²·(1 + |log p|) (the Gaussian closed form goes through (AᵀA)⁻¹); separable: " +
				"64·eps·d·(1 + |log p|); CDF derivative: Richardson bound 1.1e-15·M5·max(1,|x|)⁴ + 9e-13 with M5 ≤ " +
				"52·1.2·B⁵ (Faà di Bruno, |φ⁽ᵏ⁾| ≤ 1.2 for k ≤ 4, B ≥ |z⁽ʲ⁾|), relative to the density; permutations: exact",
			Check: checkAutoregChangeOfVariables,
		},
		&Claim{
			ID:     "autoreg.haar-orthonormal",
			Title:  "the Haar transform is orthonormal and invertible",
			Source: "[P] § Frequency Space (2-point Haar), Practical Wavelet View",
			Statement: "reference autoreg.Haar (multilevel, length 2^L) equals the explicit Haar basis (scaling 2^{-ℓ/2} on " +
				"blocks of 2^ℓ, wavelets ±2^{-j/2} on halves), has orthonormal rows, preserves ‖x‖ and is inverted by " +
				"InverseHaar; (0.6, 0.6) ↦ (0.8485…, 0)",
			Tolerance: "entries 4·L·eps (each coefficient is at most L rounded pairwise sums/scalings); norms and round trip " +
				"8·L·eps·‖x‖ + 1e-300 (subnormal inputs round absolutely)",
			Check: checkAutoregHaarOrthonormal,
		},
		&Claim{
			ID:     "autoreg.fourier-parseval",
			Title:  "the orthonormal DFT preserves energy; low + high pass = signal",
			Source: "[P] § Practical Fourier View",
			Statement: "reference autoreg.DFT equals gonum's FFT divided by √N (an independent algorithm), Σ|X_k|² = Σ|x_n|², " +
				"InverseDFT(DFT(x)) = x, LowPass(x, c) + HighPass(x, c) = x with LowPass equal to gonum's inverse FFT of " +
				"the coefficients of |frequency| ≤ c, for N from 1 to 48 (odd, even, prime)",
			Tolerance: "coefficients 8·N·eps·‖x‖₁/√N (direct sums of N terms with exact twiddle reduction vs an FFT); " +
				"energy 16·N·eps·‖x‖²; signals 16·N·eps·‖x‖₁; each plus 1e-300 (subnormal inputs round absolutely)",
			Check: checkAutoregFourierParseval,
		},
	)
}

func checkAutoregWorkedExample(t *rapid.T, e *Env) {
	p := []float64{0.6, 0.3, 0.1}
	r := e.ARSample(t, ARSampleArgs{P: p, U: 0.75})
	e.Expect(t, r.Index == 1, "u = 0.75 picks banana", "index %d, want 1", r.Index)
	F := arCDF(p)
	for i, want := range []float64{0.6, 0.9, 1.0} {
		e.ExpectClose(t, "CDF value", F[i], want, 2*drEps)
	}
	probes := []struct {
		u    float64
		want int
	}{
		{0, 0}, {math.Nextafter(F[0], 0), 0}, {F[0], 1}, {math.Nextafter(F[1], 0), 1}, {F[1], 2},
		{math.Nextafter(F[2], 0), 2}, {F[2], 2}, {math.Nextafter(1, 0), 2},
	}
	for _, pr := range probes {
		if pr.u >= 1 {
			continue
		}
		got := e.ARSample(t, ARSampleArgs{P: p, U: pr.u}).Index
		e.Expect(t, got == pr.want, "index at a CDF boundary", "u = %.17g: index %d, want %d", pr.u, got, pr.want)
	}
}

func checkAutoregGridFrequencies(t *rapid.T, e *Env) {
	k := rapid.IntRange(1, 8).Draw(t, "k tokens")
	dyadic := rapid.Bool().Draw(t, "dyadic p")
	var p []float64
	var N int
	if dyadic {
		bits := rapid.IntRange(3, 7).Draw(t, "bits")
		p = arGenDyadic(t, k, bits, "p")
		N = 1 << (bits + rapid.IntRange(0, 1).Draw(t, "extra grid bits"))
		// arGenDyadic may raise bits for many positive tokens.
		for N < 1<<bits {
			N <<= 1
		}
		// The grid must be a multiple of the denominator: the finest unit.
		for _, v := range p {
			for v > 0 && v*float64(N) != math.Floor(v*float64(N)) {
				N <<= 1
			}
		}
	} else {
		p = arGenRational(t, k, "integer weights")
		N = 1 << rapid.IntRange(3, 8).Draw(t, "log2 N")
	}
	count := make([]int, k)
	for m := 0; m < N; m++ {
		u := float64(m) / float64(N)
		count[e.ARSample(t, ARSampleArgs{P: p, U: u}).Index]++
	}
	tol := 1/float64(N) + 2*float64(k)*drEps
	if dyadic {
		tol = 0
	}
	freq := make([]float64, k)
	for i := range count {
		freq[i] = float64(count[i]) / float64(N)
		if p[i] == 0 {
			e.Expect(t, count[i] == 0, "a zero-probability token is never sampled on the grid", "token %d sampled %d times", i, count[i])
		}
	}
	e.Input("N", N)
	e.ExpectVecClose(t, "grid frequencies vs p", freq, p, tol)
}

func checkAutoregNeverZeroProbability(t *rapid.T, e *Env) {
	k := rapid.IntRange(1, 9).Draw(t, "k tokens")
	var p []float64
	if rapid.Bool().Draw(t, "dyadic p") {
		p = arGenDyadic(t, k, rapid.IntRange(3, 10).Draw(t, "bits"), "p")
	} else {
		p = arGenRational(t, k, "integer weights")
		// Trailing zeros after rounding: the fallback must skip them.
		p = append(p, make([]float64, rapid.IntRange(0, 2).Draw(t, "trailing zeros"))...)
	}
	us := arProbes(p)
	us = append(us, rapid.SliceOfN(rapid.Float64Range(0, math.Nextafter(1, 0)), 3, 3).Draw(t, "random u")...)
	for _, u := range us {
		got := e.ARSample(t, ARSampleArgs{P: p, U: u}).Index
		e.Expect(t, p[got] > 0, "the sampled token has positive probability", "u = %.17g: token %d has p = 0", u, got)
		want := arSampleBrute(p, u)
		e.Expect(t, got == want, "ar.sample(p, u) = min{i : F_i > u}", "u = %.17g: index %d, want %d", u, got, want)
	}
}

func checkAutoregChainRule(t *rapid.T, e *Env) {
	D := rapid.IntRange(2, 3).Draw(t, "D coordinates")
	sizes := rapid.SliceOfN(rapid.IntRange(2, 3), D, D).Draw(t, "alphabet sizes")
	cells := 1
	for _, s := range sizes {
		cells *= s
	}
	p := arGenDyadic(t, cells, rapid.IntRange(5, 9).Draw(t, "bits"), "joint")
	J, err := autoreg.NewJoint(sizes, p)
	if err != nil {
		e.Fatalf(t, "joint: %v", err)
	}
	// All configurations in row-major order.
	cfgs := [][]int{{}}
	for _, s := range sizes {
		var next [][]int
		for _, c := range cfgs {
			for v := 0; v < s; v++ {
				next = append(next, append(append([]int(nil), c...), v))
			}
		}
		cfgs = next
	}
	for i, x := range cfgs {
		cr, err := J.ChainRule(x)
		if err != nil {
			e.Fatalf(t, "chain rule: %v", err)
		}
		e.ExpectClose(t, "Π p(x_i|x_<i) vs p(x)", cr, p[i], 4*float64(D)*drEps*p[i])
	}
	// Sequential sampling on a product grid, N levels per coordinate.
	N := 1 << rapid.IntRange(2, 4).Draw(t, "log2 N per coordinate")
	freq := map[string]float64{}
	var walk func(prefix []int, f float64)
	walk = func(prefix []int, f float64) {
		if len(prefix) == D {
			freq[arKey(prefix)] += f
			return
		}
		c, err := J.Conditional(prefix)
		if err != nil {
			e.Fatalf(t, "conditional at a sampled prefix %v: %v", prefix, err)
		}
		count := make([]int, len(c))
		for m := 0; m < N; m++ {
			count[e.ARSample(t, ARSampleArgs{P: c, U: float64(m) / float64(N)}).Index]++
		}
		for v, cnt := range count {
			if cnt > 0 {
				walk(append(append([]int(nil), prefix...), v), f*float64(cnt)/float64(N))
			}
		}
	}
	walk(nil, 1)
	tol := float64(D) * (1/float64(N) + 2*3*drEps)
	for i, x := range cfgs {
		got := freq[arKey(x)]
		if p[i] == 0 {
			e.Expect(t, got == 0, "a configuration of probability 0 is never sampled", "x = %v sampled with frequency %g", x, got)
		}
		e.ExpectClose(t, "sequential sampling frequency vs p(x)", got, p[i], tol)
	}
}

func arKey(x []int) string {
	b := make([]byte, len(x))
	for i, v := range x {
		b[i] = byte('0' + v)
	}
	return string(b)
}

// arLogStdNormal is log N(y; 0, I).
func arLogStdNormal(y []float64) float64 {
	s := 0.0
	for _, v := range y {
		s += -0.5*v*v - 0.5*math.Log(2*math.Pi)
	}
	return s
}

func checkAutoregChangeOfVariables(t *rapid.T, e *Env) {
	d := rapid.IntRange(1, 3).Draw(t, "d")
	x := drGenCloud(t, 1, d, 1.5, "x")[0]
	// (a) Affine: X = A⁻¹(Y − b) ~ N(−A⁻¹b, (AᵀA)⁻¹).
	// A diagonally dominant (so invertible), then one column scaled down by
	// up to 1e3: condition numbers from 1 to ~1e3·d.
	A := drGenCloud(t, d, d, 1, "A")
	for a := range A {
		s := 1.0
		for c := range A[a] {
			if c != a {
				s += math.Abs(A[a][c])
			}
		}
		A[a][a] = s * rapid.SampledFrom([]float64{-1, 1}).Draw(t, "diagonal sign")
	}
	if rapid.Bool().Draw(t, "ill-conditioned A") {
		c := rapid.IntRange(0, d-1).Draw(t, "column")
		f := math.Pow(10, -rapid.Float64Range(0, 3).Draw(t, "log10 shrink"))
		for a := range A {
			A[a][c] *= f
		}
	}
	b := drGenCloud(t, 1, d, 1, "b")[0]
	Am := mat.NewDense(d, d, drFlat(A))
	var svd mat.SVD
	svd.Factorize(Am, mat.SVDNone)
	kappa := svd.Cond()
	var Ainv mat.Dense
	if err := Ainv.Inverse(Am); err != nil {
		e.Fatalf(t, "a diagonally dominant A is invertible: %v", err)
	}
	mean := mat.NewVecDense(d, nil)
	mean.MulVec(&Ainv, mat.NewVecDense(d, b))
	mean.ScaleVec(-1, mean)
	var AtA mat.Dense
	AtA.Mul(Am.T(), Am)
	var covD mat.Dense
	if err := covD.Inverse(&AtA); err != nil {
		e.Fatalf(t, "AᵀA is invertible: %v", err)
	}
	cov := mat.NewSymDense(d, nil)
	for a := 0; a < d; a++ {
		for c := 0; c < d; c++ {
			cov.SetSym(a, c, 0.5*(covD.At(a, c)+covD.At(c, a)))
		}
	}
	// log N(x; mean, cov) by the Cholesky factorisation of cov.
	var chol mat.Cholesky
	if !chol.Factorize(cov) {
		e.Fatalf(t, "(AᵀA)⁻¹ is not positive definite to rounding (cond %g)", kappa)
	}
	diff := mat.NewVecDense(d, nil)
	diff.SubVec(mat.NewVecDense(d, append([]float64(nil), x...)), mean)
	var sol mat.VecDense
	if err := chol.SolveVecTo(&sol, diff); err != nil {
		e.Fatalf(t, "Cholesky solve: %v", err)
	}
	want := -0.5*mat.Dot(diff, &sol) - 0.5*chol.LogDet() - 0.5*float64(d)*math.Log(2*math.Pi)
	got, err := autoreg.LogDensity(x, autoreg.Affine{A: A, B: b}, arLogStdNormal)
	if err != nil {
		e.Fatalf(t, "LogDensity (affine): %v", err)
	}
	e.Input("cond(A)", kappa)
	e.ExpectClose(t, "log p_X for affine g vs the Gaussian closed form", got, want, 64*drEps*kappa*kappa*(1+math.Abs(want)))

	// (b) Permutation ∘ elementwise, independent Y_i ~ N(m_i, s_i²).
	c := drGenCloud(t, 1, d, 0.5, "c (y = x + c·tanh x)")[0]
	m := drGenCloud(t, 1, d, 1, "means m")[0]
	sd := rapid.SliceOfN(rapid.Float64Range(0.7, 2), d, d).Draw(t, "sd")
	idx := make([]int, d)
	for i := range idx {
		idx[i] = i
	}
	sigma := autoreg.Permutation(rapid.Permutation(idx).Draw(t, "σ"))
	g := autoreg.Compose{autoreg.Elementwise{C: c}, sigma}
	logpY := func(y []float64) float64 {
		s := 0.0
		for i, v := range y {
			s += distuv.Normal{Mu: m[i], Sigma: sd[i]}.LogProb(v)
		}
		return s
	}
	got, err = autoreg.LogDensity(x, g, logpY)
	if err != nil {
		e.Fatalf(t, "LogDensity (separable): %v", err)
	}
	// Coordinate a of X is carried to Y_i with σ(i) = a.
	inv := make([]int, d)
	for i, a := range sigma {
		inv[a] = i
	}
	want = 0
	for a := 0; a < d; a++ {
		i := inv[a]
		th := math.Tanh(x[a])
		sa := x[a] + c[a]*th
		ds := 1 + c[a]*(1-th*th)
		want += distuv.Normal{Mu: m[i], Sigma: sd[i]}.LogProb(sa) + math.Log(ds)
		// The 1-D factor as the derivative of the CDF u ↦ F_{Y_i}(s_a(u)).
		cdf := func(u float64) float64 {
			return distuv.Normal{Mu: m[i], Sigma: sd[i]}.CDF(u + c[a]*math.Tanh(u))
		}
		dens, err := numerics.Derivative(cdf, x[a], numerics.Richardson)
		if err != nil {
			e.Fatalf(t, "finite differences of the CDF: %v", err)
		}
		B := (1 + 16*math.Abs(c[a])) / sd[i]
		M5 := 52 * 1.2 * math.Pow(math.Max(B, 1), 5)
		fdTol := 1.1e-15*M5*math.Pow(math.Max(1, math.Abs(x[a])), 4) + 9e-13
		e.ExpectClose(t, "1-D density factor vs d/dx F_Y(g(x)) (finite differences)", math.Exp(distuv.Normal{Mu: m[i], Sigma: sd[i]}.LogProb(sa))*ds, dens, fdTol)
	}
	e.ExpectClose(t, "log p_X for permutation ∘ elementwise vs the product of 1-D densities", got, want, 64*drEps*float64(d)*(1+math.Abs(want)))

	// (c) Permutations: |det J| = 1 and p_X(x) = p_Y(x_σ).
	P := mat.NewDense(d, d, drFlat(sigma.Jacobian(x)))
	e.ExpectClose(t, "|det J| of a permutation", math.Abs(mat.Det(P)), 1, 0)
	got, err = autoreg.LogDensity(x, sigma, logpY)
	if err != nil {
		e.Fatalf(t, "LogDensity (permutation): %v", err)
	}
	want = logpY(sigma.Apply(x))
	e.ExpectClose(t, "log p_X for a permutation vs log p_Y(x_σ)", got, want, 4*drEps*(1+math.Abs(want)))
}

// arHaarMatrix is the explicit multilevel Haar basis of length N = 2^L
// with ℓ levels, rows in the order [a_ℓ | d_ℓ | … | d_1]: a_ℓ,k = 2^{-ℓ/2}
// on block k of size 2^ℓ; d_j,k = 2^{-j/2}(+1 on the first half, −1 on the
// second half of block k of size 2^j).
func arHaarMatrix(N, levels int) [][]float64 {
	H := make([][]float64, 0, N)
	add := func(size, k int, wavelet bool, scale float64) {
		row := make([]float64, N)
		for n := k * size; n < (k+1)*size; n++ {
			row[n] = scale
			if wavelet && n >= k*size+size/2 {
				row[n] = -scale
			}
		}
		H = append(H, row)
	}
	size := 1 << levels
	for k := 0; k < N/size; k++ {
		add(size, k, false, math.Pow(2, -float64(levels)/2))
	}
	for j := levels; j >= 1; j-- {
		size := 1 << j
		for k := 0; k < N/size; k++ {
			add(size, k, true, math.Pow(2, -float64(j)/2))
		}
	}
	return H
}

func checkAutoregHaarOrthonormal(t *rapid.T, e *Env) {
	lo, hi := autoreg.Haar2(0.6, 0.6)
	e.ExpectClose(t, "Haar2(0.6, 0.6) low", lo, 0.848528137423857, 2*drEps)
	e.ExpectClose(t, "Haar2(0.6, 0.6) high", hi, 0, 0)
	L := rapid.IntRange(1, 5).Draw(t, "L (N = 2^L)")
	N := 1 << L
	levels := rapid.IntRange(1, L).Draw(t, "levels")
	want := arHaarMatrix(N, levels)
	// Column j of the transform's matrix is Haar(e_j).
	Hm := make([][]float64, N)
	for i := range Hm {
		Hm[i] = make([]float64, N)
	}
	for j := 0; j < N; j++ {
		ej := make([]float64, N)
		ej[j] = 1
		col, err := autoreg.Haar(ej, levels)
		if err != nil {
			e.Fatalf(t, "Haar: %v", err)
		}
		for i := range col {
			Hm[i][j] = col[i]
		}
	}
	e.ExpectMatClose(t, "Haar matrix vs the explicit Haar basis", Hm, want, 4*float64(levels)*drEps)
	H := mat.NewDense(N, N, drFlat(Hm))
	var G mat.Dense
	G.Mul(H, H.T())
	eye := make([][]float64, N)
	got := make([][]float64, N)
	for i := range eye {
		eye[i] = make([]float64, N)
		eye[i][i] = 1
		got[i] = mat.Row(nil, i, &G)
	}
	e.ExpectMatClose(t, "H Hᵀ vs I (orthonormal rows)", got, eye, 8*float64(levels)*drEps)
	x := drGenCloud(t, 1, N, 10, "x")[0]
	y, err := autoreg.Haar(x, levels)
	if err != nil {
		e.Fatalf(t, "Haar: %v", err)
	}
	nx := drNorm(x)
	// 1e-300: an absolute floor for subnormal inputs, whose rounding is not relative.
	e.ExpectClose(t, "‖Haar(x)‖ vs ‖x‖", drNorm(y), nx, 8*float64(levels)*drEps*nx+1e-300)
	back, err := autoreg.InverseHaar(y, levels)
	if err != nil {
		e.Fatalf(t, "InverseHaar: %v", err)
	}
	e.ExpectVecClose(t, "InverseHaar(Haar(x)) vs x", back, x, 8*float64(levels)*drEps*nx+1e-300)
}

func checkAutoregFourierParseval(t *rapid.T, e *Env) {
	N := rapid.IntRange(1, 48).Draw(t, "N")
	x := drGenCloud(t, 1, N, 10, "x")[0]
	xc := make([]complex128, N)
	l1, e2 := 0.0, 0.0
	for i, v := range x {
		xc[i] = complex(v, 0)
		l1 += math.Abs(v)
		e2 += v * v
	}
	X, err := autoreg.DFT(xc)
	if err != nil {
		e.Fatalf(t, "DFT: %v", err)
	}
	// gonum's FFT of a real sequence: coefficients 0…N/2, unnormalised;
	// the others by conjugate symmetry.
	fft := fourier.NewFFT(N)
	half := fft.Coefficients(nil, x)
	sq := math.Sqrt(float64(N))
	ref := make([]complex128, N)
	for k := 0; k < N; k++ {
		if k < len(half) {
			ref[k] = half[k] / complex(sq, 0)
		} else {
			ref[k] = cmplx.Conj(half[N-k]) / complex(sq, 0)
		}
	}
	// 1e-300: an absolute floor for subnormal inputs (their squares and
	// products underflow, so rounding is no longer relative).
	tolC := 8*float64(N)*drEps*l1/sq + 1e-300
	worst := 0.0
	E := 0.0
	for k := range X {
		worst = math.Max(worst, cmplx.Abs(X[k]-ref[k]))
		E += real(X[k])*real(X[k]) + imag(X[k])*imag(X[k])
	}
	e.ExpectLeq(t, "max_k |DFT(x)_k − FFT(x)_k/√N|", worst, 0, tolC)
	e.ExpectClose(t, "Σ|X_k|² vs Σ|x_n|² (Parseval)", E, e2, 16*float64(N)*drEps*e2+1e-300)
	back, err := autoreg.InverseDFT(X)
	if err != nil {
		e.Fatalf(t, "InverseDFT: %v", err)
	}
	re := make([]float64, N)
	im := make([]float64, N)
	for i, v := range back {
		re[i], im[i] = real(v), imag(v)
	}
	tolS := 16*float64(N)*drEps*l1 + 1e-300
	e.ExpectVecClose(t, "InverseDFT(DFT(x)) vs x", re, x, tolS)
	e.ExpectVecClose(t, "imaginary part of InverseDFT(DFT(x))", im, make([]float64, N), tolS)
	c := rapid.IntRange(0, N/2+1).Draw(t, "cutoff")
	low, err := autoreg.LowPass(x, c)
	if err != nil {
		e.Fatalf(t, "LowPass: %v", err)
	}
	high, err := autoreg.HighPass(x, c)
	if err != nil {
		e.Fatalf(t, "HighPass: %v", err)
	}
	sum := make([]float64, N)
	for i := range sum {
		sum[i] = low[i] + high[i]
	}
	e.ExpectVecClose(t, "LowPass + HighPass vs x", sum, x, tolS)
	// Low pass by gonum: zero the coefficients of |frequency| > c.
	masked := append([]complex128(nil), half...)
	for k := range masked {
		if k > c {
			masked[k] = 0
		}
	}
	lowRef := fft.Sequence(nil, masked)
	for i := range lowRef {
		lowRef[i] /= float64(N)
	}
	e.ExpectVecClose(t, "LowPass vs gonum's inverse FFT of the low coefficients", low, lowRef, tolS)
}
