package mixture

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/otverify/otverify/numerics"
)

// WeightTol is the tolerance on |Σ w_j − 1| (protocol.md, gmm.* and
// flow.velocity).
const WeightTol = 1e-9

// ErrOverflow is returned (wrapped) when a valid input has a result that
// does not fit in float64 (for example a score at |z| ≈ 1e300). It does not
// wrap numerics.ErrInvalid: the otv/1 server answers "failed" for it.
var ErrOverflow = errors.New("mixture: result overflows float64")

// mulDiv is a·b/c for finite a, b and c ≠ 0, computed on the mantissas
// (in [½, 1)) with the exponents added separately, so that an
// intermediate a·b or a/c that would underflow or overflow does not change
// the result; the result is rounded once more by math.Ldexp.
func mulDiv(a, b, c float64) float64 {
	fa, ea := math.Frexp(a)
	fb, eb := math.Frexp(b)
	fc, ec := math.Frexp(c)
	return math.Ldexp(fa*fb/fc, ea+eb-ec)
}

func overflowf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrOverflow, fmt.Sprintf(format, args...))
}

// Mixture is the law Σ_j w_j N(μ_j, s²_j I_d) on R^d with k ≥ 1 components;
// a component with s²_j = 0 is the Dirac mass δ_{μ_j}. A Mixture is
// immutable after construction and safe for concurrent use. Build it with
// New or NewDiracs: the zero Mixture{} (and a nil *Mixture) has no
// components; K and Dim return 0 for it and the methods with an error
// return one wrapping numerics.ErrInvalid.
type Mixture struct {
	k, d int
	w    []float64 // weights, > 0, Σ = 1 within WeightTol
	logw []float64 // log w_j
	mu   []float64 // k×d row-major means
	s2   []float64 // variances s²_j ≥ 0
}

// New returns the mixture Σ_j w[j] N(mu[j], s2[j] I).
//
// Preconditions (else an error wrapping numerics.ErrInvalid): k = len(w) =
// len(mu) = len(s2) ≥ 1; every w_j finite and > 0 with |Σ w − 1| ≤
// WeightTol; mu a k×d matrix (d ≥ 1, not ragged) of finite entries; every
// s2_j finite and ≥ 0.
func New(w []float64, mu [][]float64, s2 []float64) (*Mixture, error) {
	k := len(w)
	if k == 0 {
		return nil, numerics.Invalidf("mixture: no components (w is empty)")
	}
	if len(mu) != k || len(s2) != k {
		return nil, numerics.Invalidf("mixture: w has %d entries, mu %d rows, s2 %d entries", k, len(mu), len(s2))
	}
	sum := 0.0
	for j, v := range w {
		if !(v > 0) || math.IsInf(v, 1) {
			return nil, numerics.Invalidf("mixture: w[%d] = %v must be finite and > 0", j, v)
		}
		sum += v
	}
	if math.Abs(sum-1) > WeightTol {
		return nil, numerics.Invalidf("mixture: w sums to %.17g, not 1 (tolerance %g)", sum, WeightTol)
	}
	flat, rows, d, err := numerics.Flatten(mu)
	if err != nil {
		return nil, numerics.Invalidf("mixture: mu: %v", err)
	}
	if rows != k || d == 0 {
		return nil, numerics.Invalidf("mixture: mu is %d×%d, want %d rows of length ≥ 1", rows, d, k)
	}
	for j, v := range s2 {
		if !(v >= 0) || math.IsInf(v, 1) {
			return nil, numerics.Invalidf("mixture: s2[%d] = %v must be finite and ≥ 0", j, v)
		}
	}
	m := &Mixture{k: k, d: d, w: append([]float64(nil), w...), logw: make([]float64, k), mu: flat, s2: append([]float64(nil), s2...)}
	for j, v := range w {
		m.logw[j] = numerics.Log(v)
	}
	return m, nil
}

