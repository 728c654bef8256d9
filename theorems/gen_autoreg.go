package theorems

import (
	"math"
	"slices"

	"pgregory.net/rapid"
)

// Generators and brute-force ground truths of the autoreg family
// (claims_autoreg.go). Every helper is prefixed ar.

// arGenDyadic draws a probability vector of k entries, each a multiple of
// 2^-bits, summing to exactly 1 (partial sums are exact in any order), with
// zero-probability tokens anywhere — first, last, consecutive — chosen by
// an explicit mask (at least one token is positive).
func arGenDyadic(t *rapid.T, k, bits int, label string) []float64 {
	zero := rapid.SliceOfN(rapid.IntRange(0, 2), k, k).Draw(t, label+" zero mask (0 = zero token)")
	var pos []int
	for i, z := range zero {
		if z != 0 {
			pos = append(pos, i)
		}
	}
	if len(pos) == 0 {
		pos = []int{rapid.IntRange(0, k-1).Draw(t, label+" the positive token")}
	}
	total := 1 << bits
	for total < len(pos) {
		total <<= 1
		bits++
	}
	// len(pos) − 1 distinct cuts in [1, total − 1]: every positive token
	// gets at least one unit 2^-bits.
	cuts := rapid.SliceOfNDistinct(rapid.IntRange(1, total-1), len(pos)-1, len(pos)-1, rapid.ID[int]).Draw(t, label+" cuts")
	slices.Sort(cuts)
	edges := append(append([]int{0}, cuts...), total)
	p := make([]float64, k)
	for c, i := range pos {
		p[i] = math.Ldexp(float64(edges[c+1]-edges[c]), -bits)
	}
	return p
}

// arGenRational draws p_i = w_i/Σw with integer w_i ∈ [0, 20] (zeros
// anywhere, at least one positive): partial sums carry rounding, and their
// total may fall short of 1 (e.g. ten tokens of 0.1 sum to 0.9999999999999999).
func arGenRational(t *rapid.T, k int, label string) []float64 {
	w := rapid.SliceOfN(rapid.IntRange(0, 20), k, k).Draw(t, label)
	s := 0
	for _, v := range w {
		s += v
	}
	if s == 0 {
		w[k-1], s = 1, 1
	}
	p := make([]float64, k)
	for i, v := range w {
		p[i] = float64(v) / float64(s)
	}
	return p
}

// arSampleBrute is protocol.md's ar.sample by its definition: F_i = p_0 + …
// + p_i left to right, the least i with F_i > u; if none, the largest i
// with p_i > 0.
func arSampleBrute(p []float64, u float64) int {
	F := make([]float64, len(p))
	s := 0.0
	for i, v := range p {
		s += v
		F[i] = s
	}
	for i := range F {
		if F[i] > u {
			return i
		}
	}
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] > 0 {
			return i
		}
	}
	return -1
}

// arCDF is the left-to-right partial sums of p.
func arCDF(p []float64) []float64 {
	F := make([]float64, len(p))
	s := 0.0
	for i, v := range p {
		s += v
		F[i] = s
	}
	return F
}

// arProbes are the levels u at which a next-token sampler is probed: 0,
// every CDF value below 1 and its predecessor, and the predecessor of 1.
func arProbes(p []float64) []float64 {
	us := []float64{0, math.Nextafter(1, 0)}
	for _, F := range arCDF(p) {
		if F < 1 {
			us = append(us, F)
		}
		if F > 0 && F <= 1 {
			us = append(us, math.Nextafter(F, 0))
		}
	}
	return us
}
