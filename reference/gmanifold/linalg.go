package gmanifold

import (
	"errors"
	"fmt"
	"math"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/internal/robust"
	"gonum.org/v1/gonum/mat"
)

// ErrOverflow is wrapped by the errors of functions whose result, for a
// valid input, does not fit in float64.
var ErrOverflow = errors.New("result overflows float64")

func checkSym(name string, S *mat.SymDense, d int) (int, error) {
	if S == nil || S.IsEmpty() {
		return 0, numerics.Invalidf("gmanifold: %s is nil or empty", name)
	}
	n := S.SymmetricDim()
	if d >= 0 && n != d {
		return 0, numerics.Invalidf("gmanifold: %s is %d×%d, want %d×%d", name, n, n, d, d)
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			if v := S.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, numerics.Invalidf("gmanifold: %s[%d][%d] = %v is not finite", name, i, j, v)
			}
		}
	}
	return n, nil
}

func checkSPD(name string, S *mat.SymDense, d int) (int, error) {
	n, err := checkSym(name, S, d)
	if err != nil {
		return 0, err
	}
	if err := robust.CheckSPD(S); err != nil {
		return 0, fmt.Errorf("gmanifold: %s: %w", name, err)
	}
	return n, nil
}

func checkVec(name string, v []float64, d int) error {
	if len(v) != d {
		return numerics.Invalidf("gmanifold: %s has %d entries, want %d", name, len(v), d)
	}
	if !numerics.AllFinite(v) {
		return numerics.Invalidf("gmanifold: %s has a non-finite entry", name)
	}
	return nil
}

func checkSquare(name string, A mat.Matrix, d int) (int, error) {
	if numerics.IsNilMatrix(A) {
		// A nil *mat.BandDense or a mat.Transpose of a nil matrix
		// panicked in Dims (regression test TestMalformedFieldOrMatrixIsAnError).
		return 0, numerics.Invalidf("gmanifold: %s is nil", name)
	}
	if D, ok := A.(*mat.Dense); ok && D.IsEmpty() {
		return 0, numerics.Invalidf("gmanifold: %s is nil or empty", name)
	}
	r, c := A.Dims()
	if r == 0 || r != c || (d >= 0 && r != d) {
		return 0, numerics.Invalidf("gmanifold: %s is %d×%d, want square of size %d", name, r, c, d)
	}
	if !allFinite(A) {
		return 0, numerics.Invalidf("gmanifold: %s has a non-finite entry", name)
	}
	return r, nil
}

func allFinite(A mat.Matrix) bool {
	r, c := A.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := A.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}

func finite[M mat.Matrix](what string, A M) (M, error) {
	if !allFinite(A) {
		var zero M
		return zero, fmt.Errorf("gmanifold: %s: %w", what, ErrOverflow)
	}
	return A, nil
}

func mul(A, B mat.Matrix) *mat.Dense {
	var C mat.Dense
	C.Mul(A, B)
	return &C
}

// symPart returns (A + Aᵀ)/2.
func symPart(A mat.Matrix) *mat.SymDense {
	n, _ := A.Dims()
	S := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			S.SetSym(i, j, 0.5*(A.At(i, j)+A.At(j, i)))
		}
	}
	return S
}

// anticommutator returns M C + C M for symmetric M, C (exactly symmetric).
func anticommutator(M, C mat.Symmetric) *mat.SymDense {
	n := M.SymmetricDim()
	P := mul(M, C)
	S := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			S.SetSym(i, j, P.At(i, j)+P.At(j, i))
		}
	}
	return S
}
