package gmanifold_test

// Regression tests for the fuzz findings of docs/reliability.md, each named
// after its defect.

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/otverify/otverify/reference/gmanifold"
	"gonum.org/v1/gonum/mat"
)

// TestAffineFlowMapOverflowNoHang: t = −MaxFloat64 makes t·A overflow to
// ±Inf, and gonum's mat.Dense.Exp then squares ⌈log₂ Inf⌉ times: it never
// returned. AffineFlowMap must answer ErrOverflow, promptly.
func TestAffineFlowMapOverflowNoHang(t *testing.T) {
	A := mat.NewDense(2, 2, []float64{75.390625, 74.390625, 74.390625, 149.78125})
	m := []float64{8.625, 8.625}
	done := make(chan error, 1)
	go func() {
		_, _, err := gmanifold.AffineFlowMap(A, m, m, -math.MaxFloat64)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, gmanifold.ErrOverflow) {
			t.Fatalf("AffineFlowMap err = %v, want ErrOverflow", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("AffineFlowMap did not return within 10 s")
	}
	// Finite entries whose column sum overflows: ‖tA‖₁ = Inf, same hang.
	B := mat.NewDense(2, 2, []float64{1e308, 0, 1e308, 0})
	if _, _, err := gmanifold.AffineFlowMap(B, m, m, 1); !errors.Is(err, gmanifold.ErrOverflow) {
		t.Fatalf("‖tA‖₁ = Inf: err = %v, want ErrOverflow", err)
	}
}

// TestSlicedValueOverflowIsAnError: ⟨θ, m⟩² = 1e600 overflows; SlicedValue
// returned +Inf with a nil error.
func TestSlicedValueOverflowIsAnError(t *testing.T) {
	C := mat.NewSymDense(1, []float64{36})
	theta := [][]float64{{1}, {-1}}
	w := []float64{0.5, 0.5}
	if v, err := gmanifold.SlicedValue([]float64{-1e300}, C, theta, w); !errors.Is(err, gmanifold.ErrOverflow) {
		t.Fatalf("SlicedValue = %v, %v, want ErrOverflow", v, err)
	}
	// ⟨θ, m⟩² beyond MaxFloat64 although w·⟨θ, m⟩² fits: with
	// θ = (1, 0), (0, 1), w = ½, m = (1.6e154, 0), the value is
	// ½·2.56e308 + ½·((6 − 1)² + 0²) ≈ 1.28e308.
	x := 1.6e154
	if !math.IsInf(x*x, 1) {
		t.Fatalf("test premise: (1.6e154)² = %v should overflow", x*x)
	}
	C2 := mat.NewSymDense(2, []float64{36, 0, 0, 1})
	v, err := gmanifold.SlicedValue([]float64{x, 0}, C2, [][]float64{{1, 0}, {0, 1}}, w)
	want := 0.5*1.6e154*1.6e154 + 12.5 // exact constant arithmetic
	if err != nil || math.Abs(v-want) > 1e-15*want {
		t.Fatalf("SlicedValue = %v, %v, want %v", v, err, want)
	}
}
