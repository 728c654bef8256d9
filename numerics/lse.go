package numerics

import "math"

// LogSumExp returns log Σ_i exp(x_i) computed as m + log Σ exp(x_i − m),
// m = max x_i, so that it never overflows and loses at most a few ulps
// relative to the exact value. It returns −Inf for an empty slice or when
// every entry is −Inf, +Inf if some entry is +Inf, and NaN only if some
// entry is NaN.
func LogSumExp(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		if v > m || math.IsNaN(v) {
			m = v
		}
	}
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return m
	}
	s := 0.0
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}

// Softmax writes exp(x_i − LogSumExp(x)) into dst (allocated if nil or of the
// wrong length) and returns it; dst may be x itself. It is computed as
// e_i/Σ_j e_j with e_i = exp(x_i − max x), not as exp(x_i − LogSumExp(x)),
// whose rounding of LogSumExp (absolute, so of order eps·|max x|) would move
// every entry by that relative amount: for logits near 1e300 the sum would
// even be the number of tied maxima (regression test
// TestSoftmaxHugeLogitsSumToOne, found by FuzzLogSumExp). Entries are in
// [0, 1] and sum to 1 within len(x) ulps for any finite input, however
// large its magnitude (no overflow: the maximum is subtracted first). An
// input that is all −Inf, or has a +Inf or NaN entry, yields NaN entries;
// callers that allow it must check.
func Softmax(dst, x []float64) []float64 {
	if len(dst) != len(x) {
		dst = make([]float64, len(x))
	}
	m := math.Inf(-1)
	for _, v := range x {
		if v > m || math.IsNaN(v) {
			m = v
		}
	}
	s := 0.0
	for i, v := range x {
		dst[i] = math.Exp(v - m)
		s += dst[i]
	}
	for i := range dst {
		dst[i] /= s
	}
	return dst
}

// Log is the natural logarithm, correct also for subnormal x. Go's
// math.Log is wrong there on amd64 (golang/go#56600: math.Log(5e−324) =
// −709.09, not −744.44), which matters wherever a positive weight or mass
// may be subnormal (protocol.md accepts any weight > 0): a subnormal x is
// scaled by 2⁵² (exactly) first. Other x as math.Log.
func Log(x float64) float64 {
	if x > 0 && x < 0x1p-1022 {
		return math.Log(x*0x1p52) - 52*math.Ln2
	}
	return math.Log(x)
}
