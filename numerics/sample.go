package numerics

import (
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// All samplers draw only from the *rand.Rand passed in (math/rand/v2; seed it
// with rand.New(rand.NewPCG(seed1, seed2))), so their output is a
// deterministic function of the generator's state, and they consume a
// documented number of draws only where stated. A nil rng is ErrInvalid.

func checkRNG(name string, rng *rand.Rand) error {
	if rng == nil {
		return Invalidf("%s: rng is nil", name)
	}
	return nil
}

// MaxDraws bounds the size of what a sampler of this package (and the
// samplers of reference/…) is asked to return: at most MaxDraws = 2³¹
// numbers (n·d for n points of dimension d; 16 GiB of float64). A larger
// request is an ErrInvalid: allocating it would end in a runtime panic
// ("makeslice: len out of range") or a fatal out-of-memory error, neither
// of which a caller can handle.
const MaxDraws = 1 << 31

// CheckDraws returns nil if n ≥ 0 points of dimension d ≥ 1 (n·d numbers)
// are within MaxDraws, and otherwise an error wrapping ErrInvalid naming
// the caller name. It does not overflow for any n, d.
func CheckDraws(name string, n, d int) error {
	if n < 0 || d < 1 {
		return Invalidf("%s: n = %d, d = %d; want n ≥ 0, d ≥ 1", name, n, d)
	}
	if n > MaxDraws/d {
		return Invalidf("%s: %d×%d = %.4g numbers requested, above MaxDraws = %d", name, n, d, float64(n)*float64(d), MaxDraws)
	}
	return nil
}

// NormalVector returns n independent N(0, 1) draws (rng.NormFloat64,
// ziggurat). Precondition: 0 ≤ n ≤ MaxDraws (else ErrInvalid).
func NormalVector(rng *rand.Rand, n int) ([]float64, error) {
	if err := checkRNG("NormalVector", rng); err != nil {
		return nil, err
	}
	if err := CheckDraws("NormalVector", n, 1); err != nil {
		return nil, err
	}
	z := make([]float64, n)
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	return z, nil
}

// NormalRows returns an n×d point cloud (row-major, one point per row) of
// independent N(0, 1) entries, drawn row by row. Preconditions: n ≥ 0,
// d ≥ 1, n·d ≤ MaxDraws (else ErrInvalid).
func NormalRows(rng *rand.Rand, n, d int) ([][]float64, error) {
	if err := checkRNG("NormalRows", rng); err != nil {
		return nil, err
	}
	if err := CheckDraws("NormalRows", n, d); err != nil {
		return nil, err
	}
	X := make([][]float64, n)
	for i := range X {
		X[i], _ = NormalVector(rng, d)
	}
	return X, nil
}

// MultivariateNormal returns n points x_k = mean + L·z_k, z_k ~ N(0, I_d)
// independent, i.e. samples of N(mean, L·Lᵀ), one per row. L is any d×d
// square root of the covariance: the lower Cholesky factor
// (mat.Cholesky.LTo) or, for a singular PSD covariance S, SymSqrt(S). A
// *mat.Cholesky of the covariance is also accepted: its lower factor is
// used (its At method would return the covariance itself).
// Preconditions: d = len(mean) ≥ 1, L d×d (not nil: see IsNilMatrix), all
// entries finite, n ≥ 0, n·d ≤ MaxDraws; a sample that overflows float64
// is an ErrInvalid.
func MultivariateNormal(rng *rand.Rand, n int, mean []float64, L mat.Matrix) ([][]float64, error) {
	if err := checkRNG("MultivariateNormal", rng); err != nil {
		return nil, err
	}
	d := len(mean)
	if err := CheckDraws("MultivariateNormal", n, d); err != nil {
		return nil, err
	}
	if !AllFinite(mean) {
		return nil, Invalidf("MultivariateNormal: mean has a non-finite entry")
	}
	if L == nil || IsNilMatrix(L) {
		return nil, Invalidf("MultivariateNormal: L is nil")
	}
	if chol, ok := L.(*mat.Cholesky); ok {
		if chol.IsEmpty() {
			return nil, Invalidf("MultivariateNormal: empty Cholesky factorisation")
		}
		var T mat.TriDense
		chol.LTo(&T)
		L = &T
	}
	if r, c := L.Dims(); r != d || c != d {
		return nil, Invalidf("MultivariateNormal: L is %d×%d, want %d×%d", r, c, d, d)
	}
	Ld := mat.DenseCopyOf(L)
	for _, v := range Ld.RawMatrix().Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, Invalidf("MultivariateNormal: L has a non-finite entry")
		}
	}
	X := make([][]float64, n)
	z := make([]float64, d)
	for k := range X {
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		x := append([]float64(nil), mean...)
		for i := 0; i < d; i++ {
			row := Ld.RawRowView(i)
			for j, zj := range z {
				x[i] += row[j] * zj
			}
		}
		if !AllFinite(x) {
			// mean + L·z can overflow for entries near MaxFloat64
			// (regression test TestMultivariateNormalOverflowIsAnError,
			// found by FuzzSamplers).
			return nil, Invalidf("MultivariateNormal: a sample overflows float64 (max |mean| = %g, max |L| = %g)", MaxAbs(mean), MaxAbs(Ld.RawMatrix().Data))
		}
		X[k] = x
	}
	return X, nil
}

