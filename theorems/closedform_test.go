package theorems

import (
	"math"
	"testing"
)

// TestSelfEntropicOT2 checks the closed form used as ground truth by
// entropic.divergence-properties against a direct minimisation of
// 2ct + ε·KL(π(t) | b⊗b) over t ∈ [0, min b] (golden-section search on the
// strictly convex objective), and against F4's worked example
// (docs/findings.md): S_ε(δ₀, ½δ₀ + ½δ₁) at ε = 1 is 0.3100572534791388.
func TestSelfEntropicOT2(t *testing.T) {
	obj := func(b []float64, c, eps, s float64) float64 {
		P := [][]float64{{b[0] - s, s}, {s, b[1] - s}}
		v := 2 * c * s
		for i := range P {
			for j := range P[i] {
				if P[i][j] > 0 {
					v += eps * P[i][j] * math.Log(P[i][j]/(b[i]*b[j]))
				}
			}
		}
		return v
	}
	for _, tc := range []struct{ b1, c, eps float64 }{
		{0.5, 1, 1}, {0.3, 2, 0.01}, {0.9, 0.5, 10}, {0.01, 3, 0.1}, {0.5, 0, 1}, {0.7, 50, 0.02},
	} {
		b := []float64{tc.b1, 1 - tc.b1}
		lo, hi := 0.0, math.Min(b[0], b[1])
		g := (math.Sqrt(5) - 1) / 2
		for range 200 {
			m1, m2 := hi-g*(hi-lo), lo+g*(hi-lo)
			if obj(b, tc.c, tc.eps, m1) < obj(b, tc.c, tc.eps, m2) {
				hi = m2
			} else {
				lo = m1
			}
		}
		want := obj(b, tc.c, tc.eps, (lo+hi)/2)
		got := selfEntropicOT2(b, tc.c, tc.eps)
		if math.Abs(got-want) > 1e-12*math.Max(1, tc.c) {
			t.Errorf("b = %v, c = %g, ε = %g: closed form %.17g, direct minimisation %.17g", b, tc.c, tc.eps, got, want)
		}
	}
	s := 0.5*0 + 0.5*1 - 0.5*selfEntropicOT2([]float64{0.5, 0.5}, 1, 1)
	if math.Abs(s-0.3100572534791388) > 1e-15 {
		t.Errorf("F4 example: S_ε = %.17g, want 0.3100572534791388", s)
	}
}
