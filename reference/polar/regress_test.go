package polar_test

// Regression tests for the fuzz findings of docs/reliability.md, each named
// after its defect.

import (
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
			f.At(tc.x, v)
			f.At(tc.xmod, w)
			J, K := make([]float64, 4), make([]float64, 4)
			f.Jacobian(tc.x, J)
			f.Jacobian(tc.xmod, K)
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
			if a, b := f.Divergence(tc.x), f.Divergence(tc.xmod); a != b {
				t.Fatalf("gradient=%v %s: ∇·v = %v ≠ %v", grad, tc.name, a, b)
			}
		}
	}
}
