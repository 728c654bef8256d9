package theorems

import (
	"math"
	"strconv"

	"github.com/otverify/otverify/numerics"
)

// Argument validation shared by the reference Ops entries: the domain rules
// of protocol.md. Every error wraps numerics.ErrInvalid.

// WeightSumTol is protocol.md's tolerance on |Σw − 1| for weight vectors.
const WeightSumTol = 1e-9

// CheckWeights validates a weight vector: non-empty, finite, each entry ≥ 0
// (> 0 if strict) and summing to 1 within WeightSumTol.
func CheckWeights(name string, w []float64, strict bool) error {
	if len(w) == 0 {
		return numerics.Invalidf("%s is empty", name)
	}
	s := 0.0
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return numerics.Invalidf("%s[%d] is not finite", name, i)
		}
		if v < 0 || (strict && v == 0) {
			if strict {
				return numerics.Invalidf("%s[%d] = %g must be > 0", name, i, v)
			}
			return numerics.Invalidf("%s[%d] = %g is negative", name, i, v)
		}
		s += v
	}
	if math.Abs(s-1) > WeightSumTol {
		return numerics.Invalidf("%s sums to %.17g, not 1 (tolerance %g)", name, s, WeightSumTol)
	}
	return nil
}

// CheckVector validates a finite vector of the given length (any length if n < 0).
func CheckVector(name string, v []float64, n int) error {
	if n >= 0 && len(v) != n {
		return numerics.Invalidf("%s has %d entries, want %d", name, len(v), n)
	}
	if len(v) == 0 {
		return numerics.Invalidf("%s is empty", name)
	}
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return numerics.Invalidf("%s[%d] is not finite", name, i)
		}
	}
	return nil
}

// CheckMatrix validates a finite non-ragged rows×cols matrix (a negative
// rows or cols accepts any) and returns it flattened row-major.
func CheckMatrix(name string, M [][]float64, rows, cols int) ([]float64, int, int, error) {
	if len(M) == 0 || len(M[0]) == 0 {
		return nil, 0, 0, numerics.Invalidf("%s is empty", name)
	}
	data, r, c, err := numerics.Flatten(M)
	if err != nil {
		return nil, 0, 0, numerics.Invalidf("%s: %v", name, err)
	}
	if (rows >= 0 && r != rows) || (cols >= 0 && c != cols) {
		return nil, 0, 0, numerics.Invalidf("%s is %d×%d, want %s×%s", name, r, c, dim(rows), dim(cols))
	}
	return data, r, c, nil
}

// CheckScalar validates a finite scalar in (lo, hi) (open or closed ends as asked).
func CheckScalar(name string, x, lo, hi float64, loOpen, hiOpen bool) error {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return numerics.Invalidf("%s is not finite", name)
	}
	if x < lo || (loOpen && x == lo) || x > hi || (hiOpen && x == hi) {
		l, r := "[", "]"
		if loOpen {
			l = "("
		}
		if hiOpen {
			r = ")"
		}
		return numerics.Invalidf("%s = %g is outside %s%g, %g%s", name, x, l, lo, hi, r)
	}
	return nil
}

func dim(n int) string {
	if n < 0 {
		return "any"
	}
	return strconv.Itoa(n)
}

// SqEuclideanCost returns C_ij = ‖x_i − y_j‖² (row-major n×m) for point
// clouds of equal dimension: the "points" large-problem form of protocol.md.
func SqEuclideanCost(x, y [][]float64) ([]float64, int, int, error) {
	xd, n, d, err := CheckMatrix("x", x, -1, -1)
	if err != nil {
		return nil, 0, 0, err
	}
	yd, m, _, err := CheckMatrix("y", y, -1, d)
	if err != nil {
		return nil, 0, 0, err
	}
	C := make([]float64, n*m)
	for i := 0; i < n; i++ {
		xi := xd[i*d : (i+1)*d]
		for j := 0; j < m; j++ {
			yj := yd[j*d : (j+1)*d]
			s := 0.0
			for k := range xi {
				t := xi[k] - yj[k]
				s += t * t
			}
			C[i*m+j] = s
		}
	}
	if !numerics.AllFinite(C) {
		return nil, 0, 0, numerics.Invalidf("squared distances overflow float64")
	}
	return C, n, m, nil
}