// NewDiracs returns the discrete law Σ_j w[j] δ_{mu[j]} (New with s2 = 0).
func NewDiracs(w []float64, mu [][]float64) (*Mixture, error) {
	return New(w, mu, make([]float64, len(w)))
}

// check returns an error wrapping numerics.ErrInvalid unless m was built by
// New or NewDiracs: a nil *Mixture or the zero Mixture{} (its fields are
// unexported, so a literal is always empty) has no components, and the
// methods dereferenced nil, divided by d = 0 or answered for an empty law
// (regression test TestMixtureLiteralIsAnError).
func (m *Mixture) check() error {
	if m == nil || m.k == 0 || m.d == 0 {
		return numerics.Invalidf("mixture: nil or empty mixture (build it with New or NewDiracs)")
	}
	return nil
}

// K returns the number of components (0 for a nil or zero Mixture).
func (m *Mixture) K() int {
	if m == nil {
		return 0
	}
	return m.k
}

// Dim returns the dimension d (0 for a nil or zero Mixture).
func (m *Mixture) Dim() int {
	if m == nil {
		return 0
	}
	return m.d
}

// Weight returns w_j. Precondition: 0 ≤ j < K(); like a slice index, any
// other j panics (j is a loop index over K(), never data: no protocol op
// takes one).
func (m *Mixture) Weight(j int) float64 { return m.w[j] }

// Mean returns a copy of μ_j. Precondition: 0 ≤ j < K() (else it panics,
// as Weight).
func (m *Mixture) Mean(j int) []float64 { return append([]float64(nil), m.mu[j*m.d:(j+1)*m.d]...) }

// Var returns s²_j. Precondition: 0 ≤ j < K() (else it panics, as
// Weight).
func (m *Mixture) Var(j int) float64 { return m.s2[j] }

// Affine returns the law of aX + N for X ~ m and N ~ N(0, ν I)
// independent: Σ_j w_j N(a μ_j, (a² s²_j + ν) I) ([C] § "Variations on the
// interpolant": the intermediate law of a scalar schedule). Preconditions:
// m built by New, a finite, ν finite and ≥ 0, every a² s²_j + ν finite
// (else ErrInvalid).
func (m *Mixture) Affine(a, nu float64) (*Mixture, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	if math.IsNaN(a) || math.IsInf(a, 0) || !(nu >= 0) || math.IsInf(nu, 1) {
		return nil, numerics.Invalidf("mixture: Affine(a = %v, ν = %v): want finite a and finite ν ≥ 0", a, nu)
	}
	r := &Mixture{k: m.k, d: m.d, w: m.w, logw: m.logw, mu: make([]float64, len(m.mu)), s2: make([]float64, m.k)}
	for i, v := range m.mu {
		r.mu[i] = a * v
	}
	for j, v := range m.s2 {
		r.s2[j] = a*a*v + nu
		if math.IsInf(r.s2[j], 0) {
			return nil, overflowf("Affine: variance of component %d", j)
		}
	}
	if !numerics.AllFinite(r.mu) {
		return nil, overflowf("Affine: a·μ")
	}
	return r, nil
}

// view holds, for the observation Z = aX + N (N ~ N(0, ν I)), the per
// component quantities of the law of Z: variance v_j = a² s²_j + ν,
// 1/(2v_j) and lc_j = log w_j − (d/2) log v_j.
type view struct {
	a        float64
	nu       float64
	v, inv2v []float64
	lc       []float64
}

func (m *Mixture) view(a, nu float64) (*view, error) {
	if math.IsNaN(a) || math.IsInf(a, 0) || !(nu >= 0) || math.IsInf(nu, 1) {
		return nil, numerics.Invalidf("mixture: a = %v, ν = %v: want finite a and finite ν ≥ 0", a, nu)
	}
	vw := &view{a: a, nu: nu, v: make([]float64, m.k), inv2v: make([]float64, m.k), lc: make([]float64, m.k)}
	hd := float64(m.d) / 2
	for j := range m.k {
		v := a*a*m.s2[j] + nu
		if !(v > 0) || math.IsInf(v, 1) {
			return nil, numerics.Invalidf("mixture: component %d of aX + N has variance %v (a Dirac mass has no density; want a finite positive variance)", j, v)
		}
		vw.v[j] = v
		vw.inv2v[j] = 1 / (2 * v)
		vw.lc[j] = m.logw[j] - hd*numerics.Log(v)
	}
	return vw, nil
}

