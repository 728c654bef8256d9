package ot1d

import (
	"errors"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/otverify/otverify/internal/kernel"
	"github.com/otverify/otverify/numerics"
)

// MassTol is the tolerance on the total mass: a weight vector a is accepted
// when |Σ a_i − 1| ≤ MassTol, the rule of protocol.md for weights (ot.emd).
const MassTol = 1e-9

// ErrOverflow is returned (wrapped) when a valid input has a result that does
// not fit in a float64, e.g. |x − y|^p beyond 1.8e308. The otv/1 server may
// answer "failed" for it; it does not wrap numerics.ErrInvalid.
var ErrOverflow = errors.New("ot1d: result overflows float64")

// Measure is the discrete probability measure Σ_i a_i δ_{x_i} on R, stored
// sorted by value (stably on the original index) with its compensated
// cumulative weights. A Measure is immutable after NewMeasure and safe for
// concurrent use. Build it with NewMeasure: the zero Measure{} (and a nil
// *Measure) has no atoms; Len, Total and CDF return 0 for it and the
// other methods an error wrapping numerics.ErrInvalid.
type Measure struct {
	x     []float64 // values, ascending
	w     []float64 // weights in sorted order, as given
	cum   []float64 // cum[k] ≈ Σ_{l ≤ k} w[l] (Neumaier), nondecreasing
	idx   []int     // idx[k] = original index of x[k]
	first int       // sorted position of the smallest atom with positive weight
	last  int       // sorted position of the largest atom with positive weight
}

// NewMeasure returns the measure Σ_i a_i δ_{x_i}.
//
// Preconditions (else an error wrapping numerics.ErrInvalid): len(x) =
// len(a) ≥ 1, every x_i finite, every a_i finite and ≥ 0, and |Σ a_i − 1| ≤
// MassTol. The weights are not renormalised: CDF and Quantile use them as
// given (so dyadic weights give exact CDF values), while Wpp,
// QuantileCoupling and MonotoneMap divide by the total.
func NewMeasure(x, a []float64) (*Measure, error) {
	n := len(x)
	if n == 0 {
		return nil, numerics.Invalidf("ot1d: empty measure")
	}
	if len(a) != n {
		return nil, numerics.Invalidf("ot1d: x has %d entries, a has %d", n, len(a))
	}
	for i := range n {
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) {
			return nil, numerics.Invalidf("ot1d: x[%d] = %v is not finite", i, x[i])
		}
		if !(a[i] >= 0) || math.IsInf(a[i], 0) {
			return nil, numerics.Invalidf("ot1d: weight a[%d] = %v is not finite and ≥ 0", i, a[i])
		}
	}
	// The stable ascending order of the values (equal values, −0 and +0
	// included, in increasing original index): internal/kernel's radix
	// Argsort, O(n), about 5 times faster than a comparison sort on
	// (value, index) pairs at n = 10⁶, with the same order.
	m := &Measure{
		x:   make([]float64, n),
		w:   make([]float64, n),
		cum: make([]float64, n),
		idx: make([]int, n),
	}
	kernel.Argsort(m.idx, x)
	for k, i := range m.idx {
		m.x[k] = x[i]
		m.w[k] = a[i]
	}
	cumsum(m.cum, m.w)
	total := m.cum[n-1]
	if !(math.Abs(total-1) <= MassTol) {
		return nil, numerics.Invalidf("ot1d: weights sum to %.17g, want 1 within %g", total, MassTol)
	}
	m.first, m.last = -1, -1
	for k, w := range m.w {
		if w > 0 {
			if m.first < 0 {
				m.first = k
			}
			m.last = k
		}
	}
	// total ≥ 1 − MassTol > 0, so some weight is positive.
	return m, nil
}

// cumsum writes the running sums of w into dst with Neumaier compensation,
// forcing dst to be nondecreasing and constant across zero weights, so that
// a zero-weight atom can never be the first to reach a level u > 0.
func cumsum(dst, w []float64) {
	s, c := 0.0, 0.0
	prev := 0.0
	for k, v := range w {
		if v == 0 {
			dst[k] = prev
			continue
		}
		t := s + v
		if math.Abs(s) >= math.Abs(v) {
			c += (s - t) + v
		} else {
			c += (v - t) + s
		}
		s = t
		cur := s + c
		if cur < prev {
			cur = prev
		}
		dst[k] = cur
		prev = cur
	}
}

// check returns an error wrapping numerics.ErrInvalid unless m was built by
// NewMeasure: a nil *Measure or the zero Measure{} (its fields are
// unexported, so a literal is always empty) has no atoms, and Quantile,
// Sample and Wpp indexed past its end (regression test
// TestMeasureLiteralIsAnError).
func (m *Measure) check(name string) error {
	if m == nil || len(m.x) == 0 {
		return numerics.Invalidf("ot1d: %s: measure is nil or empty (build it with NewMeasure)", name)
	}
	return nil
}

// Len returns the number of atoms n (zero-weight atoms included); 0 for a
// nil or zero Measure.
func (m *Measure) Len() int {
	if m == nil {
		return 0
	}
	return len(m.x)
}

