package drift_test

// Regression tests for the fuzz findings of docs/reliability.md, each named
// after its defect.

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/otverify/otverify/reference/drift"
)

// TestFitResidualOverflowNoHang: degree-2 features x_a·x_b of 6e300 overflow
// to +Inf; gonum's SVD (Dbdsqr) never returned on them. FitResidual must
// answer ErrOverflow, and promptly.
func TestFitResidualOverflowNoHang(t *testing.T) {
	x := [][]float64{{6e300, 1e300}, {74, 23.375}, {74, 23.375}, {74, 23.375}, {74, 23.375}}
	u := [][]float64{{-3.6e301, -6e300}, {-443, -139.25}, {-443, -139.25}, {-443, -139.25}, {-443, -139.25}}
	done := make(chan error, 1)
	go func() {
		_, err := drift.FitResidual(x, u, 2)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, drift.ErrOverflow) {
			t.Fatalf("FitResidual err = %v, want ErrOverflow", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("FitResidual did not return within 10 s")
	}
	// The same cloud at degree 1 has finite features: it is fitted.
	if _, err := drift.FitResidual(x, u, 1); err != nil {
		t.Fatalf("degree 1: %v", err)
	}
}

// TestPotentialOverflowIsAnError: ε = MaxFloat64 times log(K*β/K*μ) ≈ −1.1
// overflows; Potential returned −Inf with a nil error.
func TestPotentialOverflowIsAnError(t *testing.T) {
	m := math.MaxFloat64
	P, err := drift.Potential([][]float64{{-6}}, [][]float64{{m}, {m}, {-12}}, [][]float64{{-12}, {-12}, {-12}}, m)
	if !errors.Is(err, drift.ErrOverflow) {
		t.Fatalf("Potential = %v, err = %v, want ErrOverflow", P, err)
	}
	// A representable potential is still answered: ε = 1, β = μ gives 0.
	P, err = drift.Potential([][]float64{{-6}}, [][]float64{{1}}, [][]float64{{1}}, 1)
	if err != nil || P[0] != 0 {
		t.Fatalf("Potential(β = μ) = %v, %v, want [0]", P, err)
	}
}