// logits writes ℓ_j = log w_j − (d/2) log v_j − ‖z − a μ_j‖²/(2 v_j) into l
// and returns max_j ℓ_j. The squared distance is summed coordinate by
// coordinate (no ‖z‖² − 2⟨z, μ⟩ + ‖μ‖² expansion), so it is accurate to a
// few ulps however far z is. When 1/(2v_j) is not a normal float (v_j below
// about 1/MaxFloat64, or above MaxFloat64/2) the quotient is formed by a
// division instead, so that z = aμ_j gives ℓ_j = lc_j, not 0·Inf = NaN. An
// ℓ_j is −Inf when ‖z − aμ_j‖²/(2v_j) overflows; never NaN.
func (m *Mixture) logits(vw *view, z, l []float64) float64 {
	mx := math.Inf(-1)
	a, d := vw.a, m.d
	for j := range m.k {
		mu := m.mu[j*d : (j+1)*d]
		s := 0.0
		for i, zi := range z {
			t := zi - a*mu[i]
			s += t * t
		}
		var q float64
		if iv := vw.inv2v[j]; iv >= 0x1p-1022 && iv <= math.MaxFloat64 {
			q = s * iv
		} else {
			q = (0.5 * s) / vw.v[j]
		}
		v := vw.lc[j] - q
		l[j] = v
		if v > mx {
			mx = v
		}
	}
	return mx
}

// resp turns logits into posterior probabilities in place (log-sum-exp:
// the maximum is subtracted first) and returns log Σ_j exp ℓ_j.
func resp(l []float64, mx float64) float64 {
	s := 0.0
	for j, v := range l {
		e := math.Exp(v - mx)
		l[j] = e
		s += e
	}
	inv := 1 / s
	for j := range l {
		l[j] *= inv
	}
	return mx + math.Log(s)
}

func (m *Mixture) checkPoint(name string, z []float64) error {
	if err := m.check(); err != nil {
		return err
	}
	if len(z) != m.d {
		return numerics.Invalidf("mixture: %s has %d coordinates, want %d", name, len(z), m.d)
	}
	if !numerics.AllFinite(z) {
		return numerics.Invalidf("mixture: %s has a non-finite coordinate", name)
	}
	return nil
}

func (m *Mixture) checkBatch(z []float64) (int, error) {
	if err := m.check(); err != nil {
		return 0, err
	}
	if len(z) == 0 || len(z)%m.d != 0 {
		return 0, numerics.Invalidf("mixture: batch of %d numbers is not a non-empty n×%d matrix", len(z), m.d)
	}
	if !numerics.AllFinite(z) {
		return 0, numerics.Invalidf("mixture: batch has a non-finite coordinate")
	}
	return len(z) / m.d, nil
}

// LogDensity returns log p(z) = log Σ_j w_j N(z; μ_j, s²_j I) by
// log-sum-exp, accurate to a few ulps of the largest logit in magnitude
// (finite for any finite z that does not overflow ‖z − μ‖²). Every s²_j
// must be > 0 (a Dirac component has no density: ErrInvalid).
func (m *Mixture) LogDensity(z []float64) (float64, error) {
	if err := m.checkPoint("z", z); err != nil {
		return 0, err
	}
	vw, err := m.view(1, 0)
	if err != nil {
		return 0, err
	}
	l := make([]float64, m.k)
	lse := resp(l, m.logits(vw, z, l))
	if math.IsInf(lse, 0) || math.IsNaN(lse) {
		return 0, overflowf("log-density at z (‖z − μ_j‖²/(2s²_j) overflows for every component)")
	}
	return lse - float64(m.d)/2*math.Log(2*math.Pi), nil
}

