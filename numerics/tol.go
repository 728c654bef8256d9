package numerics

import "math"

// Close reports whether |got − want| ≤ rtol·scale + atol, the comparison
// rule of protocol.md ("relative to the size of the terms"): scale is the
// largest magnitude among the terms of the computation, not only of the
// result, so that results that cancel to nearly 0 are judged fairly.
// NaN is never close to anything.
func Close(got, want, rtol, scale, atol float64) bool {
	d := math.Abs(got - want)
	return d <= rtol*math.Abs(scale)+atol // NaN compares false
}

// MaxAbs returns max_i |x_i| (0 for an empty slice; NaN if any entry is NaN).
func MaxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		a := math.Abs(v)
		if a > m || math.IsNaN(a) {
			m = a
		}
	}
	return m
}

// MaxAbsDiff returns max_i |x_i − y_i|, or +Inf if the lengths differ.
func MaxAbsDiff(x, y []float64) float64 {
	if len(x) != len(y) {
		return math.Inf(1)
	}
	m := 0.0
	for i := range x {
		d := math.Abs(x[i] - y[i])
		if d > m || math.IsNaN(d) {
			m = d
		}
	}
	return m
}

// AllFinite reports whether every entry is finite (no NaN, no ±Inf).
func AllFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// Flatten copies a row-major [][]float64 into one slice. It returns an error
// wrapping ErrInvalid if the rows are ragged or some entry is not finite.
func Flatten(M [][]float64) (data []float64, rows, cols int, err error) {
	rows = len(M)
	if rows == 0 {
		return nil, 0, 0, nil
	}
	cols = len(M[0])
	data = make([]float64, 0, rows*cols)
	for i, r := range M {
		if len(r) != cols {
			return nil, 0, 0, Invalidf("ragged matrix: row %d has %d entries, row 0 has %d", i, len(r), cols)
		}
		if !AllFinite(r) {
			return nil, 0, 0, Invalidf("matrix row %d has a non-finite entry", i)
		}
		data = append(data, r...)
	}
	return data, rows, cols, nil
}

// Unflatten returns the rows×cols row-major matrix stored in the first
// rows·cols entries of data as [][]float64 (sharing no memory with data).
// It returns nil when the shape does not fit the data: rows or cols
// negative, len(data) < rows·cols, or rows > MaxDraws (it used to panic
// there; regression test TestMalformedArgumentsAreErrors).
func Unflatten(data []float64, rows, cols int) [][]float64 {
	if rows < 0 || cols < 0 || rows > MaxDraws || (cols > 0 && rows > len(data)/cols) {
		return nil
	}
	M := make([][]float64, rows)
	for i := range M {
		M[i] = append([]float64(nil), data[i*cols:(i+1)*cols]...)
	}
	return M
}