// UniformSphere returns n points uniform on the unit sphere S^{d−1} ⊂ ℝ^d,
// one per row: z/‖z‖ for z ~ N(0, I_d) (a zero z, probability 0, is
// redrawn). ‖x‖ = 1 within a few ulps. Preconditions: n ≥ 0, d ≥ 1,
// n·d ≤ MaxDraws (else ErrInvalid).
func UniformSphere(rng *rand.Rand, n, d int) ([][]float64, error) {
	if err := checkRNG("UniformSphere", rng); err != nil {
		return nil, err
	}
	if err := CheckDraws("UniformSphere", n, d); err != nil {
		return nil, err
	}
	X := make([][]float64, n)
	for k := range X {
		x := make([]float64, d)
		for {
			s := 0.0
			for i := range x {
				x[i] = rng.NormFloat64()
				s += x[i] * x[i]
			}
			if s > 0 {
				r := math.Sqrt(s)
				for i := range x {
					x[i] /= r
				}
				break
			}
		}
		X[k] = x
	}
	return X, nil
}

// openUnit returns a uniform draw from the open interval (0, 1):
// (m + ½)·2⁻⁵³ with m uniform on {0, …, 2⁵³ − 1}.
func openUnit(rng *rand.Rand) float64 {
	return (float64(rng.Uint64()>>11) + 0.5) * 0x1p-53
}

// logGamma returns log G for G ~ Gamma(a, 1), a > 0: Marsaglia & Tsang
// (2000) for a ≥ 1, and log G(a+1) + log(U)/a for a < 1 (their boost), in
// the log domain so that small shapes do not underflow.
func logGamma(rng *rand.Rand, a float64) float64 {
	if a < 1 {
		return logGamma(rng, a+1) + math.Log(openUnit(rng))/a
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		if math.Log(openUnit(rng)) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return math.Log(d) + math.Log(v)
		}
	}
}

// Dirichlet returns a draw p ~ Dirichlet(alpha): p_i = G_i/Σ_j G_j with
// G_i ~ Gamma(alpha_i, 1) independent (Marsaglia–Tsang, in the log domain,
// normalised by Softmax). Σ p_i = 1 within len(alpha) ulps. Entries are
// positive unless some alpha_i is so small (≲ 1e-3) that p_i < 1e-308
// underflows to 0; use RandomProbabilities when strict positivity matters.
// Preconditions: len(alpha) ≥ 1, every alpha_i finite and > 0. If every
// Gamma draw underflows (possible only when every alpha_i ≲ 1e-306) it
// returns an ErrInvalid rather than a NaN vector.
func Dirichlet(rng *rand.Rand, alpha []float64) ([]float64, error) {
	if err := checkRNG("Dirichlet", rng); err != nil {
		return nil, err
	}
	if len(alpha) == 0 {
		return nil, Invalidf("Dirichlet: alpha is empty")
	}
	for i, a := range alpha {
		if !(a > 0) || math.IsInf(a, 1) {
			return nil, Invalidf("Dirichlet: alpha[%d] = %v, want finite > 0", i, a)
		}
	}
	g := make([]float64, len(alpha))
	anyFinite := false
	for i, a := range alpha {
		g[i] = logGamma(rng, a)
		anyFinite = anyFinite || !math.IsInf(g[i], -1)
	}
	if !anyFinite {
		// log(U)/alpha_i overflows to −Inf for alpha_i ≲ 1e-306: when it
		// does for every i the normalisation is 0/0, which Softmax made a
		// NaN vector (regression test TestDirichletAllUnderflowIsAnError,
		// found by FuzzSamplers).
		return nil, Invalidf("Dirichlet: every Gamma(alpha_i) draw underflows float64 (alpha too small; max alpha = %g)", MaxAbs(alpha))
	}
	return Softmax(g, g), nil
}

// RandomProbabilities returns a probability vector uniform on the open
// simplex (Dirichlet(1, …, 1)): p_i = E_i/Σ_j E_j with E_i = −log U_i,
// U_i uniform on (0, 1). Every p_i > 0 (E_i ≥ 5.5e-17), Σ p_i = 1 within
// n ulps. Precondition: 1 ≤ n ≤ MaxDraws (else ErrInvalid).
func RandomProbabilities(rng *rand.Rand, n int) ([]float64, error) {
	if err := checkRNG("RandomProbabilities", rng); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, Invalidf("RandomProbabilities: n = %d < 1", n)
	}
	if err := CheckDraws("RandomProbabilities", n, 1); err != nil {
		return nil, err
	}
	p := make([]float64, n)
	s := 0.0
	for i := range p {
		p[i] = -math.Log(openUnit(rng))
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
	return p, nil
}

