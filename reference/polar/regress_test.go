package polar_test

// Regression tests for the fuzz findings of docs/reliability.md, each named
// after its defect.

import (
	"errors"
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/polar"
)

// TestTorusFieldHugeXReducedModOne: the phase 2π⟨K, x⟩ was formed without
// reducing x modulo 1, so it lost every digit beyond |x| ≈ 1e15 and was NaN
// (cos(±Inf)) at x = −MaxFloat64. The field is 1-periodic and x − round(x) is
// exact: v(x) must equal v(x mod 1) exactly.
func TestTorusFieldHugeXReducedModOne(t *testing.T) {
	for _, grad := range []bool{false, true} {
		f := polar.TorusField{D: 2, Modes: []polar.Mode{
			{I: 0, J: 1, K: []int{1, -2}, Amp: 0.75, Phase: 0.3, Gradient: grad},
			{I: 1, J: 0, K: []int{3, 1}, Amp: -1.25, Phase: -1, Gradient: grad},
		}}
		for _, tc := range []struct {
			name    string
			x, xmod []float64
		}{
			{"max-float", []float64{-math.MaxFloat64, math.MaxFloat64}, []float64{0, 0}},
			{"1e15-plus-quarter", []float64{1e15 + 0.25, -1e15 - 0.375}, []float64{0.25, -0.375}},
			{"2^51-plus-half", []float64{0x1p51 + 0.5, 3}, []float64{0.5, 0}}, // both reduce to −½ (math.Round: half away from 0)
		} {
			v, w := make([]float64, 2), make([]float64, 2)
			J, K := make([]float64, 4), make([]float64, 4)
			for _, err := range []error{f.At(tc.x, v), f.At(tc.xmod, w), f.Jacobian(tc.x, J), f.Jacobian(tc.xmod, K)} {
				if err != nil {
					t.Fatalf("gradient=%v %s: %v", grad, tc.name, err)
				}
			}
			if !numerics.AllFinite(v) || !numerics.AllFinite(J) {
				t.Fatalf("gradient=%v %s: v = %v, J = %v", grad, tc.name, v, J)
			}
			for i := range v {
				if v[i] != w[i] {
					t.Fatalf("gradient=%v %s: v(x) = %v ≠ v(x mod 1) = %v", grad, tc.name, v, w)
				}
			}
			for i := range J {
				if J[i] != K[i] {
					t.Fatalf("gradient=%v %s: Dv(x) = %v ≠ Dv(x mod 1) = %v", grad, tc.name, J, K)
				}
			}
			a, errA := f.Divergence(tc.x)
			b, errB := f.Divergence(tc.xmod)
			if errA != nil || errB != nil || a != b {
				t.Fatalf("gradient=%v %s: ∇·v = %v ≠ %v (%v, %v)", grad, tc.name, a, b, errA, errB)
			}
		}
	}
}

