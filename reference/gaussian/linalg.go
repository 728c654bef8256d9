package gaussian

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/internal/robust"
	"gonum.org/v1/gonum/mat"
)

// checkSym validates a covariance argument: non-nil, non-empty, finite,
// and of dimension d (any if d < 0). It returns the dimension.
func checkSym(name string, S *mat.SymDense, d int) (int, error) {
	if S == nil || S.IsEmpty() {
		return 0, numerics.Invalidf("gaussian: %s is nil or empty", name)
	}
	n := S.SymmetricDim()
	if d >= 0 && n != d {
		return 0, numerics.Invalidf("gaussian: %s is %d×%d, want %d×%d", name, n, n, d, d)
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			if v := S.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, numerics.Invalidf("gaussian: %s[%d][%d] = %v is not finite", name, i, j, v)
			}
		}
	}
	return n, nil
}

// checkSPD validates a covariance that must be positive definite to working
// accuracy (λ_min > 16·d·eps·λ_max, numerics.CheckSPD's default floor).
func checkSPD(name string, S *mat.SymDense, d int) (int, error) {
	n, err := checkSym(name, S, d)
	if err != nil {
		return 0, err
	}
	if err := robust.CheckSPD(S); err != nil {
		return 0, wrapName(name, err)
	}
	return n, nil
}

type namedErr struct {
	name string
	err  error
}

func (e namedErr) Error() string { return "gaussian: " + e.name + ": " + e.err.Error() }
func (e namedErr) Unwrap() error { return e.err }

func wrapName(name string, err error) error { return namedErr{name, err} }

// checkVec validates a finite vector of length d.
func checkVec(name string, v []float64, d int) error {
	if len(v) != d {
		return numerics.Invalidf("gaussian: %s has %d entries, want %d", name, len(v), d)
	}
	if !numerics.AllFinite(v) {
		return numerics.Invalidf("gaussian: %s has a non-finite entry", name)
	}
	return nil
}

// checkSquare validates a finite d×d matrix (any d if d < 0) and returns d.
func checkSquare(name string, A mat.Matrix, d int) (int, error) {
	if numerics.IsNilMatrix(A) {
		// A nil *mat.BandDense or a mat.Transpose of a nil matrix
		// panicked in Dims (regression test TestScheduleValuesAndNilMatricesAreChecked).
		return 0, numerics.Invalidf("gaussian: %s is nil", name)
	}
	if D, ok := A.(*mat.Dense); ok && D.IsEmpty() {
		return 0, numerics.Invalidf("gaussian: %s is nil or empty", name)
	}
	r, c := A.Dims()
	if r == 0 || r != c || (d >= 0 && r != d) {
		return 0, numerics.Invalidf("gaussian: %s is %d×%d, want square %s", name, r, c, dimStr(d))
	}
	for i := 0; i < r; i++ {
		for j := 0; j < r; j++ {
			if v := A.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, numerics.Invalidf("gaussian: %s[%d][%d] = %v is not finite", name, i, j, v)
			}
		}
	}
	return r, nil
}

func dimStr(d int) string {
	if d < 0 {
		return "(any size)"
	}
	return "of size " + strconv.Itoa(d)
}

// mul returns A·B as a new *mat.Dense.
func mul(A, B mat.Matrix) *mat.Dense {
	var C mat.Dense
	C.Mul(A, B)
	return &C
}

// mul3 returns A·B·C.
func mul3(A, B, C mat.Matrix) *mat.Dense { return mul(mul(A, B), C) }

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

// identity returns I_d.
func identity(d int) *mat.SymDense {
	I := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		I.SetSym(i, i, 1)
	}
	return I
}

// allFinite reports whether every entry of A is finite.
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

// ErrOverflow is wrapped by the errors of functions whose result, for a
// valid input, does not fit in float64.
var ErrOverflow = errors.New("result overflows float64")

// finiteResult returns A, or an error wrapping ErrOverflow if some entry
// is not finite.
func finiteResult[M mat.Matrix](what string, A M) (M, error) {
	if !allFinite(A) {
		var zero M
		return zero, fmt.Errorf("gaussian: %s: %w", what, ErrOverflow)
	}
	return A, nil
}

// eigSym returns the ascending eigenvalues and the eigenvectors (columns)
// of S.
// (verified; see reference/internal/robust).
func eigSym(S *mat.SymDense) ([]float64, *mat.Dense, error) {
	return robust.Decompose(S)
}

// svdValues returns the singular values of A (descending).
// (verified; see reference/internal/robust).
func svdValues(A mat.Matrix) ([]float64, error) {
	s, _, _, err := robust.SVD(A)
	return s, err
}