// Total returns the compensated total mass Σ a_i (within MassTol of 1); 0
// for a nil or zero Measure (no atoms).
func (m *Measure) Total() float64 {
	if m.check("Total") != nil {
		return 0
	}
	return m.cum[len(m.cum)-1]
}

// CDF returns F(t) = Σ_{x_i ≤ t} a_i, the right-continuous distribution
// function, with the compensated partial sums of the sorted weights (exact
// for dyadic weights). F(t) = 0 below the smallest atom, and for a nil or
// zero Measure; F(NaN) = NaN (NaN propagates; it was F(max x) ≈ 1).
func (m *Measure) CDF(t float64) float64 {
	if math.IsNaN(t) {
		return t
	}
	if m.check("CDF") != nil {
		return 0
	}
	// k = number of atoms with x ≤ t.
	k := sort.Search(len(m.x), func(k int) bool { return m.x[k] > t })
	if k == 0 {
		return 0
	}
	return m.cum[k-1]
}

// Quantile returns F^{-1}(u) = min{x_i : F(x_i) ≥ u} for u ∈ (0, 1], the
// definition of protocol.md (op ot1d.quantile) and [P] § "The 1D Closed-Form
// Solution". If rounding leaves F(max x) < u (possible only within MassTol of
// 1), it returns the largest x_i with a_i > 0. At u = 0 it returns the
// smallest x_i with a_i > 0 (the left end of the support, the limit of
// F^{-1}(u) as u ↓ 0; the literal formula would allow a zero-weight atom).
// A zero-weight atom is never returned. The result is exact (an atom chosen
// by exact comparisons against the cumulative sums of the CDF method). Cost
// O(log n). It returns an error wrapping numerics.ErrInvalid unless
// 0 ≤ u ≤ 1 and m was built by NewMeasure (not nil or a zero Measure{}).
func (m *Measure) Quantile(u float64) (float64, error) {
	if err := m.check("Quantile"); err != nil {
		return 0, err
	}
	if !(u >= 0 && u <= 1) {
		return 0, numerics.Invalidf("ot1d: quantile level u = %v not in [0, 1]", u)
	}
	return m.x[m.quantileIndex(u)], nil
}

// quantileIndex returns the sorted position of F^{-1}(u) for u ∈ [0, 1].
func (m *Measure) quantileIndex(u float64) int {
	if u <= 0 {
		return m.first
	}
	k := sort.Search(len(m.cum), func(k int) bool { return m.cum[k] >= u })
	if k == len(m.cum) {
		return m.last
	}
	return k
}

// Sample draws k independent samples X = F^{-1}(U), U uniform on [0, 1)
// from rng (inverse transform sampling, [P] § "The 1D Closed-Form
// Solution"): P(X ≤ t) = F(t) up to the 2^-53 granularity of U. It returns
// an error wrapping numerics.ErrInvalid if m is nil or a zero Measure{}, rng
// is nil, or k is not in [0, numerics.MaxDraws].
func (m *Measure) Sample(rng *rand.Rand, k int) ([]float64, error) {
	if err := m.check("Sample"); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, numerics.Invalidf("ot1d: nil random source")
	}
	if k < 0 {
		return nil, numerics.Invalidf("ot1d: negative sample count %d", k)
	}
	if err := numerics.CheckDraws("ot1d: Sample", k, 1); err != nil {
		return nil, err
	}
	out := make([]float64, k)
	for i := range out {
		out[i] = m.x[m.quantileIndex(rng.Float64())]
	}
	return out, nil
}

// Quantile returns F^{-1}(u) = min{x_i : F(x_i) ≥ u} for the measure
// Σ a_i δ_{x_i}, exactly as protocol.md's ot1d.quantile (see
// Measure.Quantile for the rounding rule and the convention at u = 0).
// Preconditions as NewMeasure and 0 ≤ u ≤ 1; cost O(n log n) (it sorts);
// use NewMeasure or Quantiles for many levels.
func Quantile(x, a []float64, u float64) (float64, error) {
	m, err := NewMeasure(x, a)
	if err != nil {
		return 0, err
	}
	return m.Quantile(u)
}

// Quantiles returns q_k = F^{-1}(u_k) for every level (the batch form of
// Quantile, the result of op ot1d.quantile), sorting once: cost
// O((n + k) log n). Every u_k must lie in [0, 1].
func Quantiles(x, a, u []float64) ([]float64, error) {
	m, err := NewMeasure(x, a)
	if err != nil {
		return nil, err
	}
	q := make([]float64, len(u))
	for k, v := range u {
		if q[k], err = m.Quantile(v); err != nil {
			return nil, numerics.Invalidf("ot1d: u[%d]: %v", k, err)
		}
	}
	return q, nil
}

// Sample draws k samples of Σ a_i δ_{x_i} by inverse transform sampling with
// the explicit source rng (see Measure.Sample).
func Sample(rng *rand.Rand, x, a []float64, k int) ([]float64, error) {
	m, err := NewMeasure(x, a)
	if err != nil {
		return nil, err
	}
	return m.Sample(rng, k)
}
