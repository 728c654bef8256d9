package autoreg

import (
	"math"

	"github.com/otverify/otverify/numerics"
)

// MassTol is the tolerance on |Σ p_i − 1| for a categorical distribution
// (protocol.md's weight tolerance).
const MassTol = 1e-9

func checkProbs(name string, p []float64) error {
	if len(p) == 0 {
		return numerics.Invalidf("autoreg: %s is empty", name)
	}
	s := 0.0
	for i, v := range p {
		if !(v >= 0) || math.IsInf(v, 1) {
			return numerics.Invalidf("autoreg: %s[%d] = %v, want finite ≥ 0", name, i, v)
		}
		s += v
	}
	if math.Abs(s-1) > MassTol {
		return numerics.Invalidf("autoreg: %s sums to %.17g, not 1 (tolerance %g)", name, s, MassTol)
	}
	return nil
}

// CDF returns the partial sums F_i = p_0 + … + p_i accumulated left to
// right in float64 ([P] § Next-Token Prediction: p = (0.6, 0.3, 0.1) has
// CDF (0.6, 0.9, 1.0)). For dyadic p (multiples of a power of 2) every F_i
// is exact. p is not validated.
func CDF(p []float64) []float64 {
	F := make([]float64, len(p))
	s := 0.0
	for i, v := range p {
		s += v
		F[i] = s
	}
	return F
}

// Sample returns the token chosen by next-token inverse-CDF sampling
// ([P] § Next-Token Prediction; protocol.md op ar.sample):
//
//	index(u) = min{i : F_i > u},  F_i = p_0 + … + p_i (left to right),
//
// and, if rounding leaves no such i (F_{k−1} ≤ u < 1), the largest i with
// p_i > 0. Since F_i = F_{i−1} when p_i = 0, a zero-probability token is
// never returned, also for u exactly at a CDF value. For U ~ U[0,1) the
// law of index(U) is p (up to the rounding of F).
//
// Preconditions (else ErrInvalid): p non-empty, entries finite ≥ 0,
// |Σp − 1| ≤ MassTol; u finite in [0, 1). Cost O(k).
func Sample(p []float64, u float64) (int, error) {
	if err := checkProbs("p", p); err != nil {
		return 0, err
	}
	if !(u >= 0 && u < 1) {
		return 0, numerics.Invalidf("autoreg: u = %v, want in [0, 1)", u)
	}
	return sample(p, u), nil
}

// sample is Sample without validation (p valid, u in [0,1)).
func sample(p []float64, u float64) int {
	s := 0.0
	last := -1
	for i, v := range p {
		s += v
		if v > 0 {
			last = i
			if s > u {
				return i
			}
		}
	}
	return last
}
