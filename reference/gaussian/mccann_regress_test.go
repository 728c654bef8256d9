package gaussian_test

// Regression tests for the McCann fuzz findings of docs/reliability.md.

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/reference/gaussian"
	"gonum.org/v1/gonum/mat"
)

// TestMcCannMapOverflowIsAnError: t·A = 8.55e270·2.99e37 overflows;
// McCannMap returned [+Inf] with a nil error ("any real t is accepted").
func TestMcCannMapOverflowIsAnError(t *testing.T) {
	A := mat.NewDense(1, 1, []float64{2.99e37})
	if M, err := gaussian.McCannMap(A, 8.55e270); !errors.Is(err, gaussian.ErrOverflow) {
		t.Fatalf("McCannMap = %v, %v, want ErrOverflow", M, err)
	}
	if C, err := gaussian.McCannCovariance(mat.NewSymDense(1, []float64{1}), A, 8.55e270); !errors.Is(err, gaussian.ErrOverflow) {
		t.Fatalf("McCannCovariance = %v, %v, want ErrOverflow", C, err)
	}
}

// TestMcCannMapHugeTimeRepresentable: with A_ii = 1.5 and t = −MaxFloat64,
// (1 − t) + tA_ii = 1 − 0.5·MaxFloat64 is representable although 1 − t and
// t·A_ii are not both (t·1.5 overflows): the entry is answered, not ±Inf,
// and the off-diagonal t·A_ij that overflows is ErrOverflow.
func TestMcCannMapHugeTimeRepresentable(t *testing.T) {
	m := math.MaxFloat64
	M, err := gaussian.McCannMap(mat.NewDense(1, 1, []float64{1.5}), -m)
	if err != nil || M.At(0, 0) != -0.5*m {
		t.Fatalf("McCannMap = %v, %v, want [−MaxFloat64/2]", M, err)
	}
	if _, err := gaussian.McCannMap(mat.NewDense(2, 2, []float64{1, 3, 0, 1}), -m); !errors.Is(err, gaussian.ErrOverflow) {
		t.Fatalf("off-diagonal overflow: err = %v, want ErrOverflow", err)
	}
}
