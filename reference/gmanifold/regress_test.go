package gmanifold_test

// Regression tests for the fuzz findings of docs/reliability.md, each named
// after its defect.

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/otverify/otverify/numerics"
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

// TestMalformedFieldOrMatrixIsAnError: an AffineField literal with NaN
// entries in B, M or x returned a NaN velocity with a nil error, one whose
// value overflows returned ±Inf, and an empty one (A = &mat.Dense{}, d = 0)
// an empty velocity; a nil *mat.BandDense or a mat.Transpose of a nil
// matrix passed as A to MomentVelocity, AffineFlowMap or
// AffineFlowMoments panicked in Dims; a VelocityFunc answering (nil, nil)
// made IntegrateCovariance dereference nil. Now these are errors wrapping
// numerics.ErrInvalid (ErrOverflow for the overflowing velocity).
func TestMalformedFieldOrMatrixIsAnError(t *testing.T) {
	nan := math.NaN()
	one := mat.NewDense(1, 1, []float64{1})
	S := mat.NewSymDense(1, []float64{1})
	nilBand := (*mat.BandDense)(nil)
	nilT := mat.Transpose{Matrix: (*mat.Dense)(nil)}
	type call struct {
		name string
		f    func() error
	}
	cases := []call{
		{"At of the zero field", func() error { _, err := gmanifold.AffineField{}.At(nil); return err }},
		{"At with A = &mat.Dense{}", func() error { _, err := gmanifold.AffineField{A: &mat.Dense{}}.At(nil); return err }},
		{"At with NaN B", func() error {
			_, err := gmanifold.AffineField{B: []float64{nan}, A: one, M: []float64{0}}.At([]float64{1})
			return err
		}},
		{"At with NaN M", func() error {
			_, err := gmanifold.AffineField{B: []float64{0}, A: one, M: []float64{nan}}.At([]float64{1})
			return err
		}},
		{"At at NaN x", func() error {
			_, err := gmanifold.AffineField{B: []float64{0}, A: one, M: []float64{0}}.At([]float64{nan})
			return err
		}},
		{"At with NaN A", func() error {
			_, err := gmanifold.AffineField{B: []float64{0}, A: mat.NewDense(1, 1, []float64{nan}), M: []float64{0}}.At([]float64{1})
			return err
		}},
		{"At with A = nil", func() error {
			_, err := gmanifold.AffineField{B: []float64{0}, A: nil, M: []float64{0}}.At([]float64{1})
			return err
		}},
		{"IntegrateCovariance with a nil velocity", func() error {
			_, err := gmanifold.IntegrateCovariance(func(*mat.SymDense) (*mat.SymDense, error) { return nil, nil }, S, 1, numerics.Options{})
			return err
		}},
	}
	for _, m := range []struct {
		name string
		A    mat.Matrix
	}{{"nil *BandDense", nilBand}, {"Transpose(nil)", nilT}} {
		A := m.A
		cases = append(cases,
			call{"MomentVelocity " + m.name, func() error { _, _, err := gmanifold.MomentVelocity(A, []float64{0}, S); return err }},
			call{"AffineFlowMap " + m.name, func() error { _, _, err := gmanifold.AffineFlowMap(A, []float64{0}, []float64{0}, 1); return err }},
			call{"AffineFlowMoments " + m.name, func() error {
				_, _, err := gmanifold.AffineFlowMoments(A, []float64{0}, []float64{0}, S, 1)
				return err
			}})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.f(); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	huge := gmanifold.AffineField{B: []float64{0}, A: mat.NewDense(1, 1, []float64{math.MaxFloat64}), M: []float64{0}}
	if v, err := huge.At([]float64{10}); !errors.Is(err, gmanifold.ErrOverflow) {
		t.Errorf("At of an overflowing field = %v, %v; want ErrOverflow", v, err)
	}
	if v, err := (gmanifold.AffineField{B: []float64{1}, A: one, M: []float64{2}}).At([]float64{5}); err != nil || v[0] != 4 {
		t.Errorf("At of a well-formed field = %v, %v; want [4]", v, err)
	}
}

// TestLyapunovEigenvalueSumOverflow (FuzzGaussianManifold soak, seed
// lyapunov-eigenvalue-sum-overflow): Σ = [1.7e308], S = [−12]; λ + λ
// overflowed to +Inf and Lyapunov returned A = 0 (residual 12) instead of
// A = S/(2Σ) ≈ −3.5e−308, a normal float.
func TestLyapunovEigenvalueSumOverflow(t *testing.T) {
	big := 1.707643491954817e+308
	A, err := gmanifold.Lyapunov(mat.NewSymDense(1, []float64{big}), mat.NewSymDense(1, []float64{-12}))
	if err != nil {
		t.Fatal(err)
	}
	want := (-12.0 / 2) / big
	if got := A.At(0, 0); math.Abs(got-want) > 4*0x1p-52*math.Abs(want) {
		t.Fatalf("Lyapunov([%g], [−12]) = %g, want %g", big, got, want)
	}
	// A 2×2 case with both eigenvalues near MaxFloat64 and an off-diagonal S.
	S := mat.NewSymDense(2, []float64{1, 3, 3, -2})
	Sig := mat.NewSymDense(2, []float64{big, 0, 0, big / 2})
	A, err = gmanifold.Lyapunov(Sig, S)
	if err != nil {
		t.Fatal(err)
	}
	// 2·big and big + big/2 overflow: the wanted values halve first.
	for i, w := range []float64{0.5 / big, 1.5 / (big/2 + big/4), -2 / big} {
		r, c := [3]int{0, 0, 1}[i], [3]int{0, 1, 1}[i]
		if got := A.At(r, c); math.Abs(got-w) > 8*0x1p-52*math.Abs(w) {
			t.Fatalf("Lyapunov A[%d][%d] = %g, want %g", r, c, got, w)
		}
	}
}