// MaxDyadicBits is the largest k accepted by DyadicProbabilities: every
// multiple of 2⁻ᵏ in [0, 1] and every partial sum is then exact in float64.
const MaxDyadicBits = 52

// DyadicProbabilities returns a probability vector whose entries are
// positive multiples of 2⁻ᵏ summing to exactly 1 (in float64 arithmetic, in
// any order of summation): p_i = m_i·2⁻ᵏ where (m_1, …, m_n) is uniform over
// the compositions of 2ᵏ into n positive parts (n − 1 distinct cut points
// drawn from {1, …, 2ᵏ − 1} by Floyd's algorithm). Such weights make exact
// mass-conservation checks possible.
// Preconditions: 1 ≤ k ≤ MaxDyadicBits, 1 ≤ n ≤ min(2ᵏ, 2²⁴).
func DyadicProbabilities(rng *rand.Rand, n, k int) ([]float64, error) {
	if err := checkRNG("DyadicProbabilities", rng); err != nil {
		return nil, err
	}
	if k < 1 || k > MaxDyadicBits {
		return nil, Invalidf("DyadicProbabilities: k = %d not in [1, %d]", k, MaxDyadicBits)
	}
	total := uint64(1) << k
	if n < 1 || uint64(n) > total || n > 1<<24 {
		return nil, Invalidf("DyadicProbabilities: n = %d not in [1, min(2^%d, 2^24)]", n, k)
	}
	// Floyd: a uniform (n−1)-subset of {1, …, M}, M = 2ᵏ − 1. The map is
	// only queried, never iterated, so the result is deterministic.
	M := total - 1
	m := uint64(n - 1)
	chosen := make(map[uint64]struct{}, n)
	cuts := make([]uint64, 0, n+1)
	for j := M - m + 1; j <= M && m > 0; j++ {
		t := 1 + rng.Uint64N(j)
		if _, dup := chosen[t]; dup {
			t = j
		}
		chosen[t] = struct{}{}
		cuts = append(cuts, t)
	}
	cuts = append(cuts, 0, total)
	slices.Sort(cuts)
	p := make([]float64, n)
	for i := range p {
		p[i] = math.Ldexp(float64(cuts[i+1]-cuts[i]), -k)
	}
	return p, nil
}

// Categorical returns n independent draws from {0, …, len(w) − 1} with
// P(i) = w_i/Σ_j w_j, by inversion of the cumulative sums with binary
// search (one rng.Float64 per draw). A category with w_i = 0 is never drawn.
// Preconditions: w non-empty, entries finite and ≥ 0 with a positive finite
// sum; 0 ≤ n ≤ MaxDraws (else ErrInvalid).
func Categorical(rng *rand.Rand, w []float64, n int) ([]int, error) {
	if err := checkRNG("Categorical", rng); err != nil {
		return nil, err
	}
	if len(w) == 0 || n < 0 {
		return nil, Invalidf("Categorical: len(w) = %d, n = %d; want len(w) ≥ 1, n ≥ 0", len(w), n)
	}
	if err := CheckDraws("Categorical", n, 1); err != nil {
		return nil, err
	}
	cum := make([]float64, len(w))
	s := 0.0
	lastPos := -1
	for i, v := range w {
		if !(v >= 0) || math.IsInf(v, 1) {
			return nil, Invalidf("Categorical: w[%d] = %v, want finite ≥ 0", i, v)
		}
		if v > 0 {
			lastPos = i
		}
		s += v
		cum[i] = s
	}
	if !(s > 0) || math.IsInf(s, 1) {
		return nil, Invalidf("Categorical: Σw = %v, want finite > 0", s)
	}
	out := make([]int, n)
	for k := range out {
		u := rng.Float64() * s
		// First i with cum[i] > u; a zero-weight i has cum[i] = cum[i−1] and
		// is never first. u rounds to s at most, hence the clamp.
		i, _ := slices.BinarySearchFunc(cum, u, func(c, u float64) int {
			if c <= u {
				return -1
			}
			return 1
		})
		if i > lastPos {
			i = lastPos
		}
		out[k] = i
	}
	return out, nil
}

// Shuffle permutes x uniformly at random in place (Fisher–Yates,
// rng.Shuffle).
func Shuffle[T any](rng *rand.Rand, x []T) error {
	if err := checkRNG("Shuffle", rng); err != nil {
		return err
	}
	rng.Shuffle(len(x), func(i, j int) { x[i], x[j] = x[j], x[i] })
	return nil
}

// Permutation returns a uniformly random permutation of {0, …, n − 1}
// (rng.Perm). Precondition: 0 ≤ n ≤ MaxDraws (else ErrInvalid).
func Permutation(rng *rand.Rand, n int) ([]int, error) {
	if err := checkRNG("Permutation", rng); err != nil {
		return nil, err
	}
	if err := CheckDraws("Permutation", n, 1); err != nil {
		return nil, err
	}
	return rng.Perm(n), nil
}