// Responsibilities writes the posterior component probabilities
// r_j(z) = w_j N(z; μ_j, s²_j I) / p(z) into dst (allocated if its length is
// not k) and returns it; computed by log-sum-exp, so they sum to 1 within
// k ulps and never underflow all at once. Every s²_j must be > 0 (any
// positive variance, subnormal included). Edge cases: with k = 1 the answer
// is exactly [1] for every finite z; with k ≥ 2, when ‖z − μ_j‖²/(2s²_j)
// overflows for every component (the logits cannot be compared in float64;
// LogDensity fails there too) the error wraps ErrOverflow.
func (m *Mixture) Responsibilities(dst, z []float64) ([]float64, error) {
	if err := m.checkPoint("z", z); err != nil {
		return nil, err
	}
	vw, err := m.view(1, 0)
	if err != nil {
		return nil, err
	}
	if len(dst) != m.k {
		dst = make([]float64, m.k)
	}
	if m.k == 1 {
		dst[0] = 1 // exact, even where the logit overflows
		return dst, nil
	}
	mx := m.logits(vw, z, dst)
	if math.IsInf(mx, -1) {
		return nil, overflowf("responsibilities at z (‖z − μ_j‖²/(2s²_j) overflows for every component)")
	}
	resp(dst, mx)
	return dst, nil
}

// Score writes ∇_z log p(z) = Σ_j r_j(z) (μ_j − z)/s²_j into dst (allocated
// if its length is not d) and returns it ([C] § "Connection with diffusion
// models"). Accuracy: a few ulps of max_j |μ_j − z|/s²_j, at any distance
// from the means. Every s²_j must be > 0.
func (m *Mixture) Score(dst, z []float64) ([]float64, error) {
	if err := m.checkPoint("z", z); err != nil {
		return nil, err
	}
	if len(dst) != m.d {
		dst = make([]float64, m.d)
	}
	if err := m.ScoreBatch(dst, z); err != nil {
		return nil, err
	}
	return dst, nil
}

// ScoreBatch writes the score of every row of the flat n×d batch z into dst
// (same length as z). It allocates O(k) scratch once per call.
func (m *Mixture) ScoreBatch(dst, z []float64) error {
	n, err := m.checkBatch(z)
	if err != nil {
		return err
	}
	if len(dst) != len(z) {
		return numerics.Invalidf("mixture: dst has %d entries, want %d", len(dst), len(z))
	}
	vw, err := m.view(1, 0)
	if err != nil {
		return err
	}
	d := m.d
	l := make([]float64, m.k)
	for p := range n {
		zp, out := z[p*d:(p+1)*d], dst[p*d:(p+1)*d]
		resp(l, m.logits(vw, zp, l))
		clear(out)
		for j, r := range l {
			if r == 0 {
				continue
			}
			c := r / m.s2[j]
			mu := m.mu[j*d : (j+1)*d]
			if math.IsInf(c, 1) {
				// s²_j subnormal, r/s²_j overflows: form r·(μ_j − z)/s²_j
				// from mantissas and exponents, so that neither the
				// quotient nor the product r·(μ_j − z) (which may be
				// subnormal: r = ½, μ_j − z = 5e−324) loses the result.
				for i := range out {
					out[i] += mulDiv(r, mu[i]-zp[i], m.s2[j])
				}
				continue
			}
			for i := range out {
				out[i] += c * (mu[i] - zp[i])
			}
		}
	}
	if !numerics.AllFinite(dst) {
		return overflowf("score")
	}
	return nil
}

