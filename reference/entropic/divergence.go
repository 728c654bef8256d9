package entropic

import (
	"errors"
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
)

// ErrOverflow is returned (wrapped) when a valid input has an intermediate
// result that does not fit in a float64 (squared distances of points near
// 1e154 and beyond). It does not wrap numerics.ErrInvalid: the otv/1 server
// may answer "failed".
var ErrOverflow = errors.New("entropic: result overflows float64")

// SqEuclidean returns the n×m cost matrix C_ij = ‖x_i − y_j‖² (not halved),
// row-major, for the row-major point clouds x (n×d) and y (m×d) with
// n = len(x)/d, m = len(y)/d. Each entry is Σ_k (x_ik − y_jk)², so it is ≥ 0,
// exactly 0 for equal points and accurate to a few ulps.
//
// Preconditions (else an error wrapping numerics.ErrInvalid): d ≥ 1, len(x)
// and len(y) positive multiples of d, every coordinate finite. An entry
// that overflows float64 returns an error wrapping ErrOverflow.
func SqEuclidean(x, y []float64, d int) ([]float64, error) {
	if d < 1 {
		return nil, numerics.Invalidf("entropic: dimension d = %d, want ≥ 1", d)
	}
	if len(x) == 0 || len(x)%d != 0 || len(y) == 0 || len(y)%d != 0 {
		return nil, numerics.Invalidf("entropic: point clouds of %d and %d coordinates are not nonempty n×%d", len(x), len(y), d)
	}
	if !numerics.AllFinite(x) || !numerics.AllFinite(y) {
		return nil, numerics.Invalidf("entropic: non-finite coordinate")
	}
	n, m := len(x)/d, len(y)/d
	C := make([]float64, n*m)
	for i := range n {
		xi := x[i*d : (i+1)*d]
		for j := range m {
			yj := y[j*d : (j+1)*d]
			yj = yj[:len(xi)]
			s := 0.0
			for k, v := range xi {
				t := v - yj[k]
				s += t * t
			}
			if math.IsInf(s, 0) {
				return nil, fmt.Errorf("%w: ‖x_%d − y_%d‖²", ErrOverflow, i, j)
			}
			C[i*m+j] = s
		}
	}
	return C, nil
}

// Divergence returns the debiased Sinkhorn divergence
//
//	S_ε(α, β) = OT_ε(α, β) − ½·OT_ε(α, α) − ½·OT_ε(β, β)
//
// between α = Σ a_i δ_{x_i} and β = Σ b_j δ_{y_j}, with OT_ε the value of
// OTEps for the cost C_ij = ‖x_i − y_j‖² (no ½) — protocol.md op
// ot.sinkhorn_divergence, [C] § "One-step generative models" (the debiased
// Sinkhorn divergence). x is n×d and y is m×d, row-major, n = len(a),
// m = len(b).
//
// Properties (claim entropic.divergence-properties): S_ε is symmetric,
// ≥ 0, and 0 for identical measures; for identical inputs it is exactly 0,
// because the three terms are computed by the same deterministic code on
// bit-identical data. The value is not clamped at 0: a small negative value
// is rounding, within the accuracy below.
//
// Preconditions (else an error wrapping numerics.ErrInvalid): as
// SqEuclidean and Sinkhorn (len(x) = n·d, len(y) = m·d, weights finite and
// > 0 summing to 1 within MassTol, eps finite and > 0). Accuracy: each term
// within about Tol·max|potential| ≲ Tol·max C of its exact value, plus the
// rounding of its sums, a few ulps of max C + eps (the potentials are
// −eps·log of sums that round at the ulp, which is all that remains when
// max C ≪ eps, e.g. all points equal); so |error| ≲ 2·Tol·max C + a few
// ulps of max C + eps (≈ 2e-9·max C at the default Tol). Errors from
// Sinkhorn (ErrNotConverged) are passed on.
func Divergence(x, y []float64, d int, a, b []float64, eps float64, opts Options) (float64, error) {
	n, m := len(a), len(b)
	if d < 1 {
		return 0, numerics.Invalidf("entropic: dimension d = %d, want ≥ 1", d)
	}
	if n == 0 || m == 0 || len(x) != n*d || len(y) != m*d {
		return 0, numerics.Invalidf("entropic: x has %d coordinates, y %d, want n·d = %d·%d and m·d = %d·%d",
			len(x), len(y), n, d, m, d)
	}
	if err := checkProb("a", a); err != nil {
		return 0, err
	}
	if err := checkProb("b", b); err != nil {
		return 0, err
	}
	if !(eps > 0) || math.IsInf(eps, 0) {
		return 0, numerics.Invalidf("entropic: eps = %v, want finite eps > 0", eps)
	}
	term := func(name string, p, q []float64, wp, wq []float64) (float64, error) {
		C, err := SqEuclidean(p, q, d)
		if err != nil {
			return 0, err
		}
		v, err := OTEps(wp, wq, C, len(wp), len(wq), eps, opts)
		if err != nil {
			return 0, fmt.Errorf("entropic: %s: %w", name, err)
		}
		return v, nil
	}
	xy, err := term("OT_ε(α,β)", x, y, a, b)
	if err != nil {
		return 0, err
	}
	xx, err := term("OT_ε(α,α)", x, x, a, a)
	if err != nil {
		return 0, err
	}
	yy, err := term("OT_ε(β,β)", y, y, b, b)
	if err != nil {
		return 0, err
	}
	return combine(xy, xx, yy), nil
}

