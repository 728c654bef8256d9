package gaussian_test

// Numerical edge cases of issue 9 for package gaussian: covariances of
// condition number 1e8, singular and non-symmetric covariances, equal and
// far-apart Gaussians. Each case states whether the function answers
// (checked against a closed form for commuting covariances, or the
// pushforward identity) or returns a clear error. The behaviour per
// function is recorded in docs/reliability.md.

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/gaussian"
)

func sym(rows ...[]float64) *mat.SymDense {
	S, err := numerics.SymFromRows(rows)
	if err != nil {
		panic(err)
	}
	return S
}

// rotated returns R diag(l) Rᵀ for the rotation by angle θ (cos 0.6, sin 0.8).
func rotated(l1, l2 float64) *mat.SymDense {
	c, s := 0.6, 0.8
	return sym([]float64{c*c*l1 + s*s*l2, c * s * (l1 - l2)}, []float64{c * s * (l1 - l2), s*s*l1 + c*c*l2})
}

func TestBuresEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name   string
		S0, S1 *mat.SymDense
		want   float64 // B² for commuting pairs: Σ (√λ0 − √λ1)²
		tol    float64 // relative to tr S0 + tr S1
	}{
		{"cond-1e8-commuting", rotated(1e8, 1), rotated(1, 1e8), 2 * (1e4 - 1) * (1e4 - 1), 1e-12},
		{"cond-1e8-equal", rotated(1e8, 1), rotated(1e8, 1), 0, 1e-12},
		{"singular-valid", rotated(1, 0), rotated(1, 0), 0, 1e-12},
		// Exactly singular (diagonal): B² = (2 − 1)² + (0 − 1)². A rotated
		// singular matrix is only singular up to rounding: its tiny
		// eigenvalue ε moves B² by about 2√ε (√ is not Lipschitz at 0), a
		// property of the input, not an error of BuresSq.
		{"singular-vs-identity", sym([]float64{4, 0}, []float64{0, 0}), rotated(1, 1), 1 + 1, 1e-12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := gaussian.BuresSq(tc.S0, tc.S1)
			scale := mat.Trace(tc.S0) + mat.Trace(tc.S1)
			if err != nil || math.Abs(b-tc.want) > tc.tol*scale {
				t.Fatalf("BuresSq = %v, %v; want %v (±%g)", b, err, tc.want, tc.tol*scale)
			}
		})
	}
	// Far-apart means: ‖Δm‖² dominates exactly.
	if w, err := gaussian.W2Sq([]float64{0, 0}, rotated(1, 1), []float64{1e6, 0}, rotated(1, 1)); err != nil || w != 1e12 {
		t.Fatalf("W2Sq far apart = %v, %v", w, err)
	}
	// Indefinite: a clear error.
	if _, err := gaussian.BuresSq(rotated(1, -1), rotated(1, 1)); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("BuresSq indefinite: err = %v", err)
	}
}

func TestMapsEdgeCases(t *testing.T) {
	S0, S1 := rotated(1e8, 1), rotated(1, 1e8)
	for _, tc := range []struct {
		name string
		A    func() (mat.Matrix, error)
		T    *mat.SymDense // A S0 Aᵀ must equal T
	}{
		{"brenier-cond-1e8", func() (mat.Matrix, error) { return gaussian.BrenierMap(S0, S1) }, S1},
		{"kr-cond-1e8", func() (mat.Matrix, error) { return gaussian.KnotheRosenblattMap(S0, S1) }, S1},
		{"fm-t1-cond-1e8", func() (mat.Matrix, error) { return gaussian.FlowMatchingMap(S0, S1, 1) }, S1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			A, err := tc.A()
			if err != nil {
				t.Fatal(err)
			}
			if r := pushResidual(A, S0, tc.T); r > 1e-7 {
				t.Fatalf("relative pushforward residual %g > protocol.md's 1e-7", r)
			}
		})
	}
	// Singular covariances: the maps need S0 positive definite.
	if _, err := gaussian.BrenierMap(rotated(1, 0), rotated(1, 1)); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("BrenierMap singular S0: err = %v", err)
	}
	if _, err := gaussian.KnotheRosenblattMap(rotated(1, 1), rotated(1, 0)); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("KnotheRosenblattMap singular S1: err = %v", err)
	}
	if _, err := gaussian.FlowMatchingMap(rotated(1, 1), rotated(1, 1), 1.5); !errors.Is(err, numerics.ErrInvalid) {
		t.Fatalf("FlowMatchingMap t = 1.5: err = %v", err)
	}
}