// LinearPosterior computes, for the observation Z = aX + N with X ~ m and
// N ~ N(0, ν I) independent, the conditional means
//
//	E[X | Z = z] = Σ_j r_j(z) (μ_j + (a s²_j / v_j)(z − a μ_j)),
//	E[N | Z = z] = Σ_j r_j(z) (ν / v_j)(z − a μ_j),
//
// with v_j = a² s²_j + ν and r_j(z) ∝ w_j N(z; a μ_j, v_j I) the posterior
// component probabilities (log-sum-exp), into ex and en (each of length d;
// either may be nil to skip it). This is Gaussian conditioning within each
// component ([C] § "Connection with diffusion models", proof of Tweedie's
// identity). a = 0 is allowed (then the posterior is the prior). Every v_j
// must be > 0. Accuracy: a few ulps of the terms max_j(|μ_j|, |z − aμ_j|).
func (m *Mixture) LinearPosterior(a, nu float64, z, ex, en []float64) error {
	if err := m.checkPoint("z", z); err != nil {
		return err
	}
	if (ex != nil && len(ex) != m.d) || (en != nil && len(en) != m.d) {
		return numerics.Invalidf("mixture: LinearPosterior outputs must have %d entries", m.d)
	}
	vw, err := m.view(a, nu)
	if err != nil {
		return err
	}
	l := make([]float64, m.k)
	m.posterior(vw, z, l, ex, en)
	if (ex != nil && !numerics.AllFinite(ex)) || (en != nil && !numerics.AllFinite(en)) {
		return overflowf("posterior mean")
	}
	return nil
}

// posterior is the kernel of LinearPosterior (no checks; l is k scratch).
func (m *Mixture) posterior(vw *view, z, l, ex, en []float64) {
	resp(l, m.logits(vw, z, l))
	d, a := m.d, vw.a
	if ex != nil {
		clear(ex)
	}
	if en != nil {
		clear(en)
	}
	for j, r := range l {
		if r == 0 {
			continue
		}
		mu := m.mu[j*d : (j+1)*d]
		gx := a * m.s2[j] / vw.v[j] // weight of the residual in E[X | Z, j]
		gn := vw.nu / vw.v[j]       // weight of the residual in E[N | Z, j]
		for i := range d {
			res := z[i] - a*mu[i]
			if ex != nil {
				ex[i] += r * (mu[i] + gx*res)
			}
			if en != nil {
				en[i] += r * gn * res
			}
		}
	}
}