// combine returns xy − ½(xx + yy), formed so that it is exactly 0 when the
// three values are equal (identical measures): ½(xx + yy) is exact then
// (2v halves exactly), whereas xy − ½xx − ½yy rounds each half of an odd
// multiple of the smallest subnormal (v = 3·2⁻¹⁰⁷⁴ gave −2⁻¹⁰⁷⁴; FuzzDivergence
// soak, TestCombineIdenticalSubnormal). If xx + yy overflows, the halves are
// taken first.
func combine(xy, xx, yy float64) float64 {
	if h := xx + yy; !math.IsInf(h, 0) {
		return xy - 0.5*h
	}
	return xy - 0.5*xx - 0.5*yy
}

// Entropy returns H(p) = −Σ_k p_k log p_k with 0·log 0 = 0, for any
// nonnegative array (a probability vector, or a plan flattened row-major).
// Accuracy: a few ulps per term, summed with compensation. Returns an error
// wrapping numerics.ErrInvalid if some entry is negative or not finite, and
// one wrapping ErrOverflow if the value does not fit float64 (entries near
// MaxFloat64, where −p log p overflows; it was returned as NaN, regression
// test TestEntropyAndKLOverflowAreErrors).
func Entropy(p []float64) (float64, error) {
	var s, c float64
	for k, v := range p {
		if !(v >= 0) || math.IsInf(v, 0) {
			return 0, numerics.Invalidf("entropic: entry %d = %v, want finite and ≥ 0", k, v)
		}
		if v == 0 {
			continue
		}
		t := -v * numerics.Log(v)
		u := s + t
		if math.Abs(s) >= math.Abs(t) {
			c += (s - u) + t
		} else {
			c += (t - u) + s
		}
		s = u
	}
	if H := s + c; !math.IsInf(H, 0) && !math.IsNaN(H) {
		return H, nil
	}
	return 0, fmt.Errorf("%w: entropy of entries up to %g", ErrOverflow, numerics.MaxAbs(p))
}

// KL returns KL(π | a⊗b) = Σ_ij π_ij log(π_ij/(a_i b_j)) with 0·log(0/·) = 0,
// for π n×m row-major (n = len(a), m = len(b)); +Inf if π_ij > 0 where
// a_i b_j = 0. For a coupling of a and b it equals H(a) + H(b) − H(π)
// ([P] § "Product Reference = Entropy Regularization up to Constants",
// claim entropic.kl-decomposition). π need not be a coupling. Returns an
// error wrapping numerics.ErrInvalid on a shape mismatch or a negative or
// non-finite entry, and one wrapping ErrOverflow if a finite value does not
// fit float64 (π_ij near MaxFloat64; it was returned as NaN, regression
// test TestEntropyAndKLOverflowAreErrors).
func KL(pi, a, b []float64) (float64, error) {
	n, m := len(a), len(b)
	if n == 0 || m == 0 || len(pi) != n*m {
		return 0, numerics.Invalidf("entropic: plan has %d entries, want %d·%d", len(pi), n, m)
	}
	for _, w := range [][]float64{pi, a, b} {
		for k, v := range w {
			if !(v >= 0) || math.IsInf(v, 0) {
				return 0, numerics.Invalidf("entropic: entry %d = %v, want finite and ≥ 0", k, v)
			}
		}
	}
	var s, c float64
	for i := range n {
		for j := range m {
			v := pi[i*m+j]
			if v == 0 {
				continue
			}
			if a[i] == 0 || b[j] == 0 {
				return math.Inf(1), nil
			}
			t := v * (numerics.Log(v) - numerics.Log(a[i]) - numerics.Log(b[j]))
			u := s + t
			if math.Abs(s) >= math.Abs(t) {
				c += (s - u) + t
			} else {
				c += (t - u) + s
			}
			s = u
		}
	}
	if v := s + c; !math.IsInf(v, 0) && !math.IsNaN(v) {
		return v, nil
	}
	return 0, fmt.Errorf("%w: KL of a plan with entries up to %g", ErrOverflow, numerics.MaxAbs(pi))
}
