package polar

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/otverify/otverify/numerics"
	"github.com/otverify/otverify/reference/gaussian"
	"gonum.org/v1/gonum/mat"
)

func TestCubeMaps(t *testing.T) {
	u := []float64{0.1, 0.7, 0.95}
	tests := []struct {
		name string
		phi  CubeMap
		want []float64
	}{
		{"permutation", Permutation{Perm: []int{2, 0, 1}}, []float64{0.95, 0.1, 0.7}},
		{"reflection", Reflection{Axes: []bool{true, false, true}}, []float64{0.9, 0.7, 0.05}},
		{"shift", Shift{S: []float64{0.5, 0.5, 0.25}}, []float64{0.6, 0.2, 0.2}},
		{"shear", Shear{D: 3, I: 0, J: 1, C: 2}, []float64{0.5, 0.7, 0.95}},
		{"compose", Compose{Maps: []CubeMap{Reflection{Axes: []bool{true, false, false}}, Shift{S: []float64{0.2, 0, 0}}}}, []float64{0.1, 0.7, 0.95}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := ValidateCubeMap(tc.phi, 3); err != nil {
				t.Fatal(err)
			}
			got := tc.phi.Apply(u)
			for i := range got {
				if math.Abs(got[i]-tc.want[i]) > 1e-15 {
					t.Fatalf("Apply = %v, want %v", got, tc.want)
				}
			}
		})
	}
	for _, bad := range []CubeMap{Permutation{Perm: []int{0, 0, 1}}, Shear{D: 3, I: 1, J: 1}, Shift{S: []float64{0, 0}}} {
		if err := ValidateCubeMap(bad, 3); !errors.Is(err, numerics.ErrInvalid) {
			t.Errorf("%#v: err = %v", bad, err)
		}
	}
}

func TestRearrangePreservesGaussian(t *testing.T) {
	phi := Compose{Maps: []CubeMap{Shear{D: 2, I: 0, J: 1, C: 1.7}, Shift{S: []float64{0.3, 0.6}}, Permutation{Perm: []int{1, 0}}}}
	M, err := Rearranger(phi, 2)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	Z, _ := numerics.NormalRows(rng, 2000, 2)
	var a, b, c []float64
	for _, z := range Z {
		w, err := M(z)
		if err != nil {
			t.Fatal(err)
		}
		a = append(a, w[0])
		b = append(b, w[1])
		c = append(c, (w[0]+w[1])/math.Sqrt2)
	}
	for i, s := range [][]float64{a, b, c} {
		r, err := numerics.KSOneSample(s, gaussian.NormalCDF)
		if err != nil || r.PValue < 1e-6 {
			t.Errorf("projection %d: KS p-value %g (%v)", i, r.PValue, err)
		}
	}
	// A map that does not preserve volume (u ↦ u²) is rejected.
	var bad []float64
	for _, z := range Z {
		u := gaussian.NormalCDF(z[0])
		bad = append(bad, gaussian.NormalQuantile(u*u))
	}
	if r, _ := numerics.KSOneSample(bad, gaussian.NormalCDF); r.PValue > 1e-6 {
		t.Errorf("u ↦ u² accepted (p = %g)", r.PValue)
	}
	// A reflection is exactly z ↦ −z.
	w, _ := Rearrange(Reflection{Axes: []bool{true}}, []float64{1.25})
	if math.Abs(w[0]+1.25) > 1e-14 {
		t.Errorf("reflection: %v", w)
	}
}

func TestFlowMapLiouville(t *testing.T) {
	div := TorusField{D: 2, Modes: []Mode{{I: 0, J: 1, K: []int{1, 2}, Amp: 0.15, Phase: 0.3}, {I: 1, J: 0, K: []int{-1, 1}, Amp: 0.1}}}
	comp := TorusField{D: 2, Modes: []Mode{{K: []int{1, 0}, Amp: 0.1, Gradient: true}}}
	opt := numerics.Options{RelTol: 1e-12, AbsTol: 1e-12}
	for _, tc := range []struct {
		name string
		f    TorusField
	}{{"divergence-free", div}, {"compressible", comp}} {
		r, err := FlowMap(tc.f, []float64{0.2, 0.4}, 1, opt)
		if err != nil {
			t.Fatal(err)
		}
		det := mat.Det(r.J)
		if math.Abs(det-math.Exp(r.LogDetIntegral)) > 1e-9 {
			t.Errorf("%s: det J = %.12g, exp(∫div) = %.12g", tc.name, det, math.Exp(r.LogDetIntegral))
		}
		if tc.f.DivergenceFree() && math.Abs(det-1) > 1e-9 {
			t.Errorf("%s: det J = %.12g, want 1", tc.name, det)
		}
		if !tc.f.DivergenceFree() && math.Abs(det-1) < 1e-3 {
			t.Errorf("%s: det J = %.12g, want ≠ 1", tc.name, det)
		}
	}
	if _, err := FlowMap(TorusField{D: 2, Modes: []Mode{{I: 0, J: 0, K: []int{1, 1}}}}, []float64{0, 0}, 1, opt); !errors.Is(err, numerics.ErrInvalid) {
		t.Errorf("degenerate plane: err = %v", err)
	}
}