// Denoise writes Tweedie's denoiser E[X | X + σY = z] (Y ~ N(0, I)
// independent of X ~ m) into dst (allocated if its length is not d) and
// returns it: LinearPosterior with a = 1, ν = σ². By Tweedie's identity it
// equals z + σ² ∇ log p_σ(z), p_σ the law of X + σY ([C] § "Connection with
// diffusion models"). For Dirac data it is the posterior average
// Σ_j r_j(z) μ_j, a convex combination of the atoms at any distance.
// Precondition: σ finite and > 0 (ErrInvalid); σ² must not underflow
// (σ ≳ 1e-154, else ErrOverflow).
func (m *Mixture) Denoise(dst []float64, sigma float64, z []float64) ([]float64, error) {
	if !(sigma > 0) || math.IsInf(sigma, 1) {
		return nil, numerics.Invalidf("mixture: σ = %v must be finite and > 0", sigma)
	}
	if sigma*sigma == 0 {
		return nil, overflowf("σ² = (%g)² underflows", sigma)
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	if len(dst) != m.d {
		dst = make([]float64, m.d)
	}
	if err := m.LinearPosterior(1, sigma*sigma, z, dst, nil); err != nil {
		return nil, err
	}
	return dst, nil
}

// DenoiseBatch writes Denoise for every row of the flat n×d batch z into
// dst (same length as z).
func (m *Mixture) DenoiseBatch(dst []float64, sigma float64, z []float64) error {
	if !(sigma > 0) || math.IsInf(sigma, 1) {
		return numerics.Invalidf("mixture: σ = %v must be finite and > 0", sigma)
	}
	if sigma*sigma == 0 {
		return overflowf("σ² = (%g)² underflows", sigma)
	}
	return m.PosteriorBatch(1, sigma*sigma, z, dst, nil)
}

// PosteriorBatch is LinearPosterior for every row of the flat n×d batch z;
// ex and en (each nil or of length len(z)) receive the rows of E[X | Z] and
// E[N | Z].
func (m *Mixture) PosteriorBatch(a, nu float64, z, ex, en []float64) error {
	n, err := m.checkBatch(z)
	if err != nil {
		return err
	}
	if (ex != nil && len(ex) != len(z)) || (en != nil && len(en) != len(z)) {
		return numerics.Invalidf("mixture: PosteriorBatch outputs must have %d entries", len(z))
	}
	vw, err := m.view(a, nu)
	if err != nil {
		return err
	}
	d := m.d
	l := make([]float64, m.k)
	for p := range n {
		var xo, no []float64
		if ex != nil {
			xo = ex[p*d : (p+1)*d]
		}
		if en != nil {
			no = en[p*d : (p+1)*d]
		}
		m.posterior(vw, z[p*d:(p+1)*d], l, xo, no)
	}
	if (ex != nil && !numerics.AllFinite(ex)) || (en != nil && !numerics.AllFinite(en)) {
		return overflowf("posterior mean")
	}
	return nil
}

// PosteriorCombination writes cx·E[X | Z = z] + cn·E[N | Z = z] (the two
// conditional means of LinearPosterior) for every row of the flat n×d batch
// z into dst (same length as z), without storing either mean. It is the
// kernel of the probability-flow velocity a'_t E[X | Z_t] + (b'_t/b_t)
// E[b_t Y | Z_t]. Allocates O(k + d) scratch once per call.
func (m *Mixture) PosteriorCombination(a, nu, cx, cn float64, z, dst []float64) error {
	n, err := m.checkBatch(z)
	if err != nil {
		return err
	}
	if len(dst) != len(z) {
		return numerics.Invalidf("mixture: dst has %d entries, want %d", len(dst), len(z))
	}
	if math.IsNaN(cx) || math.IsInf(cx, 0) || math.IsNaN(cn) || math.IsInf(cn, 0) {
		return numerics.Invalidf("mixture: coefficients cx = %v, cn = %v must be finite", cx, cn)
	}
	vw, err := m.view(a, nu)
	if err != nil {
		return err
	}
	d := m.d
	l := make([]float64, m.k)
	ex, en := make([]float64, d), make([]float64, d)
	for p := range n {
		m.posterior(vw, z[p*d:(p+1)*d], l, ex, en)
		out := dst[p*d : (p+1)*d]
		for i := range out {
			out[i] = cx*ex[i] + cn*en[i]
		}
	}
	if !numerics.AllFinite(dst) {
		return overflowf("posterior combination")
	}
	return nil
}

// Sample draws n independent points of the mixture with rng: a component
// j ~ Categorical(w), then μ_j + s_j·ξ with ξ ~ N(0, I_d). It returns the
// points (n×d) and their components. Preconditions: m built by New, rng
// non-nil, n ≥ 0 with n·d ≤ numerics.MaxDraws (else ErrInvalid).
func (m *Mixture) Sample(rng *rand.Rand, n int) ([][]float64, []int, error) {
	if err := m.check(); err != nil {
		return nil, nil, err
	}
	if err := numerics.CheckDraws("mixture: Sample", n, m.d); err != nil {
		return nil, nil, err
	}
	comp, err := numerics.Categorical(rng, m.w, n)
	if err != nil {
		return nil, nil, err
	}
	out := make([][]float64, n)
	for p, j := range comp {
		x := m.Mean(j)
		s := math.Sqrt(m.s2[j])
		for i := range x {
			x[i] += s * rng.NormFloat64()
		}
		out[p] = x
	}
	return out, comp, nil
}
