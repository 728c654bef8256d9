package drift

import (
	"math"
	"testing"

	"github.com/otverify/otverify/numerics"
)

func TestFitResidualExactAndOrthogonal(t *testing.T) {
	x := [][]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, -1}, {-1, 3}, {0.5, 0.5}}
	// An affine u is fitted exactly with degree 1.
	u := make([][]float64, len(x))
	for i, p := range x {
		u[i] = []float64{1 + 2*p[0] - p[1], -3 + 0.5*p[1]}
	}
	U, err := FitResidual(x, u, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{1, -3}, {2, 0}, {-1, 0.5}}
	for k := range want {
		if numerics.MaxAbsDiff(U.C[k], want[k]) > 1e-13 {
			t.Fatalf("C = %v, want %v", U.C, want)
		}
	}
	// A quadratic u fitted with degree 1: residual ⟂ features.
	for i, p := range x {
		u[i] = []float64{p[0] * p[0], p[0] * p[1]}
	}
	for _, deg := range []int{1, 2} {
		U, err = FitResidual(x, u, deg)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < NumFeatures(2, deg); k++ {
			for a := 0; a < 2; a++ {
				s := 0.0
				for i, p := range x {
					up, err := U.Eval(p)
					if err != nil {
						t.Fatal(err)
					}
					s += Features(p, deg)[k] * (u[i][a] - up[a])
				}
				if math.Abs(s) > 1e-12 {
					t.Fatalf("degree %d: Σ ψ_%d R_%d = %g", deg, k, a, s)
				}
			}
		}
	}
}

func TestGeneratorUpdateIsPushforward(t *testing.T) {
	G, err := NewGenerator([][]float64{{1, 0.5}, {0, 2}}, []float64{3, 3})
	if err != nil {
		t.Fatal(err)
	}
	Z := [][]float64{{0, 0}, {1, -1}, {0.5, 2}, {-1, 0.3}, {2, 1}, {-0.5, -0.5}}
	Y := [][]float64{{0, 0}, {0.5, 0.2}, {-0.3, 0.4}, {0.1, -0.6}}
	x, _ := G.Eval(Z)
	G2, U, err := G.TrainStep(Z, Y, TrainOptions{Kernel: Gaussian, Eps: 0.5, Tau: 0.7, Degree: 2})
	if err != nil {
		t.Fatal(err)
	}
	x2, _ := G2.Eval(Z)
	for i := range x {
		u, err := U.Eval(x[i])
		if err != nil {
			t.Fatal(err)
		}
		for a := range x[i] {
			if want := x[i][a] + 0.7*u[a]; math.Abs(x2[i][a]-want) > 1e-14 {
				t.Fatalf("G⁺(z_%d) = %v, want %v", i, x2[i], want)
			}
		}
	}
	if len(G.Layers) != 0 || len(G2.Layers) != 1 {
		t.Fatal("Update must not modify the receiver")
	}
}

func TestDriftParticlesRawCollapses(t *testing.T) {
	// Data inside a ball of radius 0.5 < √ε = 1: K_ε*β is strictly
	// log-concave, mean shift contracts by ≤ R²/ε = 0.25 per step.
	data := [][]float64{{0.5, 0}, {-0.5, 0}, {0, 0.5}, {0, -0.3}}
	x := [][]float64{{3, 3}, {3.5, 2}, {2, 4}}
	raw, err := DriftParticles(x, data, DriftOptions{Kernel: Gaussian, Tau: 1, Step: 1, Steps: 40, Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := DriftParticles(x, data, DriftOptions{Kernel: Gaussian, Tau: 1, Step: 1, Steps: 40})
	if err != nil {
		t.Fatal(err)
	}
	if d := dist(raw[0], raw[1]) + dist(raw[1], raw[2]); d > 1e-12 {
		t.Fatalf("raw drift did not collapse: %v", raw)
	}
	if d := dist(sc[0], sc[1]); d < 0.1 {
		t.Fatalf("self-corrected drift collapsed: %v", sc)
	}
}