// TestMalformedCubeMapOrFieldIsAnError: ValidateCubeMap and Rearrange
// panicked on a Compose whose first map is nil and on nil pointers
// (*Permutation, *Compose), because Dim was called before the type was
// known; the Apply methods of malformed maps (a Permutation entry out of
// range, a Shift or Reflection of another length than u, a Shear index out
// of range, a Compose holding nil) indexed out of range. TorusField.At,
// Jacobian and Divergence had no error return: a short wave vector, a mode
// plane out of range or a short output panicked, and a NaN x or an
// overflowing amplitude gave NaN or ±Inf silently; a dimension whose d²
// overflows passed Validate. Now ValidateCubeMap, Rearrange, At, Jacobian
// and Divergence return errors wrapping numerics.ErrInvalid and Apply
// returns nil.
func TestMalformedCubeMapOrFieldIsAnError(t *testing.T) {
	maps := []struct {
		name string
		m    polar.CubeMap
	}{
		{"Permutation out of range", polar.Permutation{Perm: []int{0, 7}}},
		{"Reflection of dimension 3", polar.Reflection{Axes: []bool{true, true, true}}},
		{"Shift of dimension 1", polar.Shift{S: []float64{0.1}}},
		{"Shear index out of range", polar.Shear{D: 2, I: 5, J: 0, C: 1}},
		{"Compose starting with nil", polar.Compose{Maps: []polar.CubeMap{nil}}},
		{"Compose with nil second", polar.Compose{Maps: []polar.CubeMap{polar.Shift{S: []float64{0, 0}}, nil}}},
		{"nil *Permutation", (*polar.Permutation)(nil)},
		{"nil *Compose", (*polar.Compose)(nil)},
	}
	for _, mc := range maps {
		t.Run("Rearrange "+mc.name, func(t *testing.T) {
			if err := polar.ValidateCubeMap(mc.m, 2); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("ValidateCubeMap: err = %v, want ErrInvalid", err)
			}
			if _, err := polar.Rearrange(mc.m, []float64{0, 1}); !errors.Is(err, numerics.ErrInvalid) {
				t.Fatalf("Rearrange: err = %v, want ErrInvalid", err)
			}
			if mc.name == "nil *Permutation" || mc.name == "nil *Compose" {
				return // methods of a nil pointer to a value type cannot be called
			}
			if v := mc.m.Apply([]float64{0.3, 0.6}); v != nil {
				t.Fatalf("Apply = %v, want nil", v)
			}
		})
	}
	nan := math.NaN()
	ok := polar.TorusField{D: 2, Modes: []polar.Mode{{I: 0, J: 1, K: []int{1, 1}, Amp: 1}}}
	fields := []struct {
		name string
		f    polar.TorusField
		x    []float64
		nv   int
	}{
		{"short wave vector", polar.TorusField{D: 2, Modes: []polar.Mode{{I: 0, J: 1, K: []int{1}, Amp: 1}}}, []float64{0.1, 0.2}, 2},
		{"mode plane out of range", polar.TorusField{D: 2, Modes: []polar.Mode{{I: 0, J: 9, K: []int{1, 1}, Amp: 1}}}, []float64{0.1, 0.2}, 2},
		{"d² overflows", polar.TorusField{D: 1 << 32}, []float64{0.1, 0.2}, 2},
		{"zero field", polar.TorusField{}, []float64{0.1, 0.2}, 2},
		{"overflowing amplitude", polar.TorusField{D: 2, Modes: []polar.Mode{{I: 0, J: 1, K: []int{3, 3}, Amp: math.MaxFloat64}}}, []float64{0.1, 0.2}, 2},
		{"short x", ok, []float64{0.1}, 2},
		{"NaN x", ok, []float64{nan, 0}, 2},
		{"short output", ok, []float64{0.1, 0.2}, 1},
	}
	for _, fc := range fields {
		t.Run("TorusField "+fc.name, func(t *testing.T) {
			v := make([]float64, fc.nv)
			J := make([]float64, fc.nv*fc.nv)
			if err := fc.f.At(fc.x, v); !errors.Is(err, numerics.ErrInvalid) {
				t.Errorf("At: err = %v, want ErrInvalid", err)
			}
			if err := fc.f.Jacobian(fc.x, J); !errors.Is(err, numerics.ErrInvalid) {
				t.Errorf("Jacobian: err = %v, want ErrInvalid", err)
			}
			if fc.nv != fc.f.D {
				return // Divergence has no output argument
			}
			if _, err := fc.f.Divergence(fc.x); !errors.Is(err, numerics.ErrInvalid) {
				t.Errorf("Divergence: err = %v, want ErrInvalid", err)
			}
		})
	}
	if div, err := ok.Divergence([]float64{0.1, 0.2}); err != nil || math.Abs(div) > 1e-12 {
		t.Errorf("Divergence of a rotational mode = %v, %v; want 0", div, err)
	}
}
