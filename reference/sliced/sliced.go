package sliced

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/otverify/otverify/numerics"
)

// UnitTol is the tolerance on the norm of each direction: |‖θ_l‖ − 1| ≤
// UnitTol (protocol.md, op ot.sliced_w2).
const UnitTol = 1e-12

// ErrOverflow is returned (wrapped) when a valid input has a value that does
// not fit in a float64 (projections or squared gaps beyond 1.8e308). It does
// not wrap numerics.ErrInvalid.
var ErrOverflow = errors.New("sliced: result overflows float64")

// SlicedW2 returns the sliced Wasserstein value
//
//	SW_2²(x, y; θ) = (1/L) Σ_l W_2²(⟨θ_l, x⟩, ⟨θ_l, y⟩)
//
// for the uniform empirical measures (1/n) Σ_i δ_{x_i} and (1/n) Σ_i δ_{y_i}
// on R^d (protocol.md op ot.sliced_w2; the sliced energy of [C] § "Flows over
// the Gaussian manifold"). Each 1-D term is computed exactly by sorting the
// two projections and pairing equal ranks ([P] § "The 1D Case"):
// W_2² = (1/n) Σ_k (p_(k) − q_(k))². It is ≤ W_2²(x, y) (claim
// sliced.lower-bound), equals it in d = 1 (claim sliced.one-dimensional) and
// is invariant under a common rotation of x, y and θ (claim
// sliced.rotation-invariance). Cost O(L·n·(d + log n)).
//
// Preconditions (else an error wrapping numerics.ErrInvalid): n, d, L ≥ 1,
// len(x) = len(y) = n·d, len(theta) = L·d, every entry finite, every row of
// theta of norm 1 within UnitTol. Accuracy: each projection is a dot
// product of d terms and the sums are compensated, so the relative error is
// a few ulps times d relative to the size of the terms (max squared gap).
// Returns an error wrapping ErrOverflow if the value overflows.
func SlicedW2(x, y []float64, n, d int, theta []float64, L int) (float64, error) {
	if n < 1 || d < 1 || L < 1 {
		return 0, numerics.Invalidf("sliced: sizes n = %d, d = %d, L = %d, want ≥ 1", n, d, L)
	}
	if len(x)/d != n || len(x)%d != 0 || len(y)/d != n || len(y)%d != 0 {
		return 0, numerics.Invalidf("sliced: x has %d and y %d coordinates, want n·d = %d·%d each", len(x), len(y), n, d)
	}
	if len(theta)/d != L || len(theta)%d != 0 {
		return 0, numerics.Invalidf("sliced: theta has %d entries, want L·d = %d·%d", len(theta), L, d)
	}
	if !numerics.AllFinite(x) || !numerics.AllFinite(y) {
		return 0, numerics.Invalidf("sliced: non-finite coordinate")
	}
	for l := range L {
		th := theta[l*d : (l+1)*d]
		if !numerics.AllFinite(th) {
			return 0, numerics.Invalidf("sliced: direction %d has a non-finite entry", l)
		}
		if nrm := norm(th); !(math.Abs(nrm-1) <= UnitTol) {
			return 0, numerics.Invalidf("sliced: direction %d has norm %.17g, want 1 within %g", l, nrm, UnitTol)
		}
	}
	p, q := make([]float64, n), make([]float64, n)
	var tot, comp float64 // Neumaier sum over directions
	for l := range L {
		th := theta[l*d : (l+1)*d]
		project(p, x, th)
		project(q, y, th)
		slices.Sort(p)
		slices.Sort(q)
		var s, c float64
		for k := range p {
			g := p[k] - q[k]
			s, c = add(s, c, g*g)
		}
		w := (s + c) / float64(n)
		tot, comp = add(tot, comp, w)
	}
	v := (tot + comp) / float64(L)
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("%w: sliced W2² of clouds with coordinates up to %g", ErrOverflow, max(numerics.MaxAbs(x), numerics.MaxAbs(y)))
	}
	return v, nil
}

// project writes dst_i = ⟨θ, x_i⟩ for the row-major cloud x.
func project(dst, x, th []float64) {
	d := len(th)
	for i := range dst {
		xi := x[i*d : (i+1)*d]
		xi = xi[:len(th)]
		s := 0.0
		for k, t := range th {
			s += t * xi[k]
		}
		dst[i] = s
	}
}

// add is one step of Neumaier's compensated summation.
func add(s, c, v float64) (float64, float64) {
	t := s + v
	if math.Abs(s) >= math.Abs(v) {
		c += (s - t) + v
	} else {
		c += (v - t) + s
	}
	return t, c
}

// norm returns the Euclidean norm of v without overflow or underflow for
// finite entries (scaled by the largest magnitude).
func norm(v []float64) float64 {
	m := numerics.MaxAbs(v)
	if m == 0 {
		return 0
	}
	s := 0.0
	for _, x := range v {
		t := x / m
		s += t * t
	}
	return m * math.Sqrt(s)
}

// Directions returns L directions drawn independently and uniformly on the
// unit sphere S^{d−1} (normalised standard Gaussian vectors), row-major L×d,
// from the explicit source rng. Each row has norm 1 within a few ulps
// (well inside UnitTol). It returns an error wrapping numerics.ErrInvalid if
// rng is nil, L, d < 1 or L·d > numerics.MaxDraws (L·d overflowing int, or
// beyond what can be allocated, panicked; regression test
// TestDirectionsHugeCountIsAnError).
func Directions(rng *rand.Rand, L, d int) ([]float64, error) {
	if rng == nil {
		return nil, numerics.Invalidf("sliced: nil random source")
	}
	if L < 1 || d < 1 {
		return nil, numerics.Invalidf("sliced: L = %d, d = %d, want ≥ 1", L, d)
	}
	if err := numerics.CheckDraws("sliced: Directions", L, d); err != nil {
		return nil, err
	}
	theta := make([]float64, L*d)
	for l := range L {
		th := theta[l*d : (l+1)*d]
		for {
			for k := range th {
				th[k] = rng.NormFloat64()
			}
			// A zero vector has probability 0; a tiny one is redrawn to keep
			// the normalisation exact to a few ulps.
			if nrm := norm(th); nrm > 1e-100 {
				for k := range th {
					th[k] /= nrm
				}
				break
			}
		}
	}
	return theta, nil
}
