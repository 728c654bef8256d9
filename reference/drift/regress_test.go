package drift_test

// Regression tests for the fuzz findings of docs/reliability.md, each named
// after its defect.

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/otverify/otverify/numerics"
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

// TestMalformedGeneratorOrResidualIsAnError: Residual.Eval panicked (index
// out of range) on a point of another dimension than its coefficients, and
// Generator.Eval/Update/Dim panicked on a Generator literal without A;
// malformed residuals and generators (built as literals rather than by
// FitResidual and NewGenerator) are now errors wrapping ErrInvalid.
func TestMalformedGeneratorOrResidualIsAnError(t *testing.T) {
	fit, err := drift.FitResidual([][]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1}}, [][]float64{{1, 0}, {0, 1}, {1, 1}, {0, 0}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	G, err := drift.NewGenerator([][]float64{{1, 0}, {0, 1}}, []float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	residuals := []struct {
		name string
		u    *drift.Residual
		x    []float64
	}{
		{"nil residual", nil, []float64{1, 2}},
		{"point of another dimension", fit, []float64{1, 2, 3}},
		{"empty point", fit, nil},
		{"non-finite point", fit, []float64{math.NaN(), 0}},
		{"degree 3", &drift.Residual{Degree: 3, C: fit.C}, []float64{1, 2}},
		{"too few rows", &drift.Residual{Degree: 1, C: fit.C[:2]}, []float64{1, 2}},
		{"ragged row", &drift.Residual{Degree: 1, C: [][]float64{{1, 2}, {3}, {4, 5}}}, []float64{1, 2}},
		{"non-finite coefficient", &drift.Residual{Degree: 1, C: [][]float64{{1, 2}, {math.Inf(1), 0}, {4, 5}}}, []float64{1, 2}},
	}
	for _, c := range residuals {
		if v, err := c.u.Eval(c.x); !errors.Is(err, numerics.ErrInvalid) {
			t.Errorf("Residual.Eval, %s: %v, %v; want ErrInvalid", c.name, v, err)
		}
		if _, err := G.Update(c.u, 0.5); c.name != "point of another dimension" && c.name != "empty point" && c.name != "non-finite point" && !errors.Is(err, numerics.ErrInvalid) {
			t.Errorf("Generator.Update, %s: %v; want ErrInvalid", c.name, err)
		}
	}
	if v, err := (&drift.Residual{Degree: 1, C: [][]float64{{0, 0}, {1e308, 0}, {1e308, 0}}}).Eval([]float64{10, 10}); !errors.Is(err, drift.ErrOverflow) {
		t.Errorf("Residual.Eval past MaxFloat64: %v, %v; want ErrOverflow", v, err)
	}
	Z := [][]float64{{0, 1}}
	generators := []struct {
		name string
		g    *drift.Generator
	}{
		{"nil", nil},
		{"zero literal", &drift.Generator{}},
		{"ragged A", &drift.Generator{A: [][]float64{{1, 0}, {1}}, B: []float64{0, 0}}},
		{"short B", &drift.Generator{A: G.A, B: []float64{0}}},
		{"NaN in A", &drift.Generator{A: [][]float64{{math.NaN(), 0}, {0, 1}}, B: []float64{0, 0}}},
		{"nil layer residual", &drift.Generator{A: G.A, B: G.B, Layers: []drift.Layer{{Tau: 1}}}},
		{"infinite layer tau", &drift.Generator{A: G.A, B: G.B, Layers: []drift.Layer{{Tau: math.Inf(1), U: fit}}}},
		{"layer of another dimension", &drift.Generator{A: G.A, B: G.B, Layers: []drift.Layer{{Tau: 1, U: &drift.Residual{Degree: 1, C: [][]float64{{1}, {2}}}}}}},
	}
	for _, c := range generators {
		if x, err := c.g.Eval(Z); !errors.Is(err, numerics.ErrInvalid) {
			t.Errorf("Generator.Eval, %s: %v, %v; want ErrInvalid", c.name, x, err)
		}
		if _, err := c.g.Update(fit, 0.5); !errors.Is(err, numerics.ErrInvalid) {
			t.Errorf("Generator.Update, %s: %v; want ErrInvalid", c.name, err)
		}
		if _, _, err := c.g.TrainStep(Z, Z, drift.TrainOptions{Kernel: drift.Gaussian, Eps: 1, Tau: 0.1, Degree: 1}); !errors.Is(err, numerics.ErrInvalid) {
			t.Errorf("Generator.TrainStep, %s: %v; want ErrInvalid", c.name, err)
		}
	}
	if d, dz := (&drift.Generator{}).Dim(); d != 0 || dz != 0 {
		t.Errorf("Dim of an empty generator = %d, %d; want 0, 0", d, dz)
	}
}
