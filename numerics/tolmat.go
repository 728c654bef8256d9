package numerics

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// RelErr returns the relative error |got − want| / max(|want|, |scale|):
// relative to the result, or to the size of the terms of the computation
// when that is larger (pass scale = 0 for a plain relative error; see Close
// for the rule). It returns 0 when got == want (including both 0), +Inf when
// got ≠ want and the denominator is 0 or |got − want| is infinite, and NaN
// if an argument is NaN.
func RelErr(got, want, scale float64) float64 {
	if got == want {
		return 0
	}
	if math.IsNaN(got) || math.IsNaN(want) || math.IsNaN(scale) {
		return math.NaN()
	}
	den := math.Max(math.Abs(want), math.Abs(scale))
	d := math.Abs(got - want)
	if den == 0 || math.IsInf(d, 1) {
		// got ≠ want with one of them infinite: the error is infinite
		// (Inf/Inf was NaN; regression test TestRelErrInfiniteWant, found
		// by FuzzTolerance).
		return math.Inf(1)
	}
	return d / den
}

// MatMaxAbs returns max_ij |A_ij| (NaN if some entry is NaN; 0 for a nil or
// empty matrix).
func MatMaxAbs(A mat.Matrix) float64 {
	if A == nil || IsNilMatrix(A) {
		return 0
	}
	r, c := A.Dims()
	m := 0.0
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			a := math.Abs(A.At(i, j))
			if a > m || math.IsNaN(a) {
				m = a
			}
		}
	}
	return m
}

// MatMaxAbsDiff returns max_ij |A_ij − B_ij|, +Inf if the shapes differ or a
// matrix is nil, NaN if some difference is NaN.
func MatMaxAbsDiff(A, B mat.Matrix) float64 {
	if A == nil || B == nil || IsNilMatrix(A) || IsNilMatrix(B) {
		return math.Inf(1)
	}
	r, c := A.Dims()
	if r2, c2 := B.Dims(); r != r2 || c != c2 {
		return math.Inf(1)
	}
	m := 0.0
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			d := math.Abs(A.At(i, j) - B.At(i, j))
			if d > m || math.IsNaN(d) {
				m = d
			}
		}
	}
	return m
}
